import { writeFile } from "node:fs/promises";
import path from "node:path";
import { parseFeed } from "@rowanmanning/feed-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ATOM_NS,
  CC_RSS_NS,
  child,
  children,
  CONTENT_NS,
  NOT_XML_CHAR,
  parseStrictXml,
  textOf,
  type XmlElement,
} from "../support/feed-xml";
import { DEMO_TITLE, POST_LICENSE_URL } from "../support/pages";
import { DEMO_PATH, DEMO_SLUG, startTestServer, type TestServer } from "../support/server";

/**
 * The site feeds over HTTP from the production build, with the demo post and
 * three more written into the sandbox's content before start: a hostile one
 * (title and body full of what breaks XML), one under all rights reserved and
 * one under CC0, two of them carrying a tag with spaces, an ampersand, markup
 * and a non-ASCII letter. A hostile comment is posted through the comment
 * form for the comments feed. Every XML feed is read by a strict XML 1.0
 * parser (saxes) and by a feed reader's parser (@rowanmanning/feed-parser).
 */

const HOOK_TIMEOUT = 120_000;
const HOSTILE_SLUG = "hostile-feed-post";
const RESERVED_SLUG = "all-rights-feed-post";
const CC0_SLUG = "public-domain-feed-post";
const ODD_TAG = "R&D <lab> über space";
/** The title as written (YAML escapes), and as a reader must get it: forbidden characters gone. */
const HOSTILE_TITLE_YAML = String.raw`"Hostile ]]> & <script>alert(1)</script> \"quoted\" 'single'\x01\x0B\x1F\uFFFE end"`;
const HOSTILE_TITLE = `Hostile ]]> & <script>alert(1)</script> "quoted" 'single' end`;
const HOSTILE_COMMENTER = `Eve ]]> & <b>Mallory</b> "q"`;

/** The demo's other posts (tests/fixtures/content/posts), older than the demo post, newest first. */
const OLDER_DEMO_SLUGS = [
  "who-asks-for-help-and-when",
  "student-voice-in-technology-planning",
  "when-the-wifi-goes-down",
  "the-five-minute-debrief",
  "coaching-cycles-that-start-with-the-teacher",
];
/** The demo post published under CC BY-SA 4.0 instead of the site's licence. */
const CC_BY_SA_DEMO_SLUG = "student-voice-in-technology-planning";

let server: TestServer;

function postFile(fields: {
  title: string;
  published: string;
  tags: string[];
  summary: string;
  license: string;
  body: string;
}): string {
  return [
    "---",
    `title: ${fields.title}`,
    `published: ${fields.published}`,
    "author: morgan-ellery",
    "tags:",
    ...fields.tags.map((tag) => `  - ${JSON.stringify(tag)}`),
    `summary: ${JSON.stringify(fields.summary)}`,
    `license: ${fields.license}`,
    "commentsOpen: true",
    "---",
    fields.body,
    "",
  ].join("\n");
}

beforeAll(async () => {
  server = await startTestServer({
    sandbox: true,
    beforeStart: async (_dataDir, cwd) => {
      const posts = path.join(cwd, "content/posts");
      await writeFile(
        path.join(posts, `${HOSTILE_SLUG}.md`),
        postFile({
          title: HOSTILE_TITLE_YAML,
          published: "2024-01-03",
          tags: [ODD_TAG, "coaching"],
          summary: "Summary ]]> & <i>not markup</i>\u0001",
          license: "site-default",
          body: [
            "Body text ]]> with & and <script>alert(1)</script> and ]]> again\u0001\u000B\uFFFE.",
            "",
            "![The cover](/images/posts/what-does-a-technology-coach-do/cover/image.svg)",
            "",
            `See [the demo post](${DEMO_PATH}) and [the notes](#notes).`,
          ].join("\n"),
        }),
      );
      await writeFile(
        path.join(posts, `${RESERVED_SLUG}.md`),
        postFile({
          title: "A post with all rights reserved",
          published: "2024-01-02",
          tags: [ODD_TAG],
          summary: "Nobody may reuse this one without asking.",
          license: "all-rights-reserved",
          body: "Ask before you reuse this.",
        }),
      );
      await writeFile(
        path.join(posts, `${CC0_SLUG}.md`),
        postFile({
          title: "A post in the public domain",
          published: "2024-01-01",
          tags: ["commons"],
          summary: "Take it.",
          license: "cc0-1.0",
          body: "Do what you like with this.",
        }),
      );
    },
  });
}, HOOK_TIMEOUT);

afterAll(async () => {
  await server?.stop();
}, HOOK_TIMEOUT);

const url = (slug: string) => `${server.baseUrl}/posts/${slug}`;
const oddTagPath = () => `/tags/${encodeURIComponent(ODD_TAG)}`;

async function fetchFeed(pathname: string, contentType: string): Promise<string> {
  const response = await fetch(`${server.baseUrl}${pathname}`);
  expect(response.status, pathname).toBe(200);
  expect(response.headers.get("content-type")).toBe(contentType);
  expect(response.headers.get("cache-control")).toBe("public, max-age=300");
  expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  const body = await response.text();
  expect(NOT_XML_CHAR.test(body)).toBe(false);
  return body;
}

function atomLinks(element: XmlElement, rel: string): string[] {
  return children(element, ATOM_NS, "link")
    .filter((link) => (link.attrs.rel ?? "alternate") === rel)
    .map((link) => link.attrs.href);
}

function atomEntryBy(root: XmlElement, id: string): XmlElement {
  const entry = children(root, ATOM_NS, "entry").find((e) => textOf(child(e, ATOM_NS, "id")).trim() === id);
  if (!entry) throw new Error(`no entry ${id}`);
  return entry;
}

function rssItemBy(root: XmlElement, link: string): XmlElement {
  const item = children(child(root, "", "channel"), "", "item").find(
    (i) => textOf(child(i, "", "link")).trim() === link,
  );
  if (!item) throw new Error(`no item ${link}`);
  return item;
}

describe("site feeds over HTTP", () => {
  it("/feed.atom: strict Atom; every post whole with its licence link; the hostile title intact", async () => {
    const xml = await fetchFeed("/feed.atom", "application/atom+xml; charset=utf-8");
    const root = parseStrictXml(xml);
    expect([root.ns, root.local]).toEqual([ATOM_NS, "feed"]);
    expect(atomLinks(root, "self")).toEqual([`${server.baseUrl}/feed.atom`]);
    expect(atomLinks(root, "alternate")).toEqual([`${server.baseUrl}/`]);
    expect(textOf(child(root, ATOM_NS, "title")).trim()).toBe("Practice Notes");
    expect(textOf(child(root, ATOM_NS, "subtitle")).trim()).toBe(
      "Reflections on coaching teachers to use technology well",
    );

    const ids = children(root, ATOM_NS, "entry").map((e) => textOf(child(e, ATOM_NS, "id")).trim());
    expect(ids).toEqual([
      url(HOSTILE_SLUG),
      url(RESERVED_SLUG),
      url(CC0_SLUG),
      url(DEMO_SLUG),
      ...OLDER_DEMO_SLUGS.map((slug) => url(slug)),
    ]);

    const hostile = atomEntryBy(root, url(HOSTILE_SLUG));
    expect(textOf(child(hostile, ATOM_NS, "title")).trim()).toBe(HOSTILE_TITLE);
    expect(textOf(child(hostile, ATOM_NS, "published"))).toBe("2024-01-03T00:00:00.000Z");
    const content = textOf(child(hostile, ATOM_NS, "content"));
    expect(content).toContain("]]&gt; with &amp; and &lt;script&gt;alert(1)&lt;/script&gt; and ]]&gt; again.");
    // Relative URLs in the body are absolute in the feed.
    expect(content).toContain(`src="${server.baseUrl}/images/posts/what-does-a-technology-coach-do/cover/image.svg"`);
    expect(content).toContain(`href="${server.baseUrl}${DEMO_PATH}"`);
    expect(content).toContain(`href="${url(HOSTILE_SLUG)}#notes"`);
    expect(children(hostile, ATOM_NS, "category").map((c) => c.attrs.term)).toEqual([ODD_TAG, "coaching"]);

    // A post's cover comes first in its entry, with the credit the page shows.
    const demoContent = textOf(child(atomEntryBy(root, url(DEMO_SLUG)), ATOM_NS, "content"));
    expect(demoContent).toMatch(
      /^\s*<figure><img src="http:\/\/127\.0\.0\.1:\d+\/images\/posts\/what-does-a-technology-coach-do\/cover\/image\.png"/,
    );
    expect(demoContent).toContain("<figcaption>Photo: A. Photographer via a photo-sharing site, CC BY 2.0");

    // Licence per entry: the site default (CC BY-NC-SA 3.0), none for all rights reserved, CC0's deed.
    expect(atomLinks(hostile, "license")).toEqual([POST_LICENSE_URL]);
    expect(atomLinks(atomEntryBy(root, url(DEMO_SLUG)), "license")).toEqual([POST_LICENSE_URL]);
    expect(atomLinks(atomEntryBy(root, url(RESERVED_SLUG)), "license")).toEqual([]);
    expect(textOf(child(atomEntryBy(root, url(RESERVED_SLUG)), ATOM_NS, "rights")).trim()).toBe(
      "© Morgan Ellery. All rights reserved.",
    );
    expect(atomLinks(atomEntryBy(root, url(CC0_SLUG)), "license")).toEqual([
      "https://creativecommons.org/publicdomain/zero/1.0/",
    ]);

    const feed = parseFeed(xml);
    expect(feed.items.map((i) => i.title)).toEqual([
      HOSTILE_TITLE,
      "A post with all rights reserved",
      "A post in the public domain",
      DEMO_TITLE,
      // The demo's older posts (tests/fixtures/content/posts).
      "Who asks for help, and when",
      "Asking students how they want to show what they know",
      "When the wifi goes down",
      "The five-minute debrief",
      "Coaching cycles that start with the teacher's question",
    ]);
    expect(feed.items[0].url).toBe(url(HOSTILE_SLUG));
    expect(feed.items[3].content).toContain("Collaborator.");
  });

  it("/feed.rss: strict RSS 2.0 with creativeCommons:license on each item but the all-rights-reserved one", async () => {
    const xml = await fetchFeed("/feed.rss", "application/rss+xml; charset=utf-8");
    const root = parseStrictXml(xml);
    const licences = (slug: string) =>
      children(rssItemBy(root, url(slug)), CC_RSS_NS, "license").map((l) => textOf(l).trim());
    expect(licences(HOSTILE_SLUG)).toEqual([POST_LICENSE_URL]);
    expect(licences(DEMO_SLUG)).toEqual([POST_LICENSE_URL]);
    expect(licences(RESERVED_SLUG)).toEqual([]);
    expect(licences(CC0_SLUG)).toEqual(["https://creativecommons.org/publicdomain/zero/1.0/"]);
    // The demo post published under its own licence instead of the site's.
    expect(licences(CC_BY_SA_DEMO_SLUG)).toEqual(["https://creativecommons.org/licenses/by-sa/4.0/"]);
    const hostile = rssItemBy(root, url(HOSTILE_SLUG));
    expect(textOf(child(hostile, "", "title")).trim()).toBe(HOSTILE_TITLE);
    expect(textOf(child(hostile, CONTENT_NS, "encoded"))).toContain("and ]]&gt; again.");
    const self = children(child(root, "", "channel"), ATOM_NS, "link").map((l) => l.attrs.href);
    expect(self).toEqual([`${server.baseUrl}/feed.rss`]);

    const feed = parseFeed(xml);
    expect(feed.items.map((i) => i.url)).toEqual([
      url(HOSTILE_SLUG),
      url(RESERVED_SLUG),
      url(CC0_SLUG),
      url(DEMO_SLUG),
      ...OLDER_DEMO_SLUGS.map((slug) => url(slug)),
    ]);
    expect(feed.items[0].title).toBe(HOSTILE_TITLE);
    expect(feed.items[0].published?.toISOString()).toBe("2024-01-03T00:00:00.000Z");
  });

  it("/feed.json: JSON Feed 1.1 with an _license object on each item", async () => {
    const feed = JSON.parse(await fetchFeed("/feed.json", "application/feed+json; charset=utf-8"));
    expect(feed.version).toBe("https://jsonfeed.org/version/1.1");
    expect(feed.feed_url).toBe(`${server.baseUrl}/feed.json`);
    expect(feed.home_page_url).toBe(`${server.baseUrl}/`);
    const items = feed.items as {
      id: string;
      title: string;
      content_html: string;
      _license: { url?: string; name: string };
    }[];
    expect(items.map((i) => [i.id, i._license.url ?? null])).toEqual([
      [url(HOSTILE_SLUG), POST_LICENSE_URL],
      [url(RESERVED_SLUG), null],
      [url(CC0_SLUG), "https://creativecommons.org/publicdomain/zero/1.0/"],
      [url(DEMO_SLUG), POST_LICENSE_URL],
      ...OLDER_DEMO_SLUGS.map((slug) => [
        url(slug),
        slug === CC_BY_SA_DEMO_SLUG ? "https://creativecommons.org/licenses/by-sa/4.0/" : POST_LICENSE_URL,
      ]),
    ]);
    expect(items[1]._license.name).toBe("All rights reserved");
    expect(items[0].title).toBe(HOSTILE_TITLE);
    expect(items[0].content_html).toContain(`href="${url(HOSTILE_SLUG)}#notes"`);
  });

  it("a tag with spaces, an ampersand, markup and “ü” has its three feeds, holding only its posts", async () => {
    const atom = parseStrictXml(await fetchFeed(`${oddTagPath()}/feed.atom`, "application/atom+xml; charset=utf-8"));
    expect(children(atom, ATOM_NS, "entry").map((e) => textOf(child(e, ATOM_NS, "id")).trim())).toEqual([
      url(HOSTILE_SLUG),
      url(RESERVED_SLUG),
    ]);
    expect(atomLinks(atom, "self")).toEqual([`${server.baseUrl}${oddTagPath()}/feed.atom`]);
    expect(atomLinks(atom, "alternate")).toEqual([`${server.baseUrl}${oddTagPath()}`]);
    expect(textOf(child(atom, ATOM_NS, "title")).trim()).toBe(`Practice Notes: posts tagged “${ODD_TAG}”`);

    const rssXml = await fetchFeed(`${oddTagPath()}/feed.rss`, "application/rss+xml; charset=utf-8");
    const rss = parseFeed(rssXml);
    expect(rss.items.map((i) => i.url)).toEqual([url(HOSTILE_SLUG), url(RESERVED_SLUG)]);
    expect(rss.self).toBe(`${server.baseUrl}${oddTagPath()}/feed.rss`);
    expect(children(rssItemBy(parseStrictXml(rssXml), url(RESERVED_SLUG)), CC_RSS_NS, "license")).toEqual([]);

    const json = JSON.parse(await fetchFeed(`${oddTagPath()}/feed.json`, "application/feed+json; charset=utf-8"));
    expect(json.items.map((i: { id: string }) => i.id)).toEqual([url(HOSTILE_SLUG), url(RESERVED_SLUG)]);
    expect(json.feed_url).toBe(`${server.baseUrl}${oddTagPath()}/feed.json`);

    const demoTag = parseFeed(await fetchFeed("/tags/pyp/feed.atom", "application/atom+xml; charset=utf-8"));
    // "pyp" is on the demo post and on the demo's CC BY-SA post.
    expect(demoTag.items.map((i) => i.url)).toEqual([url(DEMO_SLUG), url(CC_BY_SA_DEMO_SLUG)]);
  });

  it("a tag no post carries answers 404 with a plain message, in every format", async () => {
    for (const format of ["atom", "rss", "json"]) {
      const response = await fetch(`${server.baseUrl}/tags/${encodeURIComponent("no such tag")}/feed.${format}`);
      expect(response.status).toBe(404);
      expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
      expect(await response.text()).toBe("No post carries this tag, so it has no feed.");
    }
  });

  it("answers 304 to a reader that already has the current feed (If-None-Match)", async () => {
    const first = await fetch(`${server.baseUrl}/feed.atom`);
    const etag = first.headers.get("etag");
    await first.arrayBuffer();
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await fetch(`${server.baseUrl}/feed.atom`, { headers: { "If-None-Match": etag! } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    const other = await fetch(`${server.baseUrl}/feed.rss`, { headers: { "If-None-Match": etag! } });
    expect(other.status).toBe(200);
    await other.arrayBuffer();
  });
});

describe("comments feed over HTTP", () => {
  it("carries a hostile comment well-formed, each entry with the comment licence link", async () => {
    const posted = await fetch(url(HOSTILE_SLUG), {
      method: "POST",
      headers: { Origin: server.baseUrl, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        // Control characters, U+FFFE and a lone surrogate: whatever the form keeps, the feed drops.
        name: `${HOSTILE_COMMENTER}\u0001\uFFFE`,
        body: "A comment ]]> with & and <script>alert(1)</script> ]]> and\u0001\u000B\u001F\uFFFE\uD800 an end.",
      }),
      redirect: "manual",
    });
    expect(posted.status).toBe(303);
    await posted.arrayBuffer();

    const response = await fetch(`${url(HOSTILE_SLUG)}/comments.atom`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/atom+xml; charset=utf-8");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    const xml = await response.text();
    expect(NOT_XML_CHAR.test(xml)).toBe(false);
    const root = parseStrictXml(xml);
    const [entry] = children(root, ATOM_NS, "entry");
    expect(textOf(child(child(entry, ATOM_NS, "author"), ATOM_NS, "name")).trim()).toBe(HOSTILE_COMMENTER);
    expect(textOf(child(entry, ATOM_NS, "content"))).toContain("]]&gt; with &amp; and");
    // Comments are under the site's licence here (commentLicense: site-default).
    expect(atomLinks(entry, "license")).toEqual([POST_LICENSE_URL]);
    expect(textOf(child(root, ATOM_NS, "title")).trim()).toBe(
      `Comments on “\u2068${HOSTILE_TITLE}\u2069” · Practice Notes`,
    );

    const feed = parseFeed(xml);
    expect(feed.items[0].authors[0].name).toBe(HOSTILE_COMMENTER);
    // The name set apart by U+2068 … U+2069 (a bidirectional isolate) in the title's sentence.
    expect(feed.items[0].title).toBe(`Comment 1 by \u2068${HOSTILE_COMMENTER}\u2069`);

    // The demo thread's 22 entries each carry the licence link too.
    const demo = parseStrictXml(await (await fetch(`${server.baseUrl}${DEMO_PATH}/comments.atom`)).text());
    const demoEntries = children(demo, ATOM_NS, "entry");
    expect(demoEntries).toHaveLength(22);
    for (const e of demoEntries) expect(atomLinks(e, "license")).toEqual([POST_LICENSE_URL]);
  });
});
