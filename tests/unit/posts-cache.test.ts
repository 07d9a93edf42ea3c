import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { FIXTURES_DIR } from "../support/content";

// Posts are read from content/ once and kept in memory; what a reader must
// never notice is the cache: an edit, a new post or a deleted one shows on the
// next call, and one broken file does not take the lists down.

let root: string;
let posts: typeof import("~/posts/posts.server");
let settings: typeof import("~/settings/site-settings.server");
const originalRoot = process.env.CONTENT_ROOT;

function postFile(title: string, published: string, body: string): string {
  return `---\ntitle: ${JSON.stringify(title)}\npublished: ${published}\nauthor: morgan-ellery\ntags:\n  - coaching\nsummary: Short.\n---\n${body}\n`;
}
const file = (slug: string) => path.join(root, "content/posts", `${slug}.md`);
/**
 * Lets the event loop poll once, as it always has between a write and the next
 * request to the server: the folder watcher's event is handled then.
 */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "staffroom-posts-cache-"));
  await mkdir(path.join(root, "content/posts"), { recursive: true });
  await cp(path.join(FIXTURES_DIR, "content/authors"), path.join(root, "content/authors"), { recursive: true });
  await cp(path.join(FIXTURES_DIR, "content/site.yaml"), path.join(root, "content/site.yaml"));
  await writeFile(file("first"), postFile("First post", "2024-01-10", "Plain **bold** words."));
  await writeFile(file("second"), postFile("Second post", "2025-02-20", "Other words."));
  process.env.CONTENT_ROOT = root;
  vi.resetModules();
  posts = await import("~/posts/posts.server");
  settings = await import("~/settings/site-settings.server");
});

afterAll(async () => {
  if (originalRoot === undefined) delete process.env.CONTENT_ROOT;
  else process.env.CONTENT_ROOT = originalRoot;
  await rm(root, { recursive: true, force: true });
});

describe("the post cache", () => {
  it("lists posts newest first, with their authors and body text", async () => {
    const list = await posts.listPosts();
    expect(list.map((p) => [p.slug, p.title, p.author?.name])).toEqual([
      ["second", "Second post", "Morgan Ellery"],
      ["first", "First post", "Morgan Ellery"],
    ]);
    const catalogue = await posts.loadPostCatalogue();
    expect(catalogue.texts.get("first")?.bodyText).toBe("Plain bold words.");
  });

  it("reuses what it read while the files are unchanged", async () => {
    const a = await posts.loadPostCatalogue();
    const b = await posts.loadPostCatalogue();
    expect(b).toBe(a);
    // Callers get their own array: changing it changes nothing for the next caller.
    const list = await posts.listPosts();
    list.pop();
    expect(await posts.listPosts()).toHaveLength(2);
  });

  it("shows an edited, a new and a deleted post on the next call", async () => {
    const before = await posts.loadPostCatalogue();
    await writeFile(file("first"), postFile("First post, revised", "2024-01-10", "New words about rubrics."));
    await writeFile(file("third"), postFile("Third post", "2026-03-01", "Third."));
    await nextTurn();
    const after = await posts.loadPostCatalogue();
    expect(after.posts.map((p) => p.title)).toEqual(["Third post", "Second post", "First post, revised"]);
    expect(after.texts.get("first")?.bodyText).toBe("New words about rubrics.");
    // The unchanged post was not read again.
    expect(after.texts.get("second")).toBe(before.texts.get("second"));
    expect((await posts.getPost("first"))?.bodyHtml).toContain("rubrics");

    await rm(file("third"));
    await nextTurn();
    expect((await posts.listPosts()).map((p) => p.slug)).toEqual(["second", "first"]);
    expect(await posts.getPost("third")).toBeNull();
  });

  it("leaves out a post it cannot read, and lists the rest", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    await writeFile(file("broken"), "---\ntitle: [unclosed\npublished: not a date\n---\nBody\n");
    await nextTurn();
    expect((await posts.listPosts()).map((p) => p.slug)).toEqual(["second", "first"]);
    expect(errors).toHaveBeenCalledWith(expect.stringContaining("content/posts/broken.md is left out"));
    errors.mockRestore();
    await rm(file("broken"));
    await nextTurn();
  });

  it("keeps what it read when a periodic full check finds nothing changed", async () => {
    // After a second the watchers are no longer trusted alone: the files are compared again.
    const before = await posts.loadPostCatalogue();
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await posts.loadPostCatalogue()).toBe(before);
  });

  it("re-reads site settings when content/site.yaml changes", async () => {
    expect((await settings.getSiteSettings()).title).toBe("Practice Notes");
    const site = path.join(root, "content/site.yaml");
    const { readFile } = await import("node:fs/promises");
    await writeFile(site, (await readFile(site, "utf8")).replace(/^title: .*$/m, "title: Renamed site"));
    expect((await settings.getSiteSettings()).title).toBe("Renamed site");
  });
});
