import type { Database } from "../../db/client";
import { getAccount, markEmailVerified } from "./accounts.server";
import { sendVerificationEmail } from "./account-email.server";
import { checkLink, spendLink, type LinkCheck } from "./email-links.server";
import { hitRateLimit } from "./rate-limit.server";

/**
 * Email verification (README: Accounts): a member who signs up (or changes
 * their address) is sent a single-use link; until they follow it their
 * comments follow the guest rules (app/moderation/rules.ts). Accounts made
 * before verification existed, and by `npm run user:create`, count as
 * verified.
 */

/** Verification emails one account may ask for again per hour. */
const RESENDS_PER_HOUR = 5;

/** Whether a verification link works now, without spending it (the page with the confirm button). */
export async function checkVerificationLink(db: Database, token: string): Promise<LinkCheck> {
  return checkLink(db, "email-verification", token);
}

/** The outcome of following a verification link: verified, or why the link does not work. */
export type VerifyOutcome = { kind: "verified"; userId: string } | Exclude<LinkCheck, { kind: "works" }>;

/**
 * Confirms the address a verification link was sent to, spending the link
 * (at `now`, UTC). A link sent to an address the account no longer has is
 * `invalid`.
 */
export async function verifyEmail(db: Database, token: string, now: Date = new Date()): Promise<VerifyOutcome> {
  return db.transaction(async (tx): Promise<VerifyOutcome> => {
    const spent = await spendLink(tx, "email-verification", token, now);
    if (spent.kind !== "works") return spent;
    await markEmailVerified(tx, spent.holder.userId, spent.holder.email, now);
    return { kind: "verified", userId: spent.holder.userId };
  });
}

/** The outcome of asking for the verification email again. */
export type ResendOutcome =
  | { kind: "sent" }
  | { kind: "already-verified" }
  | { kind: "rate-limited"; retryAfterSeconds: number };

/**
 * Queues a new verification email for account `userId` (the signed-in
 * member asks from the account page), at most 5 per hour per account.
 * Earlier links keep working until they expire. Throws only for database
 * failures; an account that no longer exists counts as `already-verified`.
 */
export async function resendVerification(db: Database, userId: string): Promise<ResendOutcome> {
  const account = await getAccount(db, userId);
  if (!account || account.emailVerified) return { kind: "already-verified" };
  const limit = await hitRateLimit(db, `verify-resend:account:${userId}`, RESENDS_PER_HOUR, 3600);
  if (!limit.allowed) return { kind: "rate-limited", retryAfterSeconds: limit.retryAfterSeconds };
  await db.transaction((tx) =>
    sendVerificationEmail(tx, { userId: account.id, email: account.email, displayName: account.displayName }),
  );
  return { kind: "sent" };
}
