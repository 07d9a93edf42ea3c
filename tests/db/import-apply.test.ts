import { readdirSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { asc, eq, sql } from "drizzle-orm";
import { beforeAll, beforeEach, expect, it } from "vitest";
import { comments, commentSubmissions, importSources, outbox } from "../../db/schema";
import { createAccount } from "~/auth/accounts.server";
import { listThread } from "~/comments/thread-read.server";
import { flattenThread } from "~/comments/thread";
import { applyImport, type ImportSource, ImportRunError, ImportStoppedError } from "~/import/apply.server";
import { plainConverters } from "~/import/converters";
import type { ImportedComment, ImportedPost } from "~/import/model";
import { reportLines } from "~/import/report";
import { getPost, getPublicPost } from "~/posts/posts.server";
import { describeEachDatabase, resetComments } from "../support/databases";

// A hand-made Blogger-shaped blog: two posts, one thread with a reply that
// comes before its parent in the file, a pending comment, spam, a deleted one
// and the blog owner's reply.
const SITE = "https://coach.blogspot.com";

function post(id: string, slug: string, extra: Partial<ImportedPost> = {}): ImportedPost {
  return {
    sourceId: `tag:blogger.com,1999:blog-1.post-${id}`,
    kind: "post",
    title: `Notes on ${slug.replace(/-/g, " ")}`,
    html: "<p>First paragraph.</p><p>Second &amp; last.</p>",
    summary: null,
    published: "2013-06-14T05:33:00.000Z",
    updated: null,
    status: "published",
    tags: ["coaching", "edtech"],
    authorSourceId: null,
    oldUrls: [`${SITE}/2013/06/${slug}.html`],
    slugHint: null,
    commentsOpen: true,
    ...extra,
  };
}

function comment(id: string, postId: string, extra: Partial<ImportedComment> = {}): ImportedComment {
  return {
    sourceId: `c${id}`,
    postSourceId: `tag:blogger.com,1999:blog-1.post-${postId}`,
    parentSourceId: null,
    authorName: `Writer ${id}`,
    authorEmail: null,
    authorUrl: null,
    byBlogOwner: false,
    published: `2013-06-15T10:0${id.length}:00.000Z`,
    html: `Comment ${id} text.`,
    status: "approved",
    type: "comment",
    oldUrls: [`${SITE}/2013/06/team-teaching.html?showComment=${id}000#c${id}`],
    ...extra,
  };
}

const POSTS = [post("1", "team-teaching"), post("2", "exit-tickets", { tags: ["assessment"] })];
const COMMENTS: ImportedComment[] = [
  comment("1", "1", { authorName: "Ana" }),
  // A reply whose parent (3) comes later in the file.
  comment("4", "1", { parentSourceId: "c3", authorName: "Ben" }),
  comment("2", "1", { authorName: "", authorUrl: "http://nobody.example.org" }),
  comment("3", "1", { authorName: "Cleo", authorUrl: "https://cleo.example.org/" }),
  comment("5", "1", { authorName: "Morgan Ellery", byBlogOwner: true, parentSourceId: "c1" }),
  comment("6", "1", { authorName: "Dee", status: "pending" }),
  comment("7", "1", { authorName: "Cheap pills", status: "spam" }),
  comment("8", "1", { authorName: "Eve", status: "deleted" }),
  comment("9", "1", { authorName: "Fay" }),
  comment("10", "2", { authorName: "Gus" }),
];

function sourceOf(posts: ImportedPost[], list: ImportedComment[]): ImportSource {
  return async (h) => {
    await h.blog({ format: "blogger-atom", title: "Coach", siteUrl: SITE, licenseNotice: null });
    // Comments first: Blogger's export may put them anywhere.
    for (const c of list.filter((c) => c.postSourceId.endsWith("-2"))) await h.comment(c);
    for (const p of posts) await h.post(p);
    for (const c of list.filter((c) => !c.postSourceId.endsWith("-2"))) await h.comment(c);
  };
}

const root = () => process.env.CONTENT_ROOT!;
const postFiles = async () => (await readdir(path.join(root(), "content/posts"))).sort();

describeEachDatabase("import apply", (db) => {
  beforeAll(async () => {
    await createAccount(db(), {
      email: "morgan@practice-notes.example.org",
      displayName: "Morgan Ellery",
      password: "lantern orchard velvet 42",
      role: "coach",
    }).catch(() => undefined);
  });
  beforeEach(async () => {
    await resetComments(db());
    await db().execute(sql`truncate table import_sources, redirects, outbox, import_runs cascade`);
    for (const f of await postFiles()) {
      if (f !== "what-does-a-technology-coach-do.md")
        await import("node:fs/promises").then((fs) => fs.rm(path.join(root(), "content/posts", f)));
    }
  });

  const run = (list = COMMENTS, options = {}) =>
    applyImport(db(), root(), sourceOf(POSTS, list), { authorSlug: "morgan-ellery", ...options });

  it("writes posts as the editor does and the site reads them back", async () => {
    const report = await run();
    expect(report.posts.created.map((p) => p.slug)).toEqual(["team-teaching", "exit-tickets"]);
    const text = await readFile(path.join(root(), "content/posts/team-teaching.md"), "utf8");
    expect(text).toBe(
      "---\ntitle: Notes on team teaching\npublished: 2013-06-14\nstatus: published\nauthor: morgan-ellery\ntags:\n  - coaching\n  - edtech\nlicense: site-default\ncommentsOpen: true\n---\nFirst paragraph.\n\nSecond & last.\n",
    );
    const read = await getPost("team-teaching");
    expect(read).toMatchObject({
      title: "Notes on team teaching",
      published: "2013-06-14",
      tags: ["coaching", "edtech"],
    });
    expect(read?.author?.slug).toBe("morgan-ellery");
    expect(report.tags).toEqual(["assessment", "coaching", "edtech"]);
  });

  it("keeps order, nesting, names, statuses and the owner's Author badge, and emails nobody", async () => {
    const report = await run();
    expect(report.comments).toMatchObject({ published: 7, pending: 1, spam: 1, removed: 1 });
    const nodes = flattenThread(await listThread(db(), "team-teaching", 4));
    const byNumber = new Map(nodes.map((n) => [n.number, n.comment]));
    expect(byNumber.get("1")).toMatchObject({ displayName: "Ana" });
    expect(byNumber.get("1.1")).toMatchObject({ displayName: "Morgan Ellery", authorKind: "author" });
    expect(byNumber.get("2")).toMatchObject({ displayName: "Anonymous", authorKind: "anonymous" });
    expect(byNumber.get("3")).toMatchObject({ displayName: "Cleo", website: "https://cleo.example.org/" });
    expect(byNumber.get("3.1")).toMatchObject({ displayName: "Ben" });
    // The deleted comment is a tombstone in its place, before Fay.
    expect(byNumber.get("4")).toMatchObject({ removed: true, tombstone: "This comment was removed." });
    expect(byNumber.get("5")).toMatchObject({ displayName: "Fay" });
    const rows = await db().select().from(comments).orderBy(asc(comments.id));
    expect(rows.find((c) => c.displayName === "Dee")).toMatchObject({ status: "pending", position: null });
    expect(rows.find((c) => c.displayName === "Cheap pills")).toMatchObject({ status: "spam" });
    expect(rows.find((c) => c.displayName === "Ana")?.createdAt.toISOString()).toBe("2013-06-15T10:01:00.000Z");
    expect(await db().select().from(outbox)).toEqual([]);
  });

  it("adds nothing on a second run, and only the new comment from a newer export", async () => {
    await run();
    const count = async () => (await db().select().from(comments)).length;
    const before = await count();
    const again = await run();
    expect(again.posts.created).toEqual([]);
    expect(again.comments.alreadyImported).toBe(COMMENTS.length);
    expect(await count()).toBe(before);
    const newer = await run([...COMMENTS, comment("11", "1", { authorName: "Hal", parentSourceId: "c9" })]);
    expect(newer.comments.published).toBe(1);
    expect(await count()).toBe(before + 1);
    const nodes = flattenThread(await listThread(db(), "team-teaching", 4));
    expect(nodes.find((n) => n.comment.displayName === "Hal")?.number).toBe("5.1");
  });

  it("joins a hand-split reply into one split submission with the original texts", async () => {
    const list = [
      comment("1", "1", { authorName: "Ana", html: "Part 1: the long story." }),
      comment("2", "1", { authorName: "Ana", html: "Part 2: how it ended." }),
    ];
    const report = await run(list, {
      converters: { ...plainConverters, handSplitGroups: () => [["c1", "c2"]] },
    });
    expect(report.joins).toEqual([{ postSlug: "team-teaching", sourceIds: ["c1", "c2"] }]);
    const rows = await db()
      .select()
      .from(comments)
      .where(eq(comments.postSlug, "team-teaching"))
      .orderBy(asc(comments.id));
    expect(rows.map((r) => [r.body, r.partIndex, r.partCount])).toEqual([
      ["Part 1: the long story.", 1, 2],
      ["Part 2: how it ended.", 2, 2],
    ]);
    const [submission] = await db().select().from(commentSubmissions);
    expect(submission.body).toBe("Part 1: the long story.\n\nPart 2: how it ended.");
  });

  it("reports a slug taken by an existing post, skips pages with the reason, and writes drafts as drafts", async () => {
    const posts = [
      post("1", "what-does-a-technology-coach-do"),
      post("2", "about", { kind: "page" }),
      post("3", "unfinished", { status: "draft", published: null }),
    ];
    const report = await applyImport(db(), root(), sourceOf(posts, []), { authorSlug: "morgan-ellery" });
    expect(report.slugCollisions).toEqual([
      {
        sourceId: posts[0].sourceId,
        wanted: "what-does-a-technology-coach-do",
        slug: "what-does-a-technology-coach-do-2",
      },
    ]);
    expect(report.posts.skipped.map((p) => p.why)).toEqual([expect.stringContaining("a page")]);
    expect(report.posts.created.filter((p) => p.draft).map((p) => p.slug)).toEqual(["unfinished"]);
    expect(reportLines(report)).toContain("  posts: 2 created (1 as drafts), 1 skipped");
    // A title from the old site is set apart (U+2068 … U+2069): an override in it flips nothing after it.
    expect(reportLines(report)).toContain("    + unfinished  (\u2068Notes on unfinished\u2069)  [draft]");
    // Written as the editor writes a draft, and kept from readers.
    expect(await readFile(path.join(root(), "content/posts/unfinished.md"), "utf8")).toMatch(/^status: draft$/m);
    expect((await getPost("unfinished"))?.status).toBe("draft");
    expect(await getPublicPost("unfinished")).toBeNull();
    // The existing post is untouched; the imported one sits beside it.
    expect((await getPost("what-does-a-technology-coach-do"))?.title).toBe(
      "What is the role of a technology integration specialist?",
    );
    expect((await getPost("what-does-a-technology-coach-do-2"))?.title).toBe(posts[0].title);
  });

  it("hangs a reply to a held comment under the held comment's own parent", async () => {
    const list = [
      comment("1", "1", { authorName: "Ana" }),
      comment("2", "1", { authorName: "Dee", status: "pending", parentSourceId: "c1" }),
      comment("3", "1", { authorName: "Ben", parentSourceId: "c2" }),
    ];
    await run(list);
    const nodes = flattenThread(await listThread(db(), "team-teaching", 4));
    expect(nodes.map((n) => [n.number, n.comment.displayName])).toEqual([
      ["1", "Ana"],
      ["1.1", "Ben"],
    ]);
  });

  it("leaves no posts, comments or files when a comment's post is missing", async () => {
    const before = await postFiles();
    await expect(run([...COMMENTS, comment("12", "99")])).rejects.toThrow(/neither in this file/);
    expect(await db().select().from(comments)).toEqual([]);
    expect(await postFiles()).toEqual(before);
    expect((await readdir(root())).filter((f) => f.startsWith(".staffroom-import-"))).toEqual([]);
  });

  it("stops with whole posts only when a step throws mid-way, and the same run continues to the end", async () => {
    const before = await postFiles();
    const failing = {
      ...plainConverters,
      commentBody(html: string) {
        // The second post's only comment: the first post, with its thread, is written by then.
        if (html === "Comment 10 text.") throw new Error("converter broke");
        return plainConverters.commentBody(html);
      },
    };
    const key = { key: "the-same-file", fileName: "blog.xml" };
    const stopped = await run(COMMENTS, { converters: failing, run: key }).catch((error: unknown) => error);
    expect(stopped).toBeInstanceOf(ImportStoppedError);
    expect((stopped as ImportStoppedError).message).toMatch(/after 1 of 2 posts.*converter broke/);
    // The first post is whole: its file, its nine comments and its source ids; the second is absent.
    expect(await postFiles()).toEqual([...before, "team-teaching.md"].sort());
    const rows = await db().select().from(comments);
    expect(rows.filter((c) => c.postSlug === "team-teaching")).toHaveLength(9);
    expect(rows.filter((c) => c.postSlug === "exit-tickets")).toEqual([]);
    expect((await db().select().from(importSources)).map((s) => s.postSlug).sort()).not.toContain("exit-tickets");
    expect(readdirSync(root()).filter((f) => f.startsWith(".staffroom-import-"))).toEqual([]);

    // Another file cannot start meanwhile; the same one continues with the second post.
    await expect(run(COMMENTS, { run: { key: "another-file", fileName: "other.xml" } })).rejects.toThrow(
      ImportRunError,
    );
    const resumed = await run(COMMENTS, { run: key });
    expect(resumed.resumed).toMatchObject({ posts: 1, comments: 9 });
    expect(resumed.posts.created.map((p) => p.slug)).toEqual(["exit-tickets"]);
    expect(resumed.comments.published).toBe(1);
    const nodes = flattenThread(await listThread(db(), "exit-tickets", 4));
    expect(nodes.map((n) => [n.number, n.comment.displayName])).toEqual([["1", "Gus"]]);
    expect(await postFiles()).toEqual([...before, "exit-tickets.md", "team-teaching.md"].sort());
    // Finished: a later run of the same file reads it afresh and finds everything imported.
    const again = await run(COMMENTS, { run: key });
    expect(again.resumed).toBeNull();
    expect(again.comments.alreadyImported).toBe(COMMENTS.length);
  });

  it("writes nothing on a dry run but reports what it would do", async () => {
    const before = await postFiles();
    const report = await run(COMMENTS, { dryRun: true });
    expect(report.posts.created).toHaveLength(2);
    expect(report.comments.published).toBe(7);
    expect(report.redirects).toBeGreaterThan(2);
    expect(await db().select().from(comments)).toEqual([]);
    expect(await postFiles()).toEqual(before);
  });
});
