import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { onTestFailed } from "vitest";
import { decodeEntities } from "./pages";
import { howItEnded, REPO_ROOT } from "./server";

/**
 * Helpers for the accounts tests: a cookie-keeping HTTP client for the
 * production server, the demo coach's credentials, scripts/user-create.ts,
 * and content snapshots (to prove the repository's content/ is untouched).
 */

/** The demo coach (app/demo/demo.server.ts), linked to the author `morgan-ellery`. */
export const DEMO_COACH_EMAIL = "morgan@practice-notes.example.org";
export const DEMO_COACH_NAME = "Morgan Ellery";
/** Set as DEMO_COACH_PASSWORD on the test servers; strong enough for the password rules. */
export const DEMO_COACH_PASSWORD = "lantern orchard velvet 42";
export const SESSION_COOKIE = "staffroom_session";
/** The generic sign-in failure (app/routes/signin.tsx). */
export const SIGN_IN_FAILED = "That email and password do not match an account.";

/** A password the rules accept for any test account (not built from an email or name). */
export const GOOD_PASSWORD = "copper kettle winter 58";

export interface Reply {
  status: number;
  location: string | null;
  headers: Headers;
  /** Raw Set-Cookie header values. */
  setCookies: string[];
  text: string;
}

export interface SendOptions {
  method?: string;
  /** A urlencoded form body. */
  form?: Record<string, string> | [string, string][];
  /** Any other body (set the content type in `headers`). */
  body?: BodyInit;
  headers?: Record<string, string>;
  /**
   * The Origin header: the server's own origin by default for a request with a
   * body (as a browser posting from the page sends), `null` for none.
   */
  origin?: string | null;
}

/**
 * A user agent with a cookie jar: sends the cookies it holds, stores those the
 * server sets (and drops cleared ones), never follows redirects.
 */
export class HttpClient {
  readonly cookies = new Map<string, string>();

  constructor(
    readonly baseUrl: string,
    /** Sent as X-Forwarded-For on every request when set. */
    public forwardedFor: string | null = null,
  ) {}

  get sessionId(): string | null {
    return this.cookies.get(SESSION_COOKIE) ?? null;
  }

  /** A new client holding a copy of this one's cookies (e.g. to replay an old session). */
  clone(): HttpClient {
    const copy = new HttpClient(this.baseUrl, this.forwardedFor);
    for (const [name, value] of this.cookies) copy.cookies.set(name, value);
    return copy;
  }

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  async send(pathname: string, options: SendOptions = {}): Promise<Reply> {
    const method = options.method ?? (options.form || options.body !== undefined ? "POST" : "GET");
    const headers: Record<string, string> = {};
    if (this.cookies.size) headers.Cookie = this.cookieHeader();
    if (this.forwardedFor) headers["X-Forwarded-For"] = this.forwardedFor;
    const origin =
      options.origin === undefined ? (method === "GET" || method === "HEAD" ? null : this.baseUrl) : options.origin;
    if (origin !== null) headers.Origin = origin;
    Object.assign(headers, options.headers ?? {});
    const body = options.form ? new URLSearchParams(options.form) : options.body;
    const response = await fetch(`${this.baseUrl}${pathname}`, { method, headers, body, redirect: "manual" });
    const setCookies = response.headers.getSetCookie();
    for (const cookie of setCookies) this.store(cookie);
    return {
      status: response.status,
      location: response.headers.get("location"),
      headers: response.headers,
      setCookies,
      text: await response.text(),
    };
  }

  get(pathname: string, options: Omit<SendOptions, "method"> = {}): Promise<Reply> {
    return this.send(pathname, { ...options, method: "GET" });
  }

  post(pathname: string, form: Record<string, string> | [string, string][], options: Omit<SendOptions, "form"> = {}) {
    return this.send(pathname, { ...options, method: "POST", form });
  }

  private store(setCookie: string): void {
    const [pair, ...attributes] = setCookie.split(";");
    const at = pair.indexOf("=");
    const name = pair.slice(0, at).trim();
    const value = pair.slice(at + 1).trim();
    const maxAge = attributes.map((a) => a.trim()).find((a) => /^max-age=/i.test(a));
    const expires = attributes.map((a) => a.trim()).find((a) => /^expires=/i.test(a));
    const expired =
      value === "" ||
      (maxAge !== undefined && Number(maxAge.split("=")[1]) <= 0) ||
      (expires !== undefined && Date.parse(expires.slice(8)) <= Date.now());
    if (expired) this.cookies.delete(name);
    else this.cookies.set(name, value);
  }

  /** Signs up; returns the reply (302 on success). */
  signUp(account: { email: string; displayName: string; password?: string; redirectTo?: string }): Promise<Reply> {
    const form: Record<string, string> = {
      email: account.email,
      displayName: account.displayName,
      password: account.password ?? GOOD_PASSWORD,
    };
    if (account.redirectTo !== undefined) form.redirectTo = account.redirectTo;
    return this.post("/signup", form);
  }

  /** Signs in; returns the reply (302 on success). `query` is added to /signin. */
  signIn(email: string, password: string, options: { redirectTo?: string; query?: string } = {}): Promise<Reply> {
    const form: Record<string, string> = { email, password };
    if (options.redirectTo !== undefined) form.redirectTo = options.redirectTo;
    return this.post(`/signin${options.query ?? ""}`, form);
  }
}

/** Parsed attributes of one Set-Cookie value: lower-cased names, `true` for flags. */
export function cookieAttributes(setCookie: string): {
  name: string;
  value: string;
  attributes: Map<string, string | true>;
} {
  const [pair, ...rest] = setCookie.split(";");
  const at = pair.indexOf("=");
  const attributes = new Map<string, string | true>();
  for (const part of rest) {
    const trimmed = part.trim();
    if (!trimmed) continue;
    const eq = trimmed.indexOf("=");
    if (eq < 0) attributes.set(trimmed.toLowerCase(), true);
    else attributes.set(trimmed.slice(0, eq).trim().toLowerCase(), trimmed.slice(eq + 1).trim());
  }
  return { name: pair.slice(0, at).trim(), value: pair.slice(at + 1).trim(), attributes };
}

/** The opening tag of the first `<input>` with this name, or null. */
export function inputTag(html: string, name: string): string | null {
  const pattern = new RegExp(`<input\\b[^>]*\\bname="${name}"[^>]*>`);
  return pattern.exec(html)?.[0] ?? null;
}

/** The decoded `value` of the first `<input>` with this name, or null without one. */
export function inputValue(html: string, name: string): string | null {
  const tag = inputTag(html, name);
  if (!tag) return null;
  const value = /\bvalue="([^"]*)"/.exec(tag);
  return value ? decodeEntities(value[1]) : null;
}

/** The HTML of the `<form>` whose id is `id`, or null. */
export function formHtml(html: string, id: string): string | null {
  const start = html.search(new RegExp(`<form\\b[^>]*\\bid="${id}"`));
  if (start < 0) return null;
  const end = html.indexOf("</form>", start);
  return html.slice(start, end < 0 ? undefined : end + "</form>".length);
}

/** The decoded text of the first `<textarea name="…">` in `html`, or null. */
export function textareaValue(html: string, name: string): string | null {
  const match = new RegExp(`<textarea\\b[^>]*\\bname="${name}"[^>]*>([^]*?)</textarea>`).exec(html);
  return match ? decodeEntities(match[1]) : null;
}

export interface CommandResult {
  /** The exit code, or null when a signal ended the process. */
  code: number | null;
  /** The signal that ended the process, if one did. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** How a command ended and everything it printed, for a failure message. */
function commandReport(label: string, result: CommandResult): string {
  return (
    `${label} ended with ${howItEnded(result.code, result.signal)}\n` +
    `--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`
  );
}

/** Throws, with the command's exit code or signal and its output, unless it exited 0. */
export function assertSucceeded(label: string, result: CommandResult): void {
  if (result.code !== 0) throw new Error(commandReport(label, result));
}

/**
 * Adds the command's report to the failure message of the running test, if
 * it fails: a test that checks an exit code then shows why the command
 * exited so. Outside a test (in a hook) it does nothing.
 */
function reportIfTheTestFails(label: string, result: CommandResult): void {
  try {
    onTestFailed((context) => {
      const errors = context.task.result?.errors ?? [];
      if (errors.length === 0) return;
      errors[0].message = `${errors[0].message}\n\n${commandReport(label, result)}`;
    });
  } catch {
    // Not inside a running test.
  }
}

/**
 * Runs `scripts/user-create.ts` with tsx, as `npm run user:create -- …` does.
 * The environment is the test's minus any database settings, plus `env`;
 * stdin is not a terminal, so the script never waits for a typed password.
 * Resolves however the command ends (tests check the exit code); there is no
 * timer of its own, since a loaded machine may be slow, and the test's or
 * hook's timeout bounds it. A test that fails after running it shows its
 * exit code or signal and its output.
 */
export function runUserCreate(
  args: string[],
  options: { cwd: string; env: Record<string, string> },
): Promise<CommandResult> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DATABASE_URL;
  delete env.STAFFROOM_PASSWORD;
  delete env.DATA_DIR;
  Object.assign(env, options.env);
  const label = `npm run user:create -- ${args.join(" ")}`;
  return new Promise((resolve, reject) => {
    const child = spawn(
      path.join(REPO_ROOT, "node_modules/.bin/tsx"),
      [path.join(REPO_ROOT, "scripts/user-create.ts"), ...args],
      { cwd: options.cwd, env, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("error", (error) => reject(new Error(`could not start ${label}: ${error.message}`)));
    child.on("close", (code, signal) => {
      const result = { code, signal, stdout, stderr };
      reportIfTheTestFails(label, result);
      resolve(result);
    });
  });
}

/** sha256 of every file under `dir`, keyed by path relative to `dir`. */
export function snapshotTree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (current: string) => {
    for (const entry of readdirSync(current)) {
      const full = path.join(current, entry);
      if (statSync(full).isDirectory()) walk(full);
      else files.set(path.relative(dir, full), createHash("sha256").update(readFileSync(full)).digest("hex"));
    }
  };
  walk(dir);
  return files;
}

/**
 * Waits, when needed, so that the next `seconds` seconds fall inside one
 * fixed rate-limit window of `windowSeconds` (the app's windows start at
 * multiples of the window length since the epoch).
 */
export async function stayInsideOneWindow(windowSeconds: number, seconds: number): Promise<void> {
  const windowMs = windowSeconds * 1000;
  const left = windowMs - (Date.now() % windowMs);
  if (left < seconds * 1000) await new Promise((resolve) => setTimeout(resolve, left + 1_000));
}

/** Runs `tasks` with at most `limit` at a time; results in order. */
export async function inBatches<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}
