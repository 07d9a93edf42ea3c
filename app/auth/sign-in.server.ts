import type { Database } from "../../db/client";
import { authenticate } from "./accounts.server";
import type { SessionUser } from "./lucia.server";
import { hitRateLimit } from "./rate-limit.server";

/** Attempts allowed per 15 minutes, per client address and per account. */
const PER_ADDRESS = 30;
const PER_ACCOUNT = 10;
const WINDOW_SECONDS = 15 * 60;

/**
 * The outcome of a sign-in: the account; or `rate-limited` with the seconds
 * until another attempt is allowed; or `no-match`, the same for an unknown
 * email and a wrong password so neither reveals whether an account exists.
 */
export type SignInOutcome =
  | { kind: "signed-in"; user: SessionUser }
  | { kind: "rate-limited"; retryAfterSeconds: number }
  | { kind: "no-match" };

/**
 * Checks an email and password (already validated by `signInSchema` in
 * ./forms.ts), counting the attempt against the client address and the
 * account first (docs/architecture.md §6): 30 per address and 10 per account
 * every 15 minutes. The caller starts the session.
 * @param input.clientAddress the address the request came from, as the rate limit keys it.
 */
export async function signIn(
  db: Database,
  input: { email: string; password: string; clientAddress: string },
): Promise<SignInOutcome> {
  for (const key of [`signin:ip:${input.clientAddress}`, `signin:account:${input.email}`]) {
    const limit = await hitRateLimit(db, key, key.includes(":ip:") ? PER_ADDRESS : PER_ACCOUNT, WINDOW_SECONDS);
    if (!limit.allowed) return { kind: "rate-limited", retryAfterSeconds: limit.retryAfterSeconds };
  }
  const user = await authenticate(db, input.email, input.password);
  return user ? { kind: "signed-in", user } : { kind: "no-match" };
}
