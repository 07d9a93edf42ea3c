import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ITEMS_PER_PAGE } from "~/posts/paging";
import { HttpClient } from "../support/accounts";
import { DEMO_TITLE, decodeEntities } from "../support/pages";
import { DEMO_PATH, DEMO_SLUG, startTestServer, type TestServer } from "../support/server";

/**
 * Discovery and sharing over plain HTTP on the production build, as a
 * crawler, a feed reader, a link preview and a reader without JavaScript
 * meet them: sitemap.xml, robots.txt, canonical links, Open Graph and X card
 * tags, feed autodiscovery, share links and the Mastodon share route.
 *
 * The sandbox gets a second post with a PNG cover and a hostile tag
 * (`R&D <x>`), published in another month than the demo post.
 */

const HOOK_TIMEOUT = 120_000;
const SLUG = "research-and-development-notes";
const POST_PATH = `/posts/${SLUG}`;
const TITLE = `R&D in the staffroom: "what works" <really>?`;
const HOSTILE_TAG = "R&D <x>";
const HOSTILE_TAG_PATH = "/tags/R%26D%20%3Cx%3E";
const COVER_PATH = `/images/posts/${SLUG}/cover.png`;
const COVER_ALT = "Sticky notes on a staffroom wall";
const SITE_TITLE = "Practice Notes";
const SITE_URL = "https://staffroom.example.org";
// A 1×1 transparent PNG.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

/** Adds the second post (frontmatter shaped like the demo post's, whatever fields it has) and its cover. */
async function addPost(_dataDir: string, cwd: string): Promise<void> {
  const demo = await readFile(path.join(cwd, `content/posts/${DEMO_SLUG}.md`), "utf8");
  const frontmatter = demo.slice(0, demo.indexOf("\n---", 3) + 4);
  const changed = frontmatter
    .replace(/^title: .*$/m, `title: ${JSON.stringify(TITLE)}`)
    .replace(/^published: .*$/m, "published: 2014-01-20")
    .replace(/^tags:\n(?:\s+- .*\n)+/m, `tags:\n  - coaching\n  - ${JSON.stringify(HOSTILE_TAG)}\n`)
    .replace(/^summary: (?:>-\n(?:\s{2,}.*\n)+|.*\n)/m, "summary: Small experiments, written up.\n")
    .replace(/^(\s+)image: .*$/m, `$1image: ${COVER_PATH}`)
    .replace(/^(\s+)alt: .*$/m, `$1alt: ${COVER_ALT}`);
  expect(changed).toContain("published: 2014-01-20");
  expect(changed).toContain(`image: ${COVER_PATH}`);
  await writeFile(
    path.join(cwd, `content/posts/${SLUG}.md`),
    `${changed}\nWhat we tried this term, and what it taught us.\n`,
  );
  await mkdir(path.join(cwd, `public/images/posts/${SLUG}`), { recursive: true });
  await writeFile(path.join(cwd, `public${COVER_PATH}`), PNG);
  // Older posts tagged "coaching", enough for a second page of the home page and of the tag.
  for (let i = 1; i <= ITEMS_PER_PAGE; i++) {
    const older = changed
      .replace(/^title: .*$/m, `title: "Older note ${i}"`)
      .replace(/^published: .*$/m, `published: 2012-03-${String(i).padStart(2, "0")}`)
      .replace(/^tags:\n(?:\s+- .*\n)+/m, "tags:\n  - coaching\n");
    await writeFile(path.join(cwd, `content/posts/older-note-${i}.md`), `${older}\nAn older note.\n`);
  }
}

/** Attributes of every `<tagName …>` in the HTML, entity-decoded (React quotes every attribute with "). */
function tags(html: string, tagName: string): Record<string, string>[] {
  return [...html.matchAll(new RegExp(`<${tagName}\\b([^>]*)>`, "gi"))].map(([, attributes]) =>
    Object.fromEntries(
      [...attributes.matchAll(/([a-zA-Z:-]+)="([^"]*)"/g)].map(([, name, value]) => [
        name.toLowerCase(),
        decodeEntities(value),
      ]),
    ),
  );
}

/** The page's `<head>`, as crawlers and link previews read it. */
function headOf(html: string) {
  const head = html.slice(0, html.indexOf("</head>"));
  const meta = tags(head, "meta");
  const links = tags(head, "link");
  return {
    /** Contents of every <meta property|name=key>. */
    values: (key: string) => meta.filter((m) => m.property === key || m.name === key).map((m) => m.content),
    links: (rel: string) => links.filter((l) => l.rel === rel),
  };
}

async function page(baseUrl: string, pathname: string): Promise<string> {
  const reply = await new HttpClient(baseUrl).get(pathname);
  expect(reply.status, `GET ${pathname}`).toBe(200);
  return reply.text;
}

const SITE_FEEDS = [
  ["application/atom+xml", "/feed.atom"],
  ["application/rss+xml", "/feed.rss"],
  ["application/feed+json", "/feed.json"],
];

describe("on the request's own origin (SITE_URL unset)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ sandbox: true, env: { SITE_URL: undefined }, beforeStart: addPost });
  }, HOOK_TIMEOUT);
  afterAll(async () => server?.stop(), HOOK_TIMEOUT);

  describe("sitemap.xml", () => {
    let urls: { loc: string; lastmod?: string }[] = [];
    let xml = "";
    beforeAll(async () => {
      const response = await fetch(`${server.baseUrl}/sitemap.xml`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("application/xml; charset=utf-8");
      xml = await response.text();
      const parsed = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === "url" }).parse(xml);
      expect(parsed.urlset["@_xmlns"]).toBe("http://www.sitemaps.org/schemas/sitemap/0.9");
      urls = parsed.urlset.url;
    });

    it("is well-formed XML, the hostile tag escaped into its URL", () => {
      expect(XMLValidator.validate(xml)).toBe(true);
      expect(xml).not.toContain("R&D");
    });

    it("lists home, each post with its published date, each tag, the archive and each month with posts; not /search", () => {
      const byPath = new Map(urls.map((u) => [u.loc.replace(server.baseUrl, ""), u.lastmod ?? null]));
      expect(urls.every((u) => u.loc.startsWith(`${server.baseUrl}/`))).toBe(true);
      expect(byPath.get("/")).toBe("2014-01-20");
      expect(byPath.get(DEMO_PATH)).toBe("2013-06-09");
      expect(byPath.get(POST_PATH)).toBe("2014-01-20");
      expect(byPath.get("/posts/older-note-3")).toBe("2012-03-03");
      for (const tag of ["/tags", "/tags/coaching", "/tags/pyp", HOSTILE_TAG_PATH])
        expect(byPath.has(tag), tag).toBe(true);
      for (const archive of ["/archive", "/archive/2012/03", "/archive/2013/06", "/archive/2014/01"])
        expect(byPath.has(archive), archive).toBe(true);
      expect([...byPath.keys()].some((p) => p.startsWith("/search"))).toBe(false);
      expect(new Set(urls.map((u) => u.loc)).size).toBe(urls.length);
    });

    it("every URL it lists answers 200", async () => {
      const failures: string[] = [];
      for (const { loc } of urls) {
        const response = await fetch(loc, { redirect: "manual" });
        await response.arrayBuffer();
        if (response.status !== 200) failures.push(`${response.status} ${loc}`);
      }
      expect(failures).toEqual([]);
    });
  });

  describe("robots.txt", () => {
    it("opens the site, closes the editor and private pages, and names the sitemap", async () => {
      const response = await fetch(`${server.baseUrl}/robots.txt`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
      const robots = await response.text();
      expect(robots).toMatch(/^User-agent: \*$/m);
      for (const path of [
        "/keystatic",
        "/api/",
        "/account",
        "/moderation",
        "/admin/",
        "/signin",
        "/unsubscribe/",
        "/comments/*/edit",
      ]) {
        expect(robots.split("\n")).toContain(`Disallow: ${path}`);
      }
      expect(robots).not.toMatch(/^Disallow: \/(posts|tags|archive)?$/m);
      const sitemap = /^Sitemap: (\S+)$/m.exec(robots)?.[1];
      expect(sitemap).toBe(`${server.baseUrl}/sitemap.xml`);
      expect((await fetch(sitemap!)).status).toBe(200);
    });
  });

  describe("a post page", () => {
    let html = "";
    beforeAll(async () => {
      html = await page(server.baseUrl, POST_PATH);
    });

    it("has exactly one canonical link, absolute, without the reply or notice parameters", async () => {
      expect(
        headOf(html)
          .links("canonical")
          .map((l) => l.href),
      ).toEqual([`${server.baseUrl}${POST_PATH}`]);
      const noisy = await page(server.baseUrl, `${POST_PATH}?replyTo=1&held=1&utm_source=x&page=1`);
      expect(
        headOf(noisy)
          .links("canonical")
          .map((l) => l.href),
      ).toEqual([`${server.baseUrl}${POST_PATH}`]);
    });

    it("tells link previews it is an article, with an absolute picture that loads, its tags and a large card", async () => {
      const { values } = headOf(html);
      expect(values("og:type")).toEqual(["article"]);
      expect(values("og:title")).toEqual([TITLE]);
      expect(values("og:description")).toEqual(["Small experiments, written up."]);
      expect(values("og:url")).toEqual([`${server.baseUrl}${POST_PATH}`]);
      expect(values("og:site_name")).toEqual([SITE_TITLE]);
      expect(values("og:image")).toEqual([`${server.baseUrl}${COVER_PATH}`]);
      expect(values("og:image:alt")).toEqual([COVER_ALT]);
      expect(values("article:published_time")).toEqual(["2014-01-20"]);
      expect(values("article:author")).toEqual(["Morgan Ellery"]);
      expect(values("article:tag")).toEqual(["coaching", HOSTILE_TAG]);
      expect(values("twitter:card")).toEqual(["summary_large_image"]);
      expect(values("twitter:title")).toEqual([TITLE]);
      expect(values("twitter:description")).toEqual(["Small experiments, written up."]);
      expect(values("twitter:image")).toEqual([`${server.baseUrl}${COVER_PATH}`]);
      expect(values("twitter:image:alt")).toEqual([COVER_ALT]);
      const image = await fetch(values("og:image")[0]);
      expect(image.status).toBe(200);
      expect(image.headers.get("content-type")).toBe("image/png");
    });

    it("the demo post's cover is offered to previews with its alt text: a large card", async () => {
      const { values, links } = headOf(await page(server.baseUrl, DEMO_PATH));
      expect(links("canonical").map((l) => l.href)).toEqual([`${server.baseUrl}${DEMO_PATH}`]);
      expect(values("og:title")).toEqual([DEMO_TITLE]);
      expect(values("og:image")).toEqual([`${server.baseUrl}/images/posts/${DEMO_SLUG}/cover/image.png`]);
      expect(values("og:image:alt")).toEqual(["Teachers gathered around a laptop in a staffroom"]);
      expect(values("twitter:card")).toEqual(["summary_large_image"]);
      expect((await fetch(values("og:image")[0])).headers.get("content-type")).toBe("image/png");
    });

    it("page 2 of a long thread canonicalises to itself", async () => {
      // 51 top-level comments make two pages (50 a page).
      const client = new HttpClient(server.baseUrl);
      for (let i = 1; i <= 51; i++) {
        const reply = await client.post(POST_PATH, { name: "Pat", body: `Comment number ${i} on page one or two.` });
        expect(reply.status, reply.text.slice(0, 300)).toBe(303);
      }
      const second = await page(server.baseUrl, `${POST_PATH}?page=2&replyTo=5`);
      expect(
        headOf(second)
          .links("canonical")
          .map((l) => l.href),
      ).toEqual([`${server.baseUrl}${POST_PATH}?page=2`]);
      expect(headOf(second).values("og:url")).toEqual([`${server.baseUrl}${POST_PATH}`]);
    });

    it("offers share links by email, LinkedIn, X and a Mastodon form, with no other site's scripts, frames or images", () => {
      const share = html.slice(html.indexOf('id="share"'), html.indexOf("</section>", html.indexOf('id="share"')));
      expect(share).toContain("Share this post");
      const anchors = tags(share, "a");
      const url = `${server.baseUrl}${POST_PATH}`;
      const email = new URL(anchors.find((a) => a.href.startsWith("mailto:"))!.href);
      expect(email.searchParams.get("subject")).toBe(TITLE);
      expect(email.searchParams.get("body")).toBe(`${TITLE}\r\n${url}`);
      const linkedIn = anchors.find((a) => a.href.startsWith("https://www.linkedin.com/"))!;
      expect(new URL(linkedIn.href).searchParams.get("url")).toBe(url);
      const x = anchors.find((a) => a.href.startsWith("https://x.com/"))!;
      expect(new URL(x.href).searchParams.get("text")).toBe(TITLE);
      expect(new URL(x.href).searchParams.get("url")).toBe(url);
      for (const external of [linkedIn, x]) expect(external.rel).toBe("noopener noreferrer");
      const [form] = tags(share, "form");
      expect(form).toMatchObject({ method: "get", action: "/share/mastodon" });
      expect(tags(share, "input").find((i) => i.name === "text")?.value).toBe(`${TITLE} ${url}`);
      expect(tags(share, "input").find((i) => i.name === "server")).toBeDefined();

      const offSite = (src: string | undefined) => !!src && new URL(src, server.baseUrl).origin !== server.baseUrl;
      expect(tags(html, "script").filter((s) => offSite(s.src))).toEqual([]);
      expect(tags(html, "iframe")).toEqual([]);
      expect(tags(html, "img").filter((i) => offSite(i.src))).toEqual([]);
    });
  });

  describe("feed autodiscovery", () => {
    it.each(["/", POST_PATH, HOSTILE_TAG_PATH, "/signin"])(
      "%s links the site's Atom, RSS and JSON feeds, in the head and the footer",
      async (pathname) => {
        const html = await page(server.baseUrl, pathname);
        const alternates = headOf(html).links("alternate");
        for (const [type, href] of SITE_FEEDS) {
          const found = alternates.filter((l) => l.href === href);
          expect(found, href).toHaveLength(1);
          expect(found[0].type).toBe(type);
          expect(found[0].title).toContain(SITE_TITLE);
          const footer = html.slice(html.indexOf('<footer class="site-footer"'));
          expect(footer).toContain(`href="${href}"`);
        }
      },
    );

    it("the post page also links its comments feed", async () => {
      const alternates = headOf(await page(server.baseUrl, POST_PATH)).links("alternate");
      expect(alternates.map((l) => l.href)).toContain(`${POST_PATH}/comments.atom`);
    });

    it("a tag page also links the tag's own feeds, and canonicalises to the encoded tag", async () => {
      const { links, values } = headOf(await page(server.baseUrl, HOSTILE_TAG_PATH));
      const hrefs = links("alternate").map((l) => [l.type, l.href]);
      for (const [type, file] of [
        ["application/atom+xml", "feed.atom"],
        ["application/rss+xml", "feed.rss"],
        ["application/feed+json", "feed.json"],
      ]) {
        expect(hrefs).toContainEqual([type, `${HOSTILE_TAG_PATH}/${file}`]);
      }
      expect(links("canonical").map((l) => l.href)).toEqual([`${server.baseUrl}${HOSTILE_TAG_PATH}`]);
      expect(values("og:type")).toEqual(["website"]);
    });

    it("page 2 of the home page and of a tag canonicalise to themselves", async () => {
      const home = headOf(await page(server.baseUrl, "/?page=2&utm_source=x"));
      expect(home.links("canonical").map((l) => l.href)).toEqual([`${server.baseUrl}/?page=2`]);
      const tag = headOf(await page(server.baseUrl, "/tags/coaching?page=2"));
      expect(tag.links("canonical").map((l) => l.href)).toEqual([`${server.baseUrl}/tags/coaching?page=2`]);
      // The older notes, the second post, the demo post and the demo's three other "coaching" posts.
      expect(tag.values("description")[0]).toContain(`${ITEMS_PER_PAGE + 5} posts tagged “coaching”`);
    });

    it("the home page canonicalises to the site's root", async () => {
      const { links, values } = headOf(await page(server.baseUrl, "/?utm_source=x"));
      expect(links("canonical").map((l) => l.href)).toEqual([`${server.baseUrl}/`]);
      expect(values("og:type")).toEqual(["website"]);
      expect(values("og:site_name")).toEqual([SITE_TITLE]);
    });
  });

  describe("the Mastodon share route", () => {
    const text = `${TITLE} ${SITE_URL}${POST_PATH}`;
    const share = (server_: string, shared = text) =>
      new HttpClient(server.baseUrl).get(`/share/mastodon?${new URLSearchParams({ server: server_, text: shared })}`);

    it("sends the reader on to their server's share page with the text (303)", async () => {
      const reply = await share("  Mastodon.Social ");
      expect(reply.status).toBe(303);
      const location = new URL(reply.location!);
      expect(location.origin + location.pathname).toBe("https://mastodon.social/share");
      expect(location.searchParams.get("text")).toBe(text);
      expect([...location.searchParams.keys()]).toEqual(["text"]);
    });

    it.each([
      ["evil.com/path", "no “/”"],
      ["user@host.example", "looks like an account"],
      ["http://x", "Leave out the “https://”"],
      ["host.example:1234", "no “:”"],
      ["", "which Mastodon server"],
    ])("refuses %j with a 400 page that says why and gives the value back", async (value, words) => {
      const reply = await share(value);
      expect(reply.status).toBe(400);
      expect(reply.location).toBeNull();
      const html = decodeEntities(reply.text);
      expect(html).toContain(words);
      const input = tags(reply.text, "input").find((i) => i.name === "server");
      expect(input?.value).toBe(value);
      expect(tags(reply.text, "input").find((i) => i.name === "text")?.value).toBe(text);
      if (value) expect(html.replace(/<[^>]+>/g, "")).toContain(`We could not send you to “${value}”.`);
    });

    it("refuses a share with no text", async () => {
      const reply = await share("mastodon.social", "");
      expect(reply.status).toBe(400);
      expect(decodeEntities(reply.text)).toContain("nothing to share");
    });

    it("a refused server's page leads back to the post being shared", async () => {
      const ours = `${TITLE} ${server.baseUrl}${POST_PATH}`;
      const reply = await new HttpClient(server.baseUrl).get(
        `/share/mastodon?${new URLSearchParams({ server: "http://evil.example/x", text: ours })}`,
      );
      expect(reply.status).toBe(400);
      expect(tags(reply.text, "a").some((a) => a.href === POST_PATH && /Back to the post/.test(reply.text))).toBe(true);
    });

    it("a link from another site is not redirected straight on: the reader sees where it leads and clicks", async () => {
      const url = `/share/mastodon?${new URLSearchParams({ server: "attacker.example", text })}`;
      const crossSite = await new HttpClient(server.baseUrl).get(url, { headers: { "Sec-Fetch-Site": "cross-site" } });
      expect(crossSite.status).toBe(200);
      expect(crossSite.location).toBeNull();
      const link = tags(crossSite.text, "a").find((a) => (a.href ?? "").startsWith("https://attacker.example/share?"));
      expect(link).toBeDefined();
      expect(decodeEntities(crossSite.text)).toContain("Continue to attacker.example");
      // From our own page's form the browser says same-origin: straight on.
      const ownForm = await new HttpClient(server.baseUrl).get(url, { headers: { "Sec-Fetch-Site": "same-origin" } });
      expect(ownForm.status).toBe(303);
    });
  });
});

describe("with SITE_URL set", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ sandbox: true, env: { SITE_URL }, beforeStart: addPost });
  }, HOOK_TIMEOUT);
  afterAll(async () => server?.stop(), HOOK_TIMEOUT);

  it("the canonical link, og:url, og:image and share links use SITE_URL, not the address the request came to", async () => {
    const html = await page(server.baseUrl, POST_PATH);
    const { links, values } = headOf(html);
    expect(links("canonical").map((l) => l.href)).toEqual([`${SITE_URL}${POST_PATH}`]);
    expect(values("og:url")).toEqual([`${SITE_URL}${POST_PATH}`]);
    expect(values("og:image")).toEqual([`${SITE_URL}${COVER_PATH}`]);
    const x = tags(html, "a").find((a) => a.href.startsWith("https://x.com/"))!;
    expect(new URL(x.href).searchParams.get("url")).toBe(`${SITE_URL}${POST_PATH}`);
    expect(
      headOf(await page(server.baseUrl, "/"))
        .links("canonical")
        .map((l) => l.href),
    ).toEqual([`${SITE_URL}/`]);
  });

  it("sitemap.xml and robots.txt name SITE_URL's addresses", async () => {
    const xml = await (await fetch(`${server.baseUrl}/sitemap.xml`)).text();
    const locs: string[] = new XMLParser({ isArray: (name) => name === "url" })
      .parse(xml)
      .urlset.url.map((u: { loc: string }) => u.loc);
    expect(locs.length).toBeGreaterThan(5);
    expect(locs.filter((loc) => !loc.startsWith(`${SITE_URL}/`))).toEqual([]);
    expect(locs).toContain(`${SITE_URL}${HOSTILE_TAG_PATH}`);
    const robots = await (await fetch(`${server.baseUrl}/robots.txt`)).text();
    expect(robots).toMatch(new RegExp(`^Sitemap: ${SITE_URL.replace(/\./g, "\\.")}/sitemap\\.xml$`, "m"));
  });
});
