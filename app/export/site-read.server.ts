import { readFile } from "node:fs/promises";
import path from "node:path";
import { asc, eq, notInArray, sql } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { commentSubmissions, comments, type Comment } from "../../db/schema";
import type { License } from "../licences/catalogue";
import { resolveCommentLicense, resolvePostLicense, storedCommentLicense } from "../licences/metadata";
import { contentRoot } from "../posts/content-files.server";
import { getPost, listAllPosts, listAuthors, type Author, type Post, type PostSummary } from "../posts/posts.server";
import { getSiteSettings, type SiteSettings } from "../settings/site-settings.server";
import { publicOrigin } from "../site/urls.server";

/**
 * What every export format reads (docs/architecture.md §2: posts are
 * Keystatic files under CONTENT_ROOT, comments are rows keyed by the post's
 * slug): the site as a whole, then one post at a time with its thread, so an
 * export holds at most one post's comments in memory, each row once.
 */

/** The site as a whole: settings, public origin, authors and every readable post, drafts and scheduled ones included (oldest first, ties by slug). */
export interface SiteForExport {
  settings: SiteSettings;
  /** The public origin, e.g. "https://staffroom.example.org". */
  origin: string;
  /** The licence comments are published under now (for comments stored before licences were recorded). */
  commentLicense: License;
  authors: Author[];
  posts: PostSummary[];
}

/**
 * Reads the site's settings, authors and post list. Posts are oldest first so
 * that numbering them (WXR post ids) follows their dates. A post file the
 * reader cannot parse is left out (logged by app/posts/posts.server.ts).
 */
export async function readSiteForExport(): Promise<SiteForExport> {
  const [settings, authors, posts] = await Promise.all([getSiteSettings(), listAuthors(), listAllPosts()]);
  posts.sort((a, b) => a.published.localeCompare(b.published) || a.slug.localeCompare(b.slug));
  return {
    settings,
    origin: publicOrigin(),
    commentLicense: resolveCommentLicense(settings.commentLicense, settings.defaultLicense),
    authors,
    posts,
  };
}

/** A post with what only its file holds: the rendered body, the raw file and its Markdoc body. */
export interface PostForExport {
  post: Post;
  license: License;
  /** The post file exactly as the editor wrote it (frontmatter and body). */
  source: string;
  /** The body after the frontmatter. */
  body: string;
}

/** One post, read afresh; null when its file went or cannot be parsed since the list was read. */
export async function readPostForExport(slug: string, settings: SiteSettings): Promise<PostForExport | null> {
  const post = await getPost(slug);
  if (!post) return null;
  let source: string;
  try {
    source = await readFile(path.join(contentRoot(), "content/posts", `${slug}.md`), "utf8");
  } catch {
    return null;
  }
  return { post, license: resolvePostLicense(post.license, settings.defaultLicense), source, body: bodyOf(source) };
}

/** A Keystatic post file's body: what follows the `---` fenced YAML frontmatter (the whole text when there is none). */
function bodyOf(source: string): string {
  const match = /^---\r?\n[\s\S]*?\r?\n---[ \t]*(?:\r?\n|$)/.exec(source);
  return match ? source.slice(match[0].length) : source;
}

/** A stored comment as an export reads it. */
export interface CommentForExport {
  row: Comment;
  /** The public number ("9.2"), or null while it has none (held, or spam that was never published). */
  number: string | null;
  /** Part 1 of a split submission: the whole submission's Markdown; otherwise null. */
  submissionBody: string | null;
  license: License;
}

/**
 * Every comment of one post, oldest first (by id), with numbers and, on the
 * first part of a split submission, the submission's whole body. One query;
 * the submission body is fetched only where it differs from the part.
 */
export async function readPostComments(
  db: Executor,
  postSlug: string,
  currentLicense: License,
): Promise<CommentForExport[]> {
  const rows = await db
    .select({
      row: comments,
      submissionBody: sql<
        string | null
      >`case when ${comments.partIndex} = 1 and ${comments.partCount} > 1 then ${commentSubmissions.body} end`,
    })
    .from(comments)
    .innerJoin(commentSubmissions, eq(commentSubmissions.id, comments.submissionId))
    .where(eq(comments.postSlug, postSlug))
    .orderBy(asc(comments.id));
  const byId = new Map(rows.map(({ row }) => [row.id, row]));
  const numberOf = (row: Comment): string | null => {
    const positions: number[] = [];
    for (let current: Comment | undefined = row; current; ) {
      if (current.position === null) return null;
      positions.unshift(current.position);
      current = current.parentId === null ? undefined : byId.get(current.parentId);
    }
    return positions.join(".");
  };
  return rows.map(({ row, submissionBody }) => ({
    row,
    number: numberOf(row),
    submissionBody,
    license: storedCommentLicense(row.license, currentLicense),
  }));
}

/**
 * Slugs that have comments but no readable post file (a post deleted or
 * renamed in the editor, or a file that no longer parses), so an export
 * can still carry their threads. Sorted.
 */
export async function slugsOfOrphanThreads(db: Executor, postSlugs: readonly string[]): Promise<string[]> {
  const rows = await db
    .selectDistinct({ postSlug: comments.postSlug })
    .from(comments)
    .where(postSlugs.length > 0 ? notInArray(comments.postSlug, [...postSlugs]) : undefined)
    .orderBy(asc(comments.postSlug));
  return rows.map((row) => row.postSlug);
}
