import { randomBytes } from "node:crypto";
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import nodemailer from "nodemailer";
import addressparser from "nodemailer/lib/addressparser";

/**
 * Sending one email through nodemailer (README: notifications). Two modes:
 * with an SMTP URL it talks to that server; without one it writes each
 * message as an RFC 5322 file (`.eml`, readable by any mail client) under
 * `outboxDir` and logs one line, so nothing is lost on a machine with no
 * mail server. Callers never send directly: they queue in the outbox
 * (outbox.server.ts), whose worker calls `send`.
 */

/** One plain-text email. */
export interface MailMessage {
  /** One mailbox: "ada@example.org" or "Ada <ada@example.org>". Lists are refused. */
  to: string;
  /** One line; line breaks are turned into spaces. */
  subject: string;
  /** The body, plain text (UTF-8, sent quoted-printable or base64 as nodemailer sees fit). */
  text: string;
  /** Extra header fields, e.g. `List-Unsubscribe` (RFC 2369) and `List-Unsubscribe-Post` (RFC 8058). */
  headers?: Record<string, string>;
}

export interface Mailer {
  /**
   * Sends (or writes) one message. Resolves with its Message-ID
   * (RFC 5322 §3.6.4, with the angle brackets). Rejects when the address is
   * not one mailbox, when the SMTP server cannot be reached or refuses the
   * message (the error carries nodemailer's `code` and, for a refusal, the
   * SMTP `responseCode`), or when the file cannot be written.
   */
  send(message: MailMessage): Promise<{ id: string }>;
  /** Closes the SMTP transport's connections, if any. */
  close(): void;
  /** "smtp" or "file", for logs and tests. */
  readonly mode: "smtp" | "file";
}

export interface MailerOptions {
  /** smtp://user:pass@host:port or smtps://…; null/undefined selects the file writer. */
  smtpUrl?: string | null;
  /** Folder for `.eml` files in file mode (created when missing). */
  outboxDir: string;
  /** The From mailbox; default `Staffroom <no-reply@localhost>`. */
  from?: string | null;
  /** Where file mode's one line per message goes; default console.log. */
  log?: (line: string) => void;
}

const DEFAULT_FROM = "Staffroom <no-reply@localhost>";

/** Limits for one SMTP exchange, so a stuck server cannot hold the outbox worker. */
const SMTP_TIMEOUTS = { connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 };

/** Creates a mailer (see the module comment). Throws only for a malformed `from`. */
export function createMailer(options: MailerOptions): Mailer {
  const from = (options.from ?? "").trim() || DEFAULT_FROM;
  const fromAddress = singleMailbox(from, "from");
  const domain = fromAddress.slice(fromAddress.lastIndexOf("@") + 1) || "localhost";
  const log = options.log ?? ((line: string) => console.log(line));

  if (options.smtpUrl) {
    const transport = nodemailer.createTransport({ url: options.smtpUrl, ...SMTP_TIMEOUTS });
    return {
      mode: "smtp",
      async send(message) {
        const mail = compose(message, from);
        const info = await transport.sendMail({ ...mail, messageId: newMessageId(domain).messageId });
        return { id: info.messageId };
      },
      close: () => transport.close(),
    };
  }

  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "windows" });
  return {
    mode: "file",
    async send(message) {
      const mail = compose(message, from);
      const { messageId, local } = newMessageId(domain);
      const info = await composer.sendMail({ ...mail, messageId });
      await mkdir(options.outboxDir, { recursive: true });
      const file = path.join(options.outboxDir, `${fileTimestamp(new Date())}-${local}.eml`);
      // Written under a temporary name first, so a reader never sees half a message.
      const partial = `${file}.partial`;
      await writeFile(partial, info.message as Buffer, { mode: 0o600 });
      await rename(partial, file);
      log(`Mail to ${mail.to}: "${mail.subject}" written to ${file}`);
      return { id: info.messageId };
    },
    close: () => {},
  };
}

/** The nodemailer message fields for one of ours, checked and cleaned. */
function compose(message: MailMessage, from: string) {
  singleMailbox(message.to, "to");
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    // RFC 5322 §2.2: a field name is printable ASCII except ":"; values are one line.
    if (!/^[!-9;-~]+$/.test(name)) throw new TypeError(`Invalid header name: ${JSON.stringify(name)}`);
    headers[name] = oneLine(value);
  }
  return {
    from,
    to: message.to.trim(),
    subject: oneLine(message.subject),
    text: message.text,
    headers,
  };
}

/** The bare address of a string holding exactly one mailbox; throws TypeError otherwise. */
function singleMailbox(value: string, field: string): string {
  const parsed = addressparser(value ?? "");
  const only = parsed.length === 1 ? parsed[0] : null;
  if (!only || only.group || !only.address || !/^[^@\s]+@[^@\s]+$/.test(only.address)) {
    throw new TypeError(`"${field}" must be exactly one email address, got ${JSON.stringify(value)}`);
  }
  return only.address;
}

function oneLine(value: string): string {
  return value.replace(/[\r\n]+/g, " ").trim();
}

/** A fresh Message-ID at the sender's domain (RFC 5322 §3.6.4) and its random part. */
function newMessageId(domain: string): { messageId: string; local: string } {
  const local = randomBytes(12).toString("hex");
  return { messageId: `<${local}@${domain}>`, local };
}

/** "2025-03-04T05-06-07-089Z": UTC, sortable, and a valid file name everywhere (no colons). */
function fileTimestamp(at: Date): string {
  return at.toISOString().replace(/[:.]/g, "-");
}
