import { parseWithZod } from "@conform-to/zod/v4";
import { redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { PageNav, pageHref } from "~/components/PageNav";
import { PostList } from "~/components/PostList";
import { pageMeta } from "~/discovery/meta";
import { toPostListItems } from "~/posts/listing.server";
import { pageQuerySchema } from "~/posts/page-query";
import { pageOf } from "~/posts/paging";
import { listPosts } from "~/posts/posts.server";
import { getSiteSettings } from "~/settings/site-settings.server";
import { getDatabase } from "~/database.server";
import { findRedirect } from "~/import/redirects.server";

// Newest first, 20 a page (?page=n): a site with a thousand posts stays a light page.
export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  // An imported WordPress post's old address (/?p=42, /?page_id=7) moves to its permalink.
  if (url.searchParams.has("p") || url.searchParams.has("page_id")) {
    const target = await findRedirect(await getDatabase(), url.pathname, url.searchParams);
    if (target) return redirect(target, 301);
  }
  const [site, all] = await Promise.all([getSiteSettings(), listPosts()]);
  const query = parseWithZod(new URL(request.url).searchParams, { schema: pageQuerySchema, disableAutoCoercion: true });
  const pageParam = query.status === "success" ? query.value.page : { ok: false as const };
  const page = pageParam.ok ? pageOf(all, pageParam.page) : null;
  if (!page) throw new Response("There is no such page of posts.", { status: 404 });
  return {
    siteTitle: site.title,
    page: page.page,
    pageCount: page.pageCount,
    posts: await toPostListItems(page.items),
  };
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageMeta(matches, (site) => ({
    title: data?.siteTitle ?? "Staffroom",
    description: site.siteDescription,
    path: "/",
    // Page 2+ lists other posts: a page of its own.
    query: data && data.page > 1 ? { page: data.page } : undefined,
  }));

export default function Home() {
  const { page, pageCount, posts } = useLoaderData<typeof loader>();
  return (
    <>
      <h1 className="visually-hidden">{page > 1 ? `Posts, page ${page} of ${pageCount}` : "Posts"}</h1>
      <PostList posts={posts} />
      <PageNav page={page} pageCount={pageCount} href={(n) => pageHref("/", n)} label="Pages of posts" />
    </>
  );
}
