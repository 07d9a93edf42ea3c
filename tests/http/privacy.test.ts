import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_COACH_EMAIL, HttpClient, textareaValue } from "../support/accounts";
import { decodeEntities } from "../support/pages";
import { DEMO_PATH, startTestServer, type TestServer } from "../support/server";

// The demo thread's comment 11 posts a video-call handle in public. Sent
// through the form today, its writer is asked first.
const COMMENT_11 =
  "Thank you! My daughter visited your school for a swimming tournament last autumn. My video-call name is sample.handle.42 and any time that suits you suits me.";

async function waitForOutbox(dir: string, timeoutMs: number): Promise<string[]> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const files = await readdir(dir).catch(() => [] as string[]);
    if (files.some((f) => f.endsWith(".eml"))) return files.filter((f) => f.endsWith(".eml"));
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return [];
}

describe("contact details in a public comment", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  }, 120_000);
  afterAll(async () => server?.stop());

  const form = (extra: Record<string, string> = {}) => ({ name: "Lucia Ferrer", body: COMMENT_11, ...extra });

  it("asks before publishing: 422, the handle named, both choices offered, the text kept, nothing posted", async () => {
    const guest = new HttpClient(server.baseUrl);
    const before = (await guest.get(DEMO_PATH)).text;
    const reply = await guest.post(DEMO_PATH, form());
    expect(reply.status).toBe(422);
    const page = decodeEntities(reply.text);
    expect(page).toContain("My video-call name is sample.handle.42");
    expect(page).toContain("Send it privately to the author");
    expect(page).toContain("Publish it as it is");
    expect(textareaValue(reply.text, "body")).toBe(COMMENT_11);
    expect((await guest.get(DEMO_PATH)).text.match(/data-number=/g)?.length).toBe(
      before.match(/data-number=/g)?.length,
    );
  });

  it("publishes it when the writer confirms", async () => {
    const guest = new HttpClient(server.baseUrl);
    const reply = await guest.post(DEMO_PATH, form({ contactChoice: "publish", body: `${COMMENT_11} (confirmed)` }));
    expect(reply.status).toBe(303);
    expect(reply.location).toMatch(/#comment-\d+$/);
    expect(decodeEntities((await guest.get(DEMO_PATH)).text)).toContain(
      "sample.handle.42 and any time that suits you suits me. (confirmed)",
    );
  });

  it("sends it privately to the post's author instead: an email to the author, not published", async () => {
    const guest = new HttpClient(server.baseUrl);
    const privateText = `${COMMENT_11} (privately)`;
    const reply = await guest.post(
      DEMO_PATH,
      form({ contactChoice: "private", email: "lucia@example.org", body: privateText }),
    );
    expect(reply.status).toBe(303);
    expect(reply.location).toContain("sentPrivately=1");
    const page = decodeEntities((await guest.get(reply.location!)).text);
    expect(page).toContain("Sent privately to the post's author");
    expect(page).not.toContain("(privately)");

    const outbox = path.join(server.dataDir, "outbox");
    const files = await waitForOutbox(outbox, 15_000);
    expect(files.length).toBeGreaterThan(0);
    const messages = await Promise.all(files.map(async (f) => simpleParser(await readFile(path.join(outbox, f)))));
    const mail = messages.find((m) => m.text?.includes("(privately)"));
    expect(mail?.to && "text" in mail.to ? mail.to.text : "").toContain(DEMO_COACH_EMAIL);
    expect(mail?.replyTo?.text).toContain("lucia@example.org");
    expect(mail?.subject).toContain("What is the role of a technology integration specialist?");
  }, 30_000);
});

describe("a private message's link to the post", () => {
  const SITE_URL = "https://staffroom.example.org";
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { SITE_URL } });
  }, 120_000);
  afterAll(async () => server?.stop());

  it("uses SITE_URL, not the address the request came to", async () => {
    const guest = new HttpClient(server.baseUrl);
    const reply = await guest.post(DEMO_PATH, {
      name: "Lucia Ferrer",
      email: "lucia@example.org",
      contactChoice: "private",
      body: `${COMMENT_11} (linked)`,
    });
    expect(reply.status).toBe(303);
    const outbox = path.join(server.dataDir, "outbox");
    const files = await waitForOutbox(outbox, 15_000);
    const messages = await Promise.all(files.map(async (f) => simpleParser(await readFile(path.join(outbox, f)))));
    const mail = messages.find((m) => m.text?.includes("(linked)"));
    expect(mail?.text).toContain(`(${SITE_URL}${DEMO_PATH})`);
    expect(mail?.text).not.toContain(server.baseUrl);
  }, 30_000);
});
