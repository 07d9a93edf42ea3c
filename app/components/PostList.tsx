import { Link } from "@remix-run/react";
import { authorPath, postPagePath, postPath, tagPath } from "~/discovery/paths";
import { formatCalendarDate } from "~/posts/dates";

/** What a post list shows of each post (loader data). */
export interface PostListItem {
  slug: string;
  title: string;
  published: string;
  authorName: string | null;
  /** The author entry's slug: the byline links to their page. */
  authorSlug: string | null;
  summary: string;
  tags: string[];
  commentCount: number;
}

/** Posts newest first: title, date, author, summary, tags and comment count. */
export function PostList({ posts }: { posts: PostListItem[] }) {
  if (posts.length === 0) return <p>No posts yet.</p>;
  return (
    <ol className="post-list" reversed={false}>
      {posts.map((post) => (
        <li key={post.slug}>
          <article>
            <h2>
              <Link to={postPath(post.slug)} dir="auto">
                {post.title}
              </Link>
            </h2>
            <p className="meta">
              <time dateTime={post.published}>{formatCalendarDate(post.published)}</time>
              {post.authorName ? (
                <>
                  {" · by "}
                  {post.authorSlug ? (
                    <Link to={authorPath(post.authorSlug)} dir="auto">
                      {post.authorName}
                    </Link>
                  ) : (
                    <bdi>{post.authorName}</bdi>
                  )}
                </>
              ) : null}
              {" · "}
              <Link to={postPagePath(post.slug, 1, "comments")}>
                {post.commentCount === 1 ? "1 comment" : `${post.commentCount.toLocaleString("en-GB")} comments`}
              </Link>
            </p>
            {post.summary ? <p>{post.summary}</p> : null}
            <TagList tags={post.tags} />
          </article>
        </li>
      ))}
    </ol>
  );
}

/** Links to each tag's page. */
export function TagList({ tags }: { tags: string[] }) {
  if (tags.length === 0) return null;
  return (
    <ul className="tags" aria-label="Tags">
      {tags.map((tag) => (
        <li key={tag}>
          <Link to={tagPath(tag)} rel="tag">
            {tag}
          </Link>
        </li>
      ))}
    </ul>
  );
}
