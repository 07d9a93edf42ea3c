import { parse, serialize } from "cookie";
import { digest, randomToken, sign, unsign } from "./signing.server";

/**
 * The device cookie: a signed, HttpOnly cookie a browser gets when it signs
 * in with a password, naming a random id for the browser and the account's
 * email (its digest). Sign-in throttling (./sign-in-throttle.server.ts)
 * counts such a browser's failures for that account on their own, so
 * failures elsewhere never slow the account's owner down in the browser
 * they use (OWASP's "device cookies" against lockout).
 */

const COOKIE = "staffroom_device";
const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

/** What a device cookie says: the browser's id and the digest of the email it signed in with. */
export interface Device {
  deviceId: string;
  emailDigest: string;
}

/** The device cookie the request carries, or null when absent or forged. */
export function readDevice(cookieHeader: string | null): Device | null {
  const value = unsign(parse(cookieHeader ?? "")[COOKIE]);
  const match = value ? /^([A-Za-z0-9_-]{22}):([0-9a-f]{64})$/.exec(value) : null;
  return match ? { deviceId: match[1], emailDigest: match[2] } : null;
}

/** Whether `device` signed in to the account of `email` before (emails compared trimmed and lower-cased). */
export function isDeviceOf(device: Device | null, email: string): device is Device {
  return device !== null && device.emailDigest === digest(email.trim().toLowerCase());
}

/**
 * The Set-Cookie value that marks this browser as one that signed in to
 * the account of `email`: keeping its id when it has one, else a new one.
 */
export function deviceCookie(email: string, deviceId: string | null, secure: boolean): string {
  const id = deviceId ?? randomToken();
  return serialize(COOKIE, sign(`${id}:${digest(email.trim().toLowerCase())}`), {
    path: "/",
    maxAge: ONE_YEAR_SECONDS,
    httpOnly: true,
    sameSite: "lax",
    secure,
  });
}
