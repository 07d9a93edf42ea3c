import { and, asc, eq, gt, inArray, isNull, max, ne, sql } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { commentRevisions, commentSubmissions, comments, type Comment } from "../../db/schema";
import { digest } from "../auth/signing.server";
import { countLinks, decideHold, type ModerationSettings } from "../moderation/rules";
import { DUPLICATE_WINDOW_SECONDS, type FieldErrors } from "./submission.server";
import type { ThreadViewer } from "./thread-read.server";
import { EDIT_WINDOW_MINUTES } from "./edit-window";
import { splitComment } from "./split";
import { BLANK_BODY_MESSAGE, commentFormSchema, type CommentRules } from "./validation";
import { showsNothing } from "./visible-body.server";
import { failForTest } from "./test-fault.server";

/**
 * Writers editing and removing their own comments (issue: "Editing and
 * removing"). A writer is recognised by their account or, for a guest, by the
 * signed browser token their comment was posted with. Edits are allowed for
 * EDIT_WINDOW_MINUTES after posting and go through the same validation,
 * splitting and moderation as a new comment; earlier versions are kept for
 * moderators.
 */

/** A submission its writer may act on, with what the edit form needs. */
export interface OwnSubmission {
  submissionId: string;
  postSlug: string;
  body: string;
  /** The writer's first part (for anchors and links). */
  first: Comment;
  parts: Comment[];
  /** Whether the edit window is still open at `now`. */
  editable: boolean;
}

/**
 * The submission of comment `commentId` when `viewer` wrote it (and it is not
 * removed), else null.
 */
export async function ownSubmission(
  db: Executor,
  commentId: number,
  viewer: ThreadViewer,
  now: Date = new Date(),
): Promise<OwnSubmission | null> {
  const [row] = await db.select().from(comments).where(eq(comments.id, commentId));
  if (!row || row.status === "removed" || row.status === "spam") return null;
  const [submission] = await db.select().from(commentSubmissions).where(eq(commentSubmissions.id, row.submissionId));
  const byAccount = !!viewer.userId && row.userId === viewer.userId;
  const byToken = !row.userId && !!viewer.guestToken && submission?.guestTokenHash === digest(viewer.guestToken);
  if (!submission || !(byAccount || byToken)) return null;
  const parts = await db
    .select()
    .from(comments)
    .where(eq(comments.submissionId, submission.id))
    .orderBy(asc(comments.partIndex));
  return {
    submissionId: submission.id,
    postSlug: submission.postSlug,
    body: submission.body,
    first: parts[0],
    parts,
    editable: now.getTime() - submission.createdAt.getTime() <= EDIT_WINDOW_MINUTES * 60_000,
  };
}

/**
 * Replaces a submission's text with an edit, re-splitting it as a group.
 * When the new text needs the same number of parts, every part keeps its
 * number; a different number of parts is possible only while nothing
 * follows the comment (no later sibling and no reply), since numbers never
 * change once shown. The edit is screened like a new comment (links; a
 * writer still held stays held) and, if held, waits for a moderator with
 * its number kept. Returns field errors for anything the writer can fix.
 */
export async function editSubmission(
  db: Executor,
  own: OwnSubmission,
  rules: CommentRules,
  newBody: string,
  options: { moderation?: ModerationSettings; writer: "guest" | "member" | "staff"; now?: Date },
): Promise<{ ok: true; held: boolean } | { ok: false; fieldErrors: FieldErrors }> {
  const now = options.now ?? new Date();
  if (!own.editable) {
    return {
      ok: false,
      fieldErrors: { "": [`Comments can be edited for ${EDIT_WINDOW_MINUTES} minutes after posting.`] },
    };
  }
  const parsed = commentFormSchema(rules, { signedIn: true }).shape.body.safeParse(newBody);
  if (!parsed.success) return { ok: false, fieldErrors: { body: parsed.error.issues.map((i) => i.message) } };
  if (showsNothing(parsed.data)) return { ok: false, fieldErrors: { body: [BLANK_BODY_MESSAGE] } };
  const split = splitComment(parsed.data, { limit: rules.limit, maxParts: rules.maxParts });
  if (!split.ok) return { ok: false, fieldErrors: { body: ["This comment has too many parts."] } };

  failForTest("comment-write", parsed.data);
  return db.transaction(async (tx) => {
    const txDb = tx;
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`comments:${own.postSlug}`}))`);
    // The duplicate check of a new comment: the same text as another recent
    // comment on this post is refused.
    const [duplicate] = await tx
      .select({ id: commentSubmissions.id })
      .from(commentSubmissions)
      .where(
        and(
          eq(commentSubmissions.postSlug, own.postSlug),
          eq(commentSubmissions.body, split.normalized),
          gt(commentSubmissions.createdAt, new Date(now.getTime() - DUPLICATE_WINDOW_SECONDS * 1000)),
          ne(commentSubmissions.id, own.submissionId),
        ),
      )
      .limit(1);
    if (duplicate) {
      return { ok: false as const, fieldErrors: { body: ["This exact comment was just posted here."] } };
    }
    const parts = await tx
      .select()
      .from(comments)
      .where(eq(comments.submissionId, own.submissionId))
      .orderBy(asc(comments.partIndex));
    const first = parts[0];
    const last = parts[parts.length - 1];
    if (split.parts.length !== parts.length) {
      const followed =
        first.position !== null &&
        ((await hasReplies(
          txDb,
          parts.map((p) => p.id),
        )) ||
          (await hasLaterSibling(txDb, first, last.position!)));
      if (followed) {
        return {
          ok: false as const,
          fieldErrors: {
            body: [
              `Others have commented since, so this comment must stay in ${parts.length} part${parts.length > 1 ? "s" : ""}: ` +
                `keep it to about ${(rules.limit * parts.length).toLocaleString("en-GB")} characters.`,
            ],
          },
        };
      }
    }
    const decision = options.moderation
      ? decideHold({
          writer: options.writer,
          // An edit never re-holds a guest for being new: they were already screened.
          trustedGuest: true,
          links: countLinks(split.normalized),
          honeypot: false,
          tooFast: false,
          settings: options.moderation,
        })
      : ({ status: "published", reason: null } as const);
    const status: Comment["status"] =
      first.status === "pending" || decision.status !== "published" ? "pending" : "published";

    await tx.insert(commentRevisions).values({ submissionId: own.submissionId, body: own.body, replacedAt: now });
    await tx
      .update(commentSubmissions)
      .set({
        body: split.normalized,
        partCount: split.parts.length,
        editedAt: now,
        heldReason: status === "pending" ? (decision.reason ?? "edited") : null,
      })
      .where(eq(commentSubmissions.id, own.submissionId));
    // Surplus parts go (only possible while nothing follows them)...
    const surplus = parts.slice(split.parts.length).map((p) => p.id);
    if (surplus.length) await tx.delete(comments).where(inArray(comments.id, surplus));
    // ...and every kept or new part gets its text, numbered consecutively.
    for (const [i, part] of split.parts.entries()) {
      const values = {
        body: part.text,
        partIndex: i + 1,
        partCount: split.parts.length,
        status,
        editedAt: now,
        updatedAt: now,
      };
      if (i < parts.length) {
        await tx.update(comments).set(values).where(eq(comments.id, parts[i].id));
      } else {
        await tx.insert(comments).values({
          ...values,
          postSlug: first.postSlug,
          parentId: first.parentId,
          position: first.position === null ? null : first.position + i,
          authorKind: first.authorKind,
          userId: first.userId,
          displayName: first.displayName,
          website: first.website,
          email: first.email,
          submissionId: own.submissionId,
          // A new part of an edited comment is under the licence it was first published under.
          license: first.license,
          createdAt: first.createdAt,
        });
      }
    }
    return { ok: true as const, held: status === "pending" };
  });
}

async function hasReplies(db: Executor, ids: number[]): Promise<boolean> {
  const [row] = await db.select({ id: comments.id }).from(comments).where(inArray(comments.parentId, ids)).limit(1);
  return row !== undefined;
}

async function hasLaterSibling(db: Executor, first: Comment, lastPosition: number): Promise<boolean> {
  const [row] = await db
    .select({ last: max(comments.position) })
    .from(comments)
    .where(
      and(
        eq(comments.postSlug, first.postSlug),
        first.parentId === null ? isNull(comments.parentId) : eq(comments.parentId, first.parentId),
        gt(comments.position, lastPosition),
      ),
    );
  return row?.last !== null && row?.last !== undefined;
}
