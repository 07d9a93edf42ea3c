import type { Database } from "../../db/client";
import { createAccount, type FieldErrors } from "./accounts.server";
import { sendVerificationEmail } from "./account-email.server";
import type { SessionUser } from "./lucia.server";
import { hitRateLimit } from "./rate-limit.server";

/** New accounts allowed per hour from one client address. */
const PER_ADDRESS = 10;
const WINDOW_SECONDS = 3600;

/**
 * The outcome of a sign-up: the new member's account; or `rate-limited` with
 * the seconds until another is allowed; or `refused` with messages by field
 * (email taken, password too weak).
 */
export type SignUpOutcome =
  | { kind: "created"; user: SessionUser }
  | { kind: "rate-limited"; retryAfterSeconds: number }
  | { kind: "refused"; fieldErrors: FieldErrors };

/**
 * Creates a member account from the sign-up form (already validated by
 * `signUpSchema` in ./forms.ts), counting it against the client address
 * first: 10 new accounts per address per hour. The account's email is not
 * verified yet: a verification link is queued to it (until it is followed,
 * the member's comments follow the guest rules). The caller starts the session.
 * @param input.clientAddress the address the request came from, as the rate limit keys it.
 */
export async function signUp(
  db: Database,
  input: { email: string; displayName: string; password: string; clientAddress: string },
): Promise<SignUpOutcome> {
  const limit = await hitRateLimit(db, `signup:ip:${input.clientAddress}`, PER_ADDRESS, WINDOW_SECONDS);
  if (!limit.allowed) return { kind: "rate-limited", retryAfterSeconds: limit.retryAfterSeconds };
  const result = await createAccount(db, {
    email: input.email,
    displayName: input.displayName,
    password: input.password,
    verified: false,
  });
  if (!result.ok) return { kind: "refused", fieldErrors: result.fieldErrors };
  const user = result.value;
  await sendVerificationEmail(db, { userId: user.id, email: user.email, displayName: user.displayName });
  return { kind: "created", user };
}
