import { and, eq, isNull, max } from "drizzle-orm";
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

/** The page holding a comment, from its number's first segment (the top-level position). */
export function pageOfNumber(number: string, perPage: number = TOP_LEVEL_PER_PAGE): number {
  return Math.max(1, Math.ceil(Number(number.split(".")[0]) / perPage));
}
