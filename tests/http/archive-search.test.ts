import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeEntities } from "../support/pages";
import { startTestServer, type TestServer } from "../support/server";

// The archive (/archive, /archive/<yyyy>/<mm>), the tag index (/tags), and site
// search (/search?q=) against the production build, with posts added to the
// sandbox's content/posts: what a reader sees, what a hostile query gets, and
// that an edit on disk shows on the very next request.

interface FixturePost {
  slug: string;
  title: string;
  published: string;
  tags: string[];
  summary: string;
  body: string;
}

const FILLER =
  "Teachers met on Tuesday to plan the next unit together, share what had worked in their classrooms, and agree " +
  "on what to try before the holidays.";

function postFile(post: Omit<FixturePost, "slug">): string {
  const yaml = (s: string) => JSON.stringify(s); // JSON strings are valid YAML scalars
  return [
    "---",
    `title: ${yaml(post.title)}`,
    `published: ${post.published}`,
    "author: morgan-ellery",
    ...(post.tags.length ? ["tags:", ...post.tags.map((tag) => `  - ${yaml(tag)}`)] : ["tags: []"]),
    `summary: ${yaml(post.summary)}`,
    "---",
    post.body,
    "",
  ].join("\n");
}

const POSTS: FixturePost[] = [
  {
    slug: "mentoring-new-teachers",
    title: "Mentoring new teachers well",
    published: "2026-03-14",
    tags: ["coaching", "R&D planning"],
    summary: "What a first year needs from the people around it.",
    body: `${FILLER}\n\n${FILLER}`,
  },
  {
    slug: "notes-from-a-long-week",
    title: "Notes from a long week",
    published: "2026-03-01",
    tags: ["Éducation"],
    summary: "A diary of five days.",
    body: `${FILLER} Mentoring came up on Monday.\n\n${FILLER} By Friday, mentoring was all anyone talked about, and mentoring plans were drafted.`,
  },
  {
    slug: "escaping-in-titles",
    title: `Scripts & <b>tags</b> in "titles"`,
    published: "2026-02-27",
    tags: ["zebra crossings"],
    summary: "Why a page must show what was written.",
    body: 'Someone pasted <script>alert("xss")</script> into a comment, and the script stayed text.',
  },
  {
    slug: "autumn-planning",
    title: "Autumn planning",
    published: "2025-11-20",
    tags: ["Coaching"],
    summary: "Looking ahead.",
    body: FILLER,
  },
  // 25 posts sharing a rare word, for paging: one month, 2024-05.
  ...Array.from({ length: 25 }, (_, i) => ({
    slug: `portfolio-day-${i + 1}`,
    title: `Portfolio day ${i + 1}`,
    published: `2024-05-${String(i + 1).padStart(2, "0")}`,
    tags: ["portfolios"],
    summary: `Day ${i + 1} of the portfolio project.`,
    body: FILLER,
  })),
];

let server: TestServer;
const get = (url: string) => fetch(server.baseUrl + url, { redirect: "manual" });
/** A page's status and HTML, without React's text-node separators and Remix's link attributes. */
async function page(url: string): Promise<{ status: number; html: string }> {
  const response = await get(url);
  const html = (await response.text()).replace(/<!-- -->/g, "").replace(/ data-discover="true"/g, "");
  return { status: response.status, html };
}
/** The visible text of the result titles (h2) of a list page, in order. */
function titles(html: string): string[] {
  return [...html.matchAll(/<h2>\s*<a [^>]*>([\s\S]*?)<\/a>\s*<\/h2>/g)].map((m) =>
    decodeEntities(m[1].replace(/<[^>]+>/g, "")),
  );
}
/** Words drawn in <mark>, decoded. */
function marks(html: string): string[] {
  return [...html.matchAll(/<mark>([\s\S]*?)<\/mark>/g)].map((m) => decodeEntities(m[1]));
}
const postsDir = () => path.join(server.cwd, "content/posts");

beforeAll(async () => {
  server = await startTestServer({
    sandbox: true,
    beforeStart: async (_dataDir, cwd) => {
      for (const post of POSTS) await writeFile(path.join(cwd, "content/posts", `${post.slug}.md`), postFile(post));
    },
  });
}, 120_000);
afterAll(async () => server?.stop());

describe("the archive", () => {
  it("lists months with posts by year, newest first, with counts", async () => {
    const { status, html } = await page("/archive");
    expect(status).toBe(200);
    const text = decodeEntities(html);
    const years = [...text.matchAll(/<h2 id="year-(\d{4})">/g)].map((m) => m[1]);
    expect(years).toEqual(["2026", "2025", "2024", "2013", "2012"]);
    const months = [
      ...text.matchAll(
        /<a [^>]*href="(\/archive\/\d{4}\/\d{2})"[^>]*>([^<]+)<\/a> <span class="count">([^<]+)<\/span>/g,
      ),
    ].map((m) => [m[1], m[2], m[3]]);
    expect(months).toEqual([
      ["/archive/2026/03", "March 2026", "2 posts"],
      ["/archive/2026/02", "February 2026", "1 post"],
      ["/archive/2025/11", "November 2025", "1 post"],
      ["/archive/2024/05", "May 2024", "25 posts"],
      ["/archive/2013/06", "June 2013", "1 post"],
      // The demo's older posts (tests/fixtures/content/posts).
      ["/archive/2013/04", "April 2013", "1 post"],
      ["/archive/2013/03", "March 2013", "1 post"],
      ["/archive/2013/01", "January 2013", "1 post"],
      ["/archive/2012/11", "November 2012", "1 post"],
      ["/archive/2012/10", "October 2012", "1 post"],
    ]);
  });

  it("shows a month's posts newest first, with links to the nearest months that have posts", async () => {
    const { status, html } = await page("/archive/2026/02");
    expect(status).toBe(200);
    expect(html).toContain("February 2026");
    expect(titles(html)).toEqual([`Scripts & <b>tags</b> in "titles"`]);
    expect(html).toMatch(/<time date[Tt]ime="2026-02-27">27 February 2026<\/time>/);
    expect(html).toMatch(/<a href="\/archive\/2025\/11">← November 2025<\/a>/);
    expect(html).toMatch(/<a href="\/archive\/2026\/03">March 2026 →<\/a>/);

    const march = await page("/archive/2026/03");
    expect(titles(march.html)).toEqual(["Mentoring new teachers well", "Notes from a long week"]);
    expect(march.html).not.toMatch(/→<\/a>\s*<\/nav>/); // nothing newer
  });

  it("pages a month with more than 20 posts", async () => {
    const first = await page("/archive/2024/05");
    expect(titles(first.html)).toHaveLength(20);
    expect(titles(first.html)[0]).toBe("Portfolio day 25");
    expect(first.html).toContain('href="/archive/2024/05?page=2"');
    const second = await page("/archive/2024/05?page=2");
    expect(titles(second.html)).toEqual([
      "Portfolio day 5",
      "Portfolio day 4",
      "Portfolio day 3",
      "Portfolio day 2",
      "Portfolio day 1",
    ]);
    expect((await get("/archive/2024/05?page=3")).status).toBe(404);
  });

  it("answers 404 for a month without posts or a malformed one", async () => {
    for (const url of [
      "/archive/2026/04",
      "/archive/2026/3",
      "/archive/2026/13",
      "/archive/2026/00",
      "/archive/abcd/01",
      "/archive/20261/01",
      "/archive/2026/03/extra",
      "/archive/2026",
    ]) {
      const response = await get(url);
      expect(response.status, url).toBe(404);
      await response.arrayBuffer();
    }
    expect(decodeEntities((await page("/archive/2026/04")).html)).toContain("No posts were published in April 2026.");
  });
});

describe("the tag index", () => {
  it("lists every tag with its count, by name ignoring case, with safe links", async () => {
    const { status, html } = await page("/tags");
    expect(status).toBe(200);
    const tags = [
      ...html.matchAll(/<li><a rel="tag" href="([^"]+)">([^<]+)<\/a> <span class="count">([^<]+)<\/span><\/li>/g),
    ].map((m) => [m[1], decodeEntities(m[2]), m[3]]);
    // The sandbox's posts' tags and the demo posts' (tests/fixtures/content/posts).
    expect(tags).toEqual([
      ["/tags/classroom-practice", "classroom-practice", "1 post"],
      ["/tags/Coaching", "Coaching", "1 post"],
      ["/tags/coaching", "coaching", "5 posts"],
      ["/tags/coaching-cycles", "coaching-cycles", "1 post"],
      ["/tags/edtech", "edtech", "3 posts"],
      ["/tags/%C3%89ducation", "Éducation", "1 post"],
      ["/tags/observation", "observation", "1 post"],
      ["/tags/portfolios", "portfolios", "25 posts"],
      ["/tags/professional-development", "professional-development", "1 post"],
      ["/tags/pyp", "pyp", "2 posts"],
      ["/tags/R%26D%20planning", "R&D planning", "1 post"],
      ["/tags/reflection", "reflection", "2 posts"],
      ["/tags/student-agency", "student-agency", "1 post"],
      ["/tags/zebra%20crossings", "zebra crossings", "1 post"],
    ]);
  });

  it("sorts by number of posts on request", async () => {
    const { html } = await page("/tags?sort=count");
    const names = [...html.matchAll(/<li><a rel="tag" href="[^"]+">([^<]+)<\/a> <span class="count">/g)].map((m) =>
      decodeEntities(m[1]),
    );
    expect(names.slice(0, 2)).toEqual(["portfolios", "coaching"]);
  });

  it("keeps tag pages working for tags with spaces, & and accents, with their counts", async () => {
    const rd = await page("/tags/R%26D%20planning");
    expect(rd.status).toBe(200);
    expect(decodeEntities(rd.html)).toContain("Posts tagged “R&D planning”");
    expect(rd.html).toContain("(1 post)");
    expect(titles(rd.html)).toEqual(["Mentoring new teachers well"]);
    const accent = await page("/tags/%C3%89ducation");
    expect(titles(accent.html)).toEqual(["Notes from a long week"]);
    const many = await page("/tags/portfolios");
    expect(many.html).toContain("25 posts");
    expect(titles(many.html)).toHaveLength(20);
    expect(many.html).toContain('href="/tags/portfolios?page=2"');
    expect((await get("/tags/no-such-tag")).status).toBe(404);
  });
});

describe("site search", () => {
  it("is a GET form in the header of every page, which works without JavaScript", async () => {
    const { html } = await page("/archive");
    const form = /<form [^>]*class="site-search"[^>]*>([\s\S]*?)<\/form>/.exec(html);
    expect(form?.[0]).toMatch(/^<form [^>]*method="get"/);
    expect(form?.[0]).toMatch(/^<form [^>]*action="\/search"/);
    expect(form?.[1]).toMatch(/<input [^>]*type="search"[^>]* name="q"/);
    expect(form?.[1]).toMatch(/<button type="submit">Search<\/button>/);
  });

  it("ranks a title match above a body-only match and marks the matched words", async () => {
    const { status, html } = await page("/search?q=mentoring");
    expect(status).toBe(200);
    expect(titles(html)).toEqual(["Mentoring new teachers well", "Notes from a long week"]);
    expect(decodeEntities(html)).toContain("2 posts match “mentoring”");
    expect(html).toContain("<mark>Mentoring</mark> new teachers well");
    // The title's word, then the body-only post's excerpt: the first stretch of 36 words holding the most mentions.
    expect(marks(html)).toEqual(["Mentoring", "Mentoring", "mentoring"]);
    expect(html).toContain("… the holidays. <mark>Mentoring</mark> came up on Monday. Teachers met");
    expect(html).toContain("By Friday, <mark>mentoring</mark> …</p>");
    expect(html).toContain("14 March 2026");
    expect(html).toContain("Morgan Ellery");
  });

  it("ignores case and accents, and matches the start of the last word", async () => {
    expect(titles((await page("/search?q=EDUCATION")).html)).toEqual(["Notes from a long week"]);
    const accents = await page("/search?q=%C3%A9ducation"); // "éducation"
    expect(marks(accents.html)).toEqual(["Éducation"]);
    // "mentor" is also a word of the demo post's body.
    const prefix = titles((await page("/search?q=mentor")).html);
    expect(prefix[0]).toBe("Mentoring new teachers well");
    expect(prefix.slice(1).sort()).toEqual([
      "Notes from a long week",
      "What is the role of a technology integration specialist?",
    ]);
  });

  it("finds posts by their body, summary and tags, several words at once", async () => {
    expect(titles((await page("/search?q=friday+mentoring")).html)).toEqual(["Notes from a long week"]);
    expect(titles((await page("/search?q=zebra")).html)).toEqual([`Scripts & <b>tags</b> in "titles"`]);
    expect(titles((await page("/search?q=diary")).html)).toEqual(["Notes from a long week"]);
  });

  it("shows hostile post text as text", async () => {
    const { html } = await page("/search?q=script");
    expect(html).toContain("&lt;<mark>script</mark>&gt;alert");
    expect(html).toContain("<mark>Scripts</mark> &amp; &lt;b&gt;tags&lt;/b&gt;");
    expect(html).not.toContain('<script>alert("xss")');
    expect(html).not.toContain("<b>tags</b>");
  });

  it("pages results, 20 a page", async () => {
    const first = await page("/search?q=portfolio");
    expect(decodeEntities(first.html)).toContain("25 posts match “portfolio” (showing 1–20)");
    expect(titles(first.html)).toHaveLength(20);
    expect(first.html).toContain('href="/search?q=portfolio&amp;page=2"');
    const second = await page("/search?q=portfolio&page=2");
    expect(titles(second.html)).toHaveLength(5);
    expect(second.html).toMatch(/<ol class="post-list search-results" start="21">/);
    expect((await get("/search?q=portfolio&page=3")).status).toBe(404);
    expect((await get("/search?q=portfolio&page=abc")).status).toBe(400);
  });

  it("says so for an empty query or no results", async () => {
    for (const url of ["/search", "/search?q=", "/search?q=+++"]) {
      const { status, html } = await page(url);
      expect(status, url).toBe(200);
      expect(html, url).toContain("Type a word or two to search every post.");
    }
    const none = await page("/search?q=qwzxv");
    expect(none.status).toBe(200);
    expect(decodeEntities(none.html)).toContain("No posts match “qwzxv”.");
    const misspelt = await page("/search?q=mentorng");
    expect(titles(misspelt.html)[0]).toBe("Mentoring new teachers well");
    expect(titles(misspelt.html)).toContain("Notes from a long week");
    expect(decodeEntities(misspelt.html)).toContain("words spelled like them");
  });

  it("never answers a hostile query with a server error", async () => {
    const long = "<script>".repeat(1_250); // 10,000 characters
    const tooLong = await page(`/search?q=${encodeURIComponent(long)}`);
    expect(tooLong.status).toBe(400);
    expect(decodeEntities(tooLong.html)).toContain(
      "Your search is 10,000 characters long; a search can be at most 200.",
    );
    // Shown back cut to 200 characters, as text.
    expect(tooLong.html).toContain(`value="${"&lt;script&gt;".repeat(25)}"`);
    expect(tooLong.html).not.toContain("<script><script>");
    for (const q of [
      "<script>alert(1)</script>",
      "(*+?[",
      "\\",
      "%",
      "a".repeat(200),
      "😀".repeat(50),
      "\u0000",
      "' OR 1=1 --",
      "{{7*7}}",
    ]) {
      const { status, html } = await page(`/search?q=${encodeURIComponent(q)}`);
      expect([200, 400], q).toContain(status);
      expect(html, q).not.toContain("<script>alert");
    }
    // Broken percent-encoding and repeated parameters.
    for (const url of [
      "/search?q=%E0%A4%A",
      "/search?q=%",
      "/search?q=a&q=b",
      "/search?q[]=x",
      "/search?page=-1&q=x",
    ]) {
      const response = await get(url);
      expect(response.status, url).toBeLessThan(500);
      await response.arrayBuffer();
    }
    const symbols = await page(`/search?q=${encodeURIComponent("(*+?[")}`);
    expect(decodeEntities(symbols.html)).toContain("“(*+?[” has no letters or digits to look for.");
  });
});

describe("edits on disk", () => {
  it("show in search, lists and the archive on the next request", async () => {
    const file = path.join(postsDir(), "autumn-planning.md");
    const before = await readFile(file, "utf8");
    expect(titles((await page("/search?q=zeppelin")).html)).toEqual([]);

    await writeFile(file, before.replace('title: "Autumn planning"', 'title: "Autumn planning by zeppelin"'));
    expect(titles((await page("/search?q=zeppelin")).html)).toEqual(["Autumn planning by zeppelin"]);
    expect(titles((await page("/archive/2025/11")).html)).toEqual(["Autumn planning by zeppelin"]);
    expect((await page("/")).html).toContain("Autumn planning by zeppelin");

    // A new post, then a deleted one.
    await writeFile(
      path.join(postsDir(), "brand-new.md"),
      postFile({
        title: "A brand new zeppelin post",
        published: "2026-04-02",
        tags: ["coaching"],
        summary: "New.",
        body: FILLER,
      }),
    );
    expect(titles((await page("/search?q=zeppelin")).html).sort()).toEqual([
      "A brand new zeppelin post",
      "Autumn planning by zeppelin",
    ]);
    expect((await get("/archive/2026/04")).status).toBe(200);
    expect((await page("/tags")).html).toMatch(
      /rel="tag" href="\/tags\/coaching">coaching<\/a> <span class="count">6 posts<\/span>/,
    );

    await rm(path.join(postsDir(), "brand-new.md"));
    expect(titles((await page("/search?q=zeppelin")).html)).toEqual(["Autumn planning by zeppelin"]);
    expect((await get("/archive/2026/04")).status).toBe(404);
  });
});
