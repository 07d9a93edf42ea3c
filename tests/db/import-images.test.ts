import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { applyImport, type ImportSource } from "~/import/apply.server";
import type { ExportFormat, ImportedPost } from "~/import/model";
import { siteConverters } from "~/import/site-converters";
import { getPost } from "~/posts/posts.server";
import { describeEachDatabase, resetComments } from "../support/databases";

// Image files as an old blog leaves them: a WordPress uploads folder (an
// original, the resized copy WordPress made of it, a chart, an SVG, a
// symlink leading out of the folder) and a Google Takeout folder of Blogger
// images. The bytes are real 1×1 images (PNG) and a JPEG-marked stub: nothing
// decodes them, but each file is told apart by its bytes.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);
const jpeg = (marker: string) =>
  Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(marker), Buffer.from([0xff, 0xd9])]);
const ORIGINAL = jpeg("whiteboard, full size");
const RESIZED = jpeg("whiteboard, 300x200");
const TEAM = jpeg("team photo");
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
const SECRET = Buffer.from("not for the site");

const WP = "https://old.example/wp-content/uploads";
const BLOGGER_IMG = "https://blogger.googleusercontent.com/img/b/R29vZ2xl/AVvXsEgX1";

let scratch: string;
let uploads: string;
let takeout: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), "staffroom-import-images-"));
  await writeFile(path.join(scratch, "secret.png"), SECRET);
  uploads = path.join(scratch, "uploads");
  await mkdir(path.join(uploads, "2013/06"), { recursive: true });
  await writeFile(path.join(uploads, "2013/06/photo.jpg"), ORIGINAL);
  await writeFile(path.join(uploads, "2013/06/photo-300x200.jpg"), RESIZED);
  await writeFile(path.join(uploads, "2013/06/only-small-150x150.png"), PNG);
  await writeFile(path.join(uploads, "2013/06/chart.png"), PNG);
  await writeFile(path.join(uploads, "2013/06/diagram.svg"), SVG);
  await symlink(path.join(scratch, "secret.png"), path.join(uploads, "2013/06/linked.png"));
  takeout = path.join(scratch, "Takeout");
  await mkdir(path.join(takeout, "Blogger/Albums/Coach Notes"), { recursive: true });
  await writeFile(path.join(takeout, "Blogger/Albums/Coach Notes/photo.jpg"), ORIGINAL);
  await writeFile(path.join(takeout, "Blogger/Albums/Coach Notes/team photo.jpg"), TEAM);
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

function post(id: string, slug: string, html: string): ImportedPost {
  return {
    sourceId: id,
    kind: "post",
    title: `Notes on ${slug.replace(/-/g, " ")}`,
    html,
    summary: null,
    published: "2013-06-14T05:33:00.000Z",
    updated: null,
    status: "published",
    tags: [],
    authorSourceId: null,
    oldUrls: [`https://old.example/2013/06/14/${slug}/`],
    slugHint: slug,
    commentsOpen: true,
  };
}

const WORDPRESS_POST = post(
  "101",
  "exit-tickets",
  [
    `<img src="${WP}/2013/06/photo-300x200.jpg" alt="Whiteboard" width="300" height="200" />`,
    `[caption id="attachment_7" width="640"]<img src="${WP}/2013/06/chart.png" alt="Exit ticket chart" /> Exit tickets by week.[/caption]`,
    `<img src="${WP}/2013/06/only-small-150x150.png" alt="Thumbnail" />`,
    `<img src="${WP}/2013/06/diagram.svg" alt="Diagram" />`,
    `<img src="${WP}/2013/06/gone.jpg" alt="Lost" />`,
    `<img src="${WP}/2013/06/..%2F..%2Fsecret.png" alt="Sneaky" />`,
    `<img src="${WP}/2013/06/linked.png" alt="Linked" />`,
    `<img src="https://elsewhere.example/pic.jpg" alt="Someone else's" />`,
    "<pre><code>![not an image](https://old.example/wp-content/uploads/2013/06/photo.jpg)</code></pre>",
  ].join("\n\n"),
);

const BLOGGER_POST = {
  ...post(
    "tag:blogger.com,1999:blog-1.post-7",
    "team-photos",
    `<div class="separator"><a href="${BLOGGER_IMG}/s1600/photo.jpg"><img border="0" src="${BLOGGER_IMG}/s320/photo.jpg" /></a></div>` +
      `<p><img src="https://1.bp.blogspot.com/-abc/UcR/AAAAAAAAAOk/xyz/s1600/team%20photo.jpg" alt="Team" /></p>`,
  ),
  slugHint: null,
  oldUrls: ["https://coach.blogspot.com/2013/06/team-photos.html"],
};

function sourceOf(format: ExportFormat, posts: ImportedPost[]): ImportSource {
  return async (h) => {
    await h.blog({ format, title: "Coach", siteUrl: "https://old.example", licenseNotice: null });
    for (const p of posts) await h.post(p);
  };
}

const root = () => process.env.CONTENT_ROOT!;
const imagesOf = (slug: string) => path.join(root(), "public/images/posts", slug);
const postText = (slug: string) => readFile(path.join(root(), "content/posts", `${slug}.md`), "utf8");

describeEachDatabase("import images", (db) => {
  beforeEach(async () => {
    await resetComments(db());
    await db().execute(sql`truncate table import_sources, redirects, import_runs cascade`);
    for (const f of await readdir(path.join(root(), "content/posts"))) {
      if (f !== "what-does-a-technology-coach-do.md") await rm(path.join(root(), "content/posts", f));
    }
    await rm(path.join(root(), "public"), { recursive: true, force: true });
  });

  const run = (format: ExportFormat, posts: ImportedPost[], dir: string, extra = {}) =>
    applyImport(db(), root(), sourceOf(format, posts), {
      authorSlug: "morgan-ellery",
      converters: siteConverters,
      images: { dir },
      ...extra,
    });

  it("copies WordPress uploads under the post's image folder, the original preferred to a resized copy", async () => {
    const report = await run("wxr", [WORDPRESS_POST], uploads);
    expect(report.posts.created.map((p) => p.slug)).toEqual(["exit-tickets"]);
    expect((await readdir(imagesOf("exit-tickets"))).sort()).toEqual([
      "chart.png",
      "only-small-150x150.png",
      "photo.jpg",
    ]);
    expect(await readFile(path.join(imagesOf("exit-tickets"), "photo.jpg"))).toEqual(ORIGINAL);
    expect(await readFile(path.join(imagesOf("exit-tickets"), "chart.png"))).toEqual(PNG);

    const text = await postText("exit-tickets");
    expect(text).toContain("![Whiteboard](/images/posts/exit-tickets/photo.jpg)");
    expect(text).toContain('{% creditedImage src="/images/posts/exit-tickets/chart.png" alt="Exit ticket chart"');
    expect(text).toContain("![Thumbnail](/images/posts/exit-tickets/only-small-150x150.png)");
    // Code is text: an image written inside it stays as written.
    expect(text).toContain("![not an image](https://old.example/wp-content/uploads/2013/06/photo.jpg)");

    const read = await getPost("exit-tickets");
    expect(read?.bodyHtml).toContain('src="/images/posts/exit-tickets/photo.jpg"');
    expect(read?.bodyHtml).toContain('src="/images/posts/exit-tickets/chart.png"');
    expect(read?.images.map((i) => i.src)).toEqual(["/images/posts/exit-tickets/chart.png"]);

    expect(report.images?.copied.map((c) => [c.url, c.src])).toEqual([
      [`${WP}/2013/06/photo-300x200.jpg`, "/images/posts/exit-tickets/photo.jpg"],
      [`${WP}/2013/06/chart.png`, "/images/posts/exit-tickets/chart.png"],
      [`${WP}/2013/06/only-small-150x150.png`, "/images/posts/exit-tickets/only-small-150x150.png"],
    ]);
  });

  it("keeps an SVG, a missing file, a path out of the folder, a symlink out of it and another site's image at their URLs, saying why", async () => {
    const report = await run("wxr", [WORDPRESS_POST], uploads);
    const why = new Map(report.images?.kept.map((k) => [k.url, k.why]));
    expect(why.get(`${WP}/2013/06/diagram.svg`)).toMatch(/\.svg file, not an image type the editor accepts/);
    expect(why.get(`${WP}/2013/06/gone.jpg`)).toMatch(/no such file/);
    expect(why.get(`${WP}/2013/06/..%2F..%2Fsecret.png`)).toMatch(/leaves the uploads folder/);
    expect(why.get(`${WP}/2013/06/linked.png`)).toMatch(/link to a file outside the images folder/);
    expect(why.get("https://elsewhere.example/pic.jpg")).toMatch(/not an address of the old blog's uploads/);
    expect(report.images?.kept).toHaveLength(5);

    const text = await postText("exit-tickets");
    expect(text).toContain(`![Diagram](${WP}/2013/06/diagram.svg)`);
    expect(text).toContain(`![Lost](${WP}/2013/06/gone.jpg)`);
    expect(text).toContain(`![Linked](${WP}/2013/06/linked.png)`);
    expect(text).toContain("![Someone else's](https://elsewhere.example/pic.jpg)");
    // Nothing but the three accepted images was copied, and nothing from outside the folder.
    const copied = await readdir(imagesOf("exit-tickets"));
    expect(copied).not.toContain("diagram.svg");
    for (const file of copied) {
      expect(await readFile(path.join(imagesOf("exit-tickets"), file))).not.toEqual(SECRET);
    }
  });

  it("finds Blogger's images in a Takeout folder by file name, and relinks the full-size link to the copy", async () => {
    const report = await run("blogger-atom", [BLOGGER_POST], takeout);
    expect(report.posts.created.map((p) => p.slug)).toEqual(["team-photos"]);
    expect((await readdir(imagesOf("team-photos"))).sort()).toEqual(["photo.jpg", "team-photo.jpg"]);
    expect(await readFile(path.join(imagesOf("team-photos"), "team-photo.jpg"))).toEqual(TEAM);
    const text = await postText("team-photos");
    expect(text).toContain("[![](/images/posts/team-photos/photo.jpg)](/images/posts/team-photos/photo.jpg)");
    expect(text).toContain("![Team](/images/posts/team-photos/team-photo.jpg)");
    expect(text).not.toContain("blogger.googleusercontent.com");
    const read = await getPost("team-photos");
    expect(read?.bodyHtml).toContain('src="/images/posts/team-photos/team-photo.jpg"');
    expect(report.images?.kept).toEqual([]);
  });

  it("gives two different files of one name their own names, and refuses a name Takeout holds twice with different bytes", async () => {
    await mkdir(path.join(uploads, "2014/01"), { recursive: true });
    await writeFile(path.join(uploads, "2014/01/photo.jpg"), TEAM);
    await mkdir(path.join(takeout, "Blogger/Albums/Other Blog"), { recursive: true });
    await writeFile(path.join(takeout, "Blogger/Albums/Other Blog/team photo.jpg"), RESIZED);
    try {
      const wordpress = post(
        "103",
        "two-photos",
        `<img src="${WP}/2013/06/photo.jpg" /><img src="${WP}/2014/01/photo.jpg" />`,
      );
      await run("wxr", [wordpress], uploads);
      expect(await readFile(path.join(imagesOf("two-photos"), "photo.jpg"))).toEqual(ORIGINAL);
      expect(await readFile(path.join(imagesOf("two-photos"), "photo-2.jpg"))).toEqual(TEAM);
      expect(await postText("two-photos")).toContain(
        "![](/images/posts/two-photos/photo.jpg)![](/images/posts/two-photos/photo-2.jpg)",
      );

      const report = await run("blogger-atom", [BLOGGER_POST], takeout);
      expect(report.images?.kept).toEqual([
        {
          postSlug: "team-photos",
          url: "https://1.bp.blogspot.com/-abc/UcR/AAAAAAAAAOk/xyz/s1600/team%20photo.jpg",
          why: expect.stringMatching(/several different files are named team photo\.jpg/),
        },
      ]);
    } finally {
      await rm(path.join(uploads, "2014"), { recursive: true });
      await rm(path.join(takeout, "Blogger/Albums/Other Blog"), { recursive: true });
    }
  });

  it("copies nothing on a dry run but reports what it would copy", async () => {
    const report = await run("wxr", [WORDPRESS_POST], uploads, { dryRun: true });
    expect(report.images?.copied.map((c) => c.src)).toEqual([
      "/images/posts/exit-tickets/photo.jpg",
      "/images/posts/exit-tickets/chart.png",
      "/images/posts/exit-tickets/only-small-150x150.png",
    ]);
    expect(existsSync(path.join(root(), "public"))).toBe(false);
    expect(existsSync(path.join(root(), "content/posts/exit-tickets.md"))).toBe(false);
  });

  it("keeps the finished post whole with its images and copies none of the post it stopped at", async () => {
    const failing = (format: ExportFormat) => {
      const real = siteConverters(format);
      let calls = 0;
      return {
        ...real,
        postBody(html: string) {
          if (++calls === 2) throw new Error("converter broke");
          return real.postBody(html);
        },
      };
    };
    await expect(
      run("wxr", [WORDPRESS_POST, post("102", "second", "<p>Text.</p>")], uploads, { converters: failing }),
    ).rejects.toThrow("converter broke");
    expect(existsSync(path.join(root(), "content/posts/exit-tickets.md"))).toBe(true);
    expect(existsSync(path.join(root(), "public/images/posts/exit-tickets"))).toBe(true);
    expect(existsSync(path.join(root(), "content/posts/second.md"))).toBe(false);
    expect(existsSync(path.join(root(), "public/images/posts/second"))).toBe(false);
    expect((await readdir(root())).filter((f) => f.startsWith(".staffroom-import-"))).toEqual([]);
  });

  it("refuses an images folder that does not exist before writing anything", async () => {
    await expect(run("wxr", [WORDPRESS_POST], path.join(scratch, "nowhere"))).rejects.toThrow(/no such folder/);
    expect(existsSync(path.join(root(), "content/posts/exit-tickets.md"))).toBe(false);
  });
});
