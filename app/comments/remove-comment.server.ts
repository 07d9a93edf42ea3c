import type { Executor } from "../../db/client";
import { moderatesPost } from "../moderation/rules";
import { getPost } from "../posts/posts.server";
import type { CommentWriter } from "./edit-comment.server";
import { ownSubmission } from "./edits.server";
import { locateComment, postOfComment } from "./numbering.server";
import { removeComment } from "./submission.server";

/**
 * Removing a comment from under it (docs/architecture.md §3, §4): its writer
 * (by account or guest browser token), the post's coach, or an admin may. It
 * leaves a tombstone that keeps its number and replies; every part of a
 * split comment goes together. No knowledge of HTTP.
 */

/** What became of a removal: the route maps each to its response. */
export type RemoveCommentOutcome =
  | { kind: "not-found" }
  /** Neither its writer nor a moderator of its post. */
  | { kind: "forbidden" }
  /** Removed (or already so): `number` is its public number, kept by the tombstone; null when it had none (held). */
  | { kind: "removed"; postSlug: string; number: string | null };

/** Removes comment `commentId` for its writer or a moderator of its post. Throws only for database failures. */
export async function removeOwnOrModeratedComment(
  db: Executor,
  input: CommentWriter & { commentId: number },
): Promise<RemoveCommentOutcome> {
  const { account, commentId } = input;
  const postSlug = await postOfComment(db, commentId);
  if (!postSlug) return { kind: "not-found" };
  const own = await ownSubmission(db, commentId, { userId: account?.id ?? null, guestToken: input.guestToken });
  const post = await getPost(postSlug);
  if (!own && !moderatesPost(account, post?.author ?? null)) return { kind: "forbidden" };
  await removeComment(db, commentId);
  const found = await locateComment(db, commentId);
  return { kind: "removed", postSlug, number: found?.number ?? null };
}
