import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import cookieSignature from "cookie-signature";
import { getEnv } from "../env.server";

/**
 * Signed values (HMAC-SHA256, RFC 2104, by `cookie-signature`, the signer
 * Express and Remix use) for cookies and hidden form fields that must not be
 * forged: the guest's browser token, the time a comment form was drawn. The
 * signature is written in base64url, as before the library took over, so
 * cookies and forms signed earlier still verify
 * (docs/decisions/0033-signed-cookies.md). The key is SESSION_SECRET, or one generated once and kept
 * in DATA_DIR/secret.key (so signatures survive restarts on one machine; set
 * SESSION_SECRET when several servers share a database).
 */

let key: Buffer | undefined;

function secret(): Buffer {
  if (key) return key;
  const env = getEnv();
  if (env.SESSION_SECRET) {
    key = Buffer.from(env.SESSION_SECRET, "utf8");
    return key;
  }
  const file = path.join(env.DATA_DIR, "secret.key");
  if (!existsSync(file)) {
    mkdirSync(env.DATA_DIR, { recursive: true });
    writeFileSync(file, randomBytes(32).toString("base64"), { mode: 0o600, flag: "wx" });
  }
  key = Buffer.from(readFileSync(file, "utf8").trim(), "base64");
  return key;
}

/** base64url (RFC 4648 §5, no padding), as our signatures are written ↔ base64 without padding, as cookie-signature writes them. */
const toBase64Url = (base64: string) => base64.replace(/\+/g, "-").replace(/\//g, "_");
const toBase64 = (base64url: string) => base64url.replace(/-/g, "+").replace(/_/g, "/");

/** "value.signature"; the value must not contain "." . */
export function sign(value: string): string {
  const signed = cookieSignature.sign(value, secret());
  const at = signed.lastIndexOf(".");
  return `${signed.slice(0, at)}.${toBase64Url(signed.slice(at + 1))}`;
}

/** The value of a string made by `sign`, or null when it was altered. */
export function unsign(signed: string | null | undefined): string | null {
  if (!signed) return null;
  const at = signed.lastIndexOf(".");
  if (at <= 0) return null;
  const signature = signed.slice(at + 1);
  if (!/^[A-Za-z0-9_-]+$/.test(signature)) return null;
  const value = cookieSignature.unsign(`${signed.slice(0, at)}.${toBase64(signature)}`, secret());
  return value === false ? null : value;
}

/** A new random token (128 bits, base64url). */
export function randomToken(): string {
  return randomBytes(16).toString("base64url");
}

/** SHA-256 of a token or address, hex: what is stored instead of the secret itself. */
export function digest(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}
