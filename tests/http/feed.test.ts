import path from "node:path";
import { parseFeed } from "@rowanmanning/feed-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../db/client";
import { commentSubmissions, subscriptions } from "../../db/schema";
import { ATOM_NS, child, children, NOT_XML_CHAR, parseStrictXml, textOf } from "../support/feed-xml";
import { DEMO_NUMBERS, DEMO_TITLE, EMAIL_PATTERN, POST_LICENSE_URL } from "../support/pages";
import { DEMO_PATH, DEMO_SLUG, startTestServer, type TestServer } from "../support/server";

/**
 * The production server over plain HTTP: the post's comments feed
 * (/posts/<slug>/comments.atom, Atom 1.0) and the unsubscribe page, with and
 * without a valid link. One server with a fresh database for the whole file;
 * one "replies" subscription is stored in it before it starts.
 */

const HOOK_TIMEOUT = 120_000;
const TOKEN = "feedtestTOKEN_0123456789-abcdefghij";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({
    // PGlite opens a folder in one process at a time: the subscription is stored before the server starts.
    beforeStart: async (dataDir) => {
      const handle = await openDatabase({ dataDir: path.join(dataDir, "pglite") });
      try {
        await handle.migrate();
        const [submission] = await handle.db
          .insert(commentSubmissions)
          .values({ postSlug: DEMO_SLUG, body: "A comment", partCount: 1 })
          .returning({ id: commentSubmissions.id });
        await handle.db.insert(subscriptions).values({
          kind: "replies",
          submissionId: submission.id,
          postSlug: DEMO_SLUG,
          email: "reader@example.org",
          token: TOKEN,
        });
      } finally {
        await handle.close();
      }
    },
  });
}, HOOK_TIMEOUT);

afterAll(async () => {
  await server?.stop();
}, HOOK_TIMEOUT);

describe("comments feed", () => {
  it("is well-formed Atom with the demo thread's 22 comments, each linking to its anchor on the post page", async () => {
    const response = await fetch(`${server.baseUrl}${DEMO_PATH}/comments.atom`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/atom+xml; charset=utf-8");
    const xml = await response.text();
    expect(NOT_XML_CHAR.test(xml)).toBe(false);
    // Strict XML 1.0 (saxes): throws on anything not well-formed.
    const root = parseStrictXml(xml);
    expect(textOf(child(root, ATOM_NS, "id")).trim()).toBe(`${server.baseUrl}${DEMO_PATH}/comments.atom`);

    // As a feed reader reads it (the feed is written with feedsmith; read with another library).
    const feed = parseFeed(xml);
    expect(feed.title).toContain(DEMO_TITLE);
    const entries = feed.items;
    expect(entries).toHaveLength(22);

    const page = await (await fetch(`${server.baseUrl}${DEMO_PATH}`)).text();
    const numbers: string[] = [];
    for (const entry of entries) {
      const href = entry.url ?? "";
      expect(href.startsWith(`${server.baseUrl}${DEMO_PATH}#comment-`)).toBe(true);
      const anchor = href.slice(href.indexOf("#") + 1);
      expect(page).toContain(`id="${anchor}"`);
      numbers.push(anchor.slice("comment-".length).replaceAll("-", "."));
      expect(entry.id).toMatch(new RegExp(`^${server.baseUrl}/comments/\\d+$`));
      expect(entry.authors[0]?.name?.trim()).toBeTruthy();
      expect(entry.updated).toBeInstanceOf(Date);
      expect(entry.content?.length).toBeGreaterThan(0);
    }
    expect(numbers.sort()).toEqual([...DEMO_NUMBERS].sort());
    expect(new Set(entries.map((e) => e.id)).size).toBe(22);
    // Newest first.
    const times = entries.map((e) => e.updated!.getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    // Each entry states the comment licence (the site's, here): a rel="license" link to its deed.
    for (const entry of children(root, ATOM_NS, "entry")) {
      expect(children(entry, ATOM_NS, "content")[0].attrs.type).toBe("html");
      const licences = children(entry, ATOM_NS, "link").filter((l) => l.attrs.rel === "license");
      expect(licences.map((l) => l.attrs.href)).toEqual([POST_LICENSE_URL]);
    }
    // Writers' email addresses are never published.
    expect(xml.match(EMAIL_PATTERN) ?? []).toEqual([]);
  });

  it("a permalink entry id leads to the comment", async () => {
    const xml = await (await fetch(`${server.baseUrl}${DEMO_PATH}/comments.atom`)).text();
    const [entry] = parseFeed(xml).items;
    const response = await fetch(entry.id!, { redirect: "manual" });
    expect(response.status).toBe(302);
    expect(new URL(response.headers.get("location")!, server.baseUrl).href).toBe(entry.url);
  });

  it("answers 404 for a post that does not exist", async () => {
    const response = await fetch(`${server.baseUrl}/posts/no-such-post/comments.atom`);
    expect(response.status).toBe(404);
    await response.arrayBuffer();
  });
});

describe("unsubscribe page", () => {
  it("answers 404 with a helpful page for an unknown link, on GET and on a one-click POST", async () => {
    const page = await fetch(`${server.baseUrl}/unsubscribe/nonsense`);
    expect(page.status).toBe(404);
    const html = await page.text();
    expect(html).toContain("Unsubscribe link not found");
    expect(html).toMatch(/whole link/);

    const post = await fetch(`${server.baseUrl}/unsubscribe/nonsense`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(post.status).toBe(404);
    await post.arrayBuffer();
  });

  it("shows what a link stops, and unsubscribes only on POST (a mail client's one-click POST, RFC 8058)", async () => {
    const url = `${server.baseUrl}/unsubscribe/${TOKEN}`;
    const before = await fetch(url);
    expect(before.status).toBe(200);
    const page = await before.text();
    expect(page).toContain("replies to your comment");
    expect(page).toContain(DEMO_TITLE);
    expect(page).toContain("r…@example.org");
    expect(page).not.toContain("reader@example.org");
    expect(page).toMatch(/<form[^>]*method="post"/);
    expect(page).toMatch(/<button[^>]*type="submit"[^>]*>Unsubscribe<\/button>/);

    // A cross-site form is refused.
    const forged = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "https://evil.example" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(forged.status).toBe(403);
    await forged.arrayBuffer();
    expect(await (await fetch(url)).text()).toContain(">Unsubscribe</button>");

    // The mail client's POST: no Origin, no cookies.
    const oneClick = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(oneClick.status).toBe(200);
    expect(await oneClick.text()).toContain("You are unsubscribed");

    // Again: idempotent, and the page says so.
    const again = await fetch(url, {
      method: "POST",
      headers: { Origin: server.baseUrl },
      body: new URLSearchParams(),
    });
    expect(again.status).toBe(200);
    const after = await (await fetch(url)).text();
    expect(after).toContain("Already done");
    expect(after).not.toContain(">Unsubscribe</button>");
  });
});
