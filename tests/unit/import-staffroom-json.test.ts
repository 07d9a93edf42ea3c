import { createReadStream, readFileSync } from "node:fs";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseExport } from "~/import/formats/parse";
import {
  type ImportedBlog,
  type ImportedComment,
  type ImportedPost,
  type ImportHandlers,
  ImportFileError,
} from "~/import/model";
import { siteConverters } from "~/import/site-converters";

// Reading Staffroom's own JSON export back (issue 10): the fixtures are
// written by hand from the format's description (app/export/json-format.ts),
// not produced by the exporter.

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/import/${name}`, import.meta.url));

interface Parsed {
  format: string;
  calls: string[];
  blog: ImportedBlog | null;
  posts: ImportedPost[];
  comments: ImportedComment[];
  skipped: { what: string; why: string }[];
}

function collector() {
  const out: Omit<Parsed, "format"> = { calls: [], blog: null, posts: [], comments: [], skipped: [] };
  const handlers: ImportHandlers = {
    blog: (b) => {
      out.calls.push("blog");
      out.blog = b;
    },
    author: () => {
      out.calls.push("author");
    },
    post: async (p) => {
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
  return { out, handlers };
}

async function parseFile(name: string, highWaterMark?: number): Promise<Parsed> {
  const { out, handlers } = collector();
  const format = await parseExport(createReadStream(fixture(name), { highWaterMark }), handlers);
  return { format, ...out };
}

/** The error a refused input gives, and what was handed on before it. */
async function refusal(input: string | Buffer): Promise<{ error: ImportFileError; calls: string[] }> {
  const { out, handlers } = collector();
  try {
    await parseExport(Readable.from([input]), handlers);
  } catch (error) {
    expect(error).toBeInstanceOf(ImportFileError);
    return { error: error as ImportFileError, calls: out.calls };
  }
  throw new Error("the input was accepted");
}

const exportText = readFileSync(fixture("staffroom-export.json"), "utf8");

describe("Staffroom JSON export", () => {
  it("is recognised by its content and read in file order", async () => {
    const parsed = await parseFile("staffroom-export.json");
    expect(parsed.format).toBe("staffroom-json");
    expect(parsed.blog).toEqual({
      format: "staffroom-json",
      title: "Practice Notes",
      siteUrl: "https://notes.example.org",
      licenseNotice: null,
    });
    expect(parsed.calls).toEqual(["blog", "author", "post", "post", ...Array(7).fill("comment"), "skipped"]);
  });

  it("reads the same however the file is cut into chunks", async () => {
    const whole = await parseFile("staffroom-export.json");
    const bytewise = await parseFile("staffroom-export.json", 7);
    expect(bytewise).toEqual(whole);
  });

  it("keeps a post's slug, status, date, tags, licence, author, cover with its credit, and its Markdoc body as written", async () => {
    const [draft, published] = (await parseFile("staffroom-export.json")).posts;
    expect(draft).toMatchObject({
      sourceId: "planning-in-pairs",
      slugHint: "planning-in-pairs",
      kind: "post",
      title: "Planning in pairs",
      status: "draft",
      published: "2014-09-01T00:00:00.000Z",
      tags: ["planning", "co-teaching"],
      summary: null,
      license: "cc-by-sa-4.0",
      authorSlug: "morgan-ellery",
      commentsOpen: false,
      cover: {
        url: "https://notes.example.org/images/posts/planning-in-pairs/cover/image.jpg",
        alt: "Two teachers at a whiteboard",
        credit: {
          creator: "Sam Lens",
          sourceName: "Flickr",
          sourceUrl: "https://www.flickr.com/photos/samlens/1",
          licenseUrl: "https://creativecommons.org/licenses/by/2.0/",
        },
        sitePath: "/images/posts/planning-in-pairs/cover/image.jpg",
      },
    });
    expect(draft.html).toBe(
      'Draft: <p>is not HTML here</p> and **this** stays Markdoc.\n\n{% creditedImage src="/images/posts/planning-in-pairs/board.jpg" alt="A board" creator="Sam Lens" sourceName="Flickr" /%}\n',
    );
    expect(published).toMatchObject({ status: "published", summary: "Five minutes after a lesson.", cover: null });
  });

  it("hands the bodies on untouched: no HTML conversion for Staffroom's own Markdoc and Markdown", async () => {
    const { posts, comments } = await parseFile("staffroom-export.json");
    const converters = siteConverters("staffroom-json");
    expect(converters.postBody(posts[0].html)).toEqual({ markdown: posts[0].html, notes: [] });
    expect(converters.commentBody("Which *question*? <b>x</b>")).toBe("Which *question*? <b>x</b>");
    expect(converters.slugFor(posts[0], () => false)).toBe("planning-in-pairs");
    expect(converters.slugFor(posts[0], (s) => s === "planning-in-pairs")).toBe("planning-in-pairs-2");
    // The split submission's two parts, in part order, whatever order they come in.
    expect(converters.handSplitGroups([...comments].reverse())).toEqual([["41", "42"]]);
  });

  it("keeps each comment's number order, parent, status, writer, badge, date, licence and submission", async () => {
    const { comments } = await parseFile("staffroom-export.json");
    expect(comments.map((c) => [c.sourceId, c.parentSourceId, c.status])).toEqual([
      ["40", null, "approved"],
      ["41", "40", "approved"],
      ["42", "40", "approved"],
      ["43", null, "deleted"],
      ["44", null, "approved"],
      ["45", "44", "pending"],
      ["46", null, "spam"],
    ]);
    expect(comments[0]).toMatchObject({
      postSourceId: "the-five-minute-debrief",
      authorName: "Dev Patel",
      authorEmail: "dev@example.org",
      authorUrl: "https://example.org/dev",
      byBlogOwner: false,
      published: "2013-10-03T08:00:00.000Z",
      html: "Which question?",
      licenseUrl: "https://creativecommons.org/licenses/by/4.0/",
      submission: { id: "s-40", partIndex: 1, partCount: 1 },
    });
    expect(comments[1]).toMatchObject({ byBlogOwner: true, submission: { id: "s-41", partIndex: 1, partCount: 2 } });
    expect(comments[2]).toMatchObject({
      html: "And its second part.",
      submission: { id: "s-41", partIndex: 2, partCount: 2 },
    });
    expect(comments[3]).toMatchObject({ authorName: null, html: "" });
    expect(comments[4]).toMatchObject({ authorName: null, byBlogOwner: false, licenseUrl: null });
  });

  it("reports the comments of a thread whose post is not in the export as skipped", async () => {
    const { skipped } = await parseFile("staffroom-export.json");
    expect(skipped).toEqual([
      { what: 'comment 50 on "a-deleted-post"', why: expect.stringMatching(/not in the export/) },
    ]);
  });

  it("hands each piece on while the file is still being read", async () => {
    const head = exportText.slice(0, exportText.indexOf('"comments": [\n        {') + '"comments": ['.length);
    const { out, handlers } = collector();
    let calledBeforeRest: string[] = [];
    async function* pieces() {
      yield head;
      // By now the second post has been handed on, before a byte of its comments was read.
      await new Promise((resolve) => setImmediate(resolve));
      calledBeforeRest = [...out.calls];
      yield exportText.slice(head.length);
    }
    await parseExport(Readable.from(pieces()), handlers);
    expect(calledBeforeRest).toEqual(["blog", "author", "post", "post"]);
  });
});

describe("refused JSON", () => {
  it("a truncated file: where it ends, and that nothing more was read", async () => {
    const { error } = await refusal(readFileSync(fixture("staffroom-truncated.json")));
    expect(error.message).toMatch(/ends inside posts\[1\]/);
    expect(error.message).toMatch(/\(expected a string value\): the file looks truncated/);
    expect(error.line).toBe(63);
  });

  it("another version of the format, before anything is handed on", async () => {
    const { error, calls } = await refusal(readFileSync(fixture("staffroom-version-2.json")));
    expect(error.message).toMatch(/version 2 of the Staffroom export format/);
    expect(error.message).toMatch(/reads version 1/);
    expect(calls).toEqual([]);
  });

  it("JSON that is not a Staffroom export, naming what an import accepts", async () => {
    const { error, calls } = await refusal(readFileSync(fixture("not-staffroom.json")));
    expect(error.message).toMatch(/first member is "version", not a Staffroom export/);
    expect(error.message).toMatch(/WordPress export/);
    expect(calls).toEqual([]);
    expect((await refusal("[1, 2]")).error.message).toMatch(/a JSON array, not a Staffroom export/);
    expect((await refusal("{}")).error.message).toMatch(/an empty JSON object/);
    expect((await refusal('{"format": "wordpress"}')).error.message).toMatch(/"format" is "wordpress"/);
  });

  it("JSON that is not well formed: the line and column", async () => {
    const broken = exportText.replace('"title": "Planning in pairs",', '"title": "Planning in pairs"');
    const { error } = await refusal(broken);
    const line = broken.slice(0, broken.indexOf('"Planning in pairs"')).split("\n").length + 1;
    expect(error.line).toBe(line);
    expect(error.message).toMatch(/expected ','.*not well-formed JSON/);
  });

  it("a piece that does not match the schema: its path and what was expected", async () => {
    const { error } = await refusal(
      exportText.replace('"createdAt": "2013-10-03T08:00:00.000Z"', '"createdAt": "yesterday"'),
    );
    expect(error.message).toMatch(
      /^posts\[1\]\.comments\[0\]\.createdAt: expected a UTC ISO-8601 instant .*found "yesterday"/,
    );
    const { error: missing } = await refusal(exportText.replace('"title": "Planning in pairs",', ""));
    expect(missing.message).toMatch(/^posts\[0\]\.title: .*expected string/);
    const { error: site } = await refusal(exportText.replace('"maxLinks": 2', '"maxLinks": "two"'));
    expect(site.message).toMatch(/^site\.maxLinks: .*expected number/);
  });

  it("members out of the export's order", async () => {
    const noSite = exportText.replace(/"site": \{[\s\S]*?\n {2}\},\n/, "");
    expect((await refusal(noSite)).error.message).toMatch(/"authors" comes before "site"/);
  });

  it("bytes that are not UTF-8", async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"format": "staffroom-export", "x": "'),
      Buffer.from([0xff, 0xfe, 0x41]),
      Buffer.from('"}'),
    ]);
    expect((await refusal(bytes)).error.message).toMatch(/not UTF-8/);
  });
});
