import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../support/accounts";
import { commentIdOf } from "../support/pages";
import { DEMO_PATH, startTestServer, type TestServer } from "../support/server";

/**
 * The whole path of a reply notification through the running site: a guest
 * asks to be emailed replies, someone replies, the email reaches a real SMTP
 * server started here, and its one-click unsubscribe link works.
 */
describe("reply notifications through a real SMTP server", () => {
  let server: TestServer;
  let smtp: SMTPServer;
  const inbox: ParsedMail[] = [];

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      onData(stream, _session, callback) {
        simpleParser(stream).then((mail) => {
          inbox.push(mail);
          callback();
        }, callback);
      },
    });
    const port = await new Promise<number>((resolve) => {
      smtp.listen(0, "127.0.0.1", () => resolve((smtp.server.address() as { port: number }).port));
    });
    server = await startTestServer({ env: { SMTP_URL: `smtp://127.0.0.1:${port}` } });
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await new Promise<void>((resolve) => smtp?.close(() => resolve()));
  });

  async function waitForMail(count: number, timeoutMs = 20_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (inbox.length < count && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
  }

  it("emails the writer of a comment when someone replies, with a working one-click unsubscribe", async () => {
    const writer = new HttpClient(server.baseUrl);
    const posted = await writer.post(DEMO_PATH, {
      name: "Ines Carvalho",
      email: "ines@example.org",
      notify: "on",
      body: "Please tell me when someone answers this question about planning time.",
    });
    expect(posted.status).toBe(303);
    const number = /#comment-(\d+)$/.exec(posted.location ?? "")?.[1];
    expect(number).toBeTruthy();
    const page = (await writer.get(DEMO_PATH)).text;
    const parentId = commentIdOf(page, number!);

    const replier = new HttpClient(server.baseUrl);
    const reply = await replier.post(DEMO_PATH, {
      name: "Sam Okafor",
      parentId: String(parentId),
      body: "Planning time is protected at our school: two periods a week.",
    });
    expect(reply.status).toBe(303);

    await waitForMail(1);
    const mail = inbox.find((m) => (m.to && "text" in m.to ? m.to.text : "").includes("ines@example.org"));
    expect(mail).toBeDefined();
    expect(mail!.text).toContain("Planning time is protected");
    const link = /https?:\/\/\S+\/unsubscribe\/[A-Za-z0-9_-]+/.exec(mail!.text ?? "")?.[0];
    expect(link).toBeDefined();
    expect(mail!.headerLines.find((h) => h.key === "list-unsubscribe")?.line).toContain("/unsubscribe/");

    // One-click unsubscribe as a mail client does it (RFC 8058): a POST, no sign-in.
    const unsubscribePath = new URL(link!).pathname;
    const done = await fetch(`${server.baseUrl}${unsubscribePath}`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(done.status).toBeLessThan(400);

    const before = inbox.length;
    await replier.post(DEMO_PATH, {
      name: "Sam Okafor",
      parentId: String(parentId),
      body: "And one more thought, after the unsubscribe.",
    });
    await new Promise((r) => setTimeout(r, 7_000)); // more than one worker interval
    expect(
      inbox.slice(before).filter((m) => (m.to && "text" in m.to ? m.to.text : "").includes("ines@example.org")),
    ).toEqual([]);
  }, 60_000);
});

describe("a long thread", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  }, 120_000);
  afterAll(async () => server?.stop());

  it("sends the permalink of comment 130 of a 200-comment thread to page 3, at its anchor", async () => {
    const guest = new HttpClient(server.baseUrl);
    // The demo post already has 16 top-level comments.
    for (let n = 17; n <= 200; n++) {
      const reply = await guest.post(DEMO_PATH, { name: "Reader", body: `Top-level comment number ${n}.` });
      expect(reply.status).toBe(303);
    }
    const page1 = (await guest.get(DEMO_PATH)).text;
    expect(page1).toContain('id="comment-50"');
    expect(page1).not.toContain('id="comment-51"');
    const page3 = (await guest.get(`${DEMO_PATH}?page=3`)).text;
    const id = commentIdOf(page3, "130");
    const permalink = await guest.get(`/comments/${id}`);
    expect(permalink.status).toBe(302);
    expect(permalink.location).toBe(`${DEMO_PATH}?page=3#comment-130`);
    expect((await guest.get(`/posts/what-does-a-technology-coach-do/comments/130`)).location).toBe(
      `${DEMO_PATH}?page=3#comment-130`,
    );
    expect(page3).toContain('id="comment-130"');
    expect(page3).toContain('id="comment-101"');
    expect(page3).not.toContain('id="comment-151"');
  }, 120_000);
});
