import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeGenericAPIRouteHandler } from "@keystatic/core/api/generic";
import type { Config } from "@keystatic/core";
import { getAllowedDirectories } from "@keystatic/core/api/utils";
// The YAML serializer Keystatic's editor uses for frontmatter (`dump`).
import { dump as jsYamlDump } from "js-yaml";
import keystaticConfig from "../../keystatic.config";
import {
  ABOUT_FILE,
  ABOUT_IMAGES_DIR,
  AUTHOR_IMAGES_DIR,
  AUTHORS_DIR,
  POST_IMAGES_DIR,
  POSTS_DIR,
  SITE_FILE,
  classifyContentPath,
  decideKeystaticWrite,
  parseKeystaticUpdate,
  postAuthorFromMarkdown,
  readExistingPost,
  type ExistingPost,
  type KeystaticActor,
  type KeystaticUpdate,
} from "~/editor/keystatic-writes.server";
import { requireKeystaticWriteAllowed } from "~/http/keystatic-write-gate.server";

// Keystatic's local mode has no auth, so we decide who may save what
// (app/editor/keystatic-writes.server.ts): admins everything, coaches only
// posts authored by their own author profiles.

const dumpYaml = jsYamlDump as (value: unknown) => string;
const encoder = new TextEncoder();

/** Keystatic's client `base64Encode` (dist/base64-*.js): btoa over the bytes. */
function base64Encode(bytes: Uint8Array): string {
  return btoa(Array.from(bytes, (byte) => String.fromCodePoint(byte)).join(""));
}

/**
 * A post file as Keystatic's editor writes it: `serializeEntryToFiles` dumps
 * the fields with js-yaml and `combineFrontmatterAndContents` frames them as
 * `---\n<yaml>---\n<body>`.
 */
function postFile(fields: Record<string, unknown>, body = "Some text.\n"): Uint8Array {
  return encoder.encode(`---\n${dumpYaml(fields)}---\n${body}`);
}

function post(author: string, title = "A post"): Uint8Array {
  return postFile({
    title,
    published: "2024-05-01",
    author,
    tags: ["coaching"],
    license: "site-default",
    commentsOpen: true,
  });
}

type FileInput = Uint8Array | string;

/** The JSON body of `POST /api/keystatic/update` as Keystatic's `useUpsertItem` / `useDeleteItem` send it. */
function updateBody(additions: Record<string, FileInput> = {}, deletions: string[] = []): string {
  return JSON.stringify({
    additions: Object.entries(additions).map(([filepath, contents]) => ({
      path: filepath,
      contents: base64Encode(typeof contents === "string" ? encoder.encode(contents) : contents),
    })),
    deletions: deletions.map((filepath) => ({ path: filepath })),
  });
}

function parsed(additions: Record<string, FileInput> = {}, deletions: string[] = []): KeystaticUpdate {
  const update = parseKeystaticUpdate(updateBody(additions, deletions), "application/json");
  if (!update) throw new Error("test body did not parse");
  return update;
}

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

// On disk: "alex-post" by alex, "blair-post" by blair, "orphan" without an author.
const existing: Record<string, ExistingPost> = {
  "alex-post": { author: "alex" },
  "blair-post": { author: "blair" },
  orphan: { author: null },
};
const lookup = (slug: string): ExistingPost => existing[slug] ?? null;

const admin: KeystaticActor = { role: "admin", authorSlugs: new Set() };
const alex: KeystaticActor = { role: "coach", authorSlugs: new Set(["alex", "alex-pen-name"]) };

async function decide(actor: KeystaticActor, additions: Record<string, FileInput> = {}, deletions: string[] = []) {
  return decideKeystaticWrite(parsed(additions, deletions), actor, lookup);
}

describe("paths match keystatic.config.ts", () => {
  it("covers exactly the directories Keystatic lets the API write", () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    expect(getAllowedDirectories(keystaticConfig as Config<any, any>).sort()).toEqual(
      [
        POSTS_DIR,
        POST_IMAGES_DIR,
        AUTHORS_DIR,
        AUTHOR_IMAGES_DIR,
        "content/site",
        SITE_FILE,
        "content/about",
        ABOUT_FILE,
        ABOUT_IMAGES_DIR,
      ].sort(),
    );
  });
});

describe("parseKeystaticUpdate agrees with Keystatic's own update handler", () => {
  let base: string;
  let handler: ReturnType<typeof makeGenericAPIRouteHandler>;

  beforeAll(async () => {
    base = await mkdtemp(path.join(os.tmpdir(), "staffroom-keystatic-"));
    handler = makeGenericAPIRouteHandler({ config: keystaticConfig, localBaseDirectory: base });
  });
  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
  });

  async function keystatic(body: string, contentType = "application/json") {
    const request = new Request("http://localhost/api/keystatic/update", {
      method: "POST",
      headers: { "content-type": contentType, "no-cors": "1" },
      body,
    });
    return (await handler(request)).status;
  }

  const bodies: [string, string, string?][] = [
    ["an edit and a deletion", updateBody({ "content/posts/a.md": post("alex") }, ["content/posts/b.md"])],
    ["an image", updateBody({ "public/images/posts/a/cover/image.png": PNG })],
    [
      "URL-safe unpadded base64",
      JSON.stringify({ additions: [{ path: "content/posts/c.md", contents: "-_8" }], deletions: [] }),
    ],
    ["an empty path segment (Keystatic accepts it)", updateBody({ "content/posts//d.md": "x" })],
    ["a string-prefix path (Keystatic accepts it)", updateBody({ "content/site.yaml.bak": "x" })],
    ["a charset parameter", updateBody({ "content/posts/a.md": "x" }), "application/json; charset=utf-8"],
    ["a form content type", updateBody({ "content/posts/a.md": "x" }), "multipart/form-data"],
    ["a .. segment", updateBody({ "content/posts/../../escape.txt": "x" })],
    ["a backslash", updateBody({ "content/posts\\..\\x.md": "x" })],
    ["an absolute path", updateBody({ "/etc/passwd": "x" })],
    ["a path outside the content folders", updateBody({ "app/root.tsx": "x" })],
    ["an unknown top-level key", JSON.stringify({ additions: [], deletions: [], branch: "main" })],
    [
      "an unknown addition key",
      JSON.stringify({ additions: [{ path: "content/posts/a.md", contents: "", mode: 1 }], deletions: [] }),
    ],
    ["missing deletions", JSON.stringify({ additions: [] })],
    [
      "non-base64 contents",
      JSON.stringify({ additions: [{ path: "content/posts/a.md", contents: "!!" }], deletions: [] }),
    ],
    ["numeric contents", JSON.stringify({ additions: [{ path: "content/posts/a.md", contents: 5 }], deletions: [] })],
    ["an array body", "[]"],
    ["invalid JSON", "{"],
  ];

  it.each(bodies)("%s", async (_label, body, contentType = "application/json") => {
    const ours = parseKeystaticUpdate(encoder.encode(body), contentType);
    const status = await keystatic(body, contentType);
    expect(status === 200).toBe(ours !== null);
    if (ours) {
      for (const addition of ours.additions) {
        expect(new Uint8Array(await readFile(path.join(base, addition.path)))).toEqual(addition.contents);
      }
    }
  });

  it("decodes paths and bytes", () => {
    const update = parseKeystaticUpdate(
      encoder.encode(updateBody({ "content/posts/a.md": post("alex") }, ["public/images/posts/a/old.png"])),
      "application/json",
    );
    expect(update?.additions.map((a) => a.path)).toEqual(["content/posts/a.md"]);
    expect(postAuthorFromMarkdown(update!.additions[0].contents)).toBe("alex");
    expect(update?.deletions).toEqual([{ path: "public/images/posts/a/old.png" }]);
  });
});

describe("classifyContentPath", () => {
  it.each([
    ["content/posts/hello.md", { kind: "post", slug: "hello", file: "entry" }],
    ["content/posts/hello/body/photo.png", { kind: "post", slug: "hello", file: "attachment" }],
    ["public/images/posts/hello/cover/image.jpg", { kind: "post-image", slug: "hello" }],
    ["content/authors/alex.yaml", { kind: "author", slug: "alex" }],
    ["public/images/authors/alex/avatar.png", { kind: "author-image", slug: "alex" }],
    ["content/site.yaml", { kind: "site" }],
  ])("%s", (filepath, expected) => {
    expect(classifyContentPath(filepath)).toEqual(expected);
  });

  it.each([
    "content/posts/../site.yaml",
    "content/posts/./alex-post.md",
    "content/posts//blair-post.md",
    "/content/posts/hello.md",
    "content\\posts\\hello.md",
    "content/posts/hello\0.md",
    "content/posts/.md",
    "content/posts/hello.MD",
    "content/posts/hello",
    "content/postsX/hello.md",
    "content/posts/ hello.md",
    "content/posts/x.md/evil.png",
    "public/images/posts/hello.png",
    "public/images/posts/../authors/alex/avatar.png",
    "content/site.yaml.bak",
    "content/site/extra.yaml",
    "content/authors/alex/extra.yaml",
    "",
  ])("%j is other", (filepath) => {
    expect(classifyContentPath(filepath)).toEqual({ kind: "other" });
  });
});

describe("postAuthorFromMarkdown reads the author as Keystatic's reader does", () => {
  it("reads the relationship slug", () => {
    expect(postAuthorFromMarkdown(post("alex"))).toBe("alex");
    expect(postAuthorFromMarkdown('---\r\ntitle: x\r\nauthor: "alex"\r\n---\r\nbody')).toBe("alex");
  });

  it.each([
    ["no frontmatter", "author: alex\n"],
    ["no author", "---\ntitle: x\n---\n"],
    ["a non-string author", "---\nauthor: 12\n---\n"],
    ["a duplicate author key (js-yaml, like Keystatic, refuses it)", "---\nauthor: alex\nauthor: blair\n---\n"],
    ["invalid YAML", "---\nauthor: [alex\n---\n"],
  ])("null for %s", (_label, text) => {
    expect(postAuthorFromMarkdown(text)).toBeNull();
  });

  it("sees through YAML a line-based regex would misread", () => {
    expect(postAuthorFromMarkdown("---\nsummary: |\n  author: alex\nauthor: blair\n---\n")).toBe("blair");
    expect(postAuthorFromMarkdown('---\n"author": blair\n---\n')).toBe("blair");
    expect(postAuthorFromMarkdown("---\nbase: &b { author: blair }\n<<: *b\n---\n")).toBe("blair");
  });
});

describe("decideKeystaticWrite: admin", () => {
  it("may write the site settings, authors, anyone's post and anything Keystatic accepts", async () => {
    expect(await decide(admin, { [SITE_FILE]: "title: New\n" })).toEqual({ allowed: true });
    expect(await decide(admin, { "content/authors/blair.yaml": "name: Blair\n" })).toEqual({ allowed: true });
    expect(
      await decide(admin, { "content/posts/blair-post.md": post("alex") }, ["content/posts/alex-post.md"]),
    ).toEqual({
      allowed: true,
    });
  });
});

describe("decideKeystaticWrite: post bodies the parser could not finish", () => {
  it("refuses, for admins too, a body nesting blocks deeper than the limit, and saves nothing", async () => {
    const deep = postFile(
      { title: "Deep", published: "2026-01-01", author: "alex" },
      "{% if true %}".repeat(100) + "x" + "{% /if %}".repeat(100),
    );
    for (const actor of [admin, alex]) {
      const decision = await decide(actor, { "content/posts/alex-post.md": deep });
      expect(decision.allowed).toBe(false);
      expect(decision.allowed ? "" : decision.reason).toMatch(
        /nests blocks 100 deep; at most 32 are allowed\. Nothing was saved\./,
      );
    }
    const shallow = postFile({ title: "Fine", published: "2026-01-01", author: "alex" }, "{% if true %}x{% /if %}");
    expect(await decide(alex, { "content/posts/alex-post.md": shallow })).toEqual({ allowed: true });
  });
});

describe("decideKeystaticWrite: coach", () => {
  it("may edit their own post, including its images and body files", async () => {
    expect(
      await decide(
        alex,
        {
          "content/posts/alex-post.md": post("alex", "Revised"),
          "content/posts/alex-post/body/diagram.png": PNG,
          "public/images/posts/alex-post/cover/image.jpg": PNG,
        },
        ["public/images/posts/alex-post/cover/image.png"],
      ),
    ).toEqual({ allowed: true });
  });

  it("may hand their post to another of their own author profiles", async () => {
    expect(await decide(alex, { "content/posts/alex-post.md": post("alex-pen-name") })).toEqual({ allowed: true });
  });

  it("may not edit another coach's post", async () => {
    const decision = await decide(alex, { "content/posts/blair-post.md": post("alex") });
    expect(decision).toMatchObject({ allowed: false, reason: expect.stringContaining("blair") });
  });

  it("may not add images to another coach's post", async () => {
    expect(await decide(alex, { "public/images/posts/blair-post/cover/image.png": PNG })).toMatchObject({
      allowed: false,
    });
    expect(await decide(alex, { "content/posts/blair-post/body/x.png": PNG })).toMatchObject({ allowed: false });
  });

  it("may not reassign their own post to another author", async () => {
    const decision = await decide(alex, { "content/posts/alex-post.md": post("blair") });
    expect(decision).toMatchObject({ allowed: false, reason: expect.stringContaining("blair") });
  });

  it("may not slip a reassignment in as a second write of the same file", async () => {
    const body = JSON.stringify({
      additions: [
        { path: "content/posts/alex-post.md", contents: base64Encode(post("alex")) },
        { path: "content/posts/alex-post.md", contents: base64Encode(post("blair")) },
      ],
      deletions: [],
    });
    const update = parseKeystaticUpdate(body, "application/json")!;
    expect(await decideKeystaticWrite(update, alex, lookup)).toMatchObject({ allowed: false });
  });

  it("may not save a post without an author", async () => {
    expect(await decide(alex, { "content/posts/alex-post.md": postFile({ title: "x" }) })).toMatchObject({
      allowed: false,
    });
    expect(await decide(alex, { "content/posts/alex-post.md": "no frontmatter" })).toMatchObject({ allowed: false });
  });

  it("may not write the site settings or authors", async () => {
    expect(await decide(alex, { [SITE_FILE]: "title: Mine\n" })).toMatchObject({ allowed: false });
    expect(await decide(alex, { "content/authors/alex.yaml": "name: Alex\n" })).toMatchObject({ allowed: false });
    expect(await decide(alex, { "public/images/authors/alex/avatar.png": PNG })).toMatchObject({ allowed: false });
    expect(await decide(alex, {}, ["content/authors/blair.yaml"])).toMatchObject({ allowed: false });
  });

  it("may not delete another coach's post", async () => {
    expect(
      await decide(alex, {}, ["content/posts/blair-post.md", "public/images/posts/blair-post/cover/image.png"]),
    ).toMatchObject({ allowed: false });
  });

  it("may delete their own post", async () => {
    expect(
      await decide(alex, {}, ["content/posts/alex-post.md", "public/images/posts/alex-post/cover/image.png"]),
    ).toEqual({ allowed: true });
  });

  it("may create a new post authored by themself, with a cover", async () => {
    expect(
      await decide(alex, {
        "content/posts/brand-new.md": post("alex"),
        "public/images/posts/brand-new/cover/image.webp": PNG,
      }),
    ).toEqual({ allowed: true });
  });

  it("may not create a post for someone else, or files for a post that does not exist", async () => {
    expect(await decide(alex, { "content/posts/brand-new.md": post("blair") })).toMatchObject({ allowed: false });
    expect(await decide(alex, { "public/images/posts/brand-new/cover/image.png": PNG })).toMatchObject({
      allowed: false,
    });
  });

  it("may rename their own post but not onto another's slug", async () => {
    expect(await decide(alex, { "content/posts/renamed.md": post("alex") }, ["content/posts/alex-post.md"])).toEqual({
      allowed: true,
    });
    expect(
      await decide(alex, { "content/posts/blair-post.md": post("alex") }, ["content/posts/alex-post.md"]),
    ).toMatchObject({ allowed: false });
  });

  it("may not touch a post with no readable author", async () => {
    expect(await decide(alex, { "content/posts/orphan.md": post("alex") })).toMatchObject({ allowed: false });
  });

  it("may upload only raster images into the public folder", async () => {
    for (const name of ["page.html", "icon.svg", "script.js", "noextension"]) {
      expect(
        await decide(alex, { [`public/images/posts/alex-post/${name}`]: "<script>alert(1)</script>" }),
      ).toMatchObject({
        allowed: false,
      });
    }
    expect(await decide(alex, { "public/images/posts/alex-post/cover/image.JPG": PNG })).toEqual({ allowed: true });
  });

  it.each([
    "content/posts/../site.yaml",
    "content/posts/alex-post/../../site.yaml",
    "content/posts//blair-post.md",
    "content/posts/./blair-post.md",
    "public/images/posts/alex-post/../blair-post/x.png",
    "content/posts\\..\\site.yaml",
    "/work/main/content/site.yaml",
    "content/posts/alex-post\0.md",
  ])("refuses the traversal attempt %j", async (filepath) => {
    // Whether or not Keystatic itself would accept the body, the decision refuses it.
    const update: KeystaticUpdate = { additions: [{ path: filepath, contents: post("alex") }], deletions: [] };
    expect(await decideKeystaticWrite(update, alex, lookup)).toMatchObject({ allowed: false });
    expect(await decideKeystaticWrite({ additions: [], deletions: [{ path: filepath }] }, alex, lookup)).toMatchObject({
      allowed: false,
    });
  });

  it("allows an empty save", async () => {
    expect(await decide(alex)).toEqual({ allowed: true });
  });
});

describe("requireKeystaticWriteAllowed against files on disk", () => {
  let base: string;

  beforeAll(async () => {
    base = await mkdtemp(path.join(os.tmpdir(), "staffroom-keystatic-"));
    await mkdir(path.join(base, POSTS_DIR), { recursive: true });
    await writeFile(path.join(base, POSTS_DIR, "alex-post.md"), post("alex"));
    await writeFile(path.join(base, POSTS_DIR, "blair-post.md"), post("blair"));
  });
  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
  });

  function request(body: string, method = "POST", contentType = "application/json") {
    return new Request("http://localhost/api/keystatic/update", {
      method,
      headers: { "content-type": contentType, "no-cors": "1" },
      body,
    });
  }

  async function status(promise: Promise<void>): Promise<number> {
    try {
      await promise;
      return 200;
    } catch (thrown) {
      if (thrown instanceof Response) return thrown.status;
      throw thrown;
    }
  }

  it("reads the current author from disk", async () => {
    expect(await readExistingPost(base, "alex-post")).toEqual({ author: "alex" });
    expect(await readExistingPost(base, "missing")).toBeNull();
    expect(await readExistingPost(base, "..")).toEqual({ author: null });
  });

  it("lets a coach save their own post and leaves the body readable for Keystatic", async () => {
    const req = request(updateBody({ "content/posts/alex-post.md": post("alex", "Edited") }));
    expect(await status(requireKeystaticWriteAllowed(req, alex, base))).toBe(200);
    expect(parseKeystaticUpdate(new Uint8Array(await req.arrayBuffer()), "application/json")).not.toBeNull();
  });

  it("answers 403 for another's post and 400 for a body Keystatic would refuse", async () => {
    const other = request(updateBody({ "content/posts/blair-post.md": post("alex") }));
    expect(await status(requireKeystaticWriteAllowed(other, alex, base))).toBe(403);
    const traversal = request(updateBody({ "content/posts/../../etc/x.md": post("alex") }));
    expect(await status(requireKeystaticWriteAllowed(traversal, alex, base))).toBe(400);
    const wrongType = request(updateBody({ "content/posts/alex-post.md": post("alex") }), "POST", "text/plain");
    expect(await status(requireKeystaticWriteAllowed(wrongType, alex, base))).toBe(400);
  });

  it("lets admins through and leaves reads alone", async () => {
    const site = request(updateBody({ [SITE_FILE]: "title: x\n" }));
    expect(await status(requireKeystaticWriteAllowed(site, admin, base))).toBe(200);
    const read = new Request("http://localhost/api/keystatic/tree", { headers: { "no-cors": "1" } });
    expect(await status(requireKeystaticWriteAllowed(read, alex, base))).toBe(200);
  });
});
