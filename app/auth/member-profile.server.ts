import type { Database } from "../../db/client";
import type { Role } from "../../db/schema";
import { commentPlainText } from "../comments/markdown.server";
import { listAllPosts } from "../posts/posts.server";
import { isPublic } from "../posts/visibility";
import { getAccount, publicCommentsOf } from "./accounts.server";

/** Characters of a comment's text shown on the member's profile. */
const EXCERPT_CHARACTERS = 240;

/** A member's public profile (/members/<id>): name, role and published comments, newest first. */
export interface MemberProfile {
  member: { id: string; displayName: string; role: Role };
  comments: {
    id: number;
    postSlug: string;
    /** The post's title, or its slug when the post is gone (its file deleted). */
    postTitle: string;
    /** Plain text, at most 240 characters. */
    excerpt: string;
    /** UTC ISO-8601. */
    createdAt: string;
    /** "Part 2 of 3" for a part of a split reply, else null. */
    part: string | null;
  }[];
}

/**
 * The public profile of the account `id`, or null when there is none (never
 * its email: profiles are public). Comments on posts readers may not see at
 * `now` (drafts, scheduled posts: `isPublic`) are left out.
 */
export async function memberProfile(db: Database, id: string, now: Date = new Date()): Promise<MemberProfile | null> {
  const account = await getAccount(db, id);
  if (!account) return null;
  const [comments, posts] = await Promise.all([publicCommentsOf(db, account.id), listAllPosts()]);
  const titles = new Map(posts.map((post) => [post.slug, post.title]));
  const hidden = new Set(posts.filter((post) => !isPublic(post, now)).map((post) => post.slug));
  return {
    member: { id: account.id, displayName: account.displayName, role: account.role },
    comments: comments
      .filter((comment) => !hidden.has(comment.postSlug))
      .map((comment) => ({
        id: comment.id,
        postSlug: comment.postSlug,
        postTitle: titles.get(comment.postSlug) ?? comment.postSlug,
        excerpt: commentPlainText(comment.body, EXCERPT_CHARACTERS),
        createdAt: comment.createdAt,
        part: comment.partCount > 1 ? `Part ${comment.partIndex} of ${comment.partCount}` : null,
      })),
  };
}
