import { eq } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { comments } from "../../db/schema";
import { moderatesPost } from "../moderation/rules";
import { getPost } from "../posts/posts.server";
import type { CommentWriter } from "./edit-comment.server";
import { ownSubmission } from "./edits.server";
import { placeOfComment, postOfComment } from "./numbering.server";
import { removeComment } from "./submission.server";

/**
 * Removing a comment from under it (docs/architecture.md §3, §4): its writer
 * (by account or guest browser token), the post's coach, or an admin may. It
 * is asked first ("Remove comment 9? This cannot be undone."), then leaves a
 * tombstone that keeps its number and replies; every part of a split comment
 * goes together. No knowledge of HTTP.
 */

/** Where a comment is, to return to it: its post, the page of the thread holding it, its number (null while held). */
export interface RemovalPlace {
  postSlug: string;
  /** 1-based page of the thread holding it. */
  page: number;
  /** Its public number, kept by the tombstone; null when it has none (held). */
  number: string | null;
}

/** Whether a removal may go ahead: the route maps each to its response. */
export type RemovalCheck =
  | { kind: "not-found" }
  /** Neither its writer nor a moderator of its post. */
  | { kind: "forbidden" }
  /** The reader may remove it: what to ask them about. `parts` is how many parts go with it (1 when not split). */
  | ({ kind: "allowed"; commentId: number; parts: number } & RemovalPlace);

/** What became of a removal: the route maps each to its response. */
export type RemoveCommentOutcome =
  | { kind: "not-found" }
  | { kind: "forbidden" }
  /** Removed (or already so). */
  | ({ kind: "removed" } & RemovalPlace);

/**
 * Whether the reader may remove comment `commentId`, and where it is: for the
 * question asked before removing it. Removes nothing. Throws only for
 * database failures.
 */
export async function checkRemoval(db: Executor, input: CommentWriter & { commentId: number }): Promise<RemovalCheck> {
  const { account, commentId } = input;
  const postSlug = await postOfComment(db, commentId);
  if (!postSlug) return { kind: "not-found" };
  const own = await ownSubmission(db, commentId, { userId: account?.id ?? null, guestToken: input.guestToken });
  const post = await getPost(postSlug);
  if (!own && !moderatesPost(account, post?.author ?? null)) return { kind: "forbidden" };
  const place = await placeOfComment(db, commentId);
  if (!place) return { kind: "not-found" };
  const [row] = await db.select({ parts: comments.partCount }).from(comments).where(eq(comments.id, commentId));
  return { kind: "allowed", commentId, parts: row?.parts ?? 1, ...place };
}

/** Removes comment `commentId` for its writer or a moderator of its post. Throws only for database failures. */
export async function removeOwnOrModeratedComment(
  db: Executor,
  input: CommentWriter & { commentId: number },
): Promise<RemoveCommentOutcome> {
  const check = await checkRemoval(db, input);
  if (check.kind !== "allowed") return check;
  await removeComment(db, input.commentId);
  const place = await placeOfComment(db, input.commentId);
  return { kind: "removed", postSlug: check.postSlug, page: place?.page ?? check.page, number: place?.number ?? null };
}
