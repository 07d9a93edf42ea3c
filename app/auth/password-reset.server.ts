import type { Database } from "../../db/client";
import { findAccountByEmail, setPasswordFromReset, type FieldErrors } from "./accounts.server";
import { afterAnswer, sendPasswordResetEmail } from "./account-email.server";
import { checkLink, retireLinks, spendLink, type LinkCheck } from "./email-links.server";
import { luciaFor } from "./lucia.server";
import { hashPassword } from "./password.server";
import { passwordProblem } from "./password-rules";
import { hitSignInLimits } from "./sign-in.server";

/**
 * Password reset by email (README: Accounts; OWASP Forgot Password Cheat
 * Sheet): asking sends a single-use link to the address if it has an
 * account, and the answer is the same either way; following the link lets
 * the holder choose a new password under the usual rules, after which every
 * session of the account ends.
 */

/** A link that does not work, and why (see `LinkCheck`). */
export type LinkProblem = Exclude<LinkCheck, { kind: "works" }>;

/**
 * The outcome of asking for a reset: `requested` (whether or not the address
 * has an account; `sending` settles once the email, if any, is queued), or
 * `rate-limited` with the seconds to wait.
 */
export type ResetRequestOutcome =
  | { kind: "requested"; sending: Promise<void> }
  | { kind: "rate-limited"; retryAfterSeconds: number };

/**
 * Asks for a password-reset link for `email` (lower-cased by the form's
 * schema), counted like sign-in attempts (30 per client address, 10 per
 * email address, per 15 minutes). The lookup and the email happen after the
 * answer (`afterAnswer`), so the answer's content and timing are the same
 * whether or not the address has an account. An unknown address gets no email.
 */
export async function requestPasswordReset(
  db: Database,
  input: { email: string; clientAddress: string },
): Promise<ResetRequestOutcome> {
  const limited = await hitSignInLimits(db, "password-reset", input.clientAddress, input.email);
  if (limited) return { kind: "rate-limited", retryAfterSeconds: limited };
  const sending = afterAnswer("Password reset email", async () => {
    const account = await findAccountByEmail(db, input.email);
    if (!account) return;
    await db.transaction((tx) =>
      sendPasswordResetEmail(tx, { userId: account.id, email: account.email, displayName: account.displayName }),
    );
  });
  return { kind: "requested", sending };
}

/** Whether a reset link works now, without spending it (the page that shows the new-password form). */
export async function checkResetLink(db: Database, token: string): Promise<LinkCheck> {
  return checkLink(db, "password-reset", token);
}

/** The outcome of choosing a new password through a reset link. */
export type ResetOutcome =
  | { kind: "reset"; userId: string }
  | { kind: "refused"; fieldErrors: FieldErrors }
  | LinkProblem;

/**
 * Sets a new password through the reset link `token`: refused (the link
 * still works, to try again) when the password breaks the rules
 * (./password-rules.ts); otherwise the link is spent, the other reset links
 * of the account stop working, the address counts as verified, and every
 * session of the account ends. The caller starts a new session for this
 * browser. A link that does not work changes nothing.
 */
export async function resetPassword(
  db: Database,
  input: { token: string; password: string },
  now: Date = new Date(),
): Promise<ResetOutcome> {
  const check = await checkLink(db, "password-reset", input.token, now);
  if (check.kind !== "works") return check;
  const holder = check.holder;
  const problem = passwordProblem(input.password, holder);
  if (problem) return { kind: "refused", fieldErrors: { password: [problem] } };
  // Hashed before the transaction: scrypt takes a while and holds no rows.
  const passwordHash = await hashPassword(input.password);
  const outcome = await db.transaction(async (tx): Promise<ResetOutcome> => {
    const spent = await spendLink(tx, "password-reset", input.token, now);
    if (spent.kind !== "works") return spent;
    await setPasswordFromReset(tx, { id: holder.userId, email: holder.email }, passwordHash, now);
    await retireLinks(tx, holder.userId, "password-reset", now);
    return { kind: "reset", userId: holder.userId };
  });
  if (outcome.kind === "reset") await luciaFor(db).invalidateUserSessions(holder.userId);
  return outcome;
}
