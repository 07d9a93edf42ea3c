import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, expect, it } from "vitest";
import { exportChunks, runExport } from "~/export/export.server";
import { staffroomExportSchema } from "~/export/json-format";
import { parseExport } from "~/import/formats/parse";
import type { ImportedPost } from "~/import/model";
import { describeEachDatabase } from "../support/databases";
import { child, children, parseStrictXml, textOf } from "../support/feed-xml";

/**
 * Exports carry each post's status (docs/decisions/0048): WXR says what
 * WordPress says (`publish`, `draft`, `future` for a post dated later), the
 * JSON has `status`, the Markdown folder has the post file with its
 * `status:` line; and the WXR read back by our own importer gives the draft
 * as a draft and the scheduled post as published on its later date.
 */

const WP_NS = "http://wordpress.org/export/1.2/";
const DEMO_SLUG = "what-does-a-technology-coach-do";
const DRAFT_SLUG = "half-written-notes";
const LATER_SLUG = "notes-for-next-term";

const postFile = (title: string, published: string, status: string) =>
  `---\ntitle: ${title}\npublished: ${published}\nstatus: ${status}\nauthor: morgan-ellery\ntags:\n  - coaching\nlicense: site-default\ncommentsOpen: true\n---\nWords.\n`;

async function collect(chunks: AsyncIterable<string>): Promise<string> {
  let out = "";
  for await (const chunk of chunks) out += chunk;
  return out;
}

describeEachDatabase("exporting drafts and scheduled posts", (db) => {
  const posts = () => path.join(process.env.CONTENT_ROOT!, "content/posts");
  let dir: string;

  beforeAll(async () => {
    await writeFile(path.join(posts(), `${DRAFT_SLUG}.md`), postFile("Half-written notes", "2014-03-02", "draft"));
    await writeFile(path.join(posts(), `${LATER_SLUG}.md`), postFile("Notes for next term", "2999-09-01", "published"));
    dir = await mkdtemp(path.join(os.tmpdir(), "staffroom-export-drafts-"));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("WXR: publish, draft and future, and our importer reads them back as draft and scheduled", async () => {
    const xml = await collect(exportChunks(db(), "wxr"));
    const channel = child(parseStrictXml(xml), "", "channel");
    const statuses = Object.fromEntries(
      children(channel, "", "item")
        .filter((item) => textOf(child(item, WP_NS, "post_type")) === "post")
        .map((item) => [textOf(child(item, WP_NS, "post_name")), textOf(child(item, WP_NS, "status"))]),
    );
    const { [DRAFT_SLUG]: draft, [LATER_SLUG]: later, ...demo } = statuses;
    expect({ draft, later }).toEqual({ draft: "draft", later: "future" });
    // The demo's own posts (the discussed one and the five others) are all published.
    expect(Object.keys(demo)).toContain(DEMO_SLUG);
    expect(Object.keys(demo)).toHaveLength(6);
    expect(new Set(Object.values(demo))).toEqual(new Set(["publish"]));

    const read: ImportedPost[] = [];
    await parseExport(Readable.from([xml]), {
      blog: () => {},
      author: () => {},
      post: (post) => {
        read.push(post);
      },
      comment: () => {},
      skipped: () => {},
    });
    const bySlug = new Map(read.map((post) => [post.slugHint, post]));
    expect(bySlug.get(DRAFT_SLUG)).toMatchObject({ status: "draft" });
    expect(bySlug.get(DRAFT_SLUG)?.published?.slice(0, 10)).toBe("2014-03-02");
    expect(bySlug.get(LATER_SLUG)).toMatchObject({ status: "published" });
    expect(bySlug.get(LATER_SLUG)?.published?.slice(0, 10)).toBe("2999-09-01");
    expect(bySlug.get(DEMO_SLUG)).toMatchObject({ status: "published" });
  });

  it("JSON: each post's status", async () => {
    const data = staffroomExportSchema.parse(JSON.parse(await collect(exportChunks(db(), "json"))));
    const {
      [DRAFT_SLUG]: draft,
      [LATER_SLUG]: later,
      ...demo
    } = Object.fromEntries(data.posts.map((post) => [post.slug, post.status]));
    expect({ draft, later }).toEqual({ draft: "draft", later: "published" });
    expect(Object.keys(demo)).toContain(DEMO_SLUG);
    expect(Object.keys(demo)).toHaveLength(6);
    expect(new Set(Object.values(demo))).toEqual(new Set(["published"]));
  });

  it("Markdown: the draft's file keeps its status line", async () => {
    await runExport(db(), { format: "markdown", outDir: dir });
    expect(await readFile(path.join(dir, `${DRAFT_SLUG}.md`), "utf8")).toMatch(/^status: draft$/m);
  });
});
