import { countComments } from "../comments/thread-read.server";
import { getDatabase } from "../database.server";
import type { PostListItem } from "../components/PostList";
import type { PostSummary } from "./posts.server";

/** Post summaries with their comment counts, shaped for `PostList`. */
export async function toPostListItems(posts: PostSummary[]): Promise<PostListItem[]> {
  const counts = await countComments(
    await getDatabase(),
    posts.map((post) => post.slug),
  );
  return posts.map((post) => ({
    slug: post.slug,
    title: post.title,
    published: post.published,
    authorName: post.author?.name ?? null,
    authorSlug: post.author?.slug ?? null,
    summary: post.summary,
    tags: post.tags,
    commentCount: counts.get(post.slug) ?? 0,
  }));
}
