import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { buildPageMeta, canonicalUrl, pageMeta, type SiteFacts } from "~/discovery/meta";
import { archiveMonthPath, siteFeeds, tagFeeds, tagPath } from "~/discovery/paths";
import { robotsTxt } from "~/discovery/robots";
import {
  checkMastodonServer,
  emailShareUrl,
  linkedInShareUrl,
  mastodonShareText,
  mastodonShareUrl,
  xShareUrl,
} from "~/discovery/share";
import { sitemapPages, sitemapXml } from "~/discovery/sitemap";

/**
 * The pure discovery modules (app/discovery/): share URLs, the Mastodon
 * server check, meta descriptors, sitemap.xml and robots.txt, judged as the
 * network, crawler or link preview that reads them would.
 */

const HOSTILE_TITLE = `Tom & Jerry's "5 ways" to #win? <script>alert(1)</script> 100% +plus ünïcode&x=1 😀`;
const URL_ = "https://staffroom.example.org/posts/a-slug";
const SITE: SiteFacts = {
  origin: "https://staffroom.example.org",
  siteTitle: "Practice Notes",
  siteDescription: "Coaching notes",
};

describe("share URLs", () => {
  it("X: the hostile title and the URL come back exactly as the only two parameters", () => {
    const url = new URL(xShareUrl({ title: HOSTILE_TITLE, url: URL_ }));
    expect(url.origin + url.pathname).toBe("https://x.com/intent/post");
    expect([...url.searchParams.keys()]).toEqual(["text", "url"]);
    expect(url.searchParams.get("text")).toBe(HOSTILE_TITLE);
    expect(url.searchParams.get("url")).toBe(URL_);
    expect(url.hash).toBe("");
  });

  it("LinkedIn: the URL is the only parameter, encoded", () => {
    const withQuery = `${URL_}?page=2&x=<y>`;
    const url = new URL(linkedInShareUrl({ title: HOSTILE_TITLE, url: withQuery }));
    expect(url.origin + url.pathname).toBe("https://www.linkedin.com/sharing/share-offsite/");
    expect([...url.searchParams.entries()]).toEqual([["url", withQuery]]);
  });

  it("email: mailto with no recipient, the title as subject, title and URL on two lines (RFC 6068)", () => {
    const href = emailShareUrl({ title: HOSTILE_TITLE, url: URL_ });
    expect(href.startsWith("mailto:?subject=")).toBe(true);
    expect(href).not.toMatch(/[\s<>"#]/);
    expect(href).toContain("%0D%0A");
    const url = new URL(href);
    expect(url.pathname).toBe("");
    expect([...url.searchParams.keys()]).toEqual(["subject", "body"]);
    expect(url.searchParams.get("subject")).toBe(HOSTILE_TITLE);
    expect(url.searchParams.get("body")).toBe(`${HOSTILE_TITLE}\r\n${URL_}`);
  });

  it("Mastodon: the server's own /share page with title and URL as the text", () => {
    const text = mastodonShareText({ title: HOSTILE_TITLE, url: URL_ });
    const url = new URL(mastodonShareUrl("mastodon.social", text));
    expect(url.origin + url.pathname).toBe("https://mastodon.social/share");
    expect([...url.searchParams.entries()]).toEqual([["text", `${HOSTILE_TITLE} ${URL_}`]]);
  });

  it("Mastodon: a very long title is cut with an ellipsis so the post can still be shared, URL intact", () => {
    const title = "Why coaching works ".repeat(200);
    const text = mastodonShareText({ title, url: URL_ });
    expect(text.length).toBeLessThanOrEqual(2000);
    expect(text.endsWith(`… ${URL_}`)).toBe(true);
    expect(text.startsWith("Why coaching works Why coaching works")).toBe(true);
  });

  it("Mastodon: refuses to build a URL for a server name that was not checked", () => {
    expect(() => mastodonShareUrl("evil.com/path?x=", "hi")).toThrow(TypeError);
    expect(() => mastodonShareUrl("user@evil.com", "hi")).toThrow(TypeError);
  });
});

describe("the Mastodon server a reader types", () => {
  it.each([
    ["mastodon.social", "mastodon.social"],
    ["  Mastodon.Social  ", "mastodon.social"],
    ["fosstodon.org", "fosstodon.org"],
    ["social.coop", "social.coop"],
    ["m.a-b.example.co.uk", "m.a-b.example.co.uk"],
    ["mastodon.ünicode.de", "mastodon.xn--nicode-2ya.de"],
  ])("accepts %j as %s", (input, host) => {
    expect(checkMastodonServer(input)).toEqual({ ok: true, host });
  });

  it.each([
    ["", "which Mastodon server"],
    ["   ", "which Mastodon server"],
    ["evil.com/path", "no “/”"],
    ["evil.com?x=1", "no “/”"],
    ["evil.com#top", "no “/”"],
    ["evil.com\\path", "no “/”"],
    ["user@host.example", "looks like an account"],
    ["@me@mastodon.social", "looks like an account"],
    ["user:pass@evil.com", "looks like an account"],
    ["http://x", "Leave out the “https://”"],
    ["https://mastodon.social", "Leave out the “https://”"],
    ["javascript:alert(1)", "no “:”"],
    ["host.example:1234", "no “:”"],
    ["[::1]", "no “:”"],
    ["localhost", "not a server name"],
    ["127.0.0.1", "not a server name"],
    ["0x7f.1", "not a server name"],
    ["evil.com.", "not a server name"],
    ["-bad.example", "not a server name"],
    ["bad_.example", "not a server name"],
    ["two words.example", "no spaces"],
    ["evil%2Ecom", "no spaces or “%”"],
    ["tab\there.example", "no spaces"],
    [`${"a".repeat(64)}.example`, "not a server name"],
    [`${"a.".repeat(130)}example`, "too long"],
  ])("refuses %j, saying what is wrong", (input, words) => {
    const result = checkMastodonServer(input);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.message).toContain(words);
      expect(result.message).toContain("such as mastodon.social");
    }
  });
});

/** The descriptors as name → contents, and the canonical links, as a crawler reads the head. */
function head(descriptors: ReturnType<typeof buildPageMeta>) {
  const meta = descriptors as Record<string, string>[];
  const values = (key: string) => meta.filter((d) => d.property === key || d.name === key).map((d) => d.content);
  const links = (rel: string) => meta.filter((d) => d.tagName === "link" && d.rel === rel);
  return { values, links, title: meta.filter((d) => "title" in d && !("tagName" in d)).map((d) => d.title) };
}

describe("page meta: canonical link, Open Graph, X cards", () => {
  const post = {
    title: HOSTILE_TITLE,
    description: "A summary.",
    path: "/posts/a-slug",
    image: { src: "/images/posts/a-slug/cover.png", alt: "A staffroom" },
    article: { publishedTime: "2013-06-09", authorName: "Morgan Ellery", tags: ["coaching", "R&D <x>"] },
  };

  it("a post: one absolute canonical, og:type article with its tags, a large image card", () => {
    const { values, links, title } = head(buildPageMeta(SITE, post));
    expect(title).toEqual([HOSTILE_TITLE]);
    expect(links("canonical").map((l) => l.href)).toEqual(["https://staffroom.example.org/posts/a-slug"]);
    expect(values("og:type")).toEqual(["article"]);
    expect(values("og:title")).toEqual([HOSTILE_TITLE]);
    expect(values("og:description")).toEqual(["A summary."]);
    expect(values("description")).toEqual(["A summary."]);
    expect(values("og:url")).toEqual(["https://staffroom.example.org/posts/a-slug"]);
    expect(values("og:site_name")).toEqual(["Practice Notes"]);
    expect(values("og:image")).toEqual(["https://staffroom.example.org/images/posts/a-slug/cover.png"]);
    expect(values("og:image:alt")).toEqual(["A staffroom"]);
    expect(values("article:published_time")).toEqual(["2013-06-09"]);
    expect(values("article:author")).toEqual(["Morgan Ellery"]);
    expect(values("article:tag")).toEqual(["coaching", "R&D <x>"]);
    expect(values("twitter:card")).toEqual(["summary_large_image"]);
    expect(values("twitter:title")).toEqual([HOSTILE_TITLE]);
    expect(values("twitter:description")).toEqual(["A summary."]);
    expect(values("twitter:image")).toEqual(["https://staffroom.example.org/images/posts/a-slug/cover.png"]);
    expect(values("twitter:image:alt")).toEqual(["A staffroom"]);
  });

  it("page 2 of the comments canonicalises to itself; og:url stays the post", () => {
    const { values, links } = head(buildPageMeta(SITE, { ...post, query: { page: 2, replyTo: null } }));
    expect(links("canonical").map((l) => l.href)).toEqual(["https://staffroom.example.org/posts/a-slug?page=2"]);
    expect(values("og:url")).toEqual(["https://staffroom.example.org/posts/a-slug"]);
  });

  it("a cover hosted elsewhere stays where it is; an SVG cover is not offered to previews (X, Facebook, LinkedIn do not draw SVG)", () => {
    const elsewhere = head(buildPageMeta(SITE, { ...post, image: { src: "https://img.example.net/a.jpg", alt: "" } }));
    expect(elsewhere.values("og:image")).toEqual(["https://img.example.net/a.jpg"]);
    expect(elsewhere.values("og:image:alt")).toEqual([]);
    const svg = head(buildPageMeta(SITE, { ...post, image: { src: "/images/cover/image.svg", alt: "x" } }));
    expect(svg.values("og:image")).toEqual([]);
    expect(svg.values("twitter:image")).toEqual([]);
    expect(svg.values("twitter:card")).toEqual(["summary"]);
  });

  it("a list page is og:type website with a summary card, and its extra feeds become alternate links", () => {
    const feeds = tagFeeds("R&D <x>", SITE.siteTitle);
    const { values, links } = head(
      buildPageMeta(SITE, { title: "Posts tagged “R&D <x>”", path: tagPath("R&D <x>"), feeds }),
    );
    expect(values("og:type")).toEqual(["website"]);
    expect(values("article:tag")).toEqual([]);
    expect(values("twitter:card")).toEqual(["summary"]);
    expect(values("description")).toEqual([]);
    expect(links("canonical").map((l) => l.href)).toEqual(["https://staffroom.example.org/tags/R%26D%20%3Cx%3E"]);
    expect(links("alternate").map((l) => [l.type, l.href])).toEqual([
      ["application/atom+xml", "/tags/R%26D%20%3Cx%3E/feed.atom"],
      ["application/rss+xml", "/tags/R%26D%20%3Cx%3E/feed.rss"],
      ["application/feed+json", "/tags/R%26D%20%3Cx%3E/feed.json"],
    ]);
    expect(links("alternate")[0].title).toBe("Practice Notes: posts tagged “R&D <x>” (Atom)");
  });

  it("pageMeta reads the site from the root match; without it there is no canonical to a guessed origin", () => {
    const withRoot = pageMeta(
      [
        { id: "root", data: { discovery: SITE } },
        { id: "routes/archive", data: null },
      ],
      {
        title: "Archive",
        path: "/archive",
      },
    );
    expect(
      head(withRoot)
        .links("canonical")
        .map((l) => l.href),
    ).toEqual(["https://staffroom.example.org/archive"]);
    const withoutRoot = pageMeta([{ id: "root", data: undefined }], (site) => ({
      title: `Archive${site.siteTitle}`,
      path: "/archive",
    }));
    expect(withoutRoot).toEqual([{ title: "Archive" }]);
  });

  it("canonicalUrl drops fragments and empty values and keeps a SITE_URL origin", () => {
    expect(canonicalUrl("https://staffroom.example.org", "/posts/x#comments", { page: "", replyTo: undefined })).toBe(
      "https://staffroom.example.org/posts/x",
    );
    expect(canonicalUrl("http://127.0.0.1:3000", "/", {})).toBe("http://127.0.0.1:3000/");
  });

  it("the site's feeds are at /feed.atom, /feed.rss and /feed.json, titled with the site's title", () => {
    expect(siteFeeds("Practice Notes").map((f) => [f.type, f.href, f.title])).toEqual([
      ["application/atom+xml", "/feed.atom", "Practice Notes (Atom)"],
      ["application/rss+xml", "/feed.rss", "Practice Notes (RSS)"],
      ["application/feed+json", "/feed.json", "Practice Notes (JSON Feed)"],
    ]);
  });
});

describe("sitemap.xml", () => {
  const posts = [
    { slug: "older", published: "2013-06-09", tags: ["coaching", "R&D <x>"] },
    { slug: "newer", published: "2014-01-20", tags: ["coaching"] },
    { slug: "same-month", published: "2014-01-02", tags: [] },
  ];
  const xml = sitemapXml(
    sitemapPages(posts).map((page) => ({
      loc: new URL(page.path, "https://staffroom.example.org/").href,
      lastmod: page.lastmod,
    })),
  );
  const parsed = new XMLParser({ ignoreAttributes: false }).parse(xml);
  const urls: { loc: string; lastmod?: string }[] = parsed.urlset.url;

  it("is well-formed XML in the sitemaps.org 0.9 namespace", () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(parsed.urlset["@_xmlns"]).toBe("http://www.sitemaps.org/schemas/sitemap/0.9");
  });

  it("lists home, every post with its published date, each tag and month once, and the archive", () => {
    expect(urls.map((u) => [u.loc.replace("https://staffroom.example.org", ""), u.lastmod])).toEqual([
      ["/", "2014-01-20"],
      ["/posts/newer", "2014-01-20"],
      ["/posts/same-month", "2014-01-02"],
      ["/posts/older", "2013-06-09"],
      ["/tags", "2014-01-20"],
      ["/tags/coaching", "2014-01-20"],
      ["/tags/R%26D%20%3Cx%3E", "2013-06-09"],
      ["/archive", "2014-01-20"],
      ["/archive/2014/01", "2014-01-20"],
      ["/archive/2013/06", "2013-06-09"],
    ]);
    expect(xml).not.toContain("/search");
  });

  it("escapes what XML must escape, and refuses what XML cannot hold", () => {
    const escaped = sitemapXml([{ loc: "https://staffroom.example.org/?a=1&b=<2>", lastmod: null }]);
    expect(escaped).toContain("<loc>https://staffroom.example.org/?a=1&amp;b=&lt;2&gt;</loc>");
    expect(XMLValidator.validate(escaped)).toBe(true);
    expect(() => sitemapXml([{ loc: "https://x.example/\u0001", lastmod: null }])).toThrow();
  });

  it("refuses more URLs than one sitemap may hold", () => {
    const many = Array.from({ length: 50_001 }, (_, i) => ({ loc: `https://x.example/${i}`, lastmod: null }));
    expect(() => sitemapXml(many)).toThrow(RangeError);
  });

  it("has no tag index when no post has a tag", () => {
    expect(sitemapPages([{ slug: "a", published: "2013-06-09", tags: [] }]).map((p) => p.path)).toEqual([
      "/",
      "/posts/a",
      "/archive",
      "/archive/2013/06",
    ]);
  });

  it("archive month paths are /archive/yyyy/mm", () => {
    expect(archiveMonthPath("2013-06")).toBe("/archive/2013/06");
    expect(() => archiveMonthPath("2013-13")).toThrow(RangeError);
  });
});

/**
 * RFC 9309 §2.2.2 matching, as a crawler does it: the longest matching rule
 * wins, Allow wins a tie; `*` is any characters, `$` the end.
 */
function allowed(robots: string, pathAndQuery: string): boolean {
  let best: { length: number; allow: boolean } = { length: -1, allow: true };
  for (const line of robots.split("\n")) {
    const rule = /^(allow|disallow):\s*(\S*)/i.exec(line);
    if (!rule || rule[2] === "") continue;
    const pattern = rule[2];
    const source = pattern
      .split("")
      .map((c, i) =>
        c === "*" ? ".*" : c === "$" && i === pattern.length - 1 ? "$" : c.replace(/[.+?^${}()|[\]\\]/g, "\\$&"),
      )
      .join("");
    if (!new RegExp(`^${source}`).test(pathAndQuery)) continue;
    const allow = rule[1].toLowerCase() === "allow";
    if (pattern.length > best.length || (pattern.length === best.length && allow))
      best = { length: pattern.length, allow };
  }
  return best.allow;
}

describe("robots.txt", () => {
  const robots = robotsTxt({ sitemapUrl: "https://staffroom.example.org/sitemap.xml" });

  it("names the absolute sitemap and addresses every crawler", () => {
    expect(robots).toMatch(/^User-agent: \*$/m);
    expect(robots).toMatch(/^Sitemap: https:\/\/staffroom\.example\.org\/sitemap\.xml$/m);
    expect(() => robotsTxt({ sitemapUrl: "/sitemap.xml" })).toThrow(TypeError);
  });

  it.each([
    "/",
    "/posts/a-slug",
    "/posts/a-slug?page=2",
    "/posts/a-slug/comments.atom",
    "/tags/R%26D%20%3Cx%3E",
    "/archive",
    "/archive/2013/06",
    "/feed.atom",
    "/feed.json",
    "/sitemap.xml",
    "/comments/12",
    "/members/3",
    "/search",
    "/images/posts/a/cover.png",
  ])("lets crawlers read %s", (path) => {
    expect(allowed(robots, path)).toBe(true);
  });

  it.each([
    "/keystatic",
    "/keystatic/collection/posts",
    "/api/keystatic/tree",
    "/account",
    "/moderation?tab=spam",
    "/admin/accounts",
    "/signin?redirectTo=%2Fposts%2Fa",
    "/signup",
    "/signout",
    "/signin/link/abc.def",
    "/password-reset",
    "/password-reset/abc.def",
    "/verify-email/abc.def",
    "/unsubscribe/abc123",
    "/comments/12/edit",
    "/comments/12/remove",
    "/comments/12/report",
    "/share/mastodon?server=mastodon.social&text=x",
    "/posts/a-slug?replyTo=12",
    "/posts/a-slug?page=2&replyTo=12",
    "/posts/a-slug?draft=abc",
    "/search?q=coaching",
  ])("keeps crawlers out of %s", (path) => {
    expect(allowed(robots, path)).toBe(false);
  });
});
