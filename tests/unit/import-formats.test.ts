import { createReadStream } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseExport } from "~/import/formats/parse";
import {
  type ExportFormat,
  type ImportHandlers,
  type ImportedAuthor,
  type ImportedBlog,
  type ImportedComment,
  type ImportedPost,
  ImportFileError,
} from "~/import/model";

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/import/${name}`, import.meta.url));

interface Parsed {
  format: ExportFormat;
  calls: string[];
  blog: ImportedBlog | null;
  authors: ImportedAuthor[];
  posts: ImportedPost[];
  comments: ImportedComment[];
  skipped: Array<{ what: string; why: string }>;
}

/** Parses a fixture, keeping everything the handlers were given (the fixtures are small). */
async function parse(name: string, highWaterMark?: number): Promise<Parsed> {
  const out: Omit<Parsed, "format"> = { calls: [], blog: null, authors: [], posts: [], comments: [], skipped: [] };
  const handlers: ImportHandlers = {
    blog: (b) => {
      out.calls.push("blog");
      out.blog = b;
    },
    author: (a) => {
      out.calls.push("author");
      out.authors.push(a);
    },
    post: async (p) => {
      // An async handler, as a database write is: the parser must wait for it.
      await Promise.resolve();
      out.calls.push("post");
      out.posts.push(p);
    },
    comment: (c) => {
      out.calls.push("comment");
      out.comments.push(c);
    },
    skipped: (what, why) => {
      out.calls.push("skipped");
      out.skipped.push({ what, why });
    },
  };
  const format = await parseExport(createReadStream(fixture(name), { highWaterMark }), handlers);
  return { format, ...out };
}

const noop: ImportHandlers = { blog() {}, author() {}, post() {}, comment() {}, skipped() {} };

/** The error a refused file gives, so its message can be read. */
async function refusal(input: AsyncIterable<string | Buffer>): Promise<ImportFileError> {
  try {
    await parseExport(input, noop);
  } catch (error) {
    if (error instanceof ImportFileError) return error;
    throw error;
  }
  throw new Error("the file was accepted");
}

const fileRefusal = (name: string) => refusal(createReadStream(fixture(name)));

async function* textChunks(...chunks: string[]): AsyncGenerator<string> {
  for (const chunk of chunks) yield chunk;
}

function byText(comments: ImportedComment[], text: string): ImportedComment {
  const found = comments.find((c) => c.html.includes(text));
  if (!found) throw new Error(`no comment says "${text}"`);
  return found;
}

/** What every fixture holds, whatever the format: the thread a user would look for after importing. */
function expectTheFirstDayThread(parsed: Parsed) {
  const { comments } = parsed;
  const question = byText(comments, "How do you handle late arrivals?");
  const ownerReply = byText(comments, "Thank you, Maria!");
  // The reply comes before its parent in the file and still names it.
  expect(comments.indexOf(ownerReply)).toBeLessThan(comments.indexOf(question));
  expect(ownerReply.parentSourceId).toBe(question.sourceId);
  expect(ownerReply.byBlogOwner).toBe(true);
  expect(question.byBlogOwner).toBe(false);
  expect(question.parentSourceId).toBeNull();
  expect(question.authorName).toBe("Maria Papadopoulou");

  // Daniel's reply, cut in two by hand: consecutive, same writer, same parent, the second opens "Part 2".
  const first = byText(comments, "Late arrivals are a signal");
  const second = byText(comments, "Part 2: second, greet them");
  expect(comments.indexOf(second)).toBe(comments.indexOf(first) + 1);
  expect(second.authorName).toBe(first.authorName);
  expect(second.authorName).toBe("Daniel Reyes");
  expect(first.parentSourceId).toBe(question.sourceId);
  expect(second.parentSourceId).toBe(question.sourceId);
  expect(second.html.replace(/<[^>]+>/g, "").startsWith("Part 2")).toBe(true);

  // Every named parent is a comment of the same post in the file.
  for (const c of comments) {
    if (c.parentSourceId === null) continue;
    const parent = comments.find((p) => p.sourceId === c.parentSourceId);
    expect(parent?.postSourceId).toBe(c.postSourceId);
  }
  // Every comment belongs to a post the file holds.
  const postIds = new Set(parsed.posts.map((p) => p.sourceId));
  for (const c of comments) expect(postIds.has(c.postSourceId)).toBe(true);

  const anonymous = byText(comments, "rituals");
  expect(anonymous.authorName ?? "").toBe(parsed.format === "disqus" ? "Anonymous" : "");
  expect(anonymous.html).toContain("café");
  expect(anonymous.html).toContain("&amp;");

  const removed = comments.find((c) => c.status === "deleted");
  expect(removed?.authorName).toBe("Sam Lee");

  const thanks = byText(comments, "Ευχαριστώ");
  expect(thanks.html).toContain("Ευχαριστώ! شكرا جزيلا 谢谢 🙏");
  expect(thanks.authorName).toBe("Νίκος");
  expect(parsed.posts.find((p) => p.sourceId === thanks.postSourceId)?.title).toBe(
    "Κοινότητες μάθησης — مجتمعات التعلم — 学习共同体 🎓",
  );

  // The blog comes before anything else.
  expect(parsed.calls[0]).toBe("blog");
  expect(parsed.calls.filter((c) => c === "blog")).toHaveLength(1);
}

function expectPendingAndSpam(comments: ImportedComment[]) {
  expect(byText(comments, "Waiting for approval.").status).toBe("pending");
  expect(byText(comments, "Buy now!").status).toBe("spam");
  expect(byText(comments, "How do you handle late arrivals?").status).toBe("approved");
}

const learningCommunities = "<p>Café talk &amp; tea: ]]> is how CDATA ends.</p>";

describe("Blogger classic Atom export", () => {
  it("reads posts, the page, the draft, labels, permalinks and the licence notice", async () => {
    const parsed = await parse("blogger-classic.xml");
    expect(parsed.format).toBe("blogger-atom");
    expect(parsed.blog).toMatchObject({ title: "Coaching Notes", siteUrl: "https://coachingnotes.blogspot.com" });
    expect(parsed.blog?.licenseNotice).toContain("http://creativecommons.org/licenses/by-sa/4.0/");
    expect(parsed.blog?.licenseNotice).toContain("Creative Commons Attribution-ShareAlike 4.0");

    expect(parsed.posts.map((p) => [p.kind, p.status, p.title])).toEqual([
      ["post", "published", "First day back: routines that stick"],
      ["post", "draft", "Unfinished: feedback loops"],
      ["page", "published", "About me"],
      ["post", "published", "Κοινότητες μάθησης — مجتمعات التعلم — 学习共同体 🎓"],
    ]);
    const [firstDay, draft, about, communities] = parsed.posts;
    expect(firstDay?.tags).toEqual(["routines", "classroom management"]);
    expect(firstDay?.oldUrls).toEqual(["https://coachingnotes.blogspot.com/2013/06/first-day-back.html"]);
    expect(firstDay?.slugHint).toBe("first-day-back");
    expect(firstDay?.published).toBe("2013-06-14T05:33:00.000Z");
    expect(firstDay?.html).toContain("<p>Start with the door &amp; the greeting.</p>");
    expect(firstDay?.authorSourceId).toBe("https://www.blogger.com/profile/111");
    expect(draft?.published).toBeNull();
    expect(about?.oldUrls).toEqual(["https://coachingnotes.blogspot.com/p/about.html"]);
    expect(communities?.html).toBe(learningCommunities);
    expect(communities?.tags).toEqual(["κοινότητες"]);

    expect(parsed.authors).toEqual([
      {
        sourceId: "https://www.blogger.com/profile/111",
        name: "Helen Okafor",
        email: null,
        url: "https://www.blogger.com/profile/111",
      },
    ]);
    expect(parsed.skipped.map((s) => s.what)).toEqual(["the blog's template", "1 Blogger settings entries"]);
  });

  it("reads the comments: parents, owner, Anonymous, removed, old addresses", async () => {
    const parsed = await parse("blogger-classic.xml");
    expect(parsed.comments).toHaveLength(7);
    expectTheFirstDayThread(parsed);
    const question = byText(parsed.comments, "How do you handle late arrivals?");
    expect(question.sourceId).toBe("tag:blogger.com,1999:blog-7000.post-201");
    expect(question.postSourceId).toBe("tag:blogger.com,1999:blog-7000.post-101");
    expect(question.published).toBe("2013-06-14T07:12:00.000Z");
    expect(question.oldUrls).toEqual([
      "https://coachingnotes.blogspot.com/2013/06/first-day-back.html?showComment=1371193920000#c201",
    ]);
    expect(byText(parsed.comments, "rituals").authorEmail).toBeNull();
    expect(byText(parsed.comments, "removed by the author").status).toBe("deleted");
  });

  it("reads the same whatever the chunk boundaries (multi-byte characters split across chunks)", async () => {
    const whole = await parse("blogger-classic.xml");
    const crumbs = await parse("blogger-classic.xml", 7);
    expect(crumbs.posts).toEqual(whole.posts);
    expect(crumbs.comments).toEqual(whole.comments);
  });
});

describe("Blogger Takeout feed.atom", () => {
  it("reads types, statuses, file names and the thread", async () => {
    const parsed = await parse("blogger-takeout.atom");
    expect(parsed.format).toBe("blogger-takeout");
    expect(parsed.blog).toMatchObject({ format: "blogger-takeout", title: "Coaching Notes" });
    expect(parsed.posts.map((p) => [p.kind, p.status, p.title, p.slugHint])).toEqual([
      ["post", "published", "First day back: routines that stick", "first-day-back"],
      ["post", "draft", "Unfinished: feedback loops", null],
      ["page", "published", "About me", "about"],
      ["post", "published", "Κοινότητες μάθησης — مجتمعات التعلم — 学习共同体 🎓", "learning-communities"],
    ]);
    expect(parsed.posts[0]?.oldUrls).toEqual(["/2013/06/first-day-back.html"]);
    expect(parsed.posts[0]?.tags).toEqual(["routines", "classroom management"]);
    expect(parsed.posts[3]?.html).toBe(learningCommunities);
    expect(parsed.skipped).toEqual([
      { what: "post tag:blogger.com,1999:blog-8000.post-105", why: "it was deleted on Blogger (status SOFT_TRASHED)" },
      { what: "comment tag:blogger.com,1999:blog-8000.post-210", why: "its post was deleted on Blogger" },
    ]);

    expect(parsed.comments).toHaveLength(9);
    expectTheFirstDayThread(parsed);
    expectPendingAndSpam(parsed.comments);
    // inReplyTo written as a bare number and as a whole id both name the same parent.
    expect(byText(parsed.comments, "Part 2").parentSourceId).toBe("tag:blogger.com,1999:blog-8000.post-201");
    expect(byText(parsed.comments, "Late arrivals").parentSourceId).toBe("tag:blogger.com,1999:blog-8000.post-201");
    expect(byText(parsed.comments, "How do you handle").oldUrls).toEqual([
      "/2013/06/first-day-back.html?showComment=1371193920000#c201",
    ]);
  });
});

describe.each([
  ["wordpress-1.2.xml", "comment"],
  ["wordpress-1.1.xml", "trackback"],
])("WordPress %s", (name, linkType) => {
  it("reads the site, authors, posts, pages and drafts, skipping the attachment", async () => {
    const parsed = await parse(name);
    expect(parsed.format).toBe("wxr");
    expect(parsed.blog).toEqual({
      format: "wxr",
      title: "Coaching Notes",
      siteUrl: "https://coachingnotes.example",
      licenseNotice: null,
    });
    expect(parsed.authors).toEqual([
      { sourceId: "helen", name: "Helen Okafor", email: "helen@coachingnotes.example", url: null },
    ]);
    expect(parsed.posts.map((p) => [p.sourceId, p.kind, p.status, p.title])).toEqual([
      ["101", "post", "published", "First day back: routines that stick"],
      ["102", "post", "draft", "Unfinished: feedback loops"],
      ["103", "page", "published", "About me"],
      ["104", "post", "published", "Κοινότητες μάθησης — مجتمعات التعلم — 学习共同体 🎓"],
    ]);
    const [firstDay, draft, about, communities] = parsed.posts;
    expect(firstDay?.oldUrls).toEqual([
      "https://coachingnotes.example/2013/06/14/first-day-back/",
      "https://coachingnotes.example/?p=101",
    ]);
    expect(firstDay?.slugHint).toBe("first-day-back");
    expect(firstDay?.tags).toEqual(["Routines", "classroom management"]);
    expect(firstDay?.summary).toBe("Routines for the first day.");
    expect(firstDay?.published).toBe("2013-06-14T05:33:00.000Z");
    expect(firstDay?.authorSourceId).toBe("helen");
    expect(firstDay?.html).toContain("<figcaption>Photo Credit: Ana via Flickr cc</figcaption>");
    // "Uncategorized" is WordPress's default, not a tag the writer chose.
    expect(draft?.tags).toEqual(["feedback"]);
    expect(draft?.published).toBeNull();
    expect(draft?.slugHint).toBeNull();
    expect(about?.commentsOpen).toBe(false);
    expect(about?.oldUrls).toContain("https://coachingnotes.example/?page_id=103");
    expect(communities?.html).toBe(learningCommunities);
    // The attachment goes, and the comment left on its page goes with it.
    expect(parsed.skipped.map((x) => x.what)).toEqual(["comment 211", 'attachment 110 "door"']);
    expect(parsed.skipped[0]?.why).toContain("its attachment is not imported");
    expect(parsed.comments.some((c) => c.html.includes("Lovely door"))).toBe(false);
  });

  it("reads the comments: parents, approval, owner, anonymous, pingbacks", async () => {
    const parsed = await parse(name);
    expect(parsed.comments).toHaveLength(10);
    expectTheFirstDayThread(parsed);
    expectPendingAndSpam(parsed.comments);
    expect(byText(parsed.comments, "I take it back.").status).toBe("deleted");
    const link = byText(parsed.comments, "first-day routines");
    expect(link.type).toBe(linkType === "comment" ? "pingback" : "trackback");
    expect(link.html).toBe("[&#8230;] Helen's first-day routines [&#8230;]");
    expect(link.authorName).toBe("Another Coach &raquo; Routines round-up");
    expect(byText(parsed.comments, "Late arrivals").type).toBe("comment");
    const question = byText(parsed.comments, "How do you handle");
    expect(question).toMatchObject({
      sourceId: "201",
      postSourceId: "101",
      authorEmail: "maria@school.example",
      authorUrl: "https://maria.example",
      published: "2013-06-14T07:12:00.000Z",
    });
    // Comments are handed on as they are read, before the post that holds them ends.
    expect(parsed.calls.indexOf("comment")).toBeLessThan(parsed.calls.indexOf("post"));
  });
});

describe("Disqus export", () => {
  it("reads threads as placeholders matched by link, and their comments", async () => {
    const parsed = await parse("disqus.xml");
    expect(parsed.format).toBe("disqus");
    expect(parsed.posts.map((p) => [p.sourceId, p.title, p.oldUrls, p.html, p.commentsOpen])).toEqual([
      [
        "5001",
        "First day back: routines that stick",
        ["https://coachingnotes.example/2013/06/first-day-back.html"],
        "",
        true,
      ],
      [
        "5002",
        "Κοινότητες μάθησης — مجتمعات التعلم — 学习共同体 🎓",
        ["https://coachingnotes.example/2013/09/learning-communities.html"],
        "",
        false,
      ],
    ]);
    expect(parsed.skipped.map((s) => s.why)).toEqual(["it was deleted on Disqus", "its thread was deleted on Disqus"]);
    expect(parsed.comments).toHaveLength(9);
    expectTheFirstDayThread(parsed);
    expectPendingAndSpam(parsed.comments);
    expect(byText(parsed.comments, "I take it back.").status).toBe("deleted");
    expect(byText(parsed.comments, "Ευχαριστώ").html).toBe("<p>Ευχαριστώ! شكرا جزيلا 谢谢 🙏 ]]></p>");
    expect(byText(parsed.comments, "rituals").html).toBe("<p>Rules &amp; rituals, café style.</p>");
    expect(byText(parsed.comments, "How do you handle")).toMatchObject({
      sourceId: "6001",
      postSourceId: "5001",
      authorEmail: "maria@school.example",
      published: "2013-06-14T07:12:00.000Z",
    });
  });
});

describe("files an import refuses", () => {
  it("refuses an external entity, naming the DOCTYPE's line", async () => {
    const error = await fileRefusal("hostile-xxe.xml");
    expect(error.line).toBe(2);
    expect(error.message).toMatch(
      /^Line 2: the file contains an ENTITY declaration \(inside a DOCTYPE\) \(lines 2 to 4\)/,
    );
    expect(error.message).toContain("no external entity is fetched");
  });

  it("refuses entity expansion (billion laughs) before expanding anything", async () => {
    const error = await fileRefusal("hostile-billion-laughs.xml");
    expect(error.line).toBe(2);
    expect(error.message).toContain("(lines 2 to 13)");
    expect(error.message).toContain("ENTITY declaration");
  });

  it("refuses nesting deeper than 64 elements", async () => {
    const error = await fileRefusal("hostile-deep.xml");
    expect(error.line).toBe(5);
    expect(error.message).toContain("nest more than 64 deep");
  });

  it("says where a truncated file ends and what it expected", async () => {
    const error = await fileRefusal("truncated.xml");
    expect(error.line).toBe(53);
    expect(error.message).toContain("the file ends inside <content> (opened on line 53); expected </content>");
    expect(error.message).toContain("truncated");
  });

  it("names the element a cut-off WordPress export ends in, with its prefix", async () => {
    const error = await refusal(
      textChunks(
        '<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel>\n<item><wp:post_id>1</wp:post_id>\n<wp:comment><wp:comment_id>7',
      ),
    );
    expect(error.message).toBe(
      "Line 3, column 28: the file ends inside <wp:comment_id> (opened on line 3); expected </wp:comment_id>: the file looks truncated",
    );
  });

  it("stops at a handler's error and passes it on", async () => {
    let comments = 0;
    const failing = parseExport(createReadStream(fixture("wordpress-1.2.xml")), {
      ...noop,
      comment: () => {
        comments += 1;
        if (comments === 2) throw new Error("database is down");
      },
    });
    await expect(failing).rejects.toThrow("database is down");
    expect(comments).toBe(2);
  });

  it("refuses a file that is not XML, naming the formats it accepts", async () => {
    const error = await fileRefusal("not-xml.txt");
    expect(error.line).toBe(1);
    expect(error.message).toContain("not XML");
    expect(error.message).toContain("WordPress export (WXR 1.1 or 1.2)");
  });

  it("refuses XML that is no export, and an Atom feed that is not Blogger's", async () => {
    const html = await refusal(textChunks("<?xml version='1.0'?>\n<html><body/></html>"));
    expect(html.message).toBe(
      "Line 2: this is an XML document whose root is <html>, not an export an import reads; an import accepts a Blogger export (the classic Atom export, or feed.atom from Google Takeout), a WordPress export (WXR 1.1 or 1.2), a Disqus export or a Staffroom JSON export (npm run export -- --format json)",
    );
    const rss = await refusal(textChunks('<rss version="2.0"><channel><title>x</title></channel></rss>'));
    expect(rss.message).toContain("an RSS feed without WordPress's export namespace");
    const atom = await refusal(
      textChunks(
        '<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:x</id>\n<entry><id>urn:1</id><title>Hi</title></entry></feed>',
      ),
    );
    expect(atom.line).toBe(2);
    expect(atom.message).toContain("not a Blogger export");
  });

  it("reports malformed XML with its line and what was wrong", async () => {
    const error = await refusal(
      textChunks('<disqus xmlns="http://disqus.com">\n<thread>\n<title>Oops</titel>\n</thread></disqus>'),
    );
    expect(error.line).toBe(3);
    expect(error.message).toContain("unexpected close tag");
    expect(error.message).toContain("not well-formed XML");
  });

  it("refuses an attribute over 64 Ki characters", async () => {
    const error = await refusal(
      textChunks('<disqus xmlns="http://disqus.com">\n<thread title="', "x".repeat(70_000), '"/></disqus>'),
    );
    expect(error.line).toBe(2);
    expect(error.message).toContain("longer than 65536 characters");
  });

  it("refuses an element with hundreds of attributes, and a record of more than 100,000 elements", async () => {
    const attributes = Array.from({ length: 300 }, (_, i) => `a${i}="x"`).join(" ");
    const many = await refusal(textChunks(`<disqus xmlns="http://disqus.com">\n<thread ${attributes}/></disqus>`));
    expect(many.message).toContain("more than 256 attributes");
    const crowd = await refusal(
      textChunks('<disqus xmlns="http://disqus.com">\n<post>', "<x/>".repeat(100_001), "</post></disqus>"),
    );
    expect(crowd.message).toContain("the record opened on line 2 holds more than 100000 elements");
  });

  it("refuses a text of more than 16 Mi characters without holding it all", async () => {
    async function* huge() {
      yield '<disqus xmlns="http://disqus.com"><post><message>';
      const megabyte = "x".repeat(1024 * 1024);
      // 40 Mi characters offered; the refusal must come long before the end.
      for (let i = 0; i < 40; i += 1) yield megabyte;
      yield "</message></post></disqus>";
    }
    const error = await refusal(huge());
    expect(error.message).toMatch(/more than 16777216 characters/);
  });
});

describe("encodings", () => {
  const latin1Disqus = (encoding: string) =>
    Buffer.from(
      `<?xml version="1.0" encoding="${encoding}"?>\n<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals"><thread dsq:id="1"><link>https://x.example/a</link><title>Caf\u00e9 cr\u00e8me</title><createdAt>2013-06-14T05:33:00Z</createdAt></thread></disqus>`,
      "latin1",
    );

  async function* bytes(buffer: Buffer, size: number) {
    for (let i = 0; i < buffer.length; i += size) yield buffer.subarray(i, i + size);
  }

  async function titles(input: AsyncIterable<Buffer>): Promise<string[]> {
    const found: string[] = [];
    await parseExport(input, { ...noop, post: (p) => void found.push(p.title) });
    return found;
  }

  it("reads an ISO-8859-1 export as its declaration says, even in small chunks", async () => {
    expect(await titles(bytes(latin1Disqus("ISO-8859-1"), 5))).toEqual(["Café crème"]);
  });

  it("reads UTF-16 with its byte-order mark", async () => {
    const text =
      '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals"><thread dsq:id="1"><title>学习共同体 🎓</title></thread></disqus>';
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    expect(await titles(bytes(utf16, 3))).toEqual(["学习共同体 🎓"]);
  });

  it("refuses an encoding it cannot read", async () => {
    const error = await refusal(bytes(latin1Disqus("x-klingon"), 1000));
    expect(error.message).toBe(
      'Line 1: the file declares the encoding "x-klingon", which an import cannot read; save it as UTF-8',
    );
  });
});

describe("a large export", () => {
  it("streams 20,000 comments to a handler that only counts them", async () => {
    const posts = 40;
    const perPost = 500;
    async function* wxr() {
      yield '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>Big</title><link>https://big.example</link>';
      let id = 1000;
      for (let p = 1; p <= posts; p += 1) {
        let item = `<item><title>Post ${p}</title><wp:post_id>${p}</wp:post_id><wp:post_type>post</wp:post_type><wp:status>publish</wp:status><content:encoded><![CDATA[<p>Body ${p}</p>]]></content:encoded>`;
        for (let c = 0; c < perPost; c += 1) {
          id += 1;
          item += `<wp:comment><wp:comment_id>${id}</wp:comment_id><wp:comment_author>Reader ${c}</wp:comment_author><wp:comment_date_gmt>2014-01-01 10:00:00</wp:comment_date_gmt><wp:comment_content><![CDATA[Comment ${id} — ελληνικά]]></wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_parent>${c === 0 ? 0 : id - 1}</wp:comment_parent></wp:comment>`;
        }
        yield `${item}</item>`;
      }
      yield "</channel></rss>";
    }
    let comments = 0;
    let replies = 0;
    let postCount = 0;
    const format = await parseExport(wxr(), {
      ...noop,
      post: () => {
        postCount += 1;
      },
      comment: (c) => {
        comments += 1;
        if (c.parentSourceId !== null) replies += 1;
      },
    });
    expect(format).toBe("wxr");
    expect(postCount).toBe(posts);
    expect(comments).toBe(posts * perPost);
    expect(replies).toBe(posts * (perPost - 1));
  });
});
