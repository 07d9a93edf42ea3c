import { createReadStream } from "node:fs";
import { readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { asc, eq, sql } from "drizzle-orm";
import { beforeAll, beforeEach, expect, it } from "vitest";
import { comments, commentSubmissions, importSources, redirects } from "../../db/schema";
import { createAccount } from "~/auth/accounts.server";
import { listThread } from "~/comments/thread-read.server";
import { flattenThread } from "~/comments/thread";
import { commentPath, postPath } from "~/discovery/paths";
import { type ApplyImportOptions, applyImport } from "~/import/apply.server";
import { parseExport } from "~/import/formats/parse";
import { redirectTarget } from "~/import/redirects.server";
import { siteConverters } from "~/import/site-converters";
import { listQueue } from "~/moderation/queue.server";
import { getPost, getPublicPost, listPosts } from "~/posts/posts.server";
import { describeEachDatabase, resetComments } from "../support/databases";

// A coach's exports (tests/fixtures/import/, hand-written in each format's own
// shape) imported the way `npm run import` does, and checked through what the
// site shows: posts, threads, the moderation queue and old links. All four
// blog files hold the same small blog (Helen Okafor's "Coaching Notes"), so the
// expectations below are read from the fixtures' own words.

const FIXTURES = "tests/fixtures/import";
const root = () => process.env.CONTENT_ROOT!;
const postsDir = () => path.join(root(), "content/posts");
const postFiles = async () => (await readdir(postsDir())).sort();

/** One import run, as scripts/import.ts makes it (the content sniffing for JSON aside). */
function importFile(db: Parameters<typeof applyImport>[0], file: string, options: Partial<ApplyImportOptions> = {}) {
  return applyImport(
    db,
    root(),
    async (handlers) => {
      await parseExport(createReadStream(path.join(FIXTURES, file)), handlers);
    },
    { authorSlug: "morgan-ellery", converters: siteConverters, ...options },
  );
}

/** What a reader sees of a thread: number, name, badge, text (or tombstone), and "Part k of n". */
async function shown(db: Parameters<typeof listThread>[0], slug: string) {
  return flattenThread(await listThread(db, slug, 6)).map(({ number, comment: c }) => ({
    number,
    name: c.removed ? null : c.displayName,
    kind: c.removed ? "tombstone" : c.authorKind,
    text: c.removed
      ? c.tombstone
      : c.html
          .replace(/<[^>]+>/g, "")
          .replace(/&lt;/g, "<")
          .replace(/&gt;/g, ">")
          .replace(/&quot;/g, '"')
          .replace(/&#39;/g, "'")
          .replace(/&amp;/g, "&")
          .trim(),
    part: c.partCount > 1 ? `Part ${c.partIndex} of ${c.partCount}` : null,
  }));
}

const LATE_ARRIVALS = "Late arrivals are a signal, not a discipline problem. First, ...";
const PART_TWO = "Part 2: second, greet them at the door like everyone else.";

describeEachDatabase("importing a coach's exports", (db) => {
  beforeAll(async () => {
    // The coach's own account: the author entry's accountEmail (tests/fixtures/content/authors/morgan-ellery.yaml).
    await createAccount(db(), {
      email: "morgan@practice-notes.example.org",
      displayName: "Morgan Ellery",
      password: "lantern orchard velvet 42",
      role: "coach",
    });
  });
  beforeEach(async () => {
    await resetComments(db());
    await db().execute(sql`truncate table import_sources, redirects, outbox`);
    for (const f of await postFiles())
      if (f !== "what-does-a-technology-coach-do.md") await rm(path.join(postsDir(), f));
  });

  it("Blogger classic: posts with their dates, tags, photo credit and the sidebar's licence", async () => {
    const report = await importFile(db(), "blogger-classic.xml");
    expect(report.format).toBe("blogger-atom");
    expect(report.posts.created.map((p) => [p.slug, p.draft])).toEqual([
      ["first-day-back", false],
      ["unfinished-feedback-loops", true],
      ["learning-communities", false],
    ]);
    // The draft comes in as a draft, never published behind the coach's back; the page is skipped.
    expect(report.posts.skipped.map((p) => p.title)).toEqual(["About me"]);
    expect(await readFile(path.join(postsDir(), "unfinished-feedback-loops.md"), "utf8")).toMatch(/^status: draft$/m);
    expect(await getPublicPost("unfinished-feedback-loops")).toBeNull();

    const first = await getPost("first-day-back");
    expect(first).toMatchObject({
      title: "First day back: routines that stick",
      // 2013-06-14T07:33:00+02:00
      published: "2013-06-14",
      // "routines" is labelled twice in the file.
      tags: ["routines", "classroom management"],
      // The sidebar's "Creative Commons Attribution-ShareAlike 4.0 International License".
      license: "cc-by-sa-4.0",
    });
    expect(first?.author?.slug).toBe("morgan-ellery");
    expect(first?.bodyHtml).toContain("Start with the door &amp; the greeting.");
    // "Photo Credit: Ana via Flickr cc" typed under the image is the image's credit now, not text.
    expect(first?.images).toMatchObject([
      { src: "https://blogger.googleusercontent.com/img/b/door.jpg", creator: "Ana", sourceName: "Flickr" },
    ]);
    expect(first?.bodyHtml).not.toContain("Photo Credit");

    const greek = await getPost("learning-communities");
    expect(greek).toMatchObject({
      title: "Κοινότητες μάθησης — مجتمعات التعلم — 学习共同体 🎓",
      published: "2013-09-03",
      tags: ["κοινότητες"],
      license: "cc-by-sa-4.0",
    });
    // CDATA split around an entity and around "]]>" comes back as one text.
    expect(greek?.bodyHtml).toContain("Café talk &amp; tea: ]]&gt; is how CDATA ends.");
    expect((await listPosts()).map((p) => p.slug)).toEqual(
      expect.arrayContaining(["first-day-back", "learning-communities"]),
    );
  });

  it("Blogger classic: the thread keeps its order, nesting, Anonymous, the Author badge, the joined reply and the tombstone", async () => {
    const report = await importFile(db(), "blogger-classic.xml");
    expect(report.joins).toHaveLength(1);
    expect(await shown(db(), "first-day-back")).toEqual([
      { number: "1", name: "Maria Papadopoulou", kind: "guest", text: "How do you handle late arrivals?", part: null },
      // The owner's reply comes first in the file, before the comment it answers.
      {
        number: "1.1",
        name: "Morgan Ellery",
        kind: "author",
        text: "Thank you, Maria! Try it for a week.",
        part: null,
      },
      { number: "1.2", name: "Daniel Reyes", kind: "guest", text: LATE_ARRIVALS, part: "Part 1 of 2" },
      { number: "1.3", name: "Daniel Reyes", kind: "guest", text: PART_TWO, part: "Part 2 of 2" },
      { number: "2", name: "Anonymous", kind: "anonymous", text: "Rules & rituals, café style.", part: null },
      { number: "3", name: null, kind: "tombstone", text: "This comment was removed.", part: null },
    ]);
    expect(await shown(db(), "learning-communities")).toEqual([
      { number: "1", name: "Νίκος", kind: "guest", text: "Ευχαριστώ! شكرا جزيلا 谢谢 🙏", part: null },
    ]);
    // The two parts are one submission whose texts are the originals, exactly.
    const parts = await db()
      .select()
      .from(comments)
      .where(eq(comments.displayName, "Daniel Reyes"))
      .orderBy(asc(comments.id));
    expect(parts.map((p) => [p.body, p.partIndex, p.partCount])).toEqual([
      [LATE_ARRIVALS, 1, 2],
      [PART_TWO, 2, 2],
    ]);
    expect(new Set(parts.map((p) => p.submissionId)).size).toBe(1);
    // The original times, in UTC: 2013-06-14T09:12:00+02:00.
    const maria = flattenThread(await listThread(db(), "first-day-back", 6))[0];
    expect(maria.comment.createdAt).toBe("2013-06-14T07:12:00.000Z");
  });

  it("Blogger classic: old post and comment links lead to the new permalinks", async () => {
    await importFile(db(), "blogger-classic.xml");
    const nodes = flattenThread(await listThread(db(), "first-day-back", 6));
    const byNumber = new Map(nodes.map((n) => [n.number, n.comment.id]));
    expect(await redirectTarget(db(), "/2013/06/first-day-back.html")).toBe(postPath("first-day-back"));
    expect(await redirectTarget(db(), "/2013/09/learning-communities.html")).toBe(postPath("learning-communities"));
    expect(await redirectTarget(db(), "/2013/06/first-day-back.html?showComment=1371193920000")).toBe(
      commentPath(byNumber.get("1")!),
    );
    // The second half of the hand-split reply lands on its own part.
    expect(await redirectTarget(db(), "/2013/06/first-day-back.html?showComment=1371279660000")).toBe(
      commentPath(byNumber.get("1.3")!),
    );
  });

  it("Blogger classic: running the same file again changes nothing", async () => {
    await importFile(db(), "blogger-classic.xml");
    const files = await postFiles();
    const text = await readFile(path.join(postsDir(), "first-day-back.md"), "utf8");
    const count = async (
      table: typeof comments | typeof importSources | typeof redirects | typeof commentSubmissions,
    ) => (await db().select().from(table)).length;
    const before = [
      await count(comments),
      await count(commentSubmissions),
      await count(importSources),
      await count(redirects),
    ];
    const again = await importFile(db(), "blogger-classic.xml");
    expect(again.posts.created).toEqual([]);
    expect(again.comments).toMatchObject({ published: 0, pending: 0, spam: 0, removed: 0, alreadyImported: 7 });
    expect([
      await count(comments),
      await count(commentSubmissions),
      await count(importSources),
      await count(redirects),
    ]).toEqual(before);
    expect(await postFiles()).toEqual(files);
    expect(await readFile(path.join(postsDir(), "first-day-back.md"), "utf8")).toBe(text);
  });

  it("--no-join keeps a hand-split reply as the two comments it was", async () => {
    const report = await importFile(db(), "blogger-classic.xml", { join: false });
    expect(report.joins).toEqual([]);
    const daniel = (await shown(db(), "first-day-back")).filter((c) => c.name === "Daniel Reyes");
    expect(daniel).toEqual([
      { number: "1.2", name: "Daniel Reyes", kind: "guest", text: LATE_ARRIVALS, part: null },
      { number: "1.3", name: "Daniel Reyes", kind: "guest", text: PART_TWO, part: null },
    ]);
  });

  for (const file of ["blogger-takeout.atom", "wordpress-1.1.xml", "wordpress-1.2.xml"]) {
    it(`${file}: the same blog, with pending comments in the queue and spam in spam`, async () => {
      const report = await importFile(db(), file);
      expect(report.posts.created.map((p) => [p.slug, p.draft])).toEqual([
        ["first-day-back", false],
        ["unfinished-feedback-loops", true],
        ["learning-communities", false],
      ]);
      expect((await getPost("unfinished-feedback-loops"))?.status).toBe("draft");
      expect(await getPost("first-day-back")).toMatchObject({
        title: "First day back: routines that stick",
        published: "2013-06-14",
      });
      expect((await getPost("learning-communities"))?.title).toBe(
        "Κοινότητες μάθησης — مجتمعات التعلم — 学习共同体 🎓",
      );
      const thread = await shown(db(), "first-day-back");
      expect(thread.slice(0, 6)).toEqual([
        {
          number: "1",
          name: "Maria Papadopoulou",
          kind: "guest",
          text: "How do you handle late arrivals?",
          part: null,
        },
        {
          number: "1.1",
          name: "Morgan Ellery",
          kind: "author",
          text: "Thank you, Maria! Try it for a week.",
          part: null,
        },
        { number: "1.2", name: "Daniel Reyes", kind: "guest", text: LATE_ARRIVALS, part: "Part 1 of 2" },
        { number: "1.3", name: "Daniel Reyes", kind: "guest", text: PART_TWO, part: "Part 2 of 2" },
        { number: "2", name: "Anonymous", kind: "anonymous", text: "Rules & rituals, café style.", part: null },
        { number: "3", name: null, kind: "tombstone", text: "This comment was removed.", part: null },
      ]);
      expect(await shown(db(), "learning-communities")).toMatchObject([
        { number: "1", name: "Νίκος", text: expect.stringContaining("Ευχαριστώ! شكرا جزيلا 谢谢 🙏") },
      ]);
      const pending = await listQueue(db(), { all: true }, "pending");
      expect(pending.map((q) => [q.postSlug, q.displayName, q.body])).toEqual([
        ["first-day-back", "Priya Nair", "Waiting for approval."],
      ]);
      const spam = await listQueue(db(), { all: true }, "spam");
      expect(spam.map((q) => [q.postSlug, q.displayName, q.body])).toEqual([
        ["first-day-back", "Cheap Pills", "Buy now!"],
      ]);
    });
  }

  it("WordPress: old ?p= and dated links lead to the new post and comment permalinks", async () => {
    await importFile(db(), "wordpress-1.2.xml");
    const nodes = flattenThread(await listThread(db(), "first-day-back", 6));
    expect(await redirectTarget(db(), "/?p=101")).toBe(postPath("first-day-back"));
    expect(await redirectTarget(db(), "/2013/06/14/first-day-back")).toBe(postPath("first-day-back"));
    expect(await redirectTarget(db(), "/2013/09/03/learning-communities")).toBe(postPath("learning-communities"));
    const maria = nodes.find((n) => n.number === "1")!;
    const [row] = await db().select().from(importSources).where(eq(importSources.sourceId, "201"));
    expect(row.commentId).toBe(maria.comment.id);
  });

  it("Disqus after Blogger: threads join the imported posts by their old addresses", async () => {
    await importFile(db(), "blogger-classic.xml");
    const report = await importFile(db(), "disqus.xml");
    expect(report.format).toBe("disqus");
    expect(report.posts.matched.map((m) => m.slug)).toEqual(["first-day-back", "learning-communities"]);
    expect(report.posts.created).toEqual([]);
    const thread = await shown(db(), "first-day-back");
    // Blogger's three top-level comments stay 1–3; Disqus's follow in their own order.
    expect(thread.slice(6)).toEqual([
      { number: "4", name: "Maria Papadopoulou", kind: "guest", text: "How do you handle late arrivals?", part: null },
      {
        number: "4.1",
        name: "Morgan Ellery",
        kind: "author",
        text: "Thank you, Maria! Try it for a week.",
        part: null,
      },
      { number: "4.2", name: "Daniel Reyes", kind: "guest", text: LATE_ARRIVALS, part: "Part 1 of 2" },
      { number: "4.3", name: "Daniel Reyes", kind: "guest", text: PART_TWO, part: "Part 2 of 2" },
      { number: "5", name: "Anonymous", kind: "anonymous", text: "Rules & rituals, café style.", part: null },
      { number: "6", name: null, kind: "tombstone", text: "This comment was removed.", part: null },
    ]);
    expect((await shown(db(), "learning-communities")).map((c) => c.text)).toEqual([
      "Ευχαριστώ! شكرا جزيلا 谢谢 🙏",
      "Ευχαριστώ! شكرا جزيلا 谢谢 🙏 ]]>",
    ]);
    expect((await listQueue(db(), { all: true }, "pending")).map((q) => q.displayName)).toEqual(["Priya Nair"]);
    expect((await listQueue(db(), { all: true }, "spam")).map((q) => q.displayName)).toEqual(["Cheap Pills"]);
    // Nothing new on a second run.
    const again = await importFile(db(), "disqus.xml");
    expect(again.comments).toMatchObject({ published: 0, pending: 0, spam: 0, removed: 0 });
  });
});
