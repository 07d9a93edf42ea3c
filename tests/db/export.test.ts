import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { JSDOM } from "jsdom";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../db/client";
import { commentSubmissions, comments } from "../../db/schema";
import { removeComment, submitComment } from "~/comments/submission.server";
import { commentRulesOf } from "~/comments/validation";
import { loadDemoContent } from "~/demo/demo.server";
import { exportChunks, runExport } from "~/export/export.server";
import { staffroomExportSchema, type StaffroomExport } from "~/export/json-format";
import { getSiteSettings } from "~/settings/site-settings.server";
import { describeEachDatabase } from "../support/databases";
import { CONTENT_NS, child, children, parseStrictXml, textOf, type XmlElement } from "../support/feed-xml";

/**
 * Moving out: the demo discussion (the shipped fixture, loaded through the
 * comment service), plus a held comment, a spam one and a removed one, exported
 * as WordPress WXR 1.2, Staffroom's JSON and Markdown. What is checked is what
 * WordPress's importer reads and what a person moving their site would look
 * for; expected values come from the fixture and the issue, not from our code.
 */

const WP_NS = "http://wordpress.org/export/1.2/";
const EXCERPT_NS = "http://wordpress.org/export/1.2/excerpt/";
const DC_NS = "http://purl.org/dc/elements/1.1/";

interface FixtureComment {
  id: string;
  parent: string | null;
  author: { kind: "guest" | "anonymous" | "author"; name?: string; url?: string };
  at: string;
  body: string;
}
const fixture = JSON.parse(readFileSync("db/demo/coach-post-thread.json", "utf8")) as {
  post: { slug: string; title: string; tags: string[] };
  comments: FixtureComment[];
};
const slug = fixture.post.slug;

/** The demo post's WXR item (the export holds every post, oldest first). */
function demoItem(channel: XmlElement): XmlElement {
  const item = children(channel, "", "item").find((i) => textOf(child(i, WP_NS, "post_name")) === slug);
  if (!item) throw new Error(`no WXR item for ${slug}`);
  return item;
}

/** The demo post in a JSON export. */
function demoPost(document: StaffroomExport): StaffroomExport["posts"][number] {
  const post = document.posts.find((p) => p.slug === slug);
  if (!post) throw new Error(`no exported post ${slug}`);
  return post;
}
/** WordPress's "YYYY-MM-DD HH:MM:SS" in UTC, from the fixture's offset time. */
const wpDate = (at: string) => new Date(at).toISOString().slice(0, 19).replace("T", " ");
const longReply = fixture.comments.find((c) => c.id === "c09a")!;
const removedOne = fixture.comments.find((c) => c.id === "c12")!;

const HOSTILE_NAME = "Mallory ]]> <b>bold</b>";
const HOSTILE_AT = "2015-01-02T03:04:05.000Z";
const SPAM_AT = "2015-01-03T00:00:00.000Z";

async function collect(chunks: AsyncIterable<string>): Promise<string> {
  let out = "";
  for await (const chunk of chunks) out += chunk;
  return out;
}

const wp = (element: XmlElement, local: string) => textOf(child(element, WP_NS, local));
const htmlText = (html: string) => JSDOM.fragment(html).textContent ?? "";

describeEachDatabase("export", (db) => {
  beforeAll(async () => {
    expect(await loadDemoContent(db())).toBe(22);
    const rules = commentRulesOf(await getSiteSettings());
    const target = { slug, commentsOpen: true };
    // A first-time guest is held: the pending comment. Its text is hostile.
    const held = await submitComment(
      db(),
      target,
      rules,
      {
        name: "Mallory",
        email: "mallory@example.org",
        body: "Look ]]> here <script>alert(1)</script> & done",
      },
      { moderation: { holdFirstTimeGuests: true, maxLinks: 2 }, at: new Date(HOSTILE_AT) },
    );
    if (!held.ok) throw new Error(JSON.stringify(held.fieldErrors));
    expect(held.status).toBe("pending");
    // Text the form would have cleaned (older rows, an import) can still hold control characters.
    await db()
      .update(comments)
      .set({ displayName: `${HOSTILE_NAME}\u0001`, body: "Look ]]> here\u0007 <script>alert(1)</script> & done" })
      .where(eq(comments.id, held.comments[0].id));
    await db()
      .update(commentSubmissions)
      .set({ body: "Look ]]> here\u0007 <script>alert(1)</script> & done" })
      .where(eq(commentSubmissions.id, held.comments[0].submissionId));
    const spam = await submitComment(
      db(),
      target,
      rules,
      { name: "Pill Seller", website: "https://spam.example.net/", body: "Cheap pills, very cheap." },
      { honeypot: true, moderation: { holdFirstTimeGuests: false, maxLinks: 2 }, at: new Date(SPAM_AT) },
    );
    if (!spam.ok) throw new Error(JSON.stringify(spam.fieldErrors));
    expect(spam.status).toBe("spam");
    // A thread whose post file was deleted in the editor.
    const orphan = await submitComment(
      db(),
      { slug: "a-deleted-post", commentsOpen: true },
      rules,
      { name: "Orphan Writer", body: "Where did the post go?" },
      { at: new Date("2016-05-05T05:05:05.000Z") },
    );
    if (!orphan.ok) throw new Error(JSON.stringify(orphan.fieldErrors));
    const [twelve] = await db()
      .select({ id: comments.id })
      .from(comments)
      .where(eq(comments.createdAt, new Date(removedOne.at)));
    expect(await removeComment(db(), twelve.id)).toBe(1);
  });

  describe("WXR 1.2", () => {
    let channel: XmlElement;
    let xml: string;
    beforeAll(async () => {
      xml = await collect(exportChunks(db(), "wxr"));
      const rss = parseStrictXml(xml); // strict XML 1.0: throws unless well-formed
      expect(rss.local).toBe("rss");
      expect(rss.attrs.version).toBe("2.0");
      channel = child(rss, "", "channel");
    });

    it("says it is WXR 1.2 with the site's addresses, its author and its tags", () => {
      expect(wp(channel, "wxr_version")).toBe("1.2");
      expect(wp(channel, "base_site_url")).toMatch(/^https?:\/\/[^/]+$/);
      expect(wp(channel, "base_blog_url")).toBe(wp(channel, "base_site_url"));
      const [author] = children(channel, WP_NS, "author");
      expect(wp(author, "author_login")).toBe("morgan-ellery");
      expect(wp(author, "author_display_name")).toBe("Morgan Ellery");
      expect(wp(author, "author_email")).toBe("");
      const tags = children(channel, WP_NS, "tag").map((tag) => wp(tag, "tag_name"));
      // Every post's tags (the demo's other posts have their own), the demo post's among them.
      for (const tag of fixture.post.tags) expect(tags).toContain(tag);
      expect(new Set(tags).size).toBe(tags.length);
    });

    it("holds every post as a published WordPress post with its slug, date, body and tags", () => {
      const items = children(channel, "", "item").filter((i) => wp(i, "post_type") === "post");
      // Every post of the fixture content: the demo post and the demo's five older ones.
      expect(items).toHaveLength(6);
      const item = demoItem(channel);
      expect(textOf(child(item, "", "title"))).toBe(fixture.post.title);
      expect(wp(item, "post_name")).toBe(slug);
      expect(wp(item, "post_type")).toBe("post");
      expect(wp(item, "status")).toBe("publish");
      expect(wp(item, "post_date_gmt")).toBe("2013-06-09 00:00:00");
      expect(Number(wp(item, "post_id"))).toBeGreaterThan(0);
      expect(textOf(child(item, DC_NS, "creator"))).toBe("morgan-ellery");
      const html = textOf(child(item, CONTENT_NS, "encoded"));
      expect(html).toContain("<li><strong>Collaborator.</strong>");
      expect(html).not.toMatch(/(src|href)="\//); // every address absolute
      expect(textOf(child(item, EXCERPT_NS, "encoded"))).toMatch(/^Everything a technology coach did/);
      const categories = children(item, "", "category");
      expect(categories.map((c) => c.attrs.domain)).toEqual(fixture.post.tags.map(() => "post_tag"));
      expect(categories.map((c) => textOf(c))).toEqual(fixture.post.tags);
      expect(categories.map((c) => c.attrs.nicename)).toEqual(fixture.post.tags);
    });

    it("holds the cover as WordPress's featured image: an attachment with its alt text and credit", () => {
      const item = demoItem(channel);
      const attachments = children(channel, "", "item").filter(
        (i) => wp(i, "post_type") === "attachment" && wp(i, "post_parent") === wp(item, "post_id"),
      );
      expect(attachments).toHaveLength(1); // the demo post's one cover
      const [attachment] = attachments;
      const meta = (element: typeof item) =>
        Object.fromEntries(children(element, WP_NS, "postmeta").map((m) => [wp(m, "meta_key"), wp(m, "meta_value")]));
      expect(wp(attachment, "post_type")).toBe("attachment");
      expect(meta(item)._thumbnail_id).toBe(wp(attachment, "post_id"));
      expect(wp(attachment, "post_parent")).toBe(wp(item, "post_id"));
      expect(wp(attachment, "attachment_url")).toMatch(
        /^https?:\/\/[^/]+\/images\/posts\/what-does-a-technology-coach-do\/cover\/image\.png$/,
      );
      expect(textOf(child(attachment, EXCERPT_NS, "encoded"))).toBe(
        "Photo: A. Photographer via a photo-sharing site, CC BY 2.0",
      );
      expect(meta(attachment)).toMatchObject({
        _wp_attachment_image_alt: "Teachers gathered around a laptop in a staffroom",
        staffroom_credit_creator: "A. Photographer",
        staffroom_credit_source_name: "a photo-sharing site",
        staffroom_credit_source_url: "https://photos.example.net/a-photographer/1234",
        staffroom_credit_license_url: "https://creativecommons.org/licenses/by/2.0/",
      });
      // The post's body no longer draws the cover: WordPress themes show the featured image themselves.
      expect(textOf(child(item, CONTENT_NS, "encoded"))).not.toContain("A. Photographer");
    });

    it("holds the 21 submissions as 21 comments with the right parents, the split reply as one", () => {
      const item = demoItem(channel);
      const all = children(item, WP_NS, "comment");
      const byDate = new Map(all.map((c) => [wp(c, "comment_date_gmt"), c]));
      expect(all).toHaveLength(21 + 2); // the demo's submissions, the held one and the spam
      for (const original of fixture.comments) {
        const exported = byDate.get(wpDate(original.at));
        expect(exported, original.id).toBeDefined();
        const parent = fixture.comments.find((c) => c.id === original.parent);
        const parentId = parent ? wp(byDate.get(wpDate(parent.at))!, "comment_id") : "0";
        expect(wp(exported!, "comment_parent"), original.id).toBe(parentId);
        expect(wp(exported!, "comment_type")).toBe("comment");
      }
      const ids = all.map((c) => wp(c, "comment_id"));
      expect(new Set(ids).size).toBe(ids.length);

      const split = htmlText(wp(byDate.get(wpDate(longReply.at))!, "comment_content"));
      expect(split).toContain(longReply.body.slice(0, 60));
      expect(split).toContain(longReply.body.trimEnd().slice(-70));
      expect(split).not.toMatch(/Part 1 of 2/);
    });

    it("keeps names, websites, the author's replies and the licence, and no email", () => {
      const item = demoItem(channel);
      const byDate = new Map(children(item, WP_NS, "comment").map((c) => [wp(c, "comment_date_gmt"), c]));
      const dev = byDate.get(wpDate(fixture.comments.find((c) => c.id === "c03")!.at))!;
      expect(wp(dev, "comment_author")).toBe("Dev Patel");
      expect(wp(dev, "comment_author_url")).toBe("https://example.org/dev-patel");
      expect(wp(dev, "comment_user_id")).toBe("0");
      const coach = byDate.get(wpDate(fixture.comments.find((c) => c.id === "c04")!.at))!;
      expect(wp(coach, "comment_author")).toBe("Morgan Ellery");
      expect(wp(coach, "comment_user_id")).toBe("1"); // the post's author, wp:author_id 1
      expect(wp(byDate.get(wpDate(fixture.comments.find((c) => c.id === "c09")!.at))!, "comment_author")).toBe(
        "Anonymous",
      );
      const meta = children(dev, WP_NS, "commentmeta").map((m) => [wp(m, "meta_key"), wp(m, "meta_value")]);
      expect(meta).toContainEqual(["staffroom_license", "https://creativecommons.org/licenses/by-nc-sa/3.0/"]);
      expect(meta).toContainEqual(["staffroom_number", "3"]);
      expect(xml).not.toContain("mallory@example.org");
    });

    it("maps statuses to WordPress's: approved, held, spam and removed as trash without its text", () => {
      const item = demoItem(channel);
      const byDate = new Map(children(item, WP_NS, "comment").map((c) => [wp(c, "comment_date_gmt"), c]));
      expect(wp(byDate.get(wpDate(fixture.comments[0].at))!, "comment_approved")).toBe("1");
      const held = byDate.get(wpDate(HOSTILE_AT))!;
      expect(wp(held, "comment_approved")).toBe("0");
      expect(wp(byDate.get(wpDate(SPAM_AT))!, "comment_approved")).toBe("spam");
      const removed = byDate.get(wpDate(removedOne.at))!;
      expect(wp(removed, "comment_approved")).toBe("trash");
      expect(wp(removed, "comment_content")).toBe("");
      expect(wp(removed, "comment_author")).toBe("");
    });

    it("keeps hostile text well-formed: ]]> in CDATA, markup and control characters", () => {
      const item = demoItem(channel);
      const held = children(item, WP_NS, "comment").find((c) => wp(c, "comment_date_gmt") === wpDate(HOSTILE_AT))!;
      expect(wp(held, "comment_author")).toBe(HOSTILE_NAME); // the control character dropped, the rest intact
      const content = wp(held, "comment_content");
      expect(content).not.toContain("<script");
      expect(htmlText(content)).toContain("Look ]]> here");
      expect(htmlText(content)).toContain("& done");
    });
  });

  describe("JSON", () => {
    let document: StaffroomExport;
    beforeAll(async () => {
      document = staffroomExportSchema.parse(JSON.parse(await collect(exportChunks(db(), "json"))));
    });

    it("validates against its own schema and holds the site, the author and the post with its licence and credits", () => {
      expect(document.version).toBe(1);
      expect(document.site.title).toBe("Practice Notes");
      expect(document.authors.map((a) => a.slug)).toEqual(["morgan-ellery"]);
      expect("accountEmail" in document.authors[0]).toBe(false);
      const post = demoPost(document);
      expect(post).toMatchObject({ slug, title: fixture.post.title, published: "2013-06-09", tags: fixture.post.tags });
      expect(post.license.url).toBe("https://creativecommons.org/licenses/by-nc-sa/3.0/");
      expect(post.cover).toMatchObject({
        creator: "A. Photographer",
        sourceUrl: "https://photos.example.net/a-photographer/1234",
        licenseUrl: "https://creativecommons.org/licenses/by/2.0/",
      });
      expect(post.body).toMatch(/^Last weekend I had lunch/);
    });

    it("holds the 22 comments with their numbers and the split group, plus the held and the spam one", () => {
      const thread = demoPost(document).comments;
      expect(thread).toHaveLength(24);
      const numbered = thread.filter((c) => c.number !== null).map((c) => c.number);
      expect(numbered).toHaveLength(22);
      expect(numbered).toEqual(expect.arrayContaining(["1", "9", "9.1", "9.2", "9.3", "9.4", "10.1", "16.1"]));
      const [first, second] = thread.filter((c) => c.number === "9.1" || c.number === "9.2");
      expect(first.submission).toMatchObject({ partIndex: 1, partCount: 2, body: longReply.body.normalize("NFC") });
      expect(second.submission).toMatchObject({ id: first.submission.id, partIndex: 2, partCount: 2, body: null });
      expect(first.body + second.body).not.toBe("");
      expect(first.createdAt).toBe(new Date(longReply.at).toISOString());
      const nine = thread.find((c) => c.number === "9")!;
      expect(first.parentId).toBe(nine.id);
      expect(nine).toMatchObject({ authorKind: "anonymous", name: "Anonymous" });
    });

    it("marks statuses, empties the tombstone and leaves emails out", () => {
      const thread = demoPost(document).comments;
      const removed = thread.find((c) => c.number === "12")!;
      expect(removed).toMatchObject({ status: "removed", name: null, body: "", website: null });
      expect(removed.removedAt).not.toBeNull();
      expect(thread.find((c) => c.createdAt === HOSTILE_AT)).toMatchObject({ status: "pending", number: null });
      expect(thread.find((c) => c.createdAt === SPAM_AT)).toMatchObject({ status: "spam", number: null });
      expect(thread.every((c) => !("email" in c))).toBe(true);
      expect(thread.every((c) => c.license.id === "cc-by-nc-sa-3.0")).toBe(true);
    });

    it("keeps the thread of a post whose file is gone", () => {
      expect(document.orphanThreads).toEqual([
        {
          postSlug: "a-deleted-post",
          comments: [
            expect.objectContaining({
              number: "1",
              name: "Orphan Writer",
              body: "Where did the post go?",
              createdAt: "2016-05-05T05:05:05.000Z",
            }),
          ],
        },
      ]);
    });

    it("includes emails only when asked", async () => {
      const withEmails = staffroomExportSchema.parse(
        JSON.parse(await collect(exportChunks(db(), "json", { includeEmails: true }))),
      );
      const held = demoPost(withEmails).comments.find((c) => c.createdAt === HOSTILE_AT)!;
      expect(held.email).toBe("mallory@example.org");
      expect(withEmails.authors[0].accountEmail).toBe("morgan@practice-notes.example.org");
    });
  });

  describe("Markdown", () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), "staffroom-export-md-"));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it("writes the post file as the editor wrote it and its discussion, nested by number", async () => {
      const outcome = await runExport(db(), { format: "markdown", outDir: dir });
      // Every post file of the fixture content, and the discussion of the one post that has comments.
      expect(outcome.posts).toBe(6);
      const files = await readdir(dir);
      expect(files.filter((file) => file.endsWith(".comments.md"))).toEqual([`${slug}.comments.md`]);
      expect(files).toHaveLength(7);
      expect(files).toContain(`${slug}.comments.md`);
      expect(files).toContain(`${slug}.md`);
      const original = await readFile(path.join(process.env.CONTENT_ROOT!, "content/posts", `${slug}.md`), "utf8");
      expect(await readFile(path.join(dir, `${slug}.md`), "utf8")).toBe(original);

      const discussion = await readFile(path.join(dir, `${slug}.comments.md`), "utf8");
      expect(discussion).toContain("## 1 · Sam Okafor · 2013-06-09 13:12 UTC");
      expect(discussion).toContain("### 9.1 · Morgan Ellery (post author) · 2013-06-14 15:40 UTC · Part 1 of 2");
      expect(discussion).toContain("## 12 · 2014-03-02 14:00 UTC\n\n*This comment was removed.*");
      expect(discussion).not.toContain("Love this post"); // the removed comment's text
      // Reading order: 9, then its replies, then 10.
      const order = ["\n## 9 ·", "\n### 9.1 ·", "\n### 9.2 ·", "\n### 9.4 ·", "\n## 10 ·", "\n### 10.1 ·", "\n## 16 ·"];
      const positions = order.map((heading) => discussion.indexOf(heading));
      expect(positions.every((p) => p >= 0)).toBe(true);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
      expect(discussion).toMatch(/## Held for moderation\n+### \(top level\) · Mallory/);
    });
  });
});

/** Runs `npm run export -- …` (scripts/export.ts) without any database setting but `env`. */
function runExportCommand(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stderr: string }> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.DATABASE_URL;
  if (!env.DATA_DIR) delete childEnv.DATA_DIR;
  return new Promise((resolve, reject) => {
    const child = spawn(path.resolve("node_modules/.bin/tsx"), [path.resolve("scripts/export.ts"), ...args], {
      env: childEnv,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

describe("npm run export", () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), "staffroom-export-cli-"));
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it("answers a missing or unknown format, a Markdown export without a folder and an unknown option with usage and exit 2", async () => {
    for (const args of [[], ["--format", "pdf"], ["--format", "markdown"], ["--format", "json", "--bogus"]]) {
      const { code, stderr } = await runExportCommand(args);
      expect(code, args.join(" ")).toBe(2);
      expect(stderr, args.join(" ")).toContain("Usage: npm run export -- --format wxr|json|markdown");
    }
  }, 60_000);

  it("writes the WXR file of the site in its folder into --out", async () => {
    const dataDir = path.join(work, "data");
    const handle = await openDatabase({ dataDir: path.join(dataDir, "pglite") });
    await handle.migrate();
    expect(await loadDemoContent(handle.db)).toBe(22);
    await handle.close();
    const out = path.join(work, "out");
    const { code, stderr } = await runExportCommand(["--format", "wxr", "--out", out], { DATA_DIR: dataDir });
    expect(code, stderr).toBe(0);
    const [file] = await readdir(out);
    expect(file).toMatch(/^staffroom-export-\d{4}-\d{2}-\d{2}\.wxr\.xml$/);
    expect(stderr).toContain(path.join(out, file));
    const channel = child(parseStrictXml(await readFile(path.join(out, file), "utf8")), "", "channel");
    expect(children(demoItem(channel), WP_NS, "comment")).toHaveLength(21);
  }, 120_000);
});
