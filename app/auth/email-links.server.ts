import { randomBytes } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { accountTokens, users } from "../../db/schema";
import { digest, sign, unsign } from "./signing.server";

/**
 * Single-use links sent by email (docs/decisions/0050-email-links.md): a
 * password reset, an email verification, a sign-in link. The link carries
 * `<random>.<signature>`: 256 random bits (node:crypto) signed with the
 * site's key (./signing.server.ts, HMAC-SHA256), so a made-up or altered
 * link is refused before the database is asked. The database keeps only the
 * SHA-256 of the random part, with the account, the address it went to, an
 * expiry and the time it was used: someone who reads the database cannot
 * use a link, and a link works once, before it expires, for the account
 * whose address it was sent to while that is still the account's address.
 */

export type LinkPurpose = (typeof accountTokens.$inferSelect)["purpose"];

/** How long each kind of link works, in minutes; `EMAIL_LINK_MINUTES` sets the two short ones (README). */
export const VERIFICATION_LINK_MINUTES = 7 * 24 * 60;

/** The account a working link belongs to. */
export interface LinkHolder {
  userId: string;
  email: string;
  displayName: string;
}

/**
 * What a link is worth: it `works` (for that account); or it is `invalid`
 * (forged, altered, unknown, for another purpose, or for an address the
 * account no longer has), `expired` or `used`.
 */
export type LinkCheck =
  | { kind: "works"; holder: LinkHolder }
  | { kind: "invalid" }
  | { kind: "expired" }
  | { kind: "used" };

/**
 * Makes a link for `userId` sent to `email`, working for `minutes` from
 * `now` (UTC). Pass the caller's transaction to make it with the email that
 * carries it. Returns the token to put in the link (URL-safe: base64url and
 * one "."). Throws only for database failures.
 */
export async function issueLink(
  db: Executor,
  input: { purpose: LinkPurpose; userId: string; email: string; minutes: number; now?: Date },
): Promise<string> {
  const now = input.now ?? new Date();
  const secret = randomBytes(32).toString("base64url");
  await db.insert(accountTokens).values({
    tokenHash: digest(secret),
    purpose: input.purpose,
    userId: input.userId,
    email: input.email,
    createdAt: now,
    expiresAt: new Date(now.getTime() + input.minutes * 60_000),
  });
  return sign(secret);
}

/** The stored row of a link's token, or null when the token is forged or unknown. */
async function findLink(db: Executor, purpose: LinkPurpose, token: string) {
  const secret = unsign(token);
  if (!secret) return null;
  const [row] = await db
    .select({
      tokenHash: accountTokens.tokenHash,
      purpose: accountTokens.purpose,
      userId: accountTokens.userId,
      linkEmail: accountTokens.email,
      expiresAt: accountTokens.expiresAt,
      usedAt: accountTokens.usedAt,
      email: users.email,
      displayName: users.displayName,
    })
    .from(accountTokens)
    .innerJoin(users, eq(users.id, accountTokens.userId))
    .where(eq(accountTokens.tokenHash, digest(secret)));
  return row && row.purpose === purpose ? row : null;
}

/**
 * What the link `token` for `purpose` is worth at `now`, without spending it
 * (a page shows its form; mail scanners that open links spend nothing).
 * Never throws for any string.
 */
export async function checkLink(
  db: Executor,
  purpose: LinkPurpose,
  token: string,
  now = new Date(),
): Promise<LinkCheck> {
  const row = await findLink(db, purpose, token);
  if (!row || row.linkEmail !== row.email) return { kind: "invalid" };
  if (row.usedAt) return { kind: "used" };
  if (row.expiresAt.getTime() <= now.getTime()) return { kind: "expired" };
  return { kind: "works", holder: { userId: row.userId, email: row.email, displayName: row.displayName } };
}

/**
 * Spends the link `token` for `purpose` at `now`: exactly one caller gets
 * `works` for a working link (the row is marked used in one conditional
 * UPDATE, so two tabs or a double click cannot both use it); anyone else
 * gets why not, as `checkLink` says. Pass the caller's transaction to spend
 * it together with what it does.
 */
export async function spendLink(
  db: Executor,
  purpose: LinkPurpose,
  token: string,
  now = new Date(),
): Promise<LinkCheck> {
  const check = await checkLink(db, purpose, token, now);
  if (check.kind !== "works") return check;
  const spent = await db
    .update(accountTokens)
    .set({ usedAt: now })
    .where(and(eq(accountTokens.tokenHash, digest(unsign(token)!)), isNull(accountTokens.usedAt)))
    .returning({ tokenHash: accountTokens.tokenHash });
  return spent.length === 1 ? check : { kind: "used" };
}

/**
 * Retires every unused link of `purpose` for an account at `now` (after a
 * password reset, the other reset links it was sent stop working).
 */
export async function retireLinks(db: Executor, userId: string, purpose: LinkPurpose, now = new Date()): Promise<void> {
  await db
    .update(accountTokens)
    .set({ usedAt: now })
    .where(and(eq(accountTokens.userId, userId), eq(accountTokens.purpose, purpose), isNull(accountTokens.usedAt)));
}
