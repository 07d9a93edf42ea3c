import { parseFeed } from "@rowanmanning/feed-parser";
import { describe, expect, it } from "vitest";
import { getLicense } from "~/licences/catalogue";
import { buildCommentsFeed, FEED_MAX_ENTRIES, type FeedComment } from "~/feeds/comments-feed.server";
import { xmlSafe } from "~/feeds/xml-safe";
import { ATOM_NS, child, children, NOT_XML_CHAR, parseStrictXml, textOf, type XmlElement } from "../support/feed-xml";

/**
 * The comments feed's XML, from plain values: well-formed whatever the
 * comments hold, each entry carrying the comment licence. Read back with a
 * strict XML 1.0 parser (saxes) and a feed reader's parser
 * (@rowanmanning/feed-parser), neither of them the generator (feedsmith).
 */

function comment(overrides: Partial<FeedComment> = {}): FeedComment {
  return {
    id: 7,
    number: "2.1",
    anchor: "comment-2-1",
    authorName: "Ada",
    html: "<p>Hello</p>",
    createdAt: new Date("2025-03-04T05:06:07Z"),
    part: null,
    license: null,
    ...overrides,
  };
}

const base = {
  origin: "http://127.0.0.1:3000",
  siteTitle: "Staffroom",
  post: { slug: "a-post", title: "A post", published: "2025-03-01" },
  license: getLicense("cc-by-sa-4.0"),
};

/** Strictly parsed, with no character XML forbids: what any XML reader accepts. */
function strict(xml: string): XmlElement {
  expect(NOT_XML_CHAR.test(xml)).toBe(false);
  const root = parseStrictXml(xml);
  expect(root.ns).toBe(ATOM_NS);
  expect(root.local).toBe("feed");
  return root;
}

function links(element: XmlElement, rel: string): string[] {
  return children(element, ATOM_NS, "link")
    .filter((link) => (link.attrs.rel ?? "alternate") === rel)
    .map((link) => link.attrs.href);
}

describe("comments feed (Atom 1.0, RFC 4287)", () => {
  it("describes each comment: permalink id, anchor link, author, times, HTML content", () => {
    const xml = buildCommentsFeed({
      ...base,
      comments: [comment(), comment({ id: 5, number: "1", anchor: "comment-1", part: { index: 1, count: 2 } })],
    });
    const root = strict(xml);
    expect(textOf(child(root, ATOM_NS, "id")).trim()).toBe("http://127.0.0.1:3000/posts/a-post/comments.atom");
    expect(links(root, "self")).toEqual(["http://127.0.0.1:3000/posts/a-post/comments.atom"]);
    expect(links(root, "alternate")).toEqual(["http://127.0.0.1:3000/posts/a-post"]);

    const feed = parseFeed(xml);
    expect(feed.updated?.toISOString()).toBe("2025-03-04T05:06:07.000Z");
    expect(feed.url).toBe("http://127.0.0.1:3000/posts/a-post");
    expect(feed.self).toBe("http://127.0.0.1:3000/posts/a-post/comments.atom");
    const [first, second] = feed.items;
    expect(first.id).toBe("http://127.0.0.1:3000/comments/7");
    expect(first.url).toBe("http://127.0.0.1:3000/posts/a-post#comment-2-1");
    expect(first.authors.map((a) => a.name)).toEqual(["Ada"]);
    expect(first.updated?.toISOString()).toBe("2025-03-04T05:06:07.000Z");
    expect(first.published?.toISOString()).toBe("2025-03-04T05:06:07.000Z");
    // The name set apart by U+2068 … U+2069 (a bidirectional isolate).
    expect(first.title).toBe("Comment 2.1 by \u2068Ada\u2069");
    expect(first.content).toBe("<p>Hello</p>");
    expect(second.title).toBe("Comment 1 by \u2068Ada\u2069 (part 1 of 2)");

    const entry = children(root, ATOM_NS, "entry")[0];
    expect(child(entry, ATOM_NS, "title").attrs.type).toBe("text");
    expect(child(entry, ATOM_NS, "content").attrs.type).toBe("html");
  });

  it("gives every entry the comment licence: a rel=license link to the deed and a rights sentence", () => {
    const root = strict(
      buildCommentsFeed({ ...base, comments: [comment(), comment({ id: 8, number: "3", anchor: "comment-3" })] }),
    );
    const entries = children(root, ATOM_NS, "entry");
    expect(entries).toHaveLength(2);
    for (const entry of entries) {
      expect(links(entry, "license")).toEqual(["https://creativecommons.org/licenses/by-sa/4.0/"]);
      expect(textOf(child(entry, ATOM_NS, "rights")).trim()).toBe(
        "Licensed under Creative Commons Attribution-ShareAlike 4.0 International.",
      );
    }
  });

  it("keeps each comment's own recorded licence, whatever the setting is now, and states none for the whole feed", () => {
    const root = strict(
      buildCommentsFeed({
        ...base,
        comments: [
          comment({ license: getLicense("cc-by-nc-sa-3.0") }),
          comment({ id: 8, number: "3", anchor: "comment-3" }),
        ],
      }),
    );
    const [old, recent] = children(root, ATOM_NS, "entry");
    expect(links(old, "license")).toEqual(["https://creativecommons.org/licenses/by-nc-sa/3.0/"]);
    expect(links(recent, "license")).toEqual(["https://creativecommons.org/licenses/by-sa/4.0/"]);
    expect(links(root, "license")).toEqual([]);
  });

  it("has no licence link under all rights reserved, only the rights sentence naming the writer", () => {
    const root = strict(
      buildCommentsFeed({ ...base, license: getLicense("all-rights-reserved"), comments: [comment()] }),
    );
    const entry = children(root, ATOM_NS, "entry")[0];
    expect(links(entry, "license")).toEqual([]);
    expect(links(root, "license")).toEqual([]);
    expect(textOf(child(entry, ATOM_NS, "rights")).trim()).toBe("© \u2068Ada\u2069. All rights reserved.");
  });

  it("stays well-formed with control characters, lone surrogates, ]]> and markup in names and bodies", () => {
    const hostile = 'Eve\u0000\u0007\u001b\u000b\u001f <script>alert(1)</script> ]]> ]]> & "q" \uD800 \uFFFE';
    const xml = buildCommentsFeed({
      ...base,
      post: { ...base.post, title: `Title ${hostile}` },
      siteTitle: `Site ${hostile}`,
      comments: [comment({ authorName: hostile, html: `<p>${hostile}</p><pre>tab\there\nline</pre>` })],
    });
    const root = strict(xml);
    const entry = children(root, ATOM_NS, "entry")[0];
    const name = 'Eve <script>alert(1)</script> ]]> ]]> & "q"';
    expect(textOf(child(child(entry, ATOM_NS, "author"), ATOM_NS, "name")).trim()).toBe(name);
    // A text title: the name in it is text, never markup.
    expect(textOf(child(entry, ATOM_NS, "title")).trim()).toBe(`Comment 2.1 by \u2068${name}\u2069`);
    const content = textOf(child(entry, ATOM_NS, "content"));
    expect(content).toContain("tab\there\nline");
    expect(content).toContain("]]> ]]>");
    expect(content).not.toContain("\u0007");

    const item = parseFeed(xml).items[0];
    expect(item.authors[0].name).toBe(name);
    expect(item.title).toBe(`Comment 2.1 by \u2068${name}\u2069`);
  });

  it("is a valid empty feed before the first comment, dated by the post", () => {
    const xml = buildCommentsFeed({ ...base, comments: [] });
    const root = strict(xml);
    expect(textOf(child(root, ATOM_NS, "updated"))).toBe("2025-03-01T00:00:00.000Z");
    expect(children(root, ATOM_NS, "entry")).toEqual([]);
  });

  it(`holds at most ${FEED_MAX_ENTRIES} entries`, () => {
    const many = Array.from({ length: 60 }, (_, i) =>
      comment({ id: i + 1, number: String(i + 1), anchor: `comment-${i + 1}` }),
    );
    expect(parseFeed(buildCommentsFeed({ ...base, comments: many })).items).toHaveLength(FEED_MAX_ENTRIES);
  });

  it("xmlSafe strips C0 controls but keeps tab and newline", () => {
    expect(xmlSafe("a\u0000b\u0001c\td\ne\rf\u001fg")).toBe("abc\td\nefg");
  });
});
