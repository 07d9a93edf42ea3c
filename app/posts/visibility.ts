import type { Role } from "../../db/schema";

/**
 * Who may see a post (docs/decisions/0048-drafts-and-scheduled-posts.md):
 * the one rule every public read goes through (home, tags, archive, search,
 * feeds, sitemap, the post page, comment posting, member profiles). Pure:
 * the caller passes the moment to decide at, so the rule is evaluated at
 * request time (a scheduled post appears without a restart) and tests pass
 * any clock they like.
 */

/** A post's status as its file says (`status:` in the frontmatter; absent means published). */
export type PostStatus = "draft" | "published";

/** Every status, in the editor's order. */
export const POST_STATUSES: readonly PostStatus[] = ["draft", "published"];

/** What readers may know of a post at a moment. */
export type PostVisibility =
  | { kind: "public" }
  /** Marked draft: never shown to readers, whatever its date. */
  | { kind: "draft" }
  /** Published with a date after today (UTC): shown from 00:00 UTC on `date` (YYYY-MM-DD). */
  | { kind: "scheduled"; date: string };

/** The UTC calendar date of an instant, YYYY-MM-DD. */
export function utcCalendarDate(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/**
 * The visibility of a post at `now`. A post is public when its status is
 * published and its calendar date (YYYY-MM-DD, decision 0005) is today or
 * earlier in UTC; a published post dated later is scheduled; a draft is a
 * draft whatever its date.
 */
export function postVisibility(post: { status: PostStatus; published: string }, now: Date): PostVisibility {
  if (post.status === "draft") return { kind: "draft" };
  if (post.published > utcCalendarDate(now)) return { kind: "scheduled", date: post.published };
  return { kind: "public" };
}

/** True when readers (anyone, signed in or not) may see the post at `now`: see `postVisibility`. */
export function isPublic(post: { status: PostStatus; published: string }, now: Date): boolean {
  return postVisibility(post, now).kind === "public";
}

/**
 * True when this person may preview posts readers cannot see yet: coaches
 * (the post's own coach and the others) and admins. Members and guests may not.
 */
export function mayPreviewPosts(viewer: { role: Role } | null): boolean {
  return viewer?.role === "coach" || viewer?.role === "admin";
}

/** How a page shows a post to one person at `now`. */
export type PostAccess =
  | { kind: "public" }
  /** Not public, shown to staff as a preview (with a banner, noindex, never cached). */
  | { kind: "preview"; visibility: Exclude<PostVisibility, { kind: "public" }> }
  /** Not public and not staff: the post does not exist for them (a 404). */
  | { kind: "hidden" };

/** Whether `viewer` (null: nobody signed in) sees the post at `now` as readers do, as a preview, or not at all. */
export function postAccess(
  post: { status: PostStatus; published: string },
  viewer: { role: Role } | null,
  now: Date,
): PostAccess {
  const visibility = postVisibility(post, now);
  if (visibility.kind === "public") return { kind: "public" };
  return mayPreviewPosts(viewer) ? { kind: "preview", visibility } : { kind: "hidden" };
}
