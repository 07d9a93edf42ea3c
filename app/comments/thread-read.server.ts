import { and, asc, countDistinct, eq, inArray, isNull, or, sql } from "drizzle-orm";
import { queryRows, type Executor } from "../../db/client";
import { commentSubmissions, comments, type Comment } from "../../db/schema";
import { digest } from "../auth/signing.server";
import { EDIT_WINDOW_MINUTES } from "./edit-window";
import { renderCommentMarkdown } from "./markdown.server";
import { pageCountOf, TOP_LEVEL_PER_PAGE } from "./numbering.server";
import { buildThread, type ThreadNode } from "./thread";

/**
 * The thread's read model (docs/architecture.md §3): a post's discussion as
 * readers see it, numbered and nested, with bodies rendered, tombstones
 * emptied and held comments shown to their own writer only; and comment
 * counts for post lists.
 */

/** A stored comment with its rendered body, ready for the page. */
export interface DisplayComment {
  id: number;
  parentId: number | null;
  /** Null while held for moderation. */
  position: number | null;
  /** Held for moderation: shown to its writer only, "awaiting moderation". */
  pending: boolean;
  /** What a tombstone says in place of the comment. */
  tombstone: string;
  /** Its writer edited it (the "edited" label). */
  edited: boolean;
  /** The reader wrote it (by account or guest token): they may remove it. */
  own: boolean;
  /** ...and may still edit it (within the edit window). */
  editable: boolean;
  authorKind: Comment["authorKind"];
  /** The writer's account, for a link to their profile; null for guests and tombstones. */
  userId: string | null;
  displayName: string;
  website: string | null;
  /** Sanitized HTML; empty for a tombstone. */
  html: string;
  removed: boolean;
  submissionId: string;
  partIndex: number;
  partCount: number;
  /** UTC ISO-8601. */
  createdAt: string;
  /** The licence stated when it was submitted (catalogue id), or null when not recorded. */
  license: string | null;
}

// Rendered bodies by their Markdown: rendering and sanitizing is most of a
// thread's cost, and a body's HTML depends on nothing else. Bounded (oldest
// entries go first) so a huge site cannot grow it without limit.
const renderedBodies = new Map<string, string>();
const RENDERED_BODIES_MAX = 5000;

function renderCached(markdown: string): string {
  let html = renderedBodies.get(markdown);
  if (html === undefined) {
    html = renderCommentMarkdown(markdown);
    if (renderedBodies.size >= RENDERED_BODIES_MAX) {
      renderedBodies.delete(renderedBodies.keys().next().value!);
    }
    renderedBodies.set(markdown, html);
  }
  return html;
}

/** Whose held comments a reader may see: their own (docs/architecture.md: visible to its writer, to nobody else). */
export interface ThreadViewer {
  userId?: string | null;
  /** The guest's browser token (unsigned value of its cookie). */
  guestToken?: string | null;
}

/**
 * A post's whole thread, numbered and nested for display (docs/architecture.md §3), with
 * bodies rendered to sanitized HTML. Tombstones (removed, or spam that was
 * once published) keep their place and number but carry no name, website or
 * body. Held comments appear only to their own writer, marked pending and
 * without a number; spam never published is never shown.
 *
 * @param maxDepth the site's maximum display depth (at least 2).
 */
export async function listThread(
  db: Executor,
  postSlug: string,
  maxDepth: number,
  viewer: ThreadViewer = {},
): Promise<ThreadNode<DisplayComment>[]> {
  const rows = await db.select().from(comments).where(eq(comments.postSlug, postSlug)).orderBy(asc(comments.id));
  return buildThread(toDisplay(await visibleTo(db, postSlug, rows, viewer)), maxDepth);
}

/** One page of a thread: whole threads under a range of top-level comments. */
export interface ThreadPage {
  nodes: ThreadNode<DisplayComment>[];
  /** 1-based. */
  page: number;
  pageCount: number;
}

/**
 * One page of a post's thread (docs/architecture.md §3): the top-level comments numbered
 * (page-1)·perPage+1 … page·perPage with all their replies, so a thread is
 * never split across pages and a page's content never shifts as comments
 * arrive (numbers are fixed). Two bounded queries whatever the thread's size:
 * the page's range through the sibling-position index, and its replies
 * through a recursive walk down the parent index. A writer's own held
 * top-level comments show on the last page. Pages past the end are empty
 * with the right `pageCount`.
 */
export async function listThreadPage(
  db: Executor,
  postSlug: string,
  maxDepth: number,
  viewer: ThreadViewer,
  page: number,
  perPage: number = TOP_LEVEL_PER_PAGE,
): Promise<ThreadPage> {
  const pageCount = await pageCountOf(db, postSlug, perPage);
  const from = (page - 1) * perPage + 1;
  const to = page * perPage;
  // The lateral step (with "offset 0" so the planner cannot flatten it)
  // walks each reply level through the parent index whatever the table
  // statistics say: PGlite never gathers any, and without this it chose a
  // full-table hash join at every level (scripts/explain.ts).
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`with recursive tree as (
          select * from ${comments}
           where post_slug = ${postSlug} and coalesce(parent_id, 0) = 0
             and position between ${from} and ${to}
          union all
          select c.* from tree t
            cross join lateral (select * from ${comments} r where r.parent_id = t.id offset 0) c
        )
        select * from tree`,
  );
  const own = page === pageCount ? await ownHeldTopLevel(db, postSlug, viewer) : [];
  const stored = [...rows.map(fromRawRow), ...own].sort((a, b) => a.id - b.id);
  return { nodes: buildThread(toDisplay(await visibleTo(db, postSlug, stored, viewer)), maxDepth), page, pageCount };
}

async function ownHeldTopLevel(db: Executor, postSlug: string, viewer: ThreadViewer): Promise<Comment[]> {
  const own = ownership(db, viewer);
  if (own.length === 0) return [];
  return db
    .select()
    .from(comments)
    .where(and(eq(comments.postSlug, postSlug), isNull(comments.parentId), eq(comments.status, "pending"), or(...own)));
}

function ownership(db: Executor, viewer: ThreadViewer) {
  return [
    ...(viewer.userId ? [eq(comments.userId, viewer.userId)] : []),
    ...(viewer.guestToken
      ? [
          inArray(
            comments.submissionId,
            db
              .select({ id: commentSubmissions.id })
              .from(commentSubmissions)
              .where(eq(commentSubmissions.guestTokenHash, digest(viewer.guestToken))),
          ),
        ]
      : []),
  ];
}

/** A raw row of `comments` (snake_case, as SQL returns it) as drizzle's Comment. */
function fromRawRow(row: Record<string, unknown>): Comment {
  const date = (value: unknown) => (value === null || value === undefined ? null : new Date(value as string));
  return {
    id: Number(row.id),
    postSlug: row.post_slug as string,
    parentId: row.parent_id === null ? null : Number(row.parent_id),
    position: row.position === null ? null : Number(row.position),
    authorKind: row.author_kind as Comment["authorKind"],
    userId: (row.user_id as string | null) ?? null,
    displayName: row.display_name as string,
    website: (row.website as string | null) ?? null,
    email: (row.email as string | null) ?? null,
    body: row.body as string,
    status: row.status as Comment["status"],
    submissionId: row.submission_id as string,
    partIndex: Number(row.part_index),
    partCount: Number(row.part_count),
    createdAt: date(row.created_at)!,
    updatedAt: date(row.updated_at)!,
    removedAt: date(row.removed_at),
    editedAt: date(row.edited_at),
    license: (row.license as string | null) ?? null,
  };
}

/**
 * What a reader may see: numbered comments (published, or tombstones), and
 * their own held ones (by account, or by the guest's browser token); never
 * anyone else's held comments or unpublished spam.
 */
async function visibleTo(
  db: Executor,
  postSlug: string,
  rows: Comment[],
  viewer: ThreadViewer,
): Promise<(Comment & { heldEdit?: boolean; own?: boolean })[]> {
  let ownSubmissions = new Set<string>();
  if (viewer.guestToken) {
    const mine = await db
      .select({ id: commentSubmissions.id })
      .from(commentSubmissions)
      .where(
        and(
          eq(commentSubmissions.postSlug, postSlug),
          eq(commentSubmissions.guestTokenHash, digest(viewer.guestToken)),
        ),
      );
    ownSubmissions = new Set(mine.map((row) => row.id));
  }
  return (
    rows
      .filter((row) => {
        if (row.position !== null) return true;
        if (row.status !== "pending") return false;
        return isOwn(row);
      })
      // An edit held for moderation keeps its number and replies; others see a
      // placeholder until a moderator approves it.
      .map((row) =>
        row.status === "pending" && row.position !== null && !isOwn(row)
          ? { ...row, status: "removed" as const, heldEdit: true }
          : { ...row, own: isOwn(row) },
      )
  );

  function isOwn(row: Comment): boolean {
    return (!!viewer.userId && row.userId === viewer.userId) || ownSubmissions.has(row.submissionId);
  }
}

/** Stored rows as the page shows them: rendered bodies, tombstones emptied. */
function toDisplay(
  rows: (Comment & { heldEdit?: boolean; own?: boolean })[],
  now: Date = new Date(),
): DisplayComment[] {
  return rows.map((row) => {
    const removed = row.status === "removed" || row.status === "spam";
    const own = !removed && row.own === true;
    return {
      own,
      editable: own && now.getTime() - row.createdAt.getTime() <= EDIT_WINDOW_MINUTES * 60_000,
      tombstone: row.heldEdit ? "This comment was edited and awaits a moderator." : "This comment was removed.",
      edited: row.editedAt !== null,
      id: row.id,
      parentId: row.parentId,
      position: row.position,
      pending: row.status === "pending",
      authorKind: row.authorKind,
      userId: removed ? null : row.userId,
      displayName: removed ? "" : row.displayName,
      website: removed ? null : row.website,
      html: removed ? "" : renderCached(row.body),
      removed,
      submissionId: row.submissionId,
      partIndex: row.partIndex,
      partCount: row.partCount,
      createdAt: row.createdAt.toISOString(),
      license: row.license,
    };
  });
}

/**
 * Published (not removed) comments per post slug, for the post page's heading,
 * post lists and JSON-LD. Slugs with no comments map to 0. A split comment is
 * one comment in parts (docs/architecture.md §4): it counts once, however many
 * parts it has, so approving a three-part comment adds 1 (issue 11).
 */
export async function countComments(db: Executor, postSlugs: readonly string[]): Promise<Map<string, number>> {
  const counts = new Map(postSlugs.map((slug) => [slug, 0]));
  if (postSlugs.length === 0) return counts;
  const rows = await db
    .select({ postSlug: comments.postSlug, n: countDistinct(comments.submissionId) })
    .from(comments)
    .where(and(inArray(comments.postSlug, [...postSlugs]), eq(comments.status, "published")))
    .groupBy(comments.postSlug);
  for (const row of rows) counts.set(row.postSlug, Number(row.n));
  return counts;
}

/** Whether the database holds any comment at all (the demo loader fills empty databases only). */
export async function hasAnyComment(db: Executor): Promise<boolean> {
  const [row] = await db.select({ id: comments.id }).from(comments).limit(1);
  return row !== undefined;
}
