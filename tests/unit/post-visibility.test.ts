import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { isPublic, mayPreviewPosts, postAccess, postVisibility } from "~/posts/visibility";
import { FIXTURES_DIR } from "../support/content";

// Drafts and scheduled posts (docs/decisions/0048): one rule decides what
// readers see, at the moment asked about. The clock is a parameter, so the
// scheduling tests pass moments instead of waiting for them.

describe("the visibility rule", () => {
  const noon = (day: string) => new Date(`${day}T12:00:00Z`);

  it("shows a published post from 00:00 UTC on its date, never before", () => {
    const post = { status: "published" as const, published: "2026-03-10" };
    expect(isPublic(post, new Date("2026-03-09T23:59:59.999Z"))).toBe(false);
    expect(postVisibility(post, new Date("2026-03-09T23:59:59.999Z"))).toEqual({
      kind: "scheduled",
      date: "2026-03-10",
    });
    expect(isPublic(post, new Date("2026-03-10T00:00:00Z"))).toBe(true);
    expect(isPublic(post, noon("2031-01-01"))).toBe(true);
  });

  it("never shows a draft, whatever its date", () => {
    const draft = { status: "draft" as const, published: "2013-06-09" };
    expect(postVisibility(draft, noon("2013-06-09"))).toEqual({ kind: "draft" });
    expect(isPublic(draft, noon("2099-12-31"))).toBe(false);
  });

  it("lets coaches and admins preview, and nobody else", () => {
    const draft = { status: "draft" as const, published: "2013-06-09" };
    const now = noon("2026-01-01");
    expect(postAccess(draft, null, now)).toEqual({ kind: "hidden" });
    expect(postAccess(draft, { role: "member" }, now)).toEqual({ kind: "hidden" });
    expect(postAccess(draft, { role: "coach" }, now)).toEqual({ kind: "preview", visibility: { kind: "draft" } });
    expect(postAccess(draft, { role: "admin" }, now).kind).toBe("preview");
    expect(mayPreviewPosts({ role: "member" })).toBe(false);
    const live = { status: "published" as const, published: "2013-06-09" };
    expect(postAccess(live, null, now)).toEqual({ kind: "public" });
  });
});

describe("posts through the rule, with an injected clock", () => {
  let root: string;
  let posts: typeof import("~/posts/posts.server");
  let search: typeof import("~/search/search.server");
  let query: typeof import("~/search/query");
  const originalRoot = process.env.CONTENT_ROOT;
  const file = (slug: string) => path.join(root, "content/posts", `${slug}.md`);
  const postFile = (title: string, published: string, status: string | null, word: string) =>
    `---\ntitle: ${JSON.stringify(title)}\npublished: ${published}\n${status ? `status: ${status}\n` : ""}author: morgan-ellery\ntags:\n  - planning\nsummary: Short.\n---\nAbout ${word}.\n`;
  const words = (raw: string) => {
    const parsed = query.parseQuery(raw);
    if (parsed.kind !== "words") throw new Error(`not a word query: ${raw}`);
    return parsed;
  };
  const before = new Date("2030-05-31T23:59:00Z");
  const after = new Date("2030-06-01T00:00:00Z");

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), "staffroom-visibility-"));
    await mkdir(path.join(root, "content/posts"), { recursive: true });
    await cp(path.join(FIXTURES_DIR, "content/authors"), path.join(root, "content/authors"), { recursive: true });
    await cp(path.join(FIXTURES_DIR, "content/site.yaml"), path.join(root, "content/site.yaml"));
    // Written before drafts existed: no status line, so published.
    await writeFile(file("older"), postFile("Older post", "2024-01-10", null, "rubrics"));
    await writeFile(file("unfinished"), postFile("Unfinished thoughts", "2024-02-01", "draft", "marmalade"));
    await writeFile(file("next-month"), postFile("Next month", "2030-06-01", "published", "zeppelins"));
    process.env.CONTENT_ROOT = root;
    vi.resetModules();
    posts = await import("~/posts/posts.server");
    search = await import("~/search/search.server");
    query = await import("~/search/query");
  });

  afterAll(async () => {
    if (originalRoot === undefined) delete process.env.CONTENT_ROOT;
    else process.env.CONTENT_ROOT = originalRoot;
    await rm(root, { recursive: true, force: true });
  });

  it("reads a post file without a status as published, and `status: draft` as a draft", async () => {
    const all = await posts.listAllPosts();
    expect(Object.fromEntries(all.map((p) => [p.slug, p.status]))).toEqual({
      older: "published",
      unfinished: "draft",
      "next-month": "published",
    });
  });

  it("leaves drafts and future posts out of lists, tags, search and single reads", async () => {
    expect((await posts.listPosts(before)).map((p) => p.slug)).toEqual(["older"]);
    expect((await posts.listPostsByTag("planning", before)).map((p) => p.slug)).toEqual(["older"]);
    expect(await posts.getPublicPost("unfinished", before)).toBeNull();
    expect(await posts.getPublicPost("next-month", before)).toBeNull();
    expect((await posts.getPublicPost("older", before))?.title).toBe("Older post");
    expect((await search.searchPosts(words("marmalade"), 1, 20, before))?.total).toBe(0);
    expect((await search.searchPosts(words("zeppelins"), 1, 20, before))?.total).toBe(0);
    expect((await posts.getPostForViewer("unfinished", null, before)).kind).toBe("not-found");
    const preview = await posts.getPostForViewer("next-month", { role: "coach" }, before);
    expect(preview.kind === "preview" && preview.visibility).toEqual({ kind: "scheduled", date: "2030-06-01" });
  });

  it("shows a scheduled post at its time from the same cache, without re-reading or restarting", async () => {
    const catalogue = await posts.loadPostCatalogue();
    expect((await posts.listPosts(before)).map((p) => p.slug)).not.toContain("next-month");
    expect((await posts.listPosts(after)).map((p) => p.slug)).toEqual(["next-month", "older"]);
    expect((await posts.listPostsByTag("planning", after)).map((p) => p.slug)).toEqual(["next-month", "older"]);
    expect((await posts.getPublicPost("next-month", after))?.title).toBe("Next month");
    expect((await search.searchPosts(words("zeppelins"), 1, 20, after))?.items.map((i) => i.slug)).toEqual([
      "next-month",
    ]);
    // And back: the index follows the clock it is asked with, both ways.
    expect((await search.searchPosts(words("zeppelins"), 1, 20, before))?.total).toBe(0);
    expect((await posts.getPostForViewer("next-month", null, after)).kind).toBe("public");
    // Nothing was re-read: the same catalogue answered every moment.
    expect(await posts.loadPostCatalogue()).toBe(catalogue);
    // The draft stays a draft at any time.
    expect((await posts.listPosts(new Date("2099-01-01T00:00:00Z"))).map((p) => p.slug)).not.toContain("unfinished");
  });
});
