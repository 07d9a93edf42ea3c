import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_COACH_EMAIL, DEMO_COACH_PASSWORD, HttpClient, inputValue, type Reply } from "../support/accounts";
import { commentArticleHtml, commentIdOf, decodeEntities, prose } from "../support/pages";
import { DEMO_PATH, DEMO_SLUG, startTestServer, type TestServer } from "../support/server";

/**
 * Long threads as a reader without JavaScript meets them, over plain HTTP on
 * the production build: on comment page 2, every link and redirect that
 * targets a comment (reply, post, edit, report, remove) stays on the page
 * holding it; the two pagination navigations have names of their own;
 * removing a comment asks first; the confirmation after posting sits at the
 * comment the page lands on; and a split comment counts once.
 *
 * The demo thread has 16 top-level comments; 35 more make comment 51, the
 * first on page 2 (50 top-level comments a page, as the README says).
 */

const HOOK_TIMEOUT = 120_000;
const SLOW_TEST = 90_000;

/** The page's visible text: markup without scripts, entities decoded, white space collapsed. */
function shown(html: string): string {
  return decodeEntities(
    html
      .replace(/<script\b[\s\S]*?<\/script>/gi, "")
      .replace(/<[^>]+>/g, " ")
      .replace(/\s+/g, " "),
  );
}

/** A fresh one-time form key, shaped as the page issues them. */
function formKey(): string {
  return randomBytes(16).toString("base64url");
}

/** GETs a path (200 expected) and returns its HTML. */
async function page(who: HttpClient, pathname: string): Promise<string> {
  const reply = await who.get(pathname);
  expect(reply.status, `GET ${pathname}`).toBe(200);
  return reply.text;
}

/** The form fields a browser sends from a page's comment or reply form (hidden fields read from the page). */
function formFrom(html: string, fields: Record<string, string>): Record<string, string> {
  const form: Record<string, string> = { homepage: "", name: "Pat Reader" };
  for (const name of ["idempotencyKey", "renderedAt", "asMember"]) {
    const value = inputValue(html, name);
    if (value !== null) form[name] = value;
  }
  return { ...form, ...fields };
}

/** The decoded `action` of the `<form>` whose id is `id`. */
function formAction(html: string, id: string): string {
  const tag = new RegExp(`<form\\b[^>]*\\bid="${id}"[^>]*>`).exec(html)?.[0];
  expect(tag, `a form with id="${id}"`).toBeTruthy();
  const action = /\baction="([^"]*)"/.exec(tag!)?.[1];
  expect(action, `the action of form ${id}`).toBeTruthy();
  return decodeEntities(action!);
}

/** The Location of a 303, resolved against the server: its path, query and fragment. */
function landing(reply: Reply, baseUrl: string): URL {
  expect(reply.status, shown(reply.text).slice(0, 500)).toBe(303);
  expect(reply.location).toBeTruthy();
  return new URL(reply.location!, baseUrl);
}

/** The HTML from the element with this id to the end of its own article (the comment, not its replies). */
function elementHtml(html: string, id: string): string {
  const at = html.indexOf(`id="${id}"`);
  expect(at, `an element with id="${id}"`).toBeGreaterThan(-1);
  return html.slice(at, html.indexOf("</article>", at));
}

/** Every `<nav>`'s aria-label in the page's comments section. */
function paginationLabels(html: string): string[] {
  const comments = html.slice(html.indexOf('id="comments"'));
  return [...comments.matchAll(/<nav class="pagination" aria-label="([^"]*)"/g)].map((m) => decodeEntities(m[1]));
}

/** The number shown in the comments heading ("23 comments"). */
function headingCount(html: string): number {
  const match = /<h2 id="comments-heading">([\d,]+) comments?<\/h2>/.exec(html);
  expect(match, "the comments heading").not.toBeNull();
  return Number(match![1].replaceAll(",", ""));
}

describe("a thread of two pages, without JavaScript", () => {
  let server: TestServer;
  /** The guest who writes on page 2 (keeps their browser cookie). */
  let writer: HttpClient;
  let id51 = 0;
  const page2 = `${DEMO_PATH}?page=2`;

  beforeAll(async () => {
    server = await startTestServer();
    const seeder = new HttpClient(server.baseUrl);
    let last = "";
    for (let i = 1; i <= 35; i++) {
      const reply = await seeder.post(DEMO_PATH, {
        name: "Sam Seeder",
        body: `Top-level comment ${i} of the long thread.`,
        idempotencyKey: formKey(),
        homepage: "",
      });
      expect(reply.status, shown(reply.text).slice(0, 300)).toBe(303);
      last = reply.location ?? "";
    }
    // The 35th lands on the page holding it: page 2.
    expect(new URL(last, server.baseUrl).hash).toBe("#comment-51");
    writer = new HttpClient(server.baseUrl);
    id51 = commentIdOf(await page(writer, page2), "51");
  }, HOOK_TIMEOUT);

  afterAll(async () => {
    await server?.stop();
  }, HOOK_TIMEOUT);

  it("the comment permalink lands on page 2", async () => {
    const reply = await writer.get(`/comments/${id51}`);
    expect(reply.status).toBe(302);
    const to = new URL(reply.location!, server.baseUrl);
    expect(to.searchParams.get("page")).toBe("2");
    expect(to.hash).toBe("#comment-51");
  });

  it("the two pagination navigations have names of their own", async () => {
    for (const path of [DEMO_PATH, page2]) {
      const labels = paginationLabels(await page(writer, path));
      expect(labels).toHaveLength(2);
      expect(new Set(labels).size, labels.join(" | ")).toBe(2);
      for (const label of labels) expect(label).toMatch(/^Comment pages/);
    }
  });

  let replyId = 0;
  const replyText = "A reply written on page two, to comment 51.";

  it(
    "following “Reply to 51” on page 2 opens its form; the reply lands on page 2 at the new comment, with the thank-you there",
    async () => {
      const html = await page(writer, page2);
      const article = commentArticleHtml(html, "51");
      const href = /<a [^>]*href="([^"]*replyTo=[^"]*)"[^>]*>Reply to 51<\/a>/.exec(article)?.[1];
      expect(href, "a Reply to 51 link").toBeTruthy();
      // Resolved as a browser resolves it, against the page it is on.
      const target = new URL(decodeEntities(href!), `${server.baseUrl}${page2}`);
      const opened = await page(writer, `${target.pathname}${target.search}`);
      const form = commentArticleHtml(opened, "51");
      expect(form).toContain(`name="parentId" value="${id51}"`);
      expect(form).toContain("Post reply");

      const postTo = new URL(
        formAction(opened, `reply-${id51}`),
        `${server.baseUrl}${target.pathname}${target.search}`,
      );
      const reply = await writer.post(
        `${postTo.pathname}${postTo.search}`,
        formFrom(opened, { formId: `reply-${id51}`, parentId: String(id51), body: replyText }),
      );
      const to = landing(reply, server.baseUrl);
      expect(to.pathname).toBe(DEMO_PATH);
      expect(to.searchParams.get("page")).toBe("2");
      expect(to.hash).toBe("#comment-51-1");
      const after = await page(writer, `${to.pathname}${to.search}`);
      const landed = shown(elementHtml(after, to.hash.slice(1)));
      expect(landed).toContain(replyText);
      expect(landed).toMatch(/thank you/i);
      replyId = commentIdOf(after, "51.1");
    },
    SLOW_TEST,
  );

  it("a refused reply on page 2 comes back on page 2, in its own form, with the text", async () => {
    const html = await page(writer, `${page2}&replyTo=${id51}`);
    const postTo = new URL(formAction(html, `reply-${id51}`), `${server.baseUrl}${page2}`);
    expect(postTo.searchParams.get("page")).toBe("2");
    const reply = await writer.post(
      `${postTo.pathname}${postTo.search}`,
      formFrom(html, { formId: `reply-${id51}`, parentId: String(id51), body: "   " }),
    );
    expect(reply.status).toBe(400);
    expect(commentArticleHtml(reply.text, "51")).toContain(`name="parentId" value="${id51}"`);
  });

  it("editing the reply lands back on page 2 at it", async () => {
    expect(replyId).toBeGreaterThan(0);
    const form = await page(writer, `/comments/${replyId}/edit`);
    expect(form).toContain("Save changes");
    const reply = await writer.post(`/comments/${replyId}/edit`, { body: `${replyText} Edited.` });
    const to = landing(reply, server.baseUrl);
    expect(to.searchParams.get("page")).toBe("2");
    expect(to.hash).toBe("#comment-51-1");
    expect(shown(elementHtml(await page(writer, `${to.pathname}${to.search}`), "comment-51-1"))).toContain("Edited.");
  });

  it("reporting comment 51 lands back on page 2 at it, with the thank-you there", async () => {
    const reader = new HttpClient(server.baseUrl);
    const reply = await reader.post(`/comments/${id51}/report`, { reason: "Off topic" });
    const to = landing(reply, server.baseUrl);
    expect(to.searchParams.get("page")).toBe("2");
    expect(to.hash).toBe("#comment-51");
    const landed = shown(elementHtml(await page(reader, `${to.pathname}${to.search}`), "comment-51"));
    expect(landed).toMatch(/moderators will look/i);
  });

  it("“Remove” under your own comment asks first: a page naming it, with Remove and Cancel; nothing is removed by the link", async () => {
    const html = await page(writer, page2);
    const article = commentArticleHtml(html, "51.1");
    // Not a button that removes at once.
    expect(article).not.toMatch(/<form [^>]*action="\/comments\/\d+\/remove"/);
    const href = /<a [^>]*href="([^"]*\/remove)"[^>]*>Remove<\/a>/.exec(article)?.[1];
    expect(href).toBe(`/comments/${replyId}/remove`);
    const confirm = await page(writer, href!);
    const text = shown(confirm);
    expect(text).toContain("Remove comment 51.1?");
    expect(text).toContain("This cannot be undone");
    const form = new RegExp(`<form\\b[^>]*\\baction="/comments/${replyId}/remove"[^>]*>`).exec(confirm)?.[0];
    expect(form, "a form posting the removal").toMatch(/\bmethod="post"/);
    const cancel = /<a [^>]*href="([^"]*)"[^>]*>Cancel<\/a>/.exec(confirm)?.[1];
    expect(cancel).toBeTruthy();
    const back = await writer.get(decodeEntities(cancel!));
    const cancelled = new URL(back.location ?? decodeEntities(cancel!), server.baseUrl);
    expect(cancelled.searchParams.get("page")).toBe("2");
    expect(cancelled.hash).toBe("#comment-51-1");
    // Still there.
    expect(shown(commentArticleHtml(await page(writer, page2), "51.1"))).toContain(replyText);
  });

  it("someone else is told they cannot remove it, and no form is offered", async () => {
    const other = new HttpClient(server.baseUrl);
    const reply = await other.get(`/comments/${replyId}/remove`);
    expect(reply.status).toBe(403);
    expect(reply.text).not.toMatch(/<form [^>]*action="\/comments\/\d+\/remove"/);
  });

  it("confirming removes it and lands back on page 2 at its tombstone", async () => {
    const reply = await writer.post(`/comments/${replyId}/remove`, {});
    const to = landing(reply, server.baseUrl);
    expect(to.searchParams.get("page")).toBe("2");
    expect(to.hash).toBe("#comment-51-1");
    const landed = shown(elementHtml(await page(writer, `${to.pathname}${to.search}`), "comment-51-1"));
    expect(landed).toContain("This comment was removed.");
    expect(landed).not.toContain(replyText);
  });
});

describe("moderation as shipped", () => {
  let server: TestServer;
  let coach: HttpClient;

  beforeAll(async () => {
    server = await startTestServer({
      moderation: true,
      env: { COMMENT_MIN_SECONDS: "0", COMMENT_RATE_LIMIT: "1000", DEMO_COACH_PASSWORD },
    });
    coach = new HttpClient(server.baseUrl);
    expect((await coach.signIn(DEMO_COACH_EMAIL, DEMO_COACH_PASSWORD)).status).toBe(302);
  }, HOOK_TIMEOUT);

  afterAll(async () => {
    await server?.stop();
  }, HOOK_TIMEOUT);

  it("a held comment: the page lands on it, and the “awaiting moderation” thank-you is there", async () => {
    const guest = new HttpClient(server.baseUrl);
    const html = await page(guest, DEMO_PATH);
    const body = "A first comment from a new reader, which waits for the coach.";
    const reply = await guest.post(DEMO_PATH, formFrom(html, { formId: "comment", body, name: "Noa New" }));
    const to = landing(reply, server.baseUrl);
    expect(to.hash).toMatch(/^#comment-held-\d+$/);
    const landed = shown(elementHtml(await page(guest, `${to.pathname}${to.search}`), to.hash.slice(1)));
    expect(landed).toContain(body);
    expect(landed).toMatch(/Thank you.*awaiting moderation/);
  });

  it(
    "approving a comment posted in three parts adds 1 to the post's count and the home page's",
    async () => {
      const before = headingCount(await page(coach, DEMO_PATH));
      const homeBefore = await page(coach, "/");
      const guest = new HttpClient(server.baseUrl);
      const html = await page(guest, DEMO_PATH);
      // Between two and three times the 4,096-character limit: three parts.
      const { text } = prose(9_000);
      expect(text.length).toBeLessThan(3 * 4096);
      const reply = await guest.post(DEMO_PATH, formFrom(html, { formId: "comment", body: text, name: "Lee Long" }));
      expect(landing(reply, server.baseUrl).hash).toMatch(/^#comment-held-/);

      const queue = await page(coach, "/moderation?list=pending");
      const items = queue.split('<li class="queue-item">').slice(1);
      const item = items.find((chunk) => shown(chunk).includes("Lee Long"));
      expect(item, "the held comment in the queue").toBeDefined();
      const submissionId = /name="submissionId" value="([0-9a-f-]{36})"/.exec(item!)?.[1];
      expect(submissionId).toBeTruthy();
      const approved = await coach.post("/moderation", [
        ["list", "pending"],
        ["action", "approve"],
        ["submissionId", submissionId!],
      ]);
      expect(approved.status).toBe(303);

      const after = await page(coach, DEMO_PATH);
      expect(shown(after)).toContain("Part 3 of 3");
      expect(headingCount(after)).toBe(before + 1);
      const count = (home: string) => {
        const at = home.indexOf(`href="/posts/${DEMO_SLUG}#comments"`);
        expect(at).toBeGreaterThan(-1);
        return Number(/>([\d,]+) comments?</.exec(home.slice(at))![1].replaceAll(",", ""));
      };
      expect(count(await page(coach, "/"))).toBe(count(homeBefore) + 1);
    },
    SLOW_TEST,
  );
});
