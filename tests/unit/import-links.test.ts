import { createReadStream } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseExport } from "~/import/formats/parse";
import { linkRewriter } from "~/import/links";
import type { ImportedAttachment, ImportedPost } from "~/import/model";
import { postListingRedirects, siteListingRedirects } from "~/import/old-listings";

describe("links between imported posts", () => {
  const book = new Map([
    ["/2013/06/first-day.html", "/posts/first-day"],
    ["/?p=42", "/posts/team-teaching"],
    ["/blog/2013/06/14/team-teaching", "/posts/team-teaching"],
  ]);
  const rewriter = () => linkRewriter(book, ["https://coach.blogspot.com", "https://example.org/blog"]);

  it("rewrites the old site's addresses of imported posts, on any of its hosts or site-relative", () => {
    const links = rewriter();
    expect(links.rewrite("https://coach.blogspot.com/2013/06/first-day.html")).toBe("/posts/first-day");
    expect(links.rewrite("http://coach.blogspot.de/2013/06/first-day.html?m=1")).toBe("/posts/first-day");
    expect(links.rewrite("//www.example.org/?p=42")).toBe("/posts/team-teaching");
    expect(links.rewrite("/blog/2013/06/14/team-teaching/")).toBe("/posts/team-teaching");
    expect(links.rewrite("/blog/2013/06/14/team-teaching/#comments")).toBe("/posts/team-teaching#comments");
    expect(links.rewritten).toBe(5);
  });

  it("leaves other sites, other schemes, unknown posts, anchors and comment links as they are", () => {
    const links = rewriter();
    for (const href of [
      "https://elsewhere.example/2013/06/first-day.html",
      "mailto:coach@example.org",
      "https://example.org/blog/2013/06/14/never-written/",
      "#comments",
      "https://coach.blogspot.com/2013/06/first-day.html?showComment=1371193920000#c201",
      "javascript:alert(1)",
    ]) {
      expect(links.rewrite(href), href).toBe(href);
    }
    expect(links.rewritten).toBe(0);
  });
});

describe("the old site's feeds and listings", () => {
  const post: ImportedPost = {
    sourceId: "42",
    kind: "post",
    title: "Team teaching",
    html: "",
    summary: null,
    published: "2013-06-14T05:33:00.000Z",
    updated: null,
    status: "published",
    tags: ["coaching"],
    authorSourceId: null,
    oldUrls: ["https://example.org/blog/2013/06/14/team-teaching/", "https://example.org/blog/?p=42"],
    slugHint: "team-teaching",
    commentsOpen: true,
    tagUrls: [{ tag: "coaching", url: "https://example.org/blog/tag/coaching/" }],
  };

  it("keeps a WordPress blog's folder in its feed, tag and archive addresses", () => {
    expect(siteListingRedirects("wxr", "https://example.org/blog")).toContainEqual(["/blog/feed/", "/feed.rss"]);
    expect(postListingRedirects("wxr", "https://example.org/blog", post, "team-teaching")).toEqual([
      ["/blog/2013/06/14/team-teaching/feed/", "/posts/team-teaching/comments.atom"],
      ["https://example.org/blog/tag/coaching/", "/tags/coaching"],
      ["/blog/2013/06/14/", "/archive/2013/06"],
      ["/blog/2013/06/", "/archive/2013/06"],
      ["/blog/2013/", "/archive#year-2013"],
    ]);
  });

  it("gives a Disqus import no listings: its addresses belong to the blog it discussed", () => {
    expect(siteListingRedirects("disqus", null)).toEqual([]);
    expect(postListingRedirects("disqus", null, post, "team-teaching")).toEqual([]);
  });
});

describe("WordPress featured images", () => {
  it("hands on each attachment as an image and each post's _thumbnail_id, whichever comes first", async () => {
    const posts: ImportedPost[] = [];
    const attachments: ImportedAttachment[] = [];
    const skipped: string[] = [];
    await parseExport(createReadStream("tests/fixtures/import/wordpress-links-covers.xml"), {
      blog() {},
      author() {},
      post: (p) => void posts.push(p),
      comment() {},
      attachment: (a) => void attachments.push(a),
      skipped: (what) => void skipped.push(what),
    });
    expect(posts.map((p) => [p.slugHint, p.coverSourceId])).toEqual([
      ["routines", "320"],
      ["exit-tickets", "319"],
    ]);
    expect(attachments).toEqual([
      {
        sourceId: "319",
        parentSourceId: "302",
        image: {
          url: "https://teachingnotes.example/wp-content/uploads/2014/02/tickets.png",
          alt: "A pile of exit tickets",
          caption: "Image: Jane Doe / Flickr / CC BY-SA 2.0",
          credit: null,
        },
      },
      {
        sourceId: "320",
        parentSourceId: "301",
        image: {
          url: "https://teachingnotes.example/wp-content/uploads/2014/01/door.jpg",
          alt: "A classroom door",
          caption: "Photo Credit: Ana via Flickr cc",
          credit: null,
        },
      },
    ]);
    expect(skipped).toEqual([]);
    expect(posts[1].tagUrls).toEqual([
      { tag: "Assessment", url: "https://teachingnotes.example/category/assessment/" },
    ]);
  });
});
