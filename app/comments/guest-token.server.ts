import { randomToken, sign, unsign } from "../auth/signing.server";

/**
 * The guest's browser token: a random id in a signed, HttpOnly cookie, so a
 * guest without an account can see their own held comments and is
 * recognised once a moderator has approved them (DESIGN §3, moderation).
 */

const COOKIE = "staffroom_guest";
const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

/** The token from the request's cookie, or null when absent or forged. */
export function readGuestToken(cookieHeader: string | null): string | null {
  const match = /(?:^|;\s*)staffroom_guest=([^;]+)/.exec(cookieHeader ?? "");
  return match ? unsign(decodeURIComponent(match[1])) : null;
}

/** A new token and the Set-Cookie value that stores it. */
export function newGuestToken(secure: boolean): { token: string; setCookie: string } {
  const token = randomToken();
  const setCookie = [
    `${COOKIE}=${encodeURIComponent(sign(token))}`,
    "Path=/",
    `Max-Age=${ONE_YEAR_SECONDS}`,
    "HttpOnly",
    "SameSite=Lax",
    ...(secure ? ["Secure"] : []),
  ].join("; ");
  return { token, setCookie };
}
