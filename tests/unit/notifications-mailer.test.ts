import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { simpleParser } from "mailparser";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createMailer } from "~/notifications/mailer.server";
import { isPermanentFailure, retryDelayMs } from "~/notifications/outbox.server";

/** The mailer's file mode: an RFC 5322 `.eml` per message, readable by a real parser. */

let dir: string;
let lines: string[];

beforeEach(async () => {
  dir = path.join(await mkdtemp(path.join(os.tmpdir(), "staffroom-mail-")), "outbox"); // created by the mailer
  lines = [];
});

afterEach(async () => {
  await rm(path.dirname(dir), { recursive: true, force: true });
});

const unsubscribeUrl = "http://localhost:3000/unsubscribe/abcDEF123_-abcDEF123_-";

async function onlyFile(): Promise<{ name: string; raw: Buffer }> {
  const names = await readdir(dir);
  expect(names).toHaveLength(1);
  return { name: names[0], raw: await readFile(path.join(dir, names[0])) };
}

describe("mailer, file mode (no SMTP_URL)", () => {
  it("writes one parseable .eml per message, named <UTC timestamp>-<id>.eml, and logs one line", async () => {
    const mailer = createMailer({ outboxDir: dir, log: (line) => lines.push(line) });
    expect(mailer.mode).toBe("file");
    const text =
      "Sam replied to your comment on “Coaching”:\n\n> Thanks — très utile!\n\nRead it: http://localhost:3000/comments/7\n";
    const { id } = await mailer.send({
      to: "ada@example.org",
      subject: "Sam replied to your comment on “Coaching” ✓",
      text,
      headers: { "List-Unsubscribe": `<${unsubscribeUrl}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
    });
    const { name, raw } = await onlyFile();
    expect(name).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z-[0-9a-f]{24}\.eml$/);
    expect(id).toBe(`<${name.slice(25, -4)}@localhost>`);
    // RFC 5322: CRLF line endings, ASCII-only header section.
    const head = raw.toString("latin1").split("\r\n\r\n")[0];
    expect(head).toMatch(/\r\n/);
    expect(/^[\x00-\x7F]*$/.test(head)).toBe(true);

    const parsed = await simpleParser(raw);
    expect(parsed.from?.value).toEqual([{ name: "Staffroom", address: "no-reply@localhost" }]);
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value : null).toEqual([
      { name: "", address: "ada@example.org" },
    ]);
    expect(parsed.subject).toBe("Sam replied to your comment on “Coaching” ✓");
    expect(parsed.text).toBe(text);
    expect(parsed.messageId).toBe(id);
    expect(parsed.date).toBeInstanceOf(Date);
    // Unfolded (RFC 5322 §2.2.3): nodemailer folds long header fields.
    const headerLines = parsed.headerLines.map((h) => h.line.replace(/\r?\n(?=[ \t])/g, ""));
    expect(headerLines).toContain(`List-Unsubscribe: <${unsubscribeUrl}>`);
    expect(headerLines).toContain("List-Unsubscribe-Post: List-Unsubscribe=One-Click");

    expect(lines).toEqual([
      `Mail to ada@example.org: "Sam replied to your comment on “Coaching” ✓" written to ${path.join(dir, name)}`,
    ]);
  });

  it("uses the configured sender", async () => {
    const mailer = createMailer({ outboxDir: dir, from: "Practice Notes <notes@school.example>", log: () => {} });
    const { id } = await mailer.send({ to: "Ada Lovelace <ada@example.org>", subject: "Hello", text: "Hi" });
    const parsed = await simpleParser((await onlyFile()).raw);
    expect(parsed.from?.value).toEqual([{ name: "Practice Notes", address: "notes@school.example" }]);
    expect(id).toMatch(/@school\.example>$/);
  });

  it("keeps header injection out: line breaks in the subject and headers become spaces", async () => {
    const mailer = createMailer({ outboxDir: dir, log: () => {} });
    await mailer.send({
      to: "ada@example.org",
      subject: "Hello\r\nBcc: victim@example.net",
      text: "Hi",
      headers: { "X-Note": "one\r\nBcc: other@example.net" },
    });
    const parsed = await simpleParser((await onlyFile()).raw);
    expect(parsed.bcc).toBeUndefined();
    expect(parsed.headers.has("bcc")).toBe(false);
    expect(parsed.subject).toBe("Hello Bcc: victim@example.net");
  });

  it("refuses anything but exactly one recipient, and writes nothing", async () => {
    const mailer = createMailer({ outboxDir: dir, log: () => {} });
    for (const to of ["ada@example.org, eve@example.net", "", "not an address", "Friends: ada@example.org;"]) {
      await expect(mailer.send({ to, subject: "Hi", text: "Hi" })).rejects.toThrow(TypeError);
    }
    await expect(readdir(dir)).rejects.toThrow(); // never even created
  });

  it("refuses a malformed sender when created", () => {
    expect(() => createMailer({ outboxDir: dir, from: "Staffroom" })).toThrow(TypeError);
  });
});

describe("outbox retry rules", () => {
  it("backs off exponentially from one minute, capped at an hour", () => {
    const minutes = [1, 2, 3, 4, 5, 6, 7, 8, 12].map((attempts) => retryDelayMs(attempts) / 60_000);
    expect(minutes).toEqual([1, 2, 4, 8, 16, 32, 60, 60, 60]);
  });

  it("treats SMTP 5yz replies (except 503) as permanent, everything else as worth retrying", () => {
    expect(isPermanentFailure({ responseCode: 550 })).toBe(true);
    expect(isPermanentFailure({ responseCode: 554 })).toBe(true);
    expect(isPermanentFailure({ responseCode: 503 })).toBe(false);
    expect(isPermanentFailure({ responseCode: 451 })).toBe(false);
    expect(isPermanentFailure(Object.assign(new Error("refused"), { code: "ECONNECTION" }))).toBe(false);
    expect(isPermanentFailure(null)).toBe(false);
  });
});
