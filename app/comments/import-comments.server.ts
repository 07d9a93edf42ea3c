import { randomUUID } from "node:crypto";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { type Comment, commentSubmissions, comments, type NewComment } from "../../db/schema";
import { queryRows } from "../../db/client";
import { commentRowsOf, isNumbered, lockThread, type PreparedSubmission } from "./submission.server";

/**
 * Storing a post's imported discussion (docs/architecture.md §3, §4) a batch
 * at a time: the same prepared submissions, numbering and tombstones as the
 * form's `submitComment` (./submission.server.ts), written with a few
 * multi-row inserts per level of nesting instead of a dozen round trips per
 * comment. Only for imports (app/import/apply.server.ts): nothing is held,
 * rate limited, checked for duplicates or notified, and the statuses and
 * dates are the old platform's.
 */

/** One comment (a submission) of an imported thread. */
export interface ImportedThreadComment {
  /** The caller's id for it (the export's source id), unique in the call. */
  key: string;
  /**
   * What it replies to: another comment of this call by its key, a comment
   * already stored (by id: an earlier import's), or null at the top level.
   */
  parent: { key: string } | { id: number } | null;
  /** Prepared by `prepareSubmission` (./submission.server.ts), as the form's are. */
  submission: PreparedSubmission;
  /** The status it had on the old platform, stored as is (removed: a tombstone removed at `at`). */
  status: Comment["status"];
  /** When it was written (UTC). */
  at: Date;
  /** The licence it was written under (a catalogue id), or null: not recorded. */
  license: string | null;
}

/** What became of one `ImportedThreadComment`. */
export interface StoredImportedComment {
  submissionId: string;
  /** Its parts' comment ids, in part order. */
  partIds: number[];
  /**
   * Where a reply to it hangs: its last part when it is numbered (a reply to
   * a split comment follows the whole comment), else (held, spam) the comment
   * it hangs under itself, or null at the top level.
   */
  anchorId: number | null;
}

/** Submissions per multi-row insert: a comment row has 17 columns, so well under PostgreSQL's 65,535 parameters. */
const BATCH = 500;

/**
 * Stores `list` on post `postSlug` in one transaction (a savepoint inside the
 * caller's), under the post's lock. Parents are written before their replies
 * whatever the order of `list` (a reply may come before its parent);
 * siblings keep the order they have in `list`, so their numbers follow it,
 * after any numbers the post's thread already holds. A reply to a held or
 * spam comment hangs under that comment's own parent (held comments have no
 * number to reply under), and a reply to any part of a split comment under
 * its last part, as the form does. A parent key not in `list`, or in a cycle
 * of keys, is taken as the top level.
 *
 * @returns each key's stored submission, parts and anchor. Throws only for
 *   database failures (a constraint broken by bad input is a bug of the
 *   caller: submissions must come from `prepareSubmission`).
 */
export async function storeImportedThread(
  db: Executor,
  postSlug: string,
  list: readonly ImportedThreadComment[],
): Promise<Map<string, StoredImportedComment>> {
  const stored = new Map<string, StoredImportedComment>();
  if (list.length === 0) return stored;
  return db.transaction(async (tx) => {
    await lockThread(tx, postSlug);
    const byKey = new Map(list.map((c) => [c.key, c]));
    // Depth by keys (a cycle or an unknown key ends the chain): parents are stored a level before their replies.
    const depthOf = new Map<string, number>();
    const depth = (c: ImportedThreadComment): number => {
      const known = depthOf.get(c.key);
      if (known !== undefined) return known;
      const seen = new Set<string>();
      const chain: ImportedThreadComment[] = [];
      let at: ImportedThreadComment | undefined = c;
      let base = -1;
      while (at && !seen.has(at.key)) {
        const d = depthOf.get(at.key);
        if (d !== undefined) {
          base = d;
          break;
        }
        seen.add(at.key);
        chain.push(at);
        at = at.parent && "key" in at.parent ? byKey.get(at.parent.key) : undefined;
      }
      for (const link of chain.reverse()) depthOf.set(link.key, ++base);
      return depthOf.get(c.key)!;
    };
    const levels: ImportedThreadComment[][] = [];
    for (const c of list) {
      const d = depth(c);
      levels[d] = levels[d] ?? [];
      levels[d].push(c);
    }

    // Comments stored before (an earlier import's) that are replied to: where a reply to each hangs.
    const existingIds = [...new Set(list.flatMap((c) => (c.parent && "id" in c.parent ? [c.parent.id] : [])))];
    const existingAnchor = await anchorsOfStored(tx, existingIds);

    // The last position under each parent (0: the top level) the thread holds already, read once.
    const lastPosition = new Map<number, number>();
    for (const row of await queryRows<{ parent: number; last: number }>(
      tx,
      sql`select coalesce(${comments.parentId}, 0) as parent, max(${comments.position}) as last from ${comments}
          where ${comments.postSlug} = ${postSlug} and ${comments.position} is not null group by 1`,
    )) {
      lastPosition.set(Number(row.parent), Number(row.last));
    }

    for (const level of levels) {
      if (!level) continue;
      for (let start = 0; start < level.length; start += BATCH) {
        const batch = level.slice(start, start + BATCH);
        const submissions: (typeof commentSubmissions.$inferInsert)[] = [];
        const rows: NewComment[] = [];
        const placed: { c: ImportedThreadComment; submissionId: string; parentId: number | null }[] = [];
        for (const c of batch) {
          const parentId =
            c.parent === null
              ? null
              : "id" in c.parent
                ? (existingAnchor.get(c.parent.id) ?? null)
                : (stored.get(c.parent.key)?.anchorId ?? null);
          const submissionId = randomUUID();
          let firstPosition: number | null = null;
          if (isNumbered(c.status)) {
            firstPosition = (lastPosition.get(parentId ?? 0) ?? 0) + 1;
            lastPosition.set(parentId ?? 0, firstPosition + c.submission.parts.length - 1);
          }
          submissions.push({
            id: submissionId,
            postSlug,
            body: c.submission.body,
            partCount: c.submission.parts.length,
            createdAt: c.at,
          });
          rows.push(
            ...commentRowsOf(c.submission, {
              postSlug,
              parentId,
              firstPosition,
              status: c.status,
              submissionId,
              at: c.at,
              license: c.license,
            }),
          );
          placed.push({ c, submissionId, parentId });
        }
        await tx.insert(commentSubmissions).values(submissions);
        const ids = new Map<string, number[]>();
        for (let from = 0; from < rows.length; from += BATCH) {
          const returned = await tx
            .insert(comments)
            .values(rows.slice(from, from + BATCH))
            .returning({ id: comments.id, submissionId: comments.submissionId, partIndex: comments.partIndex });
          for (const r of returned) {
            const partIds = ids.get(r.submissionId) ?? [];
            partIds[r.partIndex - 1] = r.id;
            ids.set(r.submissionId, partIds);
          }
        }
        for (const { c, submissionId, parentId } of placed) {
          const partIds = ids.get(submissionId)!;
          stored.set(c.key, {
            submissionId,
            partIds,
            anchorId: isNumbered(c.status) ? partIds.at(-1)! : parentId,
          });
        }
      }
    }
    return stored;
  });
}

/**
 * For stored comments replied to by id: the comment a reply hangs under (the
 * last part of a split comment; a held one's own parent, or null at the top).
 */
async function anchorsOfStored(tx: Executor, ids: number[]): Promise<Map<number, number | null>> {
  const anchors = new Map<number, number | null>();
  if (ids.length === 0) return anchors;
  const rows = await tx
    .select({
      id: comments.id,
      parentId: comments.parentId,
      position: comments.position,
      submissionId: comments.submissionId,
      partCount: comments.partCount,
    })
    .from(comments)
    .where(inArray(comments.id, ids));
  const split = rows.filter((r) => r.partCount > 1).map((r) => r.submissionId);
  const lastParts = split.length
    ? await tx
        .select({ id: comments.id, submissionId: comments.submissionId })
        .from(comments)
        .where(and(inArray(comments.submissionId, split), eq(comments.partIndex, comments.partCount)))
    : [];
  const lastOf = new Map(lastParts.map((r) => [r.submissionId, r.id]));
  for (const r of rows) {
    anchors.set(r.id, r.position === null ? r.parentId : (lastOf.get(r.submissionId) ?? r.id));
  }
  return anchors;
}
