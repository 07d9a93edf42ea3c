import { XMLValidator } from "fast-xml-parser";
import { parseAtomFeed } from "feedsmith";
import { describe, expect, it } from "vitest";
import { buildCommentsFeed, FEED_MAX_ENTRIES, xmlSafe, type FeedComment } from "~/notifications/feed.server";

/** The comments feed's XML, from plain values: well-formed whatever the comments hold. */

/** Characters outside XML 1.0's Char production (§2.2), which fast-xml-parser's validator lets through. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

function wellFormed(xml: string): void {
  expect(XMLValidator.validate(xml, { allowBooleanAttributes: false })).toBe(true);
  expect(NOT_XML_CHAR.test(xml)).toBe(false);
}

function comment(overrides: Partial<FeedComment> = {}): FeedComment {
  return {
    id: 7,
    number: "2.1",
    anchor: "comment-2-1",
    authorName: "Ada",
    html: "<p>Hello</p>",
    createdAt: new Date("2025-03-04T05:06:07Z"),
    part: null,
    ...overrides,
  };
}

const base = { origin: "http://127.0.0.1:3000", siteTitle: "Staffroom", post: { slug: "a-post", title: "A post", published: "2025-03-01" } };

describe("comments feed (Atom 1.0, RFC 4287)", () => {
  it("describes each comment: permalink id, anchor link, author, times, HTML content", () => {
    const xml = buildCommentsFeed({ ...base, comments: [comment(), comment({ id: 5, number: "1", anchor: "comment-1", part: { index: 1, count: 2 } })] });
    wellFormed(xml);
    const feed = parseAtomFeed(xml);
    expect(feed.id).toBe("http://127.0.0.1:3000/posts/a-post/comments.atom");
    expect(feed.updated).toBe("2025-03-04T05:06:07.000Z");
    expect(feed.links).toEqual(
      expect.arrayContaining([
        { href: "http://127.0.0.1:3000/posts/a-post", rel: "alternate" },
        { href: "http://127.0.0.1:3000/posts/a-post/comments.atom", rel: "self" },
      ]),
    );
    const [first, second] = feed.entries ?? [];
    expect(first.id).toBe("http://127.0.0.1:3000/comments/7");
    expect(first.links).toEqual([{ href: "http://127.0.0.1:3000/posts/a-post#comment-2-1" }]);
    expect(first.authors).toEqual([{ name: "Ada" }]);
    expect(first.updated).toBe("2025-03-04T05:06:07.000Z");
    expect(first.published).toBe("2025-03-04T05:06:07.000Z");
    expect(first.title).toEqual({ value: "Comment 2.1 by Ada", type: "html" });
    expect(first.content).toEqual({ value: "<p>Hello</p>", type: "html" });
    expect(second.title?.value).toBe("Comment 1 by Ada (part 1 of 2)");
  });

  it("stays well-formed with control characters, lone surrogates, ]]> and markup in names and bodies", () => {
    const hostile = "Eve\u0000\u0007\u001b <script>alert(1)</script> ]]> ]]> & \uD800 \uFFFE";
    const xml = buildCommentsFeed({
      ...base,
      post: { ...base.post, title: `Title ${hostile}` },
      siteTitle: `Site ${hostile}`,
      comments: [comment({ authorName: hostile, html: `<p>${hostile}</p><pre>tab\there\nline</pre>` })],
    });
    wellFormed(xml);
    const entry = parseAtomFeed(xml).entries![0];
    expect(entry.authors![0].name).toBe("Eve <script>alert(1)</script> ]]> ]]> &");
    // The title is declared HTML: the name in it is escaped text, never markup.
    expect(entry.title?.value).toContain("Eve &lt;script&gt;");
    expect(entry.content?.value).toContain("tab\there\nline");
    expect(entry.content?.value).not.toContain("\u0007");
  });

  it("is a valid empty feed before the first comment, dated by the post", () => {
    const xml = buildCommentsFeed({ ...base, comments: [] });
    wellFormed(xml);
    const feed = parseAtomFeed(xml);
    expect(feed.updated).toBe("2025-03-01T00:00:00.000Z");
    expect(feed.entries ?? []).toEqual([]);
  });

  it(`holds at most ${FEED_MAX_ENTRIES} entries`, () => {
    const many = Array.from({ length: 60 }, (_, i) => comment({ id: i + 1, number: String(i + 1), anchor: `comment-${i + 1}` }));
    expect(parseAtomFeed(buildCommentsFeed({ ...base, comments: many })).entries).toHaveLength(FEED_MAX_ENTRIES);
  });

  it("xmlSafe strips C0 controls but keeps tab and newline", () => {
    expect(xmlSafe("a\u0000b\u0001c\td\ne\rf\u001fg")).toBe("abc\td\nefg");
  });
});
