import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertSucceeded, HttpClient, runUserCreate, textareaValue } from "../support/accounts";
import { readEmlOutbox, waitFor } from "../support/mail";
import { decodeEntities } from "../support/pages";
import { DEMO_PATH, startTestServer, type TestServer } from "../support/server";

/**
 * What readers see (issue 12), over plain HTTP against the production server with moderation
 * as shipped (first-time guests held): bodies that would show nothing are refused like a blank
 * one, short user text is isolated from the text around it, and the moderation queue is paged.
 */

const HOOK_TIMEOUT = 120_000;
const BLANK = "Write a comment before posting.";
const ADMIN = { email: "ada.admin@example.org", name: "Ada Admin", password: "granite meadow copper 19" };

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({
    moderation: true,
    env: { COMMENT_MIN_SECONDS: "0", COMMENT_RATE_LIMIT: "10000" },
    beforeStart: async (dataDir, cwd) => {
      const created = await runUserCreate(["--email", ADMIN.email, "--name", ADMIN.name, "--role", "admin"], {
        cwd,
        env: { DATA_DIR: dataDir, STAFFROOM_PASSWORD: ADMIN.password },
      });
      assertSucceeded("user:create", created);
    },
  });
}, HOOK_TIMEOUT);

afterAll(async () => {
  await server?.stop();
}, HOOK_TIMEOUT);

describe("a body that would show nothing is refused like a blank one", () => {
  const bodies: [string, string][] = [
    ["bold around a zero-width space", "**\u200B**"],
    ["a non-breaking space entity", "&nbsp;"],
    ["a link with no text", "[](https://example.org)"],
    ["an image with an empty alt text", "![](https://example.org/pixel.png)"],
    ["a word joiner and a zero-width joiner in emphasis", "_\u2060\u200D_"],
  ];
  for (const [what, body] of bodies) {
    it(`a new comment of ${what}: 400, the blank-body message by the field, the text kept`, async () => {
      const guest = new HttpClient(server.baseUrl);
      const reply = await guest.post(DEMO_PATH, { name: "Ivy Invisible", body });
      expect(reply.status).toBe(400);
      expect(decodeEntities(reply.text)).toContain(BLANK);
      // The message is the body field's own: conform ties it to the textarea by aria-describedby.
      const textarea = /<textarea\b[^>]*name="body"[^>]*>/.exec(reply.text)?.[0] ?? "";
      expect(textarea).toContain('aria-invalid="true"');
      expect(textareaValue(reply.text, "body")).toBe(body);
    });
  }

  it("an edit to a body of only invisible characters: 400 with the message, the text kept, the comment unchanged", async () => {
    const writer = new HttpClient(server.baseUrl);
    const posted = await writer.post(DEMO_PATH, { name: "Eda Editor", body: "A first thought worth keeping." });
    expect(posted.status).toBe(303);
    const id = /[?&]held=(\d+)/.exec(posted.location ?? "")?.[1];
    expect(id, `Location: ${posted.location}`).toBeDefined();
    const refused = await writer.post(`/comments/${id}/edit`, { body: "**\u200B**&nbsp;" });
    expect(refused.status).toBe(400);
    expect(decodeEntities(refused.text)).toContain(BLANK);
    expect(textareaValue(refused.text, "body")).toBe("**\u200B**&nbsp;");
    const form = await writer.get(`/comments/${id}/edit`);
    expect(textareaValue(form.text, "body")).toBe("A first thought worth keeping.");
  });
});

// ---------------------------------------------------------------------------
// The moderation queue, paged
// ---------------------------------------------------------------------------

interface QueueEntry {
  submissionId: string;
  body: string;
}

/** The entries of a /moderation list page, in the order shown. */
function queueEntries(html: string): QueueEntry[] {
  const markup = html.replace(/<script\b[\s\S]*?<\/script>/gi, "");
  return markup
    .split('<li class="queue-item">')
    .slice(1)
    .map((chunk) => {
      const item = chunk.slice(0, chunk.indexOf("</li>"));
      const submissionId = /name="submissionId" value="([0-9a-f-]{36})"/.exec(item)?.[1] ?? "";
      const body = decodeEntities(/<pre class="queue-body"[^>]*>([\s\S]*?)<\/pre>/.exec(item)?.[1] ?? "");
      return { submissionId, body };
    });
}

/** A redirect's path and query parameters, whatever their order. */
function addressOf(location: string | null): { path: string; params: [string, string][] } {
  const url = new URL(location ?? "", "http://x");
  return { path: url.pathname, params: [...url.searchParams].sort(([a], [b]) => a.localeCompare(b)) };
}

/** The `<nav>` named `label`, or null. */
function navNamed(html: string, label: string): string | null {
  const start = html.indexOf(`aria-label="${label}"`);
  if (start < 0) return null;
  return html.slice(html.lastIndexOf("<nav", start), html.indexOf("</nav>", start));
}

/** The hrefs of a navigation's links, entities decoded. */
function hrefsIn(nav: string): string[] {
  return [...nav.matchAll(/<a\b[^>]*href="([^"]*)"/g)].map((m) => decodeEntities(m[1]));
}

describe("the moderation queue, paged", () => {
  const PAGED = 56;
  const bodyOf = (i: number) => `Queue paging: held comment number ${String(i).padStart(2, "0")} of ${PAGED}.`;
  let admin: HttpClient;

  beforeAll(async () => {
    admin = new HttpClient(server.baseUrl);
    expect((await admin.signIn(ADMIN.email, ADMIN.password)).status).toBe(302);
    // First-time guests, each in their own browser: every one is held, in this order.
    for (let i = 1; i <= PAGED; i++) {
      const reply = await new HttpClient(server.baseUrl).post(DEMO_PATH, { name: `Guest ${i}`, body: bodyOf(i) });
      expect(reply.status, `comment ${i}`).toBe(303);
      expect(reply.location).toMatch(/[?&]held=\d+/);
    }
  }, HOOK_TIMEOUT);

  async function pendingPage(page?: number): Promise<{ html: string; entries: QueueEntry[] }> {
    const reply = await admin.get(`/moderation?list=pending${page ? `&page=${page}` : ""}`);
    expect(reply.status).toBe(200);
    return { html: reply.text, entries: queueEntries(reply.text) };
  }

  it("shows 50 held comments a page, oldest first, with named page navigations above and below that work without JavaScript", async () => {
    const first = await pendingPage();
    expect(first.entries).toHaveLength(50);
    for (const label of ["Queue pages, top", "Queue pages, bottom"]) {
      const nav = navNamed(first.html, label);
      expect(nav, `a navigation named “${label}”`).not.toBeNull();
      expect(hrefsIn(nav!)).toContain("/moderation?list=pending&page=2");
    }
    const second = await pendingPage(2);
    const all = [...first.entries, ...second.entries];
    expect(new Set(all.map((e) => e.submissionId)).size, "no comment on both pages").toBe(all.length);
    const ours = all.map((e) => e.body).filter((b) => b.startsWith("Queue paging:"));
    expect(ours).toEqual(Array.from({ length: PAGED }, (_, i) => bodyOf(i + 1)));
    expect(second.entries.at(-1)?.body).toBe(bodyOf(PAGED));
    expect(hrefsIn(navNamed(second.html, "Queue pages, top")!)).toContain("/moderation?list=pending");
    // A page beyond the last shows the last one.
    expect((await pendingPage(40)).entries.map((e) => e.submissionId)).toEqual(
      second.entries.map((e) => e.submissionId),
    );
  });

  it("an action on comments ticked on page 2 acts on those only, and comes back to page 2, then to page 1 once page 2 is gone", async () => {
    const before1 = (await pendingPage()).entries;
    const before2 = (await pendingPage(2)).entries;
    expect(before2.length).toBeGreaterThan(2);
    const ticked = before2.slice(-2);
    const reply = await admin.post("/moderation", [
      ["list", "pending"],
      ["page", "2"],
      ["action", "approve"],
      ...ticked.map((e): [string, string] => ["submissionId", e.submissionId]),
    ]);
    expect(reply.status).toBe(303);
    expect(addressOf(reply.location)).toEqual(addressOf("/moderation?list=pending&page=2&done=approve&n=2"));
    const after2 = await admin.get(reply.location!);
    expect(decodeEntities(after2.text.replace(/<!--[\s\S]*?-->/g, ""))).toContain("2 comments approved.");
    expect(queueEntries(after2.text).map((e) => e.submissionId)).toEqual(
      before2.slice(0, -2).map((e) => e.submissionId),
    );
    expect((await pendingPage()).entries).toEqual(before1);
    const thread = decodeEntities((await new HttpClient(server.baseUrl).get(DEMO_PATH)).text);
    for (const e of ticked) expect(thread).toContain(e.body);

    // Everything left on page 2: the list then fits on one page, where the moderator lands.
    const rest = queueEntries(after2.text);
    const cleared = await admin.post("/moderation", [
      ["list", "pending"],
      ["page", "2"],
      ["action", "spam"],
      ...rest.map((e): [string, string] => ["submissionId", e.submissionId]),
    ]);
    expect(cleared.status).toBe(303);
    expect(addressOf(cleared.location)).toEqual(addressOf(`/moderation?list=pending&done=spam&n=${rest.length}`));
    const landed = await admin.get(cleared.location!);
    expect(queueEntries(landed.text)).toEqual(before1);
    expect(navNamed(landed.text, "Queue pages, top")).toBeNull();
  });
});

// ---------------------------------------------------------------------------
// Short user text isolated from the text around it
// ---------------------------------------------------------------------------

/**
 * The places in `html` (scripts left out) where `text` stands without being isolated: not the
 * whole content of a `<bdi>` or of an element with `dir="auto"`, not between U+2068 and U+2069,
 * and not a form field's value. Each is given with a little context, for the failure message.
 */
function unisolated(html: string, text: string): string[] {
  const markup = html.replace(/<script\b[\s\S]*?<\/script>/gi, "");
  const out: string[] = [];
  for (let at = markup.indexOf(text); at >= 0; at = markup.indexOf(text, at + text.length)) {
    const before = markup.slice(0, at);
    const after = markup.slice(at + text.length);
    const inBdi = before.endsWith("<bdi>") && after.startsWith("</bdi>");
    const inAutoElement = /<[a-z]+\b[^>]*\bdir="auto"[^>]*>$/i.test(before) && after.startsWith("</");
    const inIsolates = before.endsWith("\u2068") && after.startsWith("\u2069");
    const fieldValue = /\bvalue="$/.test(before);
    if (!inBdi && !inAutoElement && !inIsolates && !fieldValue)
      out.push(markup.slice(Math.max(0, at - 80), at + text.length + 40));
  }
  return out;
}

describe("a right-to-left override in short user text flips nothing around it", () => {
  // U+202E RIGHT-TO-LEFT OVERRIDE: without isolation, everything after it on the line is drawn backwards.
  const NAME = "Rita \u202EReverso";
  const REASON = "Spam \u202Ethis is reversed";
  const BODY = "A plain comment whose writer has an override in their name.";
  let admin: HttpClient;
  let heldId: string;

  beforeAll(async () => {
    admin = new HttpClient(server.baseUrl);
    expect((await admin.signIn(ADMIN.email, ADMIN.password)).status).toBe(302);
    const writer = new HttpClient(server.baseUrl);
    const reply = await writer.post(DEMO_PATH, { name: NAME, website: "https://rita.example.org", body: BODY });
    expect(reply.status).toBe(303);
    heldId = /[?&]held=(\d+)/.exec(reply.location ?? "")?.[1] ?? "";
    expect(heldId, `Location: ${reply.location}`).not.toBe("");
  }, HOOK_TIMEOUT);

  it("in the moderation queue: the writer's name is isolated", async () => {
    const html = (await admin.get("/moderation?list=pending&page=9999")).text;
    expect(html).toContain(NAME);
    expect(unisolated(html, NAME)).toEqual([]);
  });

  it("in the email to the post's coach about the held comment (plain text): the name is between U+2068 and U+2069", async () => {
    const mail = await waitFor("the held-comment email naming the writer", async () =>
      (await readEmlOutbox(server.dataDir)).find((m) => m.text.includes(NAME)),
    );
    expect(mail.text).toContain(`A comment by \u2068${NAME}\u2069 on`);
    expect(mail.text.split(NAME).length - 1).toBe(mail.text.split(`\u2068${NAME}\u2069`).length - 1);
  });

  it("on the post page and in the comments feed once approved: the name is isolated", async () => {
    const entry = queueEntries((await admin.get("/moderation?list=pending&page=9999")).text).find(
      (e) => e.body === BODY,
    );
    expect(entry).toBeDefined();
    const approved = await admin.post("/moderation", [
      ["list", "pending"],
      ["action", "approve"],
      ["submissionId", entry!.submissionId],
    ]);
    expect(approved.status).toBe(303);
    const page = await new HttpClient(server.baseUrl).get(DEMO_PATH);
    expect(page.text).toContain(NAME);
    expect(unisolated(page.text, NAME)).toEqual([]);
    const feed = await new HttpClient(server.baseUrl).get(`${DEMO_PATH}/comments.atom`);
    expect(feed.status).toBe(200);
    const title = [...feed.text.matchAll(/<title[^>]*>([\s\S]*?)<\/title>/g)]
      .map((m) => m[1])
      .find((t) => t.includes(NAME));
    expect(title).toMatch(new RegExp(`^Comment \\d+ by \u2068${NAME}\u2069$`));
  });

  it("a report's reason in the queue's Reported list is isolated", async () => {
    const reader = new HttpClient(server.baseUrl);
    const reported = await reader.post(`/comments/${heldId}/report`, { reason: REASON });
    expect(reported.status).toBe(303);
    const html = (await admin.get("/moderation?list=reported")).text;
    expect(html).toContain(REASON);
    expect(unisolated(html, REASON)).toEqual([]);
    expect(unisolated(html, NAME)).toEqual([]);
  });
});
