import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, startTestServer, type TestServer } from "../support/server";

// A blog imported with `npm run import` (the CLI, on a hand-made file of the
// import model) before the server starts: links to its old Blogger and
// WordPress addresses land on the new post and comment permalinks.

const HOOK_TIMEOUT = 120_000;
const OLD = "https://coach.example.org";

const blog = {
  blog: { format: "wxr", title: "Coach", siteUrl: OLD, licenseNotice: null },
  authors: [],
  posts: [
    {
      sourceId: "42",
      kind: "post",
      title: "Team teaching",
      html: "<p>Two teachers, one room.</p>",
      summary: null,
      published: "2013-06-14T05:33:00.000Z",
      updated: null,
      status: "published",
      tags: ["coaching"],
      authorSourceId: null,
      oldUrls: [`${OLD}/2013/06/14/team-teaching/`, `${OLD}/?p=42`, `${OLD}/2013/06/team-teaching.html`],
      slugHint: "team-teaching",
      commentsOpen: true,
      tagUrls: [{ tag: "coaching", url: `${OLD}/tag/coaching/` }],
    },
  ],
  comments: [
    {
      sourceId: "7",
      postSourceId: "42",
      parentSourceId: null,
      authorName: "Ana",
      authorEmail: null,
      authorUrl: null,
      byBlogOwner: false,
      published: "2013-06-15T08:00:00.000Z",
      html: "<p>We tried this too.</p>",
      status: "approved",
      type: "comment",
      oldUrls: [`${OLD}/2013/06/team-teaching.html?showComment=1371283200000#c7`],
    },
  ],
};

let server: TestServer;
let cliOutput = "";

beforeAll(async () => {
  server = await startTestServer({
    // PGlite opens a folder in one process at a time: the import runs before the server starts.
    beforeStart: async (dataDir, cwd) => {
      const file = path.join(cwd, "export.json");
      await writeFile(file, JSON.stringify(blog));
      const { stdout } = await promisify(execFile)(
        path.join(REPO_ROOT, "node_modules/.bin/tsx"),
        [path.join(REPO_ROOT, "scripts/import.ts"), file, "--author", "morgan-ellery"],
        { cwd, env: { ...process.env, DATA_DIR: dataDir, CONTENT_ROOT: cwd, DATABASE_URL: "" } },
      );
      cliOutput = stdout;
    },
  });
}, HOOK_TIMEOUT);

afterAll(async () => {
  await server?.stop();
}, HOOK_TIMEOUT);

const get = (address: string) => fetch(`${server.baseUrl}${address}`, { redirect: "manual" });

describe("old addresses of an imported blog", () => {
  it("the import reports what it created", () => {
    expect(cliOutput).toContain("+ team-teaching");
  });

  it("answers a Blogger post path with a 301 to the post", async () => {
    const response = await get("/2013/06/team-teaching.html");
    expect(response.status).toBe(301);
    expect(new URL(response.headers.get("location")!, server.baseUrl).pathname).toBe("/posts/team-teaching");
  });

  it("answers WordPress's /?p=ID and /YYYY/MM/DD/slug/ with a 301 to the post", async () => {
    for (const old of ["/?p=42", "/2013/06/14/team-teaching/"]) {
      const response = await get(old);
      expect(response.status, old).toBe(301);
      expect(new URL(response.headers.get("location")!, server.baseUrl).pathname).toBe("/posts/team-teaching");
    }
  });

  it("answers a Blogger comment link with a 301 to the comment's permalink, which shows it", async () => {
    const response = await get("/2013/06/team-teaching.html?showComment=1371283200000");
    expect(response.status).toBe(301);
    const permalink = new URL(response.headers.get("location")!, server.baseUrl);
    expect(permalink.pathname).toMatch(/^\/comments\/\d+$/);
    const page = await fetch(permalink);
    expect(new URL(page.url).pathname).toBe("/posts/team-teaching");
    expect(await page.text()).toContain("We tried this too.");
  });

  it("answers the old site's feeds, the post's comment feed, a tag page and archives with a 301 to Staffroom's", async () => {
    const cases: [string, string][] = [
      ["/feed/", "/feed.rss"],
      ["/feed/atom/", "/feed.atom"],
      ["/2013/06/14/team-teaching/feed/", "/posts/team-teaching/comments.atom"],
      ["/tag/coaching/", "/tags/coaching"],
      ["/2013/06/", "/archive/2013/06"],
      ["/2013/06/14/", "/archive/2013/06"],
    ];
    for (const [old, target] of cases) {
      const response = await get(old);
      expect(response.status, old).toBe(301);
      const location = new URL(response.headers.get("location")!, server.baseUrl);
      expect(location.pathname, old).toBe(target);
      expect((await get(location.pathname)).status, target).toBe(200);
    }
    const year = await get("/2013/");
    expect(year.status).toBe(301);
    expect(year.headers.get("location")).toMatch(/\/archive#year-2013$/);
  });

  it("does not answer another platform's addresses, nor a month the blog never wrote in", async () => {
    // The blog came from WordPress: Blogger's feed and label addresses are not its own.
    for (const old of ["/feeds/posts/default", "/search/label/coaching", "/2014/01/", "/comments/feed/"]) {
      expect((await get(old)).status, old).toBe(404);
    }
  });

  it("still answers 404 for an old path nothing was imported from, and the home page for an unknown ?p=", async () => {
    expect((await get("/2013/06/never-written.html")).status).toBe(404);
    expect((await get("/?p=999")).status).toBe(200);
  });
});
