import { writeFile } from "node:fs/promises";
import path from "node:path";
import { JSDOM } from "jsdom";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/server";

/**
 * One bad file never takes the site down: a post whose body would hang the
 * Markdoc parser, a post Keystatic cannot read, an author file that is not
 * YAML, text with unpaired surrogates. Each is left out (or shown as well as
 * it can be) while every other page keeps answering. Found by trying to
 * break the site (issue 5 review).
 */

const post = (front: string[], body: string) => ["---", ...front, "---", body, ""].join("\n");

async function addFiles(cwd: string): Promise<void> {
  const posts = path.join(cwd, "content/posts");
  await writeFile(path.join(cwd, "content/authors/broken.yaml"), 'name: "unterminated\n');
  await writeFile(
    path.join(posts, "deep-nesting.md"),
    post(
      ["title: Deep", "published: 2026-01-01", "author: morgan-ellery", "license: site-default", "commentsOpen: true"],
      "{% if true %}".repeat(100) + "x" + "{% /if %}".repeat(100),
    ),
  );
  await writeFile(
    path.join(posts, "bad-licence.md"),
    post(
      ["title: Bad licence", "published: 2026-01-02", "author: morgan-ellery", "license: bogus", "commentsOpen: true"],
      "Text.",
    ),
  );
  await writeFile(
    path.join(posts, "odd-text.md"),
    post(
      [
        'title: "Odd \\uD800 title"',
        "published: 2026-01-03",
        "author: morgan-ellery",
        "tags:",
        '  - "odd \\uD800 tag"',
        '  - ".."',
        '  - "  "',
        "license: site-default",
        "commentsOpen: true",
      ],
      "Odd text.",
    ),
  );
  await writeFile(
    path.join(posts, "hidden-image.md"),
    post(
      [
        "title: Hidden image",
        "published: 2026-01-04",
        "author: morgan-ellery",
        "license: site-default",
        "commentsOpen: true",
      ],
      [
        "{% if $nope %}",
        '{% creditedImage src="/images/hidden.png" alt="hidden" creator="HIDDEN CREATOR" licenseUrl="https://creativecommons.org/licenses/by-nc-nd/4.0/" /%}',
        "{% /if %}",
        "",
        '{% creditedImage src="/images/shown.png" alt="shown" creator="REAL CREATOR" licenseUrl="https://creativecommons.org/licenses/by/4.0/" /%}',
        "",
        '{% creditedImage src="//evil.example/pixel.png" alt="tracker" creator="Nobody" /%}',
      ].join("\n"),
    ),
  );
}

describe("bad content files", () => {
  let server: TestServer;
  const get = (pathname: string, headers: Record<string, string> = {}) =>
    fetch(`${server.baseUrl}${pathname}`, { headers });

  beforeAll(async () => {
    server = await startTestServer({ sandbox: true, beforeStart: (_data, cwd) => addFiles(cwd) });
  }, 120_000);
  afterAll(async () => server?.stop());

  it("every list, feed and index still answers, leaving out only what cannot be read", async () => {
    for (const pathname of [
      "/",
      "/feed.atom",
      "/feed.rss",
      "/feed.json",
      "/sitemap.xml",
      "/archive",
      "/tags",
      "/search?q=text",
      "/robots.txt",
      "/posts/what-does-a-technology-coach-do",
    ]) {
      const response = await get(pathname);
      expect(response.status, pathname).toBe(200);
      const body = await response.text();
      expect(body, pathname).not.toContain("Deep");
      expect(body, pathname).not.toContain("Bad licence");
    }
    const home = await (await get("/")).text();
    expect(home).toContain("Hidden image");
    expect(home).toContain("Odd \uFFFD title");
  });

  it("a post that cannot be read or parsed is a 404, not an error page, and so is its comments feed", async () => {
    for (const slug of ["deep-nesting", "bad-licence"]) {
      expect((await get(`/posts/${slug}`)).status, slug).toBe(404);
      expect((await get(`/posts/${slug}/comments.atom`)).status, slug).toBe(404);
    }
  });

  it("unpaired surrogates become U+FFFD; blank and dot-only tags are dropped, so every tag names a page", async () => {
    const response = await get("/posts/odd-text");
    expect(response.status).toBe(200);
    const { document } = new JSDOM(await response.text()).window;
    expect(document.querySelector("h1")?.textContent).toBe("Odd \uFFFD title");
    const tags = [...document.querySelectorAll("header .tags a")].map((a) => [a.textContent, a.getAttribute("href")]);
    expect(tags).toEqual([["odd \uFFFD tag", `/tags/${encodeURIComponent("odd \uFFFD tag")}`]]);
    expect((await get(`/tags/${encodeURIComponent("odd \uFFFD tag")}`)).status).toBe(200);
  });

  it("a credited image Markdoc leaves out is neither drawn nor listed: the shown one keeps its own credit", async () => {
    const { document } = new JSDOM(await (await get("/posts/hidden-image")).text()).window;
    const figures = [...document.querySelectorAll("figure.credited-image")];
    expect(figures).toHaveLength(1);
    expect(figures[0].querySelector("img")?.getAttribute("src")).toBe("/images/shown.png");
    expect(figures[0].textContent).toContain("REAL CREATOR");
    expect(figures[0].textContent).not.toContain("HIDDEN");
    expect(document.querySelectorAll("details.image-reuse")).toHaveLength(1);
    // A protocol-relative src (an image from anywhere, a tracking pixel) is not drawn.
    expect(document.body.innerHTML).not.toContain("evil.example");
  });

  it("X-Forwarded-Host from a peer that is not a trusted proxy is ignored", async () => {
    const robots = await (await get("/robots.txt", { "X-Forwarded-Host": "evil.example:6666" })).text();
    expect(robots).toContain(`Sitemap: ${server.baseUrl}/sitemap.xml`);
    expect(robots).not.toContain("evil.example");
  });
});
