import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseFeed } from "@rowanmanning/feed-parser";
import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertSucceeded, DEMO_COACH_EMAIL, DEMO_COACH_PASSWORD, HttpClient, runUserCreate } from "../support/accounts";
import { DEMO_AUTHOR, DEMO_TITLE, decodeEntities } from "../support/pages";
import { DEMO_PATH, startTestServer, type TestServer } from "../support/server";

/**
 * The pages a blog has, over HTTP on the production build: author pages
 * (`/authors/<slug>`, with their posts and feeds, linked from every byline),
 * the About page written in the editor and linked from the header and
 * footer, and the "Edit this post" link a post's coach and admins see.
 *
 * The sandbox gets a second author ("Priya Raman", an avatar and a link)
 * with one post, and an author with no posts yet.
 */

const HOOK_TIMEOUT = 120_000;
const OTHER = { slug: "priya-raman", name: "Priya Raman", role: "Literacy coach, secondary school" };
const OTHER_BIO = "Coaches English teachers on feedback that students act on.";
const OTHER_POST = { slug: "feedback-students-act-on", title: "Feedback students act on" };
const QUIET = { slug: "quiet-author", name: "Quiet Author" };
const ADMIN = { email: "admin@pages.example.org", name: "Site Admin", password: "brass compass harbour 71" };
const OTHER_COACH = { email: "priya@pages.example.org", name: "Priya Raman", password: "amber meadow quartz 63" };

let server: TestServer;
const client = () => new HttpClient(server.baseUrl);

async function page(pathname: string, who: HttpClient = client()): Promise<string> {
  const reply = await who.get(pathname);
  expect(reply.status, `${pathname}: ${reply.text.slice(0, 300)}`).toBe(200);
  return reply.text;
}

/** Every `<a>` in the HTML whose text (tags stripped, entities decoded) is `text`: their hrefs. */
function linksNamed(html: string, text: string): string[] {
  return [...html.matchAll(/<a\b([^>]*)>([\s\S]*?)<\/a>/g)]
    .filter(([, , inner]) => decodeEntities(inner.replace(/<[^>]*>/g, "")).trim() === text)
    .map(([, attributes]) => decodeEntities(/href="([^"]*)"/.exec(attributes)?.[1] ?? ""));
}

/** The text of every `<h2>` link in a post list: the posts listed, in order. */
function listedTitles(html: string): string[] {
  const list = /<ol class="post-list"[\s\S]*?<\/ol>/.exec(html)?.[0] ?? "";
  return [...list.matchAll(/<h2><a [^>]*>([\s\S]*?)<\/a><\/h2>/g)].map(([, title]) => decodeEntities(title));
}

async function signIn(email: string, password: string): Promise<HttpClient> {
  const who = client();
  const reply = await who.signIn(email, password);
  if (reply.status !== 302) throw new Error(`sign-in of ${email} answered ${reply.status}`);
  return who;
}

beforeAll(async () => {
  server = await startTestServer({
    env: { DEMO_COACH_PASSWORD },
    beforeStart: async (dataDir, cwd) => {
      await writeFile(
        path.join(cwd, `content/authors/${OTHER.slug}.yaml`),
        [
          `name: ${OTHER.name}`,
          `role: ${OTHER.role}`,
          `accountEmail: ${OTHER_COACH.email}`,
          `bio: ${OTHER_BIO}`,
          `avatar: /images/authors/${OTHER.slug}/avatar.svg`,
          "links:",
          "  - label: Priya's school",
          "    url: https://school.example.org/priya",
          "",
        ].join("\n"),
      );
      await writeFile(path.join(cwd, `content/authors/${QUIET.slug}.yaml`), `name: ${QUIET.name}\nlinks: []\n`);
      await mkdir(path.join(cwd, `public/images/authors/${OTHER.slug}`), { recursive: true });
      await writeFile(
        path.join(cwd, `public/images/authors/${OTHER.slug}/avatar.svg`),
        '<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96"><circle cx="48" cy="48" r="40" fill="#1d5e8c"/></svg>',
      );
      await writeFile(
        path.join(cwd, `content/posts/${OTHER_POST.slug}.md`),
        [
          "---",
          `title: ${OTHER_POST.title}`,
          "published: 2021-03-04",
          `author: ${OTHER.slug}`,
          "tags:",
          "  - feedback",
          "summary: What changed when feedback became a task, not a grade.",
          "license: site-default",
          "commentsOpen: true",
          "---",
          "Students read the comments when there was something to do with them.",
          "",
        ].join("\n"),
      );
      for (const [account, role] of [
        [ADMIN, "admin"],
        [OTHER_COACH, "coach"],
      ] as const) {
        const created = await runUserCreate(["--email", account.email, "--name", account.name, "--role", role], {
          cwd,
          env: { DATA_DIR: dataDir, STAFFROOM_PASSWORD: account.password },
        });
        assertSucceeded("user:create", created);
      }
    },
  });
}, HOOK_TIMEOUT);
afterAll(async () => server?.stop(), HOOK_TIMEOUT);

describe("author pages", () => {
  it("show the author's name, role, bio, avatar and links, and only their posts", async () => {
    const html = await page(`/authors/${OTHER.slug}`);
    const text = decodeEntities(html);
    expect(text).toMatch(new RegExp(`<h1[^>]*>${OTHER.name}</h1>`));
    expect(text).toContain(OTHER.role);
    expect(text).toContain(OTHER_BIO);
    expect(html).toContain(`src="/images/authors/${OTHER.slug}/avatar.svg"`);
    expect(linksNamed(html, "Priya's school")).toEqual(["https://school.example.org/priya"]);
    expect(listedTitles(html)).toEqual([OTHER_POST.title]);
    expect(text).toContain(`<title>${OTHER.name}</title>`);
    // The account email that links a coach to the entry is never shown.
    expect(html).not.toContain(OTHER_COACH.email);
  });

  it("the demo author's page lists the demo post and not the other author's", async () => {
    const titles = listedTitles(await page("/authors/morgan-ellery"));
    expect(titles).toContain(DEMO_TITLE);
    expect(titles).not.toContain(OTHER_POST.title);
  });

  it("an author without posts has a page that says so; an unknown author is a 404", async () => {
    const quiet = decodeEntities(await page(`/authors/${QUIET.slug}`));
    expect(quiet).toContain(QUIET.name);
    expect(quiet).toContain("No posts yet.");
    for (const missing of ["/authors/nobody-here", "/authors/..%2Fsite", "/authors/Morgan-Ellery"]) {
      const reply = await client().get(missing);
      expect(reply.status, missing).toBe(404);
    }
    expect((await client().get("/authors/nobody-here/feed.atom")).status).toBe(404);
  });

  it("have Atom, RSS and JSON feeds of the author's posts, advertised on the page", async () => {
    const html = await page(`/authors/${OTHER.slug}`);
    for (const [format, type] of [
      ["atom", "application/atom+xml"],
      ["rss", "application/rss+xml"],
      ["json", "application/feed+json"],
    ] as const) {
      const href = `/authors/${OTHER.slug}/feed.${format}`;
      expect(html).toMatch(new RegExp(`<link rel="alternate" type="${type.replace("+", "\\+")}"[^>]*href="${href}"`));
      const response = await fetch(`${server.baseUrl}${href}`);
      expect(response.status, href).toBe(200);
      expect(response.headers.get("content-type")).toBe(`${type}; charset=utf-8`);
      const body = await response.text();
      const feed = format === "json" ? JSON.parse(body) : parseFeed(body);
      const items: { title: string | null }[] = format === "json" ? feed.items : feed.items;
      expect(items.map((item) => item.title)).toEqual([OTHER_POST.title]);
      expect(format === "json" ? feed.title : feed.title).toBe(`Practice Notes: posts by ${OTHER.name}`);
    }
    const morgan = await (await fetch(`${server.baseUrl}/authors/morgan-ellery/feed.json`)).json();
    expect(morgan.items.map((item: { title: string }) => item.title)).toContain(DEMO_TITLE);
    expect(morgan.items.map((item: { title: string }) => item.title)).not.toContain(OTHER_POST.title);
  });

  it("every byline links to the author's page: post page, home, tag page, archive, search", async () => {
    const post = await page(DEMO_PATH);
    expect(linksNamed(post, DEMO_AUTHOR)).toContain("/authors/morgan-ellery");
    for (const list of ["/", "/tags/feedback", "/archive/2021/03", "/search?q=feedback"]) {
      const html = await page(list);
      expect(linksNamed(html, OTHER.name), list).toEqual(["/authors/priya-raman"]);
    }
    expect(linksNamed(await page("/"), DEMO_AUTHOR).every((href) => href === "/authors/morgan-ellery")).toBe(true);
  });

  it("the sitemap lists every author's page and the About page", async () => {
    const xml = await (await fetch(`${server.baseUrl}/sitemap.xml`)).text();
    const parsed = new XMLParser({ isArray: (name) => name === "url" }).parse(xml);
    const byPath = new Map<string, string | undefined>(
      parsed.urlset.url.map((u: { loc: string; lastmod?: string }) => [u.loc.replace(server.baseUrl, ""), u.lastmod]),
    );
    expect(byPath.get(`/authors/${OTHER.slug}`)).toBe("2021-03-04");
    expect(byPath.has("/authors/morgan-ellery")).toBe(true);
    expect(byPath.has(`/authors/${QUIET.slug}`)).toBe(true);
    expect(byPath.has("/about")).toBe(true);
  });
});

describe("the About page", () => {
  it("shows the page written in the editor, its Markdoc body rendered", async () => {
    const html = await page("/about");
    const text = decodeEntities(html);
    expect(text).toMatch(/<h1>About Practice Notes<\/h1>/);
    expect(html).toContain("<h2>Reusing what you find here</h2>");
    expect(text).toContain("<em>Reuse this post</em>");
    expect(linksNamed(html, "author page")).toEqual(["/authors/morgan-ellery"]);
  });

  it("is linked from the header and the footer of every page", async () => {
    for (const pathname of ["/", DEMO_PATH, "/tags"]) {
      const html = await page(pathname);
      const header = /<header class="site-header">[\s\S]*?<\/header>/.exec(html)?.[0] ?? "";
      const footer = /<footer class="site-footer">[\s\S]*?<\/footer>/.exec(html)?.[0] ?? "";
      expect(linksNamed(header, "About"), pathname).toEqual(["/about"]);
      expect(linksNamed(footer, "About Practice Notes"), pathname).toEqual(["/about"]);
    }
  });

  it("a site without one answers 404 and links to none", async () => {
    await rm(path.join(server.cwd, "content/about.md"));
    try {
      expect((await client().get("/about")).status).toBe(404);
      expect(linksNamed(await page("/"), "About")).toEqual([]);
    } finally {
      await writeFile(
        path.join(server.cwd, "content/about.md"),
        "---\ntitle: About Practice Notes\n---\nBack again, see the [author page](/authors/morgan-ellery).\n\n## Reusing what you find here\n\n*Reuse this post*\n",
      );
    }
    expect((await client().get("/about")).status).toBe(200);
  });
});

describe("Edit this post", () => {
  const EDIT = "Edit this post";

  it("links the post's coach and admins to the post in the editor", async () => {
    const coach = await signIn(DEMO_COACH_EMAIL, DEMO_COACH_PASSWORD);
    const admin = await signIn(ADMIN.email, ADMIN.password);
    for (const who of [coach, admin]) {
      expect(linksNamed(await page(DEMO_PATH, who), EDIT)).toEqual([
        "/keystatic/collection/posts/item/what-does-a-technology-coach-do",
      ]);
    }
    expect(linksNamed(await page(`/posts/${OTHER_POST.slug}`, admin), EDIT)).toEqual([
      `/keystatic/collection/posts/item/${OTHER_POST.slug}`,
    ]);
  });

  it("is not shown to readers, members, or a coach on another author's post", async () => {
    const member = client();
    expect((await member.signUp({ email: "reader@pages.example.org", displayName: "A Reader" })).status).toBe(302);
    const otherCoach = await signIn(OTHER_COACH.email, OTHER_COACH.password);
    expect(linksNamed(await page(DEMO_PATH), EDIT)).toEqual([]);
    expect(linksNamed(await page(DEMO_PATH, member), EDIT)).toEqual([]);
    expect(linksNamed(await page(DEMO_PATH, otherCoach), EDIT)).toEqual([]);
    expect(linksNamed(await page(`/posts/${OTHER_POST.slug}`, otherCoach), EDIT)).toHaveLength(1);
  });
});
