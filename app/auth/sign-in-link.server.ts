import type { Database } from "../../db/client";
import { findAccountByEmail, getAccount, markEmailVerified } from "./accounts.server";
import { afterAnswer, sendSignInLinkEmail } from "./account-email.server";
import { checkLink, spendLink, type LinkCheck } from "./email-links.server";
import type { SessionUser } from "./lucia.server";
import { hitSignInLimits } from "./sign-in.server";

/**
 * Signing in by a link sent by email, for commenters who would rather not
 * keep a password (as Ghost's members do; README: Accounts). Asking sends a
 * single-use, short-lived link to the address if it has an account; the
 * answer is the same either way, and an unknown address gets no email and
 * no account (docs/decisions/0050-email-links.md says why).
 */

/**
 * The outcome of asking for a sign-in link: `requested` (whether or not the
 * address has an account; `sending` settles once the email, if any, is
 * queued), or `rate-limited` with the seconds to wait.
 */
export type SignInLinkRequestOutcome =
  | { kind: "requested"; sending: Promise<void> }
  | { kind: "rate-limited"; retryAfterSeconds: number };

/**
 * Asks for a sign-in link for `email` (lower-cased by the form's schema),
 * counted like sign-in attempts (30 per client address, 10 per email
 * address, per 15 minutes). The lookup and the email happen after the
 * answer, so it is the same in content and timing for any address.
 * @param input.redirectTo where the link leads after signing in (a path on this site; checked again on use).
 */
export async function requestSignInLink(
  db: Database,
  input: { email: string; clientAddress: string; redirectTo: string },
): Promise<SignInLinkRequestOutcome> {
  const limited = await hitSignInLimits(db, "signin-link", input.clientAddress, input.email);
  if (limited) return { kind: "rate-limited", retryAfterSeconds: limited };
  const sending = afterAnswer("Sign-in link email", async () => {
    const account = await findAccountByEmail(db, input.email);
    if (!account) return;
    await db.transaction((tx) =>
      sendSignInLinkEmail(
        tx,
        { userId: account.id, email: account.email, displayName: account.displayName },
        input.redirectTo,
      ),
    );
  });
  return { kind: "requested", sending };
}

/** Whether a sign-in link works now, without spending it (the page with the sign-in button). */
export async function checkSignInLink(db: Database, token: string): Promise<LinkCheck> {
  return checkLink(db, "sign-in", token);
}

/** The outcome of using a sign-in link: the account to start a session for, or why the link does not work. */
export type SignInWithLinkOutcome = { kind: "signed-in"; user: SessionUser } | Exclude<LinkCheck, { kind: "works" }>;

/**
 * Spends a sign-in link (at `now`, UTC) and returns its account, whose
 * address now counts as verified (the link reached it). The caller starts
 * the session.
 */
export async function signInWithLink(
  db: Database,
  token: string,
  now: Date = new Date(),
): Promise<SignInWithLinkOutcome> {
  const spent = await db.transaction(async (tx) => {
    const result = await spendLink(tx, "sign-in", token, now);
    if (result.kind === "works") await markEmailVerified(tx, result.holder.userId, result.holder.email, now);
    return result;
  });
  if (spent.kind !== "works") return spent;
  const user = await getAccount(db, spent.holder.userId);
  return user ? { kind: "signed-in", user } : { kind: "invalid" };
}
