import { parseWithZod } from "@conform-to/zod/v4";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PageNav, pageHref } from "~/components/PageNav";
import { PostList } from "~/components/PostList";
import { formatCount } from "~/comments/characters";
import { pageMeta } from "~/discovery/meta";
import { tagFeeds, tagPath } from "~/discovery/paths";
import { toPostListItems } from "~/posts/listing.server";
import { pageQuerySchema } from "~/posts/page-query";
import { pageOf } from "~/posts/paging";
import { listPostsByTag } from "~/posts/posts.server";

export async function loader({ params, request }: LoaderFunctionArgs) {
  const tag = params.tag ?? "";
  const all = await listPostsByTag(tag);
  if (all.length === 0) throw new Response("No posts carry this tag.", { status: 404 });
  const query = parseWithZod(new URL(request.url).searchParams, { schema: pageQuerySchema, disableAutoCoercion: true });
  const pageParam = query.status === "success" ? query.value.page : { ok: false as const };
  const page = pageParam.ok ? pageOf(all, pageParam.page) : null;
  if (!page) throw new Response(`There is no such page of posts tagged “${tag}”.`, { status: 404 });
  // `count` is every post with the tag; `posts` only this page's.
  return {
    tag,
    count: all.length,
    page: page.page,
    pageCount: page.pageCount,
    posts: await toPostListItems(page.items),
  };
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  if (!data) return [{ title: "Tag not found" }];
  const { tag, count, page } = data;
  return pageMeta(matches, (site) => ({
    title: `Posts tagged “${tag}”`,
    description: `${count === 1 ? "1 post" : `${count} posts`} tagged “${tag}” on ${site.siteTitle}.`,
    path: tagPath(tag),
    // Page 2+ lists other posts: a page of its own.
    query: page > 1 ? { page } : undefined,
    feeds: tagFeeds(tag, site.siteTitle),
  }));
};

export default function TagPage() {
  const { tag, count, page, pageCount, posts } = useLoaderData<typeof loader>();
  return (
    <>
      <p className="meta">
        <Link to="/">All posts</Link> · <Link to="/tags">All tags</Link>
      </p>
      <h1>
        Posts tagged “{tag}” <span className="meta">({count === 1 ? "1 post" : `${formatCount(count)} posts`})</span>
      </h1>
      <PostList posts={posts} />
      <PageNav
        page={page}
        pageCount={pageCount}
        href={(n) => pageHref(tagPath(tag), n)}
        label={`Pages of posts tagged “${tag}”`}
      />
    </>
  );
}
