import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { getEnv } from "../env.server";

/**
 * Signed values (HMAC-SHA256, RFC 2104) for cookies and hidden form fields
 * that must not be forged: the guest's browser token, the time a comment
 * form was drawn. The key is SESSION_SECRET, or one generated once and kept
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

function mac(value: string): string {
  return createHmac("sha256", secret()).update(value).digest("base64url");
}

/** "value.signature"; the value must not contain "." . */
export function sign(value: string): string {
  return `${value}.${mac(value)}`;
}

/** The value of a string made by `sign`, or null when it was altered. */
export function unsign(signed: string | null | undefined): string | null {
  if (!signed) return null;
  const at = signed.lastIndexOf(".");
  if (at <= 0) return null;
  const value = signed.slice(0, at);
  const given = Buffer.from(signed.slice(at + 1));
  const expected = Buffer.from(mac(value));
  return given.length === expected.length && timingSafeEqual(given, expected) ? value : null;
}

/** A new random token (128 bits, base64url). */
export function randomToken(): string {
  return randomBytes(16).toString("base64url");
}

/** SHA-256 of a token or address, hex: what is stored instead of the secret itself. */
export function digest(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}
