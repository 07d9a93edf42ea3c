import { and, asc, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { commentReports, commentRevisions, commentSubmissions, comments } from "../../db/schema";
import { nextPosition } from "../comments/numbering.server";
import { trustGuest } from "./trusted-guests.server";

/**
 * The moderation queue (docs/architecture.md §1: coaches moderate their posts' discussion,
 * admins everything): held, spam and removed submissions, reader reports,
 * and the actions on them. A split submission is moderated as one: every
 * action applies to all its parts.
 */

export type QueueList = "pending" | "spam" | "removed" | "reported";
export type ModerationAction = "approve" | "spam" | "remove" | "restore";

/** One submission as the queue shows it. */
export interface QueueItem {
  submissionId: string;
  postSlug: string;
  /** The first part's id (for links). */
  commentId: number;
  displayName: string;
  authorKind: string;
  email: string | null;
  body: string;
  partCount: number;
  heldReason: string | null;
  status: string;
  /** UTC ISO-8601. */
  createdAt: string;
  reports: { reason: string; createdAt: string }[];
  /** Earlier versions if its writer edited it, newest first. */
  revisions: { body: string; replacedAt: string }[];
}

/** Submissions one page of a queue list shows. */
export const QUEUE_PAGE_SIZE = 50;

/** Which posts a moderator may act on: every post (admins), or these slugs (a coach's own). */
export type ModeratorScope = { all: true } | { all: false; postSlugs: readonly string[] };

function scopeFilter(scope: ModeratorScope) {
  if (scope.all) return sql`true`;
  return scope.postSlugs.length ? inArray(comments.postSlug, [...scope.postSlugs]) : sql`false`;
}

/**
 * The queries behind `queueCounts` and `listQueue`, built but not run, so
 * scripts/explain.ts prints the plans of exactly what the queue runs.
 */
export const queueQueries = {
  /** Submissions per status (pending, spam, removed) within the scope. */
  statusCounts: (db: Executor, scope: ModeratorScope) =>
    db
      .select({ status: comments.status, n: sql<number>`count(distinct ${comments.submissionId})` })
      .from(comments)
      .where(and(scopeFilter(scope), inArray(comments.status, ["pending", "spam", "removed"])))
      .groupBy(comments.status),
  /** Submissions with an unresolved report within the scope. */
  reportedCount: (db: Executor, scope: ModeratorScope) =>
    db
      .select({ n: sql<number>`count(distinct ${comments.submissionId})` })
      .from(commentReports)
      .innerJoin(comments, eq(commentReports.commentId, comments.id))
      .where(and(isNull(commentReports.resolvedAt), scopeFilter(scope))),
  /**
   * The first part of each submission in a list, oldest first for held comments, newest first
   * otherwise (ties by id, so pages never overlap): `limit` of them after skipping `offset`.
   */
  firstParts: (db: Executor, scope: ModeratorScope, list: QueueList, limit: number, offset = 0) =>
    db
      .select({
        submissionId: comments.submissionId,
        postSlug: comments.postSlug,
        commentId: comments.id,
        displayName: comments.displayName,
        authorKind: comments.authorKind,
        email: comments.email,
        status: comments.status,
        partCount: comments.partCount,
        createdAt: comments.createdAt,
        body: commentSubmissions.body,
        heldReason: commentSubmissions.heldReason,
      })
      .from(comments)
      .innerJoin(commentSubmissions, eq(commentSubmissions.id, comments.submissionId))
      .where(
        and(
          scopeFilter(scope),
          list === "reported"
            ? inArray(
                comments.submissionId,
                db
                  .select({ s: comments.submissionId })
                  .from(comments)
                  .where(
                    inArray(
                      comments.id,
                      db
                        .select({ id: commentReports.commentId })
                        .from(commentReports)
                        .where(isNull(commentReports.resolvedAt)),
                    ),
                  ),
              )
            : eq(comments.status, list),
          eq(comments.partIndex, 1),
        ),
      )
      .orderBy(list === "pending" ? asc(comments.createdAt) : desc(comments.createdAt), asc(comments.id))
      .limit(limit)
      .offset(offset),
};

/** How many submissions each list holds, within the moderator's scope. */
export async function queueCounts(db: Executor, scope: ModeratorScope): Promise<Record<QueueList, number>> {
  const rows = await queueQueries.statusCounts(db, scope);
  const [reported] = await queueQueries.reportedCount(db, scope);
  const counts: Record<QueueList, number> = { pending: 0, spam: 0, removed: 0, reported: Number(reported?.n ?? 0) };
  for (const row of rows) counts[row.status as "pending" | "spam" | "removed"] = Number(row.n);
  return counts;
}

/**
 * One page of a list of the queue, oldest first for held comments, newest first otherwise.
 *
 * @param paging `page` is 1-based (default 1), `perPage` submissions a page (default
 *   `QUEUE_PAGE_SIZE`); a page beyond the last is empty.
 */
export async function listQueue(
  db: Executor,
  scope: ModeratorScope,
  list: QueueList,
  paging: { page?: number; perPage?: number } = {},
): Promise<QueueItem[]> {
  const perPage = paging.perPage ?? QUEUE_PAGE_SIZE;
  const page = Math.max(1, Math.floor(paging.page ?? 1));
  const firstParts = await queueQueries.firstParts(db, scope, list, perPage, (page - 1) * perPage);
  const reports = firstParts.length
    ? await db
        .select({
          submissionId: comments.submissionId,
          reason: commentReports.reason,
          createdAt: commentReports.createdAt,
        })
        .from(commentReports)
        .innerJoin(comments, eq(commentReports.commentId, comments.id))
        .where(
          and(
            isNull(commentReports.resolvedAt),
            inArray(
              comments.submissionId,
              firstParts.map((p) => p.submissionId),
            ),
          ),
        )
    : [];
  const revisions = firstParts.length
    ? await db
        .select()
        .from(commentRevisions)
        .where(
          inArray(
            commentRevisions.submissionId,
            firstParts.map((p) => p.submissionId),
          ),
        )
        .orderBy(desc(commentRevisions.replacedAt))
    : [];
  return firstParts.map((part) => ({
    ...part,
    createdAt: part.createdAt.toISOString(),
    revisions: revisions
      .filter((r) => r.submissionId === part.submissionId)
      .map((r) => ({ body: r.body, replacedAt: r.replacedAt.toISOString() })),
    reports: reports
      .filter((r) => r.submissionId === part.submissionId)
      .map((r) => ({ reason: r.reason, createdAt: r.createdAt.toISOString() })),
  }));
}

/** A page of a queue list as the moderation page shows it. */
export interface QueuePage {
  items: QueueItem[];
  /** 1-based; the last page when more was asked than there is. */
  page: number;
  /** At least 1 (an empty list has one, empty, page). */
  pageCount: number;
  /** Submissions in the whole list. */
  total: number;
  /** How many submissions each list holds. */
  counts: Record<QueueList, number>;
}

/** The page a list has for `page`: itself, or the last one when the list has fewer pages (after an action emptied some). */
function pageWithin(page: number, total: number): { page: number; pageCount: number } {
  const pageCount = Math.max(1, Math.ceil(total / QUEUE_PAGE_SIZE));
  return { page: Math.min(Math.max(1, Math.floor(page)), pageCount), pageCount };
}

/**
 * Page `page` (1-based) of a list of the queue, `QUEUE_PAGE_SIZE` submissions a page, with every
 * list's count. A page beyond the last gives the last page (a moderator who emptied page 3 lands
 * on the new last page, not on an empty one).
 */
export async function queuePage(
  db: Executor,
  scope: ModeratorScope,
  list: QueueList,
  page: number,
): Promise<QueuePage> {
  const counts = await queueCounts(db, scope);
  const within = pageWithin(page, counts[list]);
  const items = await listQueue(db, scope, list, { page: within.page });
  return { items, ...within, total: counts[list], counts };
}

/**
 * The page of `list` to show after an action taken on page `page`: the same page while it
 * still exists, else the list's new last page.
 */
export async function pageAfterAction(
  db: Executor,
  scope: ModeratorScope,
  list: QueueList,
  page: number,
): Promise<number> {
  const counts = await queueCounts(db, scope);
  return pageWithin(page, counts[list]).page;
}

/**
 * Applies an action to submissions (one or many: bulk) within the
 * moderator's scope; returns how many submissions changed.
 * - approve: publishes held parts, numbering them at the end of their
 *   siblings, and trusts the guest (their email, and their browser token) so
 *   their later comments go straight through; resolves reports;
 * - spam / remove: hides them; a once-published comment leaves a tombstone
 *   keeping its number and replies (docs/architecture.md §3);
 * - restore: publishes again (numbered anew only if it never had a number).
 */
export async function moderate(
  db: Executor,
  scope: ModeratorScope,
  submissionIds: readonly string[],
  action: ModerationAction,
  at: Date = new Date(),
): Promise<number> {
  let changed = 0;
  for (const submissionId of new Set(submissionIds)) {
    const done = await db.transaction(async (tx) => {
      const txDb = tx;
      const parts = await tx
        .select()
        .from(comments)
        .where(and(eq(comments.submissionId, submissionId), scopeFilter(scope)))
        .orderBy(asc(comments.partIndex));
      if (parts.length === 0) return false;
      const first = parts[0];
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`comments:${first.postSlug}`}))`);
      const target = action === "spam" ? "spam" : action === "remove" ? "removed" : "published";
      const hasOpenReports = await tx
        .select({ id: commentReports.id })
        .from(commentReports)
        .where(
          and(
            inArray(
              commentReports.commentId,
              parts.map((p) => p.id),
            ),
            isNull(commentReports.resolvedAt),
          ),
        )
        .limit(1);
      // Already so (and no report to dismiss): nothing changes, nothing is counted.
      if (parts.every((p) => p.status === target) && hasOpenReports.length === 0) return false;
      if (action === "spam" || action === "remove") {
        const status = action === "spam" ? "spam" : "removed";
        await tx
          .update(comments)
          .set({ status, removedAt: status === "removed" ? at : null, updatedAt: at })
          .where(eq(comments.submissionId, submissionId));
        await resolveReports(
          txDb,
          parts.map((p) => p.id),
          at,
        );
        return true;
      }
      // approve / restore: publish, numbering parts that have no number yet.
      if (first.position === null) {
        let next = await nextPosition(txDb, first.postSlug, first.parentId);
        for (const part of parts) {
          await tx.update(comments).set({ position: next++ }).where(eq(comments.id, part.id));
        }
      }
      await tx
        .update(comments)
        .set({ status: "published", removedAt: null, updatedAt: at })
        .where(eq(comments.submissionId, submissionId));
      if (action === "approve") {
        const [submission] = await tx
          .select({ guestTokenHash: commentSubmissions.guestTokenHash })
          .from(commentSubmissions)
          .where(eq(commentSubmissions.id, submissionId));
        // Trusts the guest's browser (its signed cookie); members are not trusted as guests.
        await trustGuest(txDb, { guestTokenHash: first.userId ? null : (submission?.guestTokenHash ?? null) }, at);
        await resolveReports(
          txDb,
          parts.map((p) => p.id),
          at,
        );
      }
      return true;
    });
    if (done) changed++;
  }
  return changed;
}

async function resolveReports(db: Executor, commentIds: number[], at: Date): Promise<void> {
  await db
    .update(commentReports)
    .set({ resolvedAt: at })
    .where(and(inArray(commentReports.commentId, commentIds), isNull(commentReports.resolvedAt)));
}

const REPORT_REASON_MAX = 500;

/**
 * A reader's report of a published comment, for the moderators' queue.
 * Returns false for an unknown or unpublished comment.
 */
export async function reportComment(
  db: Executor,
  report: { commentId: number; reason: string; reporterUserId: string | null },
): Promise<boolean> {
  const [target] = await db.select({ status: comments.status }).from(comments).where(eq(comments.id, report.commentId));
  if (!target || target.status !== "published") return false;
  await db.insert(commentReports).values({
    commentId: report.commentId,
    reason: report.reason.slice(0, REPORT_REASON_MAX),
    reporterUserId: report.reporterUserId,
  });
  return true;
}
