import type { Database } from "../../db/client";
import { authenticate } from "./accounts.server";
import { deviceCookie, isDeviceOf, type Device } from "./device-cookie.server";
import type { SessionUser } from "./lucia.server";
import { hitRateLimit } from "./rate-limit.server";
import { claimAttempt, recordSuccess, type ThrottleKey, type ThrottleKind } from "./sign-in-throttle.server";

/** Requests for emailed links allowed per 15 minutes, per client address and per email address. */
const LINKS_PER_ADDRESS = 30;
const LINKS_PER_EMAIL = 10;
const LINK_WINDOW_SECONDS = 15 * 60;

/**
 * The outcome of a sign-in: the account, with the device cookie to set; or
 * `throttled`, by which kind of key (`address`: this client; `account`: the
 * account, for browsers new to it; `device`: this browser's own failures),
 * with the seconds to wait; or `no-match`, the same for an unknown email and
 * a wrong password so neither reveals whether an account exists.
 */
export type SignInOutcome =
  | { kind: "signed-in"; user: SessionUser; setCookie: string }
  | { kind: "throttled"; by: ThrottleKind; retryAfterSeconds: number }
  | { kind: "no-match" };

/**
 * Checks an email and password (already validated by `signInSchema` in
 * ./forms.ts) under sign-in throttling (./sign-in-throttle.server.ts;
 * docs/decisions/0055-sign-in-throttling-and-guest-trust.md): a browser that
 * signed in to this account before (`device`) is held by its own failures
 * only; any other is held by its client address's failures and by the
 * account's failures from such browsers. While held, the password is not
 * checked. The caller starts the session and sets the device cookie.
 * @param input.clientAddress the address the request came from, as throttling keys it.
 * @param input.device the request's device cookie (`readDevice`), or null.
 * @param input.secure whether cookies are Secure (production).
 */
export async function signIn(
  db: Database,
  input: { email: string; password: string; clientAddress: string; device: Device | null; secure: boolean },
  now: Date = new Date(),
): Promise<SignInOutcome> {
  const familiar = isDeviceOf(input.device, input.email);
  const keys: ThrottleKey[] = familiar
    ? [{ kind: "device", value: input.device!.deviceId }]
    : [
        { kind: "address", value: input.clientAddress },
        { kind: "account", value: input.email },
      ];
  const attempt = await claimAttempt(db, keys, now);
  if (!attempt.allowed) return { kind: "throttled", by: attempt.kind, retryAfterSeconds: attempt.retryAfterSeconds };
  const user = await authenticate(db, input.email, input.password);
  // A failure was counted when the attempt was let through.
  if (!user) return { kind: "no-match" };
  await recordSuccess(db, attempt.claim, now);
  const setCookie = deviceCookie(input.email, input.device?.deviceId ?? null, input.secure);
  return { kind: "signed-in", user, setCookie };
}

/**
 * Counts one request for an emailed link (a password reset, a sign-in link)
 * under the keys `<prefix>:ip:<address>` and `<prefix>:account:<email>`: 30
 * per client address and 10 per email address every 15 minutes, in a
 * sliding window (./rate-limit.server.ts). Each prefix counts on its own. The
 * email need not belong to an account. These limit how much email anyone
 * can make the site send; they never stop a password sign-in.
 * @returns null when allowed, otherwise the seconds until another request is.
 */
export async function hitSignInLimits(
  db: Database,
  prefix: "password-reset" | "signin-link",
  clientAddress: string,
  email: string,
): Promise<number | null> {
  for (const key of [`${prefix}:ip:${clientAddress}`, `${prefix}:account:${email}`]) {
    const limit = await hitRateLimit(
      db,
      key,
      key.includes(":ip:") ? LINKS_PER_ADDRESS : LINKS_PER_EMAIL,
      LINK_WINDOW_SECONDS,
    );
    if (!limit.allowed) return limit.retryAfterSeconds;
  }
  return null;
}
