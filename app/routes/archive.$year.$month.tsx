import { parseWithZod } from "@conform-to/zod/v4";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PageNav, pageHref } from "~/components/PageNav";
import { PostList } from "~/components/PostList";
import { formatCount } from "~/comments/characters";
import { pageMeta } from "~/discovery/meta";
import {
  adjacentMonths,
  archivePath,
  groupByMonth,
  monthLabel,
  parseArchiveMonth,
  postsInMonth,
} from "~/posts/archive";
import { toPostListItems } from "~/posts/listing.server";
import { pageQuerySchema } from "~/posts/page-query";
import { pageOf } from "~/posts/paging";
import { listPosts } from "~/posts/posts.server";

// /archive/<yyyy>/<mm>: the posts of one month, with links to the nearest
// months that have posts. A malformed month or one without posts is a 404.

export async function loader({ params, request }: LoaderFunctionArgs) {
  const when = parseArchiveMonth(params.year, params.month);
  if (!when)
    throw new Response("Archive pages are at /archive/<year>/<month>, such as /archive/2026/03.", { status: 404 });
  const label = monthLabel(when.year, when.month);
  const all = await listPosts();
  const inMonth = postsInMonth(all, when.year, when.month);
  if (inMonth.length === 0) throw new Response(`No posts were published in ${label}.`, { status: 404 });
  const query = parseWithZod(new URL(request.url).searchParams, { schema: pageQuerySchema, disableAutoCoercion: true });
  const pageParam = query.status === "success" ? query.value.page : { ok: false as const };
  const page = pageParam.ok ? pageOf(inMonth, pageParam.page) : null;
  if (!page) throw new Response(`There is no such page of posts from ${label}.`, { status: 404 });
  const { previous, next } = adjacentMonths(groupByMonth(all), when.year, when.month);
  return {
    label,
    path: archivePath(when.year, when.month),
    count: inMonth.length,
    page: page.page,
    pageCount: page.pageCount,
    posts: await toPostListItems(page.items),
    previous: previous && { path: previous.path, label: previous.label },
    next: next && { path: next.path, label: next.label },
  };
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  if (!data) return [{ title: "Page not found" }];
  return pageMeta(matches, (site) => ({
    title: `Posts from ${data.label}${data.page > 1 ? ` (page ${data.page})` : ""}`,
    description: `${data.count === 1 ? "1 post" : `${formatCount(data.count)} posts`} published on ${site.siteTitle} in ${data.label}.`,
    path: data.path,
    query: data.page > 1 ? { page: data.page } : undefined,
  }));
};

export default function ArchiveMonth() {
  const { label, path, count, page, pageCount, posts, previous, next } = useLoaderData<typeof loader>();
  return (
    <>
      <p className="meta">
        <Link to="/archive">Archive</Link>
      </p>
      <h1>
        {label} <span className="meta">({count === 1 ? "1 post" : `${formatCount(count)} posts`})</span>
      </h1>
      <PostList posts={posts} />
      <PageNav page={page} pageCount={pageCount} href={(n) => pageHref(path, n)} label={`Pages of ${label}`} />
      <nav className="month-nav" aria-label="Other months">
        {previous ? <Link to={previous.path}>← {previous.label}</Link> : <span />}
        {next ? <Link to={next.path}>{next.label} →</Link> : null}
      </nav>
    </>
  );
}
