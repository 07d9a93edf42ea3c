import { parse, serialize } from "cookie";
import { randomToken, sign, unsign } from "../auth/signing.server";

/**
 * The guest's browser token: a random id in a signed, HttpOnly cookie, so a
 * guest without an account can see their own held comments and is
 * recognised once a moderator has approved them (docs/architecture.md §3, moderation).
 */

const COOKIE = "staffroom_guest";
const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

/** The token from the request's cookie, or null when absent or forged. */
export function readGuestToken(cookieHeader: string | null): string | null {
  return unsign(parse(cookieHeader ?? "")[COOKIE]);
}

/**
 * A new token and the Set-Cookie value that stores it. Given the form's
 * one-time key, the token is derived from it (the same key, the same token),
 * so a resent form re-issues the cookie its first answer carried.
 */
export function newGuestToken(secure: boolean, fromKey: string | null = null): { token: string; setCookie: string } {
  // The site's secret keys the derivation: knowing a form's key is not enough.
  const token = fromKey ? sign(`guest-token:${fromKey}`).split(".").pop()!.slice(0, 22) : randomToken();
  const setCookie = serialize(COOKIE, sign(token), {
    path: "/",
    maxAge: ONE_YEAR_SECONDS,
    httpOnly: true,
    sameSite: "lax",
    secure,
  });
  return { token, setCookie };
}
