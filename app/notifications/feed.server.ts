import { and, eq } from "drizzle-orm";
import { Feed } from "feed";
import type { Database } from "../../db/client";
import { comments as commentsTable } from "../../db/schema";
import { listThread } from "../comments/comments.server";
import { flattenThread } from "../comments/thread";

/**
 * A post's comments as an Atom 1.0 feed (RFC 4287), built with the `feed`
 * library: `feedComments` reads them, `buildCommentsFeed` (pure) writes the XML.
 */

/** One comment in the feed. */
export interface FeedComment {
  /** The comment's stored id: its entry id is the permalink `${origin}/comments/<id>`. */
  id: number;
  /** Its public number, "9.2". */
  number: string;
  /** Its anchor on the post page, "comment-9-2". */
  anchor: string;
  authorName: string;
  /** Sanitized HTML of its body. */
  html: string;
  /** When it was posted, UTC. Used for both `published` and `updated`. */
  createdAt: Date;
  /** "Part k of n" of a split comment, or null. */
  part: { index: number; count: number } | null;
}

export interface CommentsFeedInput {
  /** The site's origin as readers reach it, e.g. "https://staffroom.example.org". */
  origin: string;
  siteTitle: string;
  post: { slug: string; title: string; /** YYYY-MM-DD */ published: string };
  /** Newest first; every one published (the caller filters). */
  comments: readonly FeedComment[];
}

/** Most entries in a comments feed. */
export const FEED_MAX_ENTRIES = 50;

/**
 * A post's newest published comments (at most FEED_MAX_ENTRIES), newest
 * first, numbered and rendered as on the post page (`listThread`). Leaves
 * out everything a reader of the page does not see as a comment: held,
 * spam and removed ones (tombstones). Each part of a split comment is an
 * entry of its own, as on the page.
 *
 * @param maxDepth the site's maximum display depth (numbers do not depend on it).
 */
export async function feedComments(db: Database, postSlug: string, maxDepth: number): Promise<FeedComment[]> {
  const [thread, published] = await Promise.all([
    listThread(db, postSlug, maxDepth),
    db
      .select({ id: commentsTable.id })
      .from(commentsTable)
      .where(and(eq(commentsTable.postSlug, postSlug), eq(commentsTable.status, "published"))),
  ]);
  const visible = new Set(published.map((row) => row.id));
  return flattenThread(thread)
    .filter((node) => visible.has(node.comment.id) && !node.comment.removed && node.number !== "")
    .map((node) => ({
      id: node.comment.id,
      number: node.number,
      anchor: node.anchor,
      authorName: node.comment.displayName,
      html: node.comment.html,
      createdAt: new Date(node.comment.createdAt),
      part: node.comment.partCount > 1 ? { index: node.comment.partIndex, count: node.comment.partCount } : null,
    }))
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id)
    .slice(0, FEED_MAX_ENTRIES);
}

/**
 * Characters XML 1.0 forbids (§2.2 "Char"): C0 controls other than tab and
 * line feed (carriage return too, as comments use \n line endings), U+FFFE,
 * U+FFFF and unpaired surrogates. Removed, so no comment can break the feed.
 */
const NOT_XML = /[\u0000-\u0008\u000B-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `value` with every character XML forbids removed. */
export function xmlSafe(value: string): string {
  return value.replace(NOT_XML, "");
}

function escapeHtml(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * The feed's XML (UTF-8 text): `id` and `rel="self"` link
 * `${origin}/posts/<slug>/comments.atom`, `rel="alternate"` the post page;
 * one entry per comment with its author's name, `published` = `updated` =
 * when it was posted, `id` its permalink, a link to its anchor on the post
 * page and its HTML as `content type="html"`. The feed's `updated` is its
 * newest entry's time, or the post's date when it has no comments yet.
 * Throws only for an `origin` that is not an absolute URL.
 */
export function buildCommentsFeed(input: CommentsFeedInput): string {
  const origin = new URL(input.origin).origin;
  const postUrl = `${origin}/posts/${encodeURIComponent(input.post.slug)}`;
  const selfUrl = `${postUrl}/comments.atom`;
  const comments = input.comments.slice(0, FEED_MAX_ENTRIES);
  const postDate = new Date(`${input.post.published}T00:00:00Z`);
  const newest = comments.reduce<Date | null>((at, c) => (at === null || c.createdAt > at ? c.createdAt : at), null);
  const feed = new Feed({
    id: selfUrl,
    title: xmlSafe(`Comments on “${input.post.title}” · ${input.siteTitle}`),
    link: postUrl,
    feedLinks: { atom: selfUrl },
    updated: newest ?? (Number.isNaN(postDate.getTime()) ? new Date(0) : postDate),
    generator: "Staffroom",
  });
  for (const comment of comments) {
    const name = xmlSafe(comment.authorName).trim() || "Anonymous";
    const part = comment.part ? ` (part ${comment.part.index} of ${comment.part.count})` : "";
    feed.addItem({
      // The library declares entry titles type="html": escaped here, so a name is never markup.
      title: escapeHtml(`Comment ${comment.number} by ${name}${part}`),
      id: `${origin}/comments/${comment.id}`,
      link: `${postUrl}#${encodeURIComponent(comment.anchor)}`,
      date: comment.createdAt,
      published: comment.createdAt,
      author: [{ name }],
      // In CDATA (the library's choice): "]]>" would end it early; "]]&gt;" is the same HTML.
      content: xmlSafe(comment.html).replaceAll("]]>", "]]&gt;"),
    });
  }
  return feed.atom1();
}
