import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Transform } from "node:stream";
import { JSDOM } from "jsdom";
import { RdfaParser } from "rdfa-streaming-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ATOM_NS, CC_RSS_NS, child, children, parseStrictXml, textOf, type XmlElement } from "../support/feed-xml";
import { startTestServer, type TestServer } from "../support/server";

/**
 * Issue 5, "Tests that show it": for each licence in the catalogue, one post
 * under it, and the licence URL read back with real parsers from the post
 * page's RDFa (rdfa-streaming-parser), its JSON-LD (JSON.parse of the script
 * found through a DOM), the Atom feed (rel="license" links, strict XML) and
 * the RSS feed (creativeCommons:license, by namespace URI) must all agree;
 * the reuse panel's attribution and permissions must say the right thing.
 *
 * Expected values are written out by hand from the Creative Commons deeds,
 * not taken from the catalogue module.
 */

interface Expected {
  url: string | null;
  shortName: string;
  adapt: boolean;
  commercial: boolean;
  credit: boolean;
  shareAlike: boolean;
}

const CC = "https://creativecommons.org/licenses";
const EXPECTED: Record<string, Expected> = {
  "cc0-1.0": {
    url: "https://creativecommons.org/publicdomain/zero/1.0/",
    shortName: "CC0 1.0",
    adapt: true,
    commercial: true,
    credit: false,
    shareAlike: false,
  },
  "cc-by-4.0": {
    url: `${CC}/by/4.0/`,
    shortName: "CC BY 4.0",
    adapt: true,
    commercial: true,
    credit: true,
    shareAlike: false,
  },
  "cc-by-sa-4.0": {
    url: `${CC}/by-sa/4.0/`,
    shortName: "CC BY-SA 4.0",
    adapt: true,
    commercial: true,
    credit: true,
    shareAlike: true,
  },
  "cc-by-nc-4.0": {
    url: `${CC}/by-nc/4.0/`,
    shortName: "CC BY-NC 4.0",
    adapt: true,
    commercial: false,
    credit: true,
    shareAlike: false,
  },
  "cc-by-nc-sa-4.0": {
    url: `${CC}/by-nc-sa/4.0/`,
    shortName: "CC BY-NC-SA 4.0",
    adapt: true,
    commercial: false,
    credit: true,
    shareAlike: true,
  },
  "cc-by-nd-4.0": {
    url: `${CC}/by-nd/4.0/`,
    shortName: "CC BY-ND 4.0",
    adapt: false,
    commercial: true,
    credit: true,
    shareAlike: false,
  },
  "cc-by-nc-nd-4.0": {
    url: `${CC}/by-nc-nd/4.0/`,
    shortName: "CC BY-NC-ND 4.0",
    adapt: false,
    commercial: false,
    credit: true,
    shareAlike: false,
  },
  "cc-by-3.0": {
    url: `${CC}/by/3.0/`,
    shortName: "CC BY 3.0 Unported",
    adapt: true,
    commercial: true,
    credit: true,
    shareAlike: false,
  },
  "cc-by-sa-3.0": {
    url: `${CC}/by-sa/3.0/`,
    shortName: "CC BY-SA 3.0 Unported",
    adapt: true,
    commercial: true,
    credit: true,
    shareAlike: true,
  },
  "cc-by-nc-3.0": {
    url: `${CC}/by-nc/3.0/`,
    shortName: "CC BY-NC 3.0 Unported",
    adapt: true,
    commercial: false,
    credit: true,
    shareAlike: false,
  },
  "cc-by-nc-sa-3.0": {
    url: `${CC}/by-nc-sa/3.0/`,
    shortName: "CC BY-NC-SA 3.0 Unported",
    adapt: true,
    commercial: false,
    credit: true,
    shareAlike: true,
  },
  "cc-by-nd-3.0": {
    url: `${CC}/by-nd/3.0/`,
    shortName: "CC BY-ND 3.0 Unported",
    adapt: false,
    commercial: true,
    credit: true,
    shareAlike: false,
  },
  "cc-by-nc-nd-3.0": {
    url: `${CC}/by-nc-nd/3.0/`,
    shortName: "CC BY-NC-ND 3.0 Unported",
    adapt: false,
    commercial: false,
    credit: true,
    shareAlike: false,
  },
  "all-rights-reserved": {
    url: null,
    shortName: "All rights reserved",
    adapt: false,
    commercial: false,
    credit: false,
    shareAlike: false,
  },
};

const XHV_LICENSE = "http://www.w3.org/1999/xhtml/vocab#license";
const AUTHOR = "Rowan Okafor";
const CONTACT = "rowan@school.example";
const slugFor = (id: string) => `licence-${id.replace(/\./g, "-")}`;
const titleFor = (id: string) => `Sharing practice under ${id}`;

async function addPosts(cwd: string): Promise<void> {
  await writeFile(
    path.join(cwd, "content/authors/rowan-okafor.yaml"),
    `name: ${AUTHOR}\nrole: Instructional coach\naccountEmail: ''\ncontact: ${CONTACT}\nbio: ''\nlinks:\n  - label: Blog\n    url: https://rowan.example/\n`,
  );
  await mkdir(path.join(cwd, "content/posts"), { recursive: true });
  let day = 1;
  for (const id of Object.keys(EXPECTED)) {
    await writeFile(
      path.join(cwd, "content/posts", `${slugFor(id)}.md`),
      [
        "---",
        `title: ${titleFor(id)}`,
        `published: 2026-10-${String(day++).padStart(2, "0")}`,
        "author: rowan-okafor",
        "tags:",
        "  - licence-check",
        `summary: A post published under ${id}.`,
        `license: ${id}`,
        "commentsOpen: true",
        "---",
        `This post is published under ${id}.`,
        "",
      ].join("\n"),
    );
  }
}

/** Every object of `subject xhv:license ?o` in the page's RDFa. */
async function rdfaLicenses(html: string, baseIRI: string, subject: string): Promise<string[]> {
  const found = new Set<string>();
  await new Promise<void>((resolve, reject) => {
    // A Node Transform stream at run time; its typings come from readable-stream.
    const parser = new RdfaParser({ baseIRI, contentType: "text/html" }) as unknown as Transform;
    parser.on(
      "data",
      (quad: { subject: { value: string }; predicate: { value: string }; object: { value: string } }) => {
        if (quad.subject.value === subject && quad.predicate.value === XHV_LICENSE) found.add(quad.object.value);
      },
    );
    parser.on("error", reject);
    parser.on("end", resolve);
    parser.write(html);
    parser.end();
  });
  return [...found];
}

function jsonLdPosting(document: Document): Record<string, unknown> {
  const blocks = [...document.querySelectorAll('script[type="application/ld+json"]')].map((s) =>
    JSON.parse(s.textContent ?? ""),
  );
  const postings = blocks.filter((block) => block["@type"] === "BlogPosting");
  expect(postings).toHaveLength(1);
  return postings[0];
}

/** Atom: the entry whose id is the post's URL, and its rel="license" hrefs. */
function atomLicenses(feed: XmlElement, postUrl: string): string[] {
  const entry = children(feed, ATOM_NS, "entry").find((e) => textOf(child(e, ATOM_NS, "id")).trim() === postUrl);
  if (!entry) throw new Error(`no Atom entry for ${postUrl}`);
  return children(entry, ATOM_NS, "link")
    .filter((link) => link.attrs.rel === "license")
    .map((link) => link.attrs.href);
}

/** RSS: the item whose link is the post's URL, and its creativeCommons:license values. */
function rssLicenses(rss: XmlElement, postUrl: string): string[] {
  const channel = child(rss, "", "channel");
  const item = children(channel, "", "item").find((i) => textOf(child(i, "", "link")).trim() === postUrl);
  if (!item) throw new Error(`no RSS item for ${postUrl}`);
  return children(item, CC_RSS_NS, "license").map((l) => textOf(l).trim());
}

describe("every licence in the catalogue, stated the same to people and machines", () => {
  let server: TestServer;
  let atom: XmlElement;
  let rss: XmlElement;

  beforeAll(async () => {
    server = await startTestServer({ sandbox: true, beforeStart: (_data, cwd) => addPosts(cwd) });
    const [atomRes, rssRes] = await Promise.all([
      fetch(`${server.baseUrl}/feed.atom`),
      fetch(`${server.baseUrl}/feed.rss`),
    ]);
    expect(atomRes.status).toBe(200);
    expect(rssRes.status).toBe(200);
    atom = parseStrictXml(await atomRes.text());
    rss = parseStrictXml(await rssRes.text());
  }, 120_000);
  afterAll(async () => server?.stop());

  it.each(Object.entries(EXPECTED))("%s", async (id, expected) => {
    const postUrl = `${server.baseUrl}/posts/${slugFor(id)}`;
    const response = await fetch(postUrl);
    expect(response.status).toBe(200);
    const html = await response.text();
    const { document } = new JSDOM(html).window;
    const want = expected.url ? [expected.url] : [];

    // The same licence URL (or none) in RDFa, JSON-LD, Atom and RSS.
    expect(await rdfaLicenses(html, postUrl, postUrl)).toEqual(want);
    const posting = jsonLdPosting(document);
    expect(posting.license ?? null).toBe(expected.url);
    expect(atomLicenses(atom, postUrl)).toEqual(want);
    expect(rssLicenses(rss, postUrl)).toEqual(want);

    // The reuse panel: licence, plain-words permissions, and the attribution.
    const panel = document.querySelector("#reuse")!;
    expect(panel).not.toBeNull();
    const words = [...panel.querySelectorAll(":scope > ul > li")].map((li) => li.textContent).join(" ");
    const attributionText =
      (document.querySelector("#reuse-attribution-plain-text") as HTMLTextAreaElement | null)?.value ?? null;
    if (!expected.url) {
      expect(words).toContain("All rights are reserved");
      expect(attributionText).toBeNull();
      const ask = [...panel.querySelectorAll("a")].find((a) => a.textContent === "Ask the author for permission");
      expect(ask?.getAttribute("href")).toMatch(new RegExp(`^mailto:${CONTACT.replace(".", "\\.")}\\?subject=`));
      // The notice under the post says how to ask, too.
      expect(document.querySelector(".license-notice")?.textContent).toContain("All rights reserved");
      expect(document.querySelector(".license-notice a")?.getAttribute("href")).toBe(ask?.getAttribute("href"));
      return;
    }
    expect(words).toMatch(/You may copy(,| and) share/);
    expect(words.includes("You may not share adaptations")).toBe(!expected.adapt);
    expect(words.includes("You may not use it for commercial purposes")).toBe(!expected.commercial);
    expect(words.includes("You must give credit")).toBe(expected.credit);
    expect(words.includes("If you adapt it and share your adaptation, you must release it under")).toBe(
      expected.shareAlike,
    );
    if (expected.shareAlike) expect(words).toContain(`release it under ${expected.shortName}`);
    expect(attributionText).toBe(
      `“${titleFor(id)}” by ${AUTHOR} (${postUrl}) is licensed under ${expected.shortName} (${expected.url}).`,
    );
    // The visible notice links the deed with rel="license".
    const deed = document.querySelector('.license-notice a[rel~="license"]');
    expect(deed?.getAttribute("href")).toBe(expected.url);
    expect(deed?.textContent).toBe(expected.shortName);
  });
});

describe("images and comments carry their own licences", () => {
  let server: TestServer;
  const slug = "credited-images";
  const coverUrl = "https://creativecommons.org/licenses/by/2.0/";
  const bodyImageUrl = "https://creativecommons.org/licenses/by-sa/2.0/";
  const commentLicenseUrl = "https://creativecommons.org/licenses/by/4.0/";

  beforeAll(async () => {
    server = await startTestServer({
      sandbox: true,
      beforeStart: async (_data, cwd) => {
        await addPosts(cwd);
        const sitePath = path.join(cwd, "content/site.yaml");
        const { readFile } = await import("node:fs/promises");
        const site = (await readFile(sitePath, "utf8")).replace(/^commentLicense: .*$/m, "commentLicense: cc-by-4.0");
        await writeFile(sitePath, site);
        await writeFile(
          path.join(cwd, "content/posts", `${slug}.md`),
          [
            "---",
            "title: Two photos from the maker space",
            "published: 2026-11-01",
            "author: rowan-okafor",
            "cover:",
            "  image: /images/posts/what-does-a-technology-coach-do/cover/image.svg",
            "  alt: Pupils soldering",
            "  creator: Jo Lens",
            "  sourceName: Flickr",
            "  sourceUrl: https://flickr.example/jo/1",
            `  licenseUrl: ${coverUrl}`,
            "license: cc-by-nc-4.0",
            "commentsOpen: true",
            "---",
            "Before the photo.",
            "",
            `{% creditedImage src="/images/posts/what-does-a-technology-coach-do/cover/image.svg" alt="A robot & its maker" caption="Week three" creator="Sam <Shutter>" sourceName="Wikimedia Commons" sourceUrl="https://commons.example/robot" licenseUrl="${bodyImageUrl}" /%}`,
            "",
            "After the photo.",
            "",
          ].join("\n"),
        );
      },
    });
    const form = new URLSearchParams({ body: "Lovely robot. May I show this to my class?", name: "Ana" });
    const posted = await fetch(`${server.baseUrl}/posts/${slug}`, {
      method: "POST",
      body: form,
      headers: { Origin: server.baseUrl, "Content-Type": "application/x-www-form-urlencoded" },
      redirect: "manual",
    });
    expect(posted.status).toBe(303);
  }, 120_000);
  afterAll(async () => server?.stop());

  it("each image's licence is in RDFa about the image and in JSON-LD, with its credit line", async () => {
    const postUrl = `${server.baseUrl}/posts/${slug}`;
    const html = await (await fetch(postUrl)).text();
    const { document } = new JSDOM(html).window;
    const imageUrl = `${server.baseUrl}/images/posts/what-does-a-technology-coach-do/cover/image.svg`;
    // Both images are the same file here: its subject carries both licences; the post keeps its own.
    expect((await rdfaLicenses(html, postUrl, imageUrl)).sort()).toEqual([coverUrl, bodyImageUrl].sort());
    expect(await rdfaLicenses(html, postUrl, postUrl)).toEqual(["https://creativecommons.org/licenses/by-nc/4.0/"]);
    const images = jsonLdPosting(document).image as Record<string, unknown>[];
    expect(images.map((image) => [image.license, image.creditText, image.acquireLicensePage])).toEqual([
      [coverUrl, "Photo: Jo Lens via Flickr, CC BY 2.0", "https://flickr.example/jo/1"],
      [bodyImageUrl, "Photo: Sam <Shutter> via Wikimedia Commons, CC BY-SA 2.0", "https://commons.example/robot"],
    ]);
    const captions = [...document.querySelectorAll("figure figcaption .credit")].map((c) =>
      c.textContent?.replace(/\s+/g, " ").trim(),
    );
    expect(captions).toEqual([
      "Photo: Jo Lens via Flickr, CC BY 2.0 · Reuse this image",
      "Photo: Sam <Shutter> via Wikimedia Commons, CC BY-SA 2.0 · Reuse this image",
    ]);
  });

  it("each image has its own reuse panel with a ready attribution under the image's licence", async () => {
    const { document } = new JSDOM(await (await fetch(`${server.baseUrl}/posts/${slug}`)).text()).window;
    const cover = document.querySelector("#reuse-cover")!;
    const body = document.querySelector("#reuse-image-1")!;
    expect((cover.querySelector("#reuse-cover-attribution-plain-text") as HTMLTextAreaElement).value).toBe(
      "“Pupils soldering” by Jo Lens via Flickr (https://flickr.example/jo/1) is licensed under CC BY 2.0 (https://creativecommons.org/licenses/by/2.0/).",
    );
    expect((body.querySelector("#reuse-image-1-attribution-plain-text") as HTMLTextAreaElement).value).toBe(
      // Titled by its caption ("Week three"); its alt text describes it for readers who cannot see it.
      "“Week three” by Sam <Shutter> via Wikimedia Commons (https://commons.example/robot) is licensed under CC BY-SA 2.0 (https://creativecommons.org/licenses/by-sa/2.0/).",
    );
    expect(body.textContent).toContain("release it under CC BY-SA 2.0, a later version of it (such as CC BY-SA 4.0)");
    // The figure's "Reuse this image" link leads to that panel.
    expect(document.querySelector("#image-1 a.reuse-link")?.getAttribute("href")).toBe("#reuse-image-1");
  });

  it("comments are under the site's comment licence: on the form, in JSON-LD and in the comments feed", async () => {
    const { document } = new JSDOM(await (await fetch(`${server.baseUrl}/posts/${slug}`)).text()).window;
    const notice = document.querySelector("#comment-form .comment-license");
    expect(notice?.textContent).toContain("Your comment will be published under CC BY 4.0");
    expect(notice?.querySelector("a")?.getAttribute("href")).toBe(commentLicenseUrl);
    const comments = jsonLdPosting(document).comment as Record<string, unknown>[];
    expect(comments).toHaveLength(1);
    expect(comments[0]).toMatchObject({ "@type": "Comment", license: commentLicenseUrl, author: { name: "Ana" } });
    const feed = parseStrictXml(await (await fetch(`${server.baseUrl}/posts/${slug}/comments.atom`)).text());
    const entries = children(feed, ATOM_NS, "entry");
    expect(entries).toHaveLength(1);
    expect(
      children(entries[0], ATOM_NS, "link")
        .filter((l) => l.attrs.rel === "license")
        .map((l) => l.attrs.href),
    ).toEqual([commentLicenseUrl]);
    // The demo thread was written under the site's CC BY-NC-SA 3.0: the new setting does not relabel it.
    const demo = new JSDOM(await (await fetch(`${server.baseUrl}/posts/what-does-a-technology-coach-do`)).text()).window
      .document;
    const demoComments = jsonLdPosting(demo).comment as Record<string, unknown>[];
    expect(new Set(demoComments.map((c) => c.license))).toEqual(
      new Set(["https://creativecommons.org/licenses/by-nc-sa/3.0/"]),
    );
  });

  it("a comment keeps the licence its form stated after the setting changes; new ones get the new licence", async () => {
    const sitePath = path.join(server.cwd, "content/site.yaml");
    const { readFile } = await import("node:fs/promises");
    await writeFile(
      sitePath,
      (await readFile(sitePath, "utf8")).replace(/^commentLicense: .*$/m, "commentLicense: cc0-1.0"),
    );
    const posted = await fetch(`${server.baseUrl}/posts/${slug}`, {
      method: "POST",
      body: new URLSearchParams({ body: "Posted after the change.", name: "Ben" }),
      headers: { Origin: server.baseUrl, "Content-Type": "application/x-www-form-urlencoded" },
      redirect: "manual",
    });
    expect(posted.status).toBe(303);
    const { document } = new JSDOM(await (await fetch(`${server.baseUrl}/posts/${slug}`)).text()).window;
    expect(document.querySelector("#comment-form .comment-license a")?.getAttribute("href")).toBe(
      "https://creativecommons.org/publicdomain/zero/1.0/",
    );
    const byAuthor = Object.fromEntries(
      (jsonLdPosting(document).comment as { author: { name: string }; license: string }[]).map((c) => [
        c.author.name,
        c.license,
      ]),
    );
    expect(byAuthor).toEqual({ Ana: commentLicenseUrl, Ben: "https://creativecommons.org/publicdomain/zero/1.0/" });
    const feed = parseStrictXml(await (await fetch(`${server.baseUrl}/posts/${slug}/comments.atom`)).text());
    const licences = children(feed, ATOM_NS, "entry").map((entry) =>
      children(entry, ATOM_NS, "link")
        .filter((l) => l.attrs.rel === "license")
        .map((l) => l.attrs.href),
    );
    expect(licences).toEqual([["https://creativecommons.org/publicdomain/zero/1.0/"], [commentLicenseUrl]]);
  });
});
