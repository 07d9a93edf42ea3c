import { asc, eq } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { comments } from "../../db/schema";
import { commentPlainText } from "../comments/markdown.server";
import { getPost } from "../posts/posts.server";
import { getSiteSettings } from "../settings/site-settings.server";
import { commentPath } from "../discovery/paths";
import { absoluteUrl, publicOrigin } from "../site/urls.server";
import { notifyHeldComment, notifyNewComment, parentSubmissionIdOf } from "./subscriptions.server";

/**
 * Tells the right people about a submission that was just stored or
 * moderated: subscribers and followers when it is published, the post's
 * coach when it is held. Only queues email (sent by the outbox worker), and
 * never throws: email must never fail or block a comment.
 */
export async function announceSubmission(db: Executor, submissionId: string): Promise<void> {
  try {
    const [first] = await db
      .select()
      .from(comments)
      .where(eq(comments.submissionId, submissionId))
      .orderBy(asc(comments.partIndex))
      .limit(1);
    if (!first || (first.status !== "published" && first.status !== "pending")) return;
    const [post, site] = await Promise.all([getPost(first.postSlug), getSiteSettings()]);
    if (!post) return;
    const siteUrl = publicOrigin();
    const excerpt = commentPlainText(first.body, 400);
    if (first.status === "pending") {
      if (post.author?.accountEmail) {
        await notifyHeldComment(db, {
          to: post.author.accountEmail,
          postTitle: post.title,
          writerName: first.displayName,
          excerpt,
          queueUrl: absoluteUrl("/moderation"),
          siteTitle: site.title,
        });
      }
      return;
    }
    await notifyNewComment(db, {
      postSlug: post.slug,
      postTitle: post.title,
      submissionId,
      parentSubmissionId: await parentSubmissionIdOf(db, first.parentId),
      writerName: first.displayName,
      writerEmail: first.email,
      writerUserId: first.userId,
      commentUrl: absoluteUrl(commentPath(first.id)),
      excerpt,
      siteTitle: site.title,
      siteUrl,
    });
  } catch (error) {
    console.error(`Could not queue notifications for submission ${submissionId}:`, error);
  }
}
