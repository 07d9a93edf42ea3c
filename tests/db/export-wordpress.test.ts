import { writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { submitComment } from "~/comments/submission.server";
import { commentRulesOf } from "~/comments/validation";
import { exportChunks } from "~/export/export.server";
import { moderate } from "~/moderation/queue.server";
import { getSiteSettings } from "~/settings/site-settings.server";
import { describeEachDatabase } from "../support/databases";
import { child, children, parseStrictXml, textOf, type XmlElement } from "../support/feed-xml";

/**
 * What the real WordPress Importer (0.8, on WordPress 6.1.9) read differently
 * from what Staffroom shows, found by importing the WXR export into WordPress
 * (docs/verification/wxr-in-wordpress.md), pinned here without WordPress:
 * - WordPress shows no reply under a trashed or spam comment, so such a reply
 *   must hang under the nearest comment WordPress shows;
 * - WordPress turns every line break inside a comment's paragraph into
 *   `<br />`, where Staffroom shows a soft line break as a space;
 * - the importer inserts comments in `wp:comment_id` order and maps a parent
 *   only once inserted, so every parent's id must be smaller than its reply's;
 * - the importer takes a post whose title and date match an earlier one's
 *   (MySQL's comparison: case and accents ignored) for that post, and files
 *   its comments under it.
 */

const WP_NS = "http://wordpress.org/export/1.2/";
const slug = "what-does-a-technology-coach-do";

async function collect(chunks: AsyncIterable<string>): Promise<string> {
  let out = "";
  for await (const chunk of chunks) out += chunk;
  return out;
}

const wp = (element: XmlElement, local: string) => textOf(child(element, WP_NS, local));

describeEachDatabase("WXR export as WordPress reads it", (db) => {
  /** Staffroom comment ids of the thread built below. */
  const ids: Record<string, number> = {};
  let wxrComments: XmlElement[];
  let items: XmlElement[];
  const byId = (id: number) => wxrComments.find((c) => wp(c, "comment_id") === String(id));
  const meta = (comment: XmlElement, key: string) =>
    children(comment, WP_NS, "commentmeta")
      .filter((m) => wp(m, "meta_key") === key)
      .map((m) => wp(m, "meta_value"));

  beforeAll(async () => {
    // A second post on the demo post's day, whose title differs from it only in case and accents.
    const demoSource = `---
title: "WHAT IS THE RÔLE OF A TECHNOLOGY INTEGRATION SPECIALIST?"
published: 2013-06-09
author: morgan-ellery
tags: []
summary: Same day, same title as far as WordPress is concerned.
license: site-default
commentsOpen: true
---
A second post.
`;
    await writeFile(path.join(process.env.CONTENT_ROOT!, "content/posts/same-title-again.md"), demoSource);
    const rules = commentRulesOf(await getSiteSettings());
    const target = { slug, commentsOpen: true };
    const post = async (name: string, body: string, at: string, parentId?: number) => {
      const result = await submitComment(db(), target, rules, { name, body, parentId }, { at: new Date(at) });
      if (!result.ok) throw new Error(JSON.stringify(result.fieldErrors));
      return result.comments[0].id;
    };
    ids.top = await post("Ada Top", "A first comment.", "2020-01-01T10:00:00Z");
    ids.removed = await post("Ben Removed", "Soon removed.", "2020-01-02T10:00:00Z", ids.top);
    ids.underRemoved = await post(
      "Cleo Reply",
      "A reply to a comment that is removed later.",
      "2020-01-03T10:00:00Z",
      ids.removed,
    );
    ids.spam = await post("Dan Spam", "Published, then marked as spam.", "2020-01-04T10:00:00Z");
    ids.underSpam = await post(
      "Eve Reply",
      "A reply to a comment later marked as spam.",
      "2020-01-05T10:00:00Z",
      ids.spam,
    );
    ids.deep = await post(
      "Finn Deep",
      "A reply to the reply under the removed one.",
      "2020-01-06T10:00:00Z",
      ids.underRemoved,
    );
    ids.lines = await post(
      "Gia Lines",
      "The first line\nand the second line of one paragraph.\n\n```\nconst a = 1;\n\nconst b = 2;\n```",
      "2020-01-07T10:00:00Z",
    );
    const submissionOf = async (id: number) => {
      const { comments } = await import("../../db/schema");
      const { eq } = await import("drizzle-orm");
      const [row] = await db().select({ s: comments.submissionId }).from(comments).where(eq(comments.id, id));
      return row.s;
    };
    expect(await moderate(db(), { all: true }, [await submissionOf(ids.removed)], "remove")).toBe(1);
    expect(await moderate(db(), { all: true }, [await submissionOf(ids.spam)], "spam")).toBe(1);
    const rss = parseStrictXml(await collect(exportChunks(db(), "wxr")));
    items = children(child(rss, "", "channel"), "", "item");
    const item = items.find((i) => wp(i, "post_name") === slug)!;
    wxrComments = children(item, WP_NS, "comment");
  });

  describe("a reply under a removed or spam comment", () => {
    it("hangs under the nearest comment WordPress shows, so the WordPress page shows it", () => {
      // Staffroom shows Cleo's reply under Ben's tombstone, which hangs under Ada's comment.
      expect(wp(byId(ids.underRemoved)!, "comment_parent")).toBe(String(ids.top));
      // Eve replied to a top-level comment that is now spam: she is at the top level in WordPress.
      expect(wp(byId(ids.underSpam)!, "comment_parent")).toBe("0");
      // Finn replied to Cleo, who is shown: unchanged.
      expect(wp(byId(ids.deep)!, "comment_parent")).toBe(String(ids.underRemoved));
    });

    it("keeps the true parent in a staffroom_parent commentmeta, and only where it differs", () => {
      expect(meta(byId(ids.underRemoved)!, "staffroom_parent")).toEqual([String(ids.removed)]);
      expect(meta(byId(ids.underSpam)!, "staffroom_parent")).toEqual([String(ids.spam)]);
      expect(meta(byId(ids.deep)!, "staffroom_parent")).toEqual([]);
      expect(meta(byId(ids.removed)!, "staffroom_parent")).toEqual([]);
    });

    it("leaves the removed and the spam comment in WordPress's trash and spam, under their own parents", () => {
      expect(wp(byId(ids.removed)!, "comment_approved")).toBe("trash");
      expect(wp(byId(ids.removed)!, "comment_parent")).toBe(String(ids.top));
      expect(wp(byId(ids.spam)!, "comment_approved")).toBe("spam");
    });
  });

  it("writes a soft line break as a space, as Staffroom shows it, and keeps a code block's line breaks", () => {
    const html = wp(byId(ids.lines)!, "comment_content");
    const outsideCode = html.replace(/<pre>[\s\S]*?<\/pre>/g, "");
    expect(outsideCode).not.toContain("\n");
    expect(outsideCode).toContain("The first line and the second line of one paragraph.");
    expect(html).toContain("const a = 1;\n\nconst b = 2;");
  });

  it("dates two posts of one day with the same title (to MySQL) apart, so WordPress keeps both", () => {
    const sameDay = items.filter((i) => wp(i, "post_type") === "post" && wp(i, "post_date").startsWith("2013-06-09"));
    expect(sameDay.map((i) => wp(i, "post_name")).sort()).toEqual(["same-title-again", slug]);
    const dates = sameDay.map((i) => wp(i, "post_date"));
    expect(new Set(dates).size).toBe(2);
    for (const item of sameDay) expect(wp(item, "post_date_gmt")).toBe(wp(item, "post_date"));
  });

  it("numbers every parent before its replies, as the importer needs to map parents", () => {
    expect(wxrComments.length).toBeGreaterThanOrEqual(7);
    const seen = new Set<number>();
    for (const comment of wxrComments) {
      const id = Number(wp(comment, "comment_id"));
      const parent = Number(wp(comment, "comment_parent"));
      if (parent !== 0) {
        expect(parent).toBeLessThan(id);
        expect(seen.has(parent)).toBe(true);
      }
      seen.add(id);
    }
  });
});
