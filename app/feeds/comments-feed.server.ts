import { and, eq } from "drizzle-orm";
import { generateAtomFeed } from "feedsmith";
import type { Executor } from "../../db/client";
import { comments as commentsTable } from "../../db/schema";
import { listThread } from "../comments/thread-read.server";
import { flattenThread } from "../comments/thread";
import { getDatabase } from "../database.server";
import { commentPath, postCommentsFeedPath, postPath } from "../discovery/paths";
import { findLicense } from "../licences/catalogue";
import { resolveCommentLicense } from "../licences/metadata";
import { getPublicPost } from "../posts/posts.server";
import { getSiteSettings } from "../settings/site-settings.server";
import { rightsStatement, type FeedLicense } from "./licence";
import { feedText, xmlSafeDeep } from "./xml-safe";
import { isolated } from "../site/bidi";

/**
 * A post's comments as an Atom 1.0 feed (RFC 4287), built with feedsmith like
 * the site feeds (./site-feeds.server.ts): `feedComments` reads them, `buildCommentsFeed`
 * (pure) writes the XML. feedsmith rather than `feed`: it writes any number of
 * entry links (the `rel="license"` one included) and escapes and splits CDATA
 * itself.
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
  /** The licence stated when it was submitted, or null when none was recorded (the feed's `license` applies). */
  license: FeedLicense | null;
}

export interface CommentsFeedInput {
  /** The site's origin as readers reach it, e.g. "https://staffroom.example.org". */
  origin: string;
  siteTitle: string;
  post: { slug: string; title: string /** YYYY-MM-DD */; published: string };
  /** Newest first; every one published (the caller filters). */
  comments: readonly FeedComment[];
  /** The site's comment licence now (`resolveCommentLicense`): for comments with none recorded. */
  license: FeedLicense;
}

/**
 * The comments feed of the post `slug` as Atom XML, or null when there is no
 * such post or readers may not see it (a draft or a scheduled post: `isPublic`). Reads the post, the site settings (title, display depth, comment
 * licence: `resolveCommentLicense`) and the published comments.
 * @param origin the public origin, e.g. "https://staffroom.example.org" (`publicOrigin`).
 */
export async function commentsFeedXml(slug: string, origin: string): Promise<string | null> {
  const post = await getPublicPost(slug);
  if (!post) return null;
  const [site, db] = await Promise.all([getSiteSettings(), getDatabase()]);
  return buildCommentsFeed({
    origin,
    siteTitle: site.title,
    post: { slug: post.slug, title: post.title, published: post.published },
    comments: await feedComments(db, post.slug, site.maxDisplayDepth),
    license: resolveCommentLicense(site.commentLicense, site.defaultLicense),
  });
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
async function feedComments(db: Executor, postSlug: string, maxDepth: number): Promise<FeedComment[]> {
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
      license: node.comment.license ? (findLicense(node.comment.license) ?? null) : null,
    }))
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id)
    .slice(0, FEED_MAX_ENTRIES);
}

/**
 * The feed's XML (UTF-8 text): `id` and `rel="self"` link
 * `${origin}/posts/<slug>/comments.atom`, `rel="alternate"` the post page;
 * one entry per comment with its author's name (in the title set apart by U+2068 … U+2069), `published` = `updated` =
 * when it was posted (UTC, ISO-8601), `id` its permalink, a link to its
 * anchor on the post page, its HTML as `content type="html"` and its own
 * licence (the one recorded when it was submitted, else `input.license`): `<link rel="license" href="<deed>"/>` (RFC 4287 §4.2.7.2 allows
 * any registered relation; "license" is the IANA one, RFC 4946) plus a
 * `<rights>` sentence, or only the sentence for all rights reserved. The
 * feed's `updated` is its newest entry's time, or the post's date when it
 * has no comments yet. Forbidden XML characters are dropped from every value
 * (`xmlSafeDeep`). Throws only for an `origin` that is not an absolute URL.
 */
export function buildCommentsFeed(input: CommentsFeedInput): string {
  const origin = new URL(input.origin).origin;
  const postUrl = `${origin}${postPath(input.post.slug)}`;
  const selfUrl = `${origin}${postCommentsFeedPath(input.post.slug)}`;
  const comments = input.comments.slice(0, FEED_MAX_ENTRIES);
  const postDate = new Date(`${input.post.published}T00:00:00Z`);
  const newest = comments.reduce<Date | null>((at, c) => (at === null || c.createdAt > at ? c.createdAt : at), null);
  const entries = comments.map((comment) => {
    // Each comment keeps the licence its form stated; there is no feed-level
    // licence, which entries would inherit (RFC 4946 §2.3).
    const license = comment.license ?? input.license;
    const name = feedText(comment.authorName) || "Anonymous";
    const part = comment.part ? ` (part ${comment.part.index} of ${comment.part.count})` : "";
    // In the feed's sentences the name is set apart (U+2068 … U+2069), so a right-to-left
    // override in it cannot flip the words after it; the author element keeps the bare name.
    const shownName = isolated(name);
    return {
      // type="text": the library escapes it, so a name is never markup.
      title: { value: `Comment ${comment.number} by ${shownName}${part}`, type: "text" },
      id: `${origin}${commentPath(comment.id)}`,
      links: [
        { href: `${postUrl}#${encodeURIComponent(comment.anchor)}`, rel: "alternate", type: "text/html" },
        ...(license.url ? [{ href: license.url, rel: "license" }] : []),
      ],
      updated: comment.createdAt,
      published: comment.createdAt,
      authors: [{ name }],
      rights: { value: rightsStatement(license, shownName), type: "text" },
      content: { value: comment.html, type: "html" },
    };
  });
  return generateAtomFeed(
    xmlSafeDeep({
      id: selfUrl,
      title: { value: `Comments on “${isolated(input.post.title)}” · ${input.siteTitle}`, type: "text" },
      links: [
        { href: postUrl, rel: "alternate", type: "text/html" },
        { href: selfUrl, rel: "self", type: "application/atom+xml" },
      ],
      updated: newest ?? (Number.isNaN(postDate.getTime()) ? new Date(0) : postDate),
      generator: { text: "Staffroom" },
      entries,
    }),
    { strict: true },
  );
}
