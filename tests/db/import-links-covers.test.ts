import { createReadStream } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { comments } from "../../db/schema";
import { type ApplyImportOptions, applyImport } from "~/import/apply.server";
import { parseExport } from "~/import/formats/parse";
import { redirectTarget } from "~/import/redirects.server";
import { siteConverters } from "~/import/site-converters";
import { getPost } from "~/posts/posts.server";
import { describeEachDatabase, resetComments } from "../support/databases";

// Links between the posts of one import, and WordPress's featured images, in
// exports shaped as Blogger and WordPress write them
// (tests/fixtures/import/wordpress-links-covers.xml, blogger-links.xml):
// the links land on the new posts without a redirect, a featured image
// becomes the post's cover with its credit when its file is copied home, and
// the old site's feeds, tags and archives lead to Staffroom's.

const FIXTURES = "tests/fixtures/import";
const root = () => process.env.CONTENT_ROOT!;
const postsDir = () => path.join(root(), "content/posts");
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

let uploads: string;

beforeAll(async () => {
  // WordPress's uploads folder, holding one of the two featured images.
  uploads = await mkdtemp(path.join(os.tmpdir(), "staffroom-import-covers-"));
  await mkdir(path.join(uploads, "2014/02"), { recursive: true });
  await writeFile(path.join(uploads, "2014/02/tickets.png"), PNG);
});

afterAll(async () => {
  await rm(uploads, { recursive: true, force: true });
});

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

/** The addresses a post's body links to, in order (images aside). */
async function linksOf(slug: string): Promise<string[]> {
  const html = ((await getPost(slug))?.bodyHtml ?? "").replace(/<figure[\s\S]*?<\/figure>/g, "");
  return Array.from(html.matchAll(/<a [^>]*href="([^"]*)"/g), (m) => m[1].replace(/&amp;/g, "&")).filter(
    (href) => !href.startsWith("#"),
  );
}

describeEachDatabase("links between imported posts, covers, and the old site's feeds and listings", (db) => {
  beforeEach(async () => {
    await resetComments(db());
    await db().execute(sql`truncate table import_sources, redirects, outbox`);
    for (const f of await readdir(postsDir())) {
      if (f !== "what-does-a-technology-coach-do.md") await rm(path.join(postsDir(), f), { recursive: true });
    }
    await rm(path.join(root(), "public/images/posts/exit-tickets"), { recursive: true, force: true });
  });

  it("rewrites WordPress links to posts of the import, later ones too, by ?p=ID or permalink, with or without the host", async () => {
    const report = await importFile(db(), "wordpress-links-covers.xml");
    expect(report.posts.created.map((p) => p.slug)).toEqual(["routines", "exit-tickets"]);
    expect(await linksOf("routines")).toEqual([
      "/posts/exit-tickets", // https://teachingnotes.example/?p=302: the next post in the file
      "/posts/exit-tickets#comments", // http://www. and its #comments anchor
      "/posts/routines", // site-relative
      "https://elsewhere.example/2014/02/10/exit-tickets/", // another site: as it was
      "https://teachingnotes.example/2014/02/10/never-written/", // no such post: as it was
    ]);
    expect(await linksOf("exit-tickets")).toEqual(["/posts/routines"]);
    // A comment's link to a post of the import, too.
    const [comment] = await db().select().from(comments).where(eq(comments.postSlug, "routines"));
    expect(comment.body).toBe("Pair this with [your exit tickets post](/posts/exit-tickets)!");
    expect(report.linksRewritten).toBe(5);
  });

  it("rewrites Blogger links on a country domain, with ?m=1 or site-relative", async () => {
    const report = await importFile(db(), "blogger-links.xml");
    expect(report.posts.created.map((p) => p.slug)).toEqual(["routines", "exit-tickets"]);
    expect(await linksOf("routines")).toEqual(["/posts/exit-tickets"]);
    expect(await linksOf("exit-tickets")).toEqual(["/posts/routines"]);
    const [comment] = await db().select().from(comments).where(eq(comments.postSlug, "exit-tickets"));
    expect(comment.body).toBe("See also [your routines post](/posts/routines).");
    expect(report.linksRewritten).toBe(3);
  });

  it("counts the links a dry run would rewrite, and writes nothing", async () => {
    const report = await importFile(db(), "wordpress-links-covers.xml", { dryRun: true });
    expect(report.linksRewritten).toBe(5);
    expect(await readdir(postsDir())).toEqual(["what-does-a-technology-coach-do.md"]);
  });

  it("makes a featured image copied home the post's cover, with its alt text and the credit its caption types", async () => {
    const report = await importFile(db(), "wordpress-links-covers.xml", { images: { dir: uploads } });
    // The attachment came before its post in the file.
    expect((await getPost("exit-tickets"))?.cover).toEqual({
      src: "/images/posts/exit-tickets/cover/image.png",
      alt: "A pile of exit tickets",
      creator: "Jane Doe",
      sourceName: "Flickr",
      sourceUrl: null,
      licenseUrl: "https://creativecommons.org/licenses/by-sa/2.0/",
    });
    const copied = await readFile(path.join(root(), "public/images/posts/exit-tickets/cover/image.png"));
    expect(copied.equals(PNG)).toBe(true);
    const file = await readFile(path.join(postsDir(), "exit-tickets.md"), "utf8");
    expect(file).toContain(
      [
        "cover:",
        "  image: /images/posts/exit-tickets/cover/image.png",
        "  alt: A pile of exit tickets",
        "  creator: Jane Doe",
        "  sourceName: Flickr",
        "  licenseUrl: https://creativecommons.org/licenses/by-sa/2.0/",
        "license: site-default",
      ].join("\n"),
    );
    expect(report.covers).toEqual({ field: 1, inBody: 1 });
  });

  it("shows a featured image that stays at its old address as the body's first image, with its credit, and says so", async () => {
    const report = await importFile(db(), "wordpress-links-covers.xml", { images: { dir: uploads } });
    // The attachment came after its post in the file, and its file is not in the uploads folder.
    const post = await getPost("routines");
    expect(post?.cover).toBeNull();
    expect(post?.images[0]).toMatchObject({
      src: "https://teachingnotes.example/wp-content/uploads/2014/01/door.jpg",
      alt: "A classroom door",
      creator: "Ana",
      sourceName: "Flickr",
    });
    expect(post?.bodyHtml.indexOf("<figure")).toBeLessThan(post?.bodyHtml.indexOf("Routines first") ?? 0);
    expect(report.notes.join("\n")).toContain(
      "routines: the cover https://teachingnotes.example/wp-content/uploads/2014/01/door.jpg stays at its old address",
    );
  });

  it("records WordPress's feeds, comment feeds, tag and category pages and archives as redirects", async () => {
    await importFile(db(), "wordpress-links-covers.xml");
    const expected: [string, string | null][] = [
      ["/feed", "/feed.rss"],
      ["/feed/atom", "/feed.atom"],
      ["/2014/02/10/exit-tickets/feed", "/posts/exit-tickets/comments.atom"],
      ["/tag/classroom-management", "/tags/classroom%20management"],
      ["/category/assessment", "/tags/Assessment"],
      ["/2014/01", "/archive/2014/01"],
      ["/2014/02/10", "/archive/2014/02"],
      ["/2014", "/archive#year-2014"],
      // Staffroom has no feed of every comment: left unanswered.
      ["/comments/feed", null],
      // Blogger's addresses are not this site's.
      ["/feeds/posts/default", null],
    ];
    for (const [old, target] of expected) expect(await redirectTarget(db(), old), old).toBe(target);
  });

  it("records Blogger's feeds, a post's comment feed, label searches and archives as redirects", async () => {
    await importFile(db(), "blogger-links.xml");
    const expected: [string, string | null][] = [
      ["/feeds/posts/default", "/feed.atom"],
      ["/rss.xml", "/feed.rss"],
      ["/feeds/601/comments/default", "/posts/routines/comments.atom"],
      ["/search/label/classroom%20management", "/tags/classroom%20management"],
      ["/2014/02", "/archive/2014/02"],
      ["/2014_01_01_archive.html", "/archive/2014/01"],
      ["/2014", "/archive#year-2014"],
      ["/feeds/comments/default", null],
      ["/feed", null],
    ];
    for (const [old, target] of expected) expect(await redirectTarget(db(), old), old).toBe(target);
  });
});
