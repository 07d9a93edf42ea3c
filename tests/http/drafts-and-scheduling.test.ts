import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_COACH_EMAIL, DEMO_COACH_PASSWORD, HttpClient, inputValue } from "../support/accounts";
import { decodeEntities } from "../support/pages";
import { DEMO_PATH, DEMO_SLUG, startTestServer, type TestServer } from "../support/server";

/**
 * Drafts and scheduled posts over plain HTTP on the production build
 * (issue 11, "Writing like a coach writes"; docs/decisions/0048): readers,
 * crawlers and feed readers never meet a draft or a post dated later than
 * today, on any surface; a comment sent to one is refused and not stored;
 * coaches see both at their usual address as a marked, unindexed, uncached
 * preview without a comment form.
 *
 * The sandbox holds, beside the demo post, a draft and a post dated 2999
 * (published, so scheduled), both tagged "coaching" like the demo post and
 * each with a tag and a word of its own that nothing else carries.
 */

const HOOK_TIMEOUT = 120_000;

const DRAFT = {
  slug: "unpublished-rubric-musings",
  title: "Unpublished musings on rubrics",
  tag: "draft-only-tag",
  word: "quokkaparade",
};
const SCHEDULED = {
  slug: "lesson-study-plan-for-later",
  title: "A lesson study plan for later",
  tag: "scheduled-only-tag",
  word: "zeppelinfest",
};
const HIDDEN = [DRAFT, SCHEDULED];

function postFile(post: typeof DRAFT, published: string, status: "draft" | "published"): string {
  return [
    "---",
    `title: ${post.title}`,
    `published: ${published}`,
    `status: ${status}`,
    "author: morgan-ellery",
    "tags:",
    "  - coaching",
    `  - ${post.tag}`,
    `summary: Not for readers yet.`,
    "license: site-default",
    "commentsOpen: true",
    "---",
    `Notes that mention ${post.word} and nothing more.`,
    "",
  ].join("\n");
}

let server: TestServer;
let reader: HttpClient;
let coach: HttpClient;

beforeAll(async () => {
  server = await startTestServer({
    sandbox: true,
    env: { DEMO_COACH_PASSWORD, COMMENT_MIN_SECONDS: "0" },
    beforeStart: async (_dataDir, cwd) => {
      await writeFile(path.join(cwd, `content/posts/${DRAFT.slug}.md`), postFile(DRAFT, "2014-02-01", "draft"));
      await writeFile(
        path.join(cwd, `content/posts/${SCHEDULED.slug}.md`),
        postFile(SCHEDULED, "2999-01-01", "published"),
      );
    },
  });
  reader = new HttpClient(server.baseUrl);
  coach = new HttpClient(server.baseUrl);
  const signedIn = await coach.signIn(DEMO_COACH_EMAIL, DEMO_COACH_PASSWORD);
  expect(signedIn.status, "the demo coach signs in").toBe(302);
}, HOOK_TIMEOUT);

afterAll(async () => {
  await server?.stop();
}, HOOK_TIMEOUT);

/** GETs `pathname` as `who`, expecting `status`, and returns the body. */
async function body(pathname: string, status = 200, who = reader): Promise<string> {
  const reply = await who.get(pathname);
  expect(reply.status, `GET ${pathname}`).toBe(status);
  return reply.text;
}

/** The page's text as a reader reads it: tags and comments dropped, entities decoded, spaces collapsed. */
function visible(html: string): string {
  return decodeEntities(
    html
      .replace(/<script\b[\s\S]*?<\/script>/gi, "")
      .replace(/<!--[\s\S]*?-->/g, "")
      .replace(/<[^>]+>/g, ""),
  ).replace(/\s+/g, " ");
}

/** Checks that a surface shows the demo post (so the check means something) and neither hidden post. */
function showsOnlyPublic(pathname: string, text: string): void {
  expect(text, `${pathname} lists the demo post`).toContain(DEMO_SLUG);
  for (const post of HIDDEN) {
    expect(text, `${pathname} leaves out ${post.slug}`).not.toContain(post.slug);
    expect(decodeEntities(text), `${pathname} leaves out "${post.title}"`).not.toContain(post.title);
  }
}

describe("readers never meet a draft or a post dated later", () => {
  it("home page, tag page, tag index and archive", async () => {
    for (const pathname of ["/", "/tags/coaching", "/archive/2013/06"]) showsOnlyPublic(pathname, await body(pathname));
    const tagIndex = await body("/tags");
    expect(tagIndex).toContain("coaching");
    for (const post of HIDDEN) {
      expect(tagIndex).not.toContain(post.tag);
      await body(`/tags/${post.tag}`, 404);
    }
    // The draft's month and the scheduled post's month have nothing public in them.
    await body("/archive/2014/02", 404);
    await body("/archive/2999/01", 404);
    const archive = await body("/archive");
    expect(archive).toContain("/archive/2013/06");
    expect(archive).not.toContain("/archive/2014/02");
    expect(archive).not.toContain("/archive/2999/01");
  });

  it("search finds neither by its own words nor by its title", async () => {
    expect(await body("/search?q=coaching")).toContain(DEMO_SLUG);
    for (const post of HIDDEN) {
      for (const q of [post.word, post.title]) {
        const text = await body(`/search?q=${encodeURIComponent(q)}`);
        for (const hidden of HIDDEN) expect(text, `search for ${q}`).not.toContain(`/posts/${hidden.slug}`);
      }
    }
  });

  it("every site and tag feed, in each format, and the sitemap", async () => {
    for (const base of ["/feed", "/tags/coaching/feed"]) {
      for (const format of ["atom", "rss", "json"]) {
        const pathname = `${base}.${format}`;
        showsOnlyPublic(pathname, await body(pathname));
      }
    }
    for (const post of HIDDEN) {
      for (const format of ["atom", "rss", "json"]) await body(`/tags/${post.tag}/feed.${format}`, 404);
    }
    showsOnlyPublic("/sitemap.xml", await body("/sitemap.xml"));
  });

  it("the post page, its comments feed and its comment permalinks are 404s, for guests and members alike", async () => {
    const member = new HttpClient(server.baseUrl);
    expect((await member.signUp({ email: "mina.member@example.org", displayName: "Mina Member" })).status).toBe(302);
    for (const post of HIDDEN) {
      for (const who of [reader, member]) {
        const page = await body(`/posts/${post.slug}`, 404, who);
        expect(decodeEntities(page)).not.toContain(post.title);
        expect(decodeEntities(page)).not.toContain(post.word);
      }
      await body(`/posts/${post.slug}/comments.atom`, 404);
      await body(`/posts/${post.slug}/comments/1`, 404);
    }
  });

  it("a comment sent to a hidden post is refused with a 404 and never stored, even from staff", async () => {
    // A form that would be accepted on the demo post: its one-time key and signed drawing time.
    const demo = await body(DEMO_PATH);
    const form = (text: string) => ({
      formId: "comment",
      homepage: "",
      idempotencyKey: inputValue(demo, "idempotencyKey") ?? "",
      renderedAt: inputValue(demo, "renderedAt") ?? "",
      name: "Gale Guest",
      body: text,
    });
    for (const post of HIDDEN) {
      const guestText = `A guest's words for ${post.slug}, never to be kept.`;
      const guest = await reader.post(`/posts/${post.slug}`, form(guestText));
      expect(guest.status).toBe(404);
      const staffText = `A coach's words for ${post.slug}, never to be kept.`;
      const staff = await coach.post(`/posts/${post.slug}`, { ...form(staffText), asMember: "1" });
      expect(staff.status).toBe(404);
      const preview = decodeEntities(await body(`/posts/${post.slug}`, 200, coach));
      expect(preview).toContain("0 comments");
      expect(preview).not.toContain(guestText);
      expect(preview).not.toContain(staffText);
    }
  });
});

describe("coaches preview drafts and scheduled posts", () => {
  it("a draft: at its usual address, with the banner, noindex, never cached, and no comment form", async () => {
    const reply = await coach.get(`/posts/${DRAFT.slug}`);
    expect(reply.status).toBe(200);
    const text = visible(reply.text);
    expect(text).toContain(DRAFT.title);
    expect(text).toContain(DRAFT.word);
    expect(text).toContain("Draft — only you and other staff can see this");
    expect(reply.text).toMatch(/<meta name="robots" content="noindex"\/?>/);
    const cacheControl = reply.headers.get("cache-control") ?? "";
    expect(cacheControl).toContain("no-store");
    expect(cacheControl).toContain("private");
    expect(text).not.toContain("Leave a comment");
    expect(inputValue(reply.text, "idempotencyKey")).toBeNull();
  });

  it("a scheduled post says when readers will see it", async () => {
    const reply = await coach.get(`/posts/${SCHEDULED.slug}`);
    expect(reply.status).toBe(200);
    const text = visible(reply.text);
    expect(text).toContain(SCHEDULED.title);
    expect(text).toContain("Scheduled for 1 January 2999");
    expect(reply.text).toMatch(/<meta name="robots" content="noindex"\/?>/);
    expect(reply.headers.get("cache-control") ?? "").toContain("no-store");
  });

  it("a public post has no banner and no noindex, for the coach and for readers", async () => {
    for (const who of [coach, reader]) {
      const reply = await who.get(DEMO_PATH);
      expect(reply.status).toBe(200);
      expect(reply.text).not.toContain('name="robots"');
      expect(visible(reply.text)).not.toContain("only you and other staff can see this");
      expect(visible(reply.text)).toContain("Leave a comment");
    }
  });

  it("lists stay public-only for coaches too: previews are reached by address, not listed to readers' pages", async () => {
    showsOnlyPublic("/ (coach)", await body("/", 200, coach));
  });
});
