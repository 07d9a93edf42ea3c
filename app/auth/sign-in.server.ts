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
  const limited = await hitSignInLimits(db, "signin", input.clientAddress, input.email);
  if (limited) return { kind: "rate-limited", retryAfterSeconds: limited };
  const user = await authenticate(db, input.email, input.password);
  return user ? { kind: "signed-in", user } : { kind: "no-match" };
}

/**
 * Counts one attempt against sign-in's limits, under the keys
 * `<prefix>:ip:<address>` and `<prefix>:account:<email>`: 30 per client
 * address and 10 per email address every 15 minutes. Sign-in, password
 * reset requests and sign-in link requests each count under their own
 * prefix with these same limits. The email need not belong to an account.
 * @returns null when allowed, otherwise the seconds until another attempt is.
 */
export async function hitSignInLimits(
  db: Database,
  prefix: "signin" | "password-reset" | "signin-link",
  clientAddress: string,
  email: string,
): Promise<number | null> {
  for (const key of [`${prefix}:ip:${clientAddress}`, `${prefix}:account:${email}`]) {
    const limit = await hitRateLimit(db, key, key.includes(":ip:") ? PER_ADDRESS : PER_ACCOUNT, WINDOW_SECONDS);
    if (!limit.allowed) return limit.retryAfterSeconds;
  }
  return null;
}
