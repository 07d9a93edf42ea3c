import { and, eq, isNotNull, isNull, max } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { comments } from "../../db/schema";

/**
 * Comment numbers (docs/architecture.md §3): a published comment's public
 * number ("9.2") is its sibling position under each ancestor, handed out once
 * and never changed; held comments have none until approved. Also where a
 * comment lives (its post, its page of the thread).
 */

/** Top-level comments per page of a long thread (docs/architecture.md §3; issue: default 50). */
export const TOP_LEVEL_PER_PAGE = 50;

/** The next free sibling position under `parentId` (null: top level); call under the post's lock. */
export async function nextPosition(db: Executor, postSlug: string, parentId: number | null): Promise<number> {
  const [{ last }] = await db
    .select({ last: max(comments.position) })
    .from(comments)
    .where(
      and(
        eq(comments.postSlug, postSlug),
        parentId === null ? isNull(comments.parentId) : eq(comments.parentId, parentId),
      ),
    );
  return (last ?? 0) + 1;
}

/** The post a comment (numbered or held) belongs to, or null for an unknown id. */
export async function postOfComment(db: Executor, id: number): Promise<string | null> {
  const [row] = await db.select({ postSlug: comments.postSlug }).from(comments).where(eq(comments.id, id));
  return row?.postSlug ?? null;
}

/** Where a numbered comment lives: its post and public number, or null for an unknown or held one. */
export async function locateComment(db: Executor, id: number): Promise<{ postSlug: string; number: string } | null> {
  const [row] = await db
    .select({ postSlug: comments.postSlug, position: comments.position })
    .from(comments)
    .where(eq(comments.id, id));
  if (!row || row.position === null) return null;
  return { postSlug: row.postSlug, number: await numberOf(db, id) };
}

/**
 * Whether a post has a comment with this public number ("9.2"): a published
 * comment or a tombstone, which keeps its number. Held comments have no
 * number yet. One query per level of the number.
 */
export async function commentNumberExists(db: Executor, postSlug: string, number: string): Promise<boolean> {
  let parentId: number | null = null;
  for (const position of number.split(".").map(Number)) {
    const [row]: { id: number }[] = await db
      .select({ id: comments.id })
      .from(comments)
      .where(
        and(
          eq(comments.postSlug, postSlug),
          parentId === null ? isNull(comments.parentId) : eq(comments.parentId, parentId),
          eq(comments.position, position),
        ),
      )
      .limit(1);
    if (!row) return false;
    parentId = row.id;
  }
  return true;
}

/**
 * The public number of a stored comment ("9.2"), read through its ancestors;
 * empty for a held comment (it has no number yet).
 */
export async function numberOf(db: Executor, id: number): Promise<string> {
  const positions: number[] = [];
  let current: number | null = id;
  while (current !== null) {
    const [row] = await db
      .select({ parentId: comments.parentId, position: comments.position })
      .from(comments)
      .where(eq(comments.id, current));
    if (!row || row.position === null) break;
    positions.unshift(row.position);
    current = row.parentId;
  }
  return positions.join(".");
}

/** Where a comment is drawn: its post, the page of the thread holding it, and its public number. */
export interface CommentPlace {
  postSlug: string;
  /** 1-based page of the post's thread (`listThreadPage`). */
  page: number;
  /** Public number ("9.2"), or null while it has none (held, or removed before it was ever published). */
  number: string | null;
}

/**
 * Where comment `id` is drawn, numbered or not (docs/architecture.md §3): a
 * comment is on the page of its top-level ancestor; a held top-level comment
 * (shown to its writer only) is on the last page, as `listThreadPage` draws
 * it. Null for an unknown id. One query per level of nesting, plus one for a
 * held top-level comment.
 */
export async function placeOfComment(
  db: Executor,
  id: number,
  perPage: number = TOP_LEVEL_PER_PAGE,
): Promise<CommentPlace | null> {
  const positions: (number | null)[] = [];
  let postSlug: string | null = null;
  let current: number | null = id;
  while (current !== null) {
    const [row]: { postSlug: string; parentId: number | null; position: number | null }[] = await db
      .select({ postSlug: comments.postSlug, parentId: comments.parentId, position: comments.position })
      .from(comments)
      .where(eq(comments.id, current));
    if (!row) return null;
    postSlug = row.postSlug;
    positions.unshift(row.position);
    current = row.parentId;
  }
  if (postSlug === null) return null;
  const number = positions.every((p) => p !== null) ? positions.join(".") : null;
  const top = positions[0];
  const page = top !== null ? pageOfNumber(String(top), perPage) : await pageCountOf(db, postSlug, perPage);
  return { postSlug, page, number };
}

/** How many pages a post's thread has (at least 1): its highest top-level number over `perPage`. */
export async function pageCountOf(
  db: Executor,
  postSlug: string,
  perPage: number = TOP_LEVEL_PER_PAGE,
): Promise<number> {
  const [{ last }] = await db
    .select({ last: max(comments.position) })
    .from(comments)
    .where(and(eq(comments.postSlug, postSlug), isNull(comments.parentId), isNotNull(comments.position)));
  return Math.max(1, Math.ceil((last ?? 0) / perPage));
}

/** The page holding a comment, from its number's first segment (the top-level position). */
export function pageOfNumber(number: string, perPage: number = TOP_LEVEL_PER_PAGE): number {
  return Math.max(1, Math.ceil(Number(number.split(".")[0]) / perPage));
}
