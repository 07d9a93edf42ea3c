import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import type { HttpClient } from "./accounts";
import type { TestServer } from "./server";

/**
 * Reading the email a test server sends: from a real SMTP server started
 * here (`startTestSmtp`), or from the `.eml` files it writes under
 * DATA_DIR/outbox when SMTP_URL is unset (`readEmlOutbox`). The server's
 * outbox worker sends every 5 seconds, so waiting is by polling with a
 * deadline, never a fixed sleep.
 */

/** One received email, as a test reads it. */
export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/** An SMTP server on 127.0.0.1 that keeps every message it is given. */
export interface TestSmtp {
  port: number;
  url: string;
  inbox: Mail[];
  stop(): Promise<void>;
}

/** Starts an SMTP server (no TLS, any or no login) that keeps what it receives in `inbox`. */
export async function startTestSmtp(): Promise<TestSmtp> {
  const inbox: Mail[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, _session, callback) {
      simpleParser(stream).then((mail) => {
        inbox.push({
          to: mail.to && "text" in mail.to ? mail.to.text : "",
          subject: mail.subject ?? "",
          text: mail.text ?? "",
        });
        callback();
      }, callback);
    },
  });
  const port = await new Promise<number>((resolve) => {
    smtp.listen(0, "127.0.0.1", () => resolve((smtp.server.address() as { port: number }).port));
  });
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    inbox,
    stop: () => new Promise<void>((resolve) => smtp.close(() => resolve())),
  };
}

/** Every `.eml` file the server has written under DATA_DIR/outbox, oldest first. */
export async function readEmlOutbox(dataDir: string): Promise<Mail[]> {
  const dir = path.join(dataDir, "outbox");
  if (!existsSync(dir)) return [];
  const files = (await readdir(dir)).filter((name) => name.endsWith(".eml")).sort();
  return Promise.all(
    files.map(async (name) => {
      const mail = await simpleParser(await readFile(path.join(dir, name)));
      return {
        to: mail.to && "text" in mail.to ? mail.to.text : "",
        subject: mail.subject ?? "",
        text: mail.text ?? "",
      };
    }),
  );
}

/**
 * Polls `find` every 200 ms until it returns something, and returns that;
 * throws `what` when `timeoutMs` passes first (the outbox worker runs every
 * 5 s, so 60 s allows for a loaded machine).
 */
export async function waitFor<T>(what: string, find: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The path (and query) of the first link in `text` whose path starts with `prefix`, e.g. "/verify-email/". */
export function linkPath(text: string, prefix: string): string | null {
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const match = new RegExp(`https?://[^\\s/]+(${escaped}[^\\s]+)`).exec(text);
  return match ? match[1] : null;
}

/**
 * Waits for the email with a link starting with `prefix` sent to `to` (in
 * the `.eml` outbox of `server`), the newest when there are several, and
 * returns that link's path.
 */
export async function emailedLink(server: TestServer, to: string, prefix: string): Promise<string> {
  return waitFor(`an email to ${to} with a ${prefix} link`, async () => {
    const mails = (await readEmlOutbox(server.dataDir)).filter((m) => m.to.includes(to));
    const links = mails.map((m) => linkPath(m.text, prefix)).filter((p): p is string => p !== null);
    return links.at(-1);
  });
}

/**
 * Confirms a test account's email address as its owner would: finds the
 * verification email the server wrote for `email` and submits the page its
 * link opens. For servers without SMTP_URL (the `.eml` outbox).
 */
export async function verifyByEmail(server: TestServer, client: HttpClient, email: string): Promise<void> {
  const link = await emailedLink(server, email, "/verify-email/");
  const reply = await client.post(link, {});
  if (reply.status !== 200) throw new Error(`verifying ${email} answered ${reply.status}`);
}
