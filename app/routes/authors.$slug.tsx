import { parseWithZod } from "@conform-to/zod/v4";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PageNav, pageHref } from "~/components/PageNav";
import { PostList } from "~/components/PostList";
import { formatCount } from "~/comments/characters";
import { pageMeta } from "~/discovery/meta";
import { authorFeeds, authorPath } from "~/discovery/paths";
import { readAuthorPage } from "~/posts/author-page.server";
import { toPostListItems } from "~/posts/listing.server";
import { pageQuerySchema } from "~/posts/page-query";
import { pageOf } from "~/posts/paging";

// /authors/<slug>: an author's name, role, bio, avatar and links, their posts
// newest first (20 a page), and their feeds. 404 for an unknown author.
export async function loader({ params, request }: LoaderFunctionArgs) {
  const found = await readAuthorPage(params.slug ?? "");
  if (!found) throw new Response("There is no author at this address.", { status: 404 });
  const query = parseWithZod(new URL(request.url).searchParams, { schema: pageQuerySchema, disableAutoCoercion: true });
  const pageParam = query.status === "success" ? query.value.page : { ok: false as const };
  // An author with no posts yet still has page 1, with an empty list.
  const page = pageParam.ok ? pageOf(found.posts, pageParam.page) : null;
  if (!page) throw new Response(`There is no such page of posts by ${found.author.name}.`, { status: 404 });
  return {
    author: found.author,
    count: found.posts.length,
    page: page.page,
    pageCount: page.pageCount,
    posts: await toPostListItems(page.items),
  };
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  if (!data) return [{ title: "Author not found" }];
  const { author, page } = data;
  return pageMeta(matches, (site) => ({
    title: author.name,
    description: author.bio.trim() || `Posts by ${author.name} on ${site.siteTitle}.`,
    path: authorPath(author.slug),
    query: page > 1 ? { page } : undefined,
    image: author.avatar ? { src: author.avatar, alt: author.name } : null,
    feeds: authorFeeds(author.slug, author.name, site.siteTitle),
  }));
};

export default function AuthorPageView() {
  const { author, count, page, pageCount, posts } = useLoaderData<typeof loader>();
  const feeds = authorFeeds(author.slug, author.name, "");
  return (
    <>
      <p className="meta">
        <Link to="/">All posts</Link>
      </p>
      <section className="author-profile" aria-labelledby="author-name">
        {author.avatar ? <img className="avatar" src={author.avatar} alt="" width={96} height={96} /> : null}
        <div>
          <h1 id="author-name">{author.name}</h1>
          {author.role ? <p className="meta author-role">{author.role}</p> : null}
          {author.bio ? <p className="author-bio">{author.bio}</p> : null}
          {author.links.length > 0 ? (
            <ul className="author-links">
              {author.links.map((link) => (
                <li key={link.url}>
                  <a href={link.url} rel="me">
                    {link.label || link.url}
                  </a>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      </section>
      <h2>
        Posts by <bdi>{author.name}</bdi>{" "}
        <span className="meta">({count === 1 ? "1 post" : `${formatCount(count)} posts`})</span>
      </h2>
      <p className="site-feeds">
        Follow <bdi>{author.name}</bdi>'s posts:{" "}
        {feeds.map((feed, index) => (
          <span key={feed.href}>
            {index > 0 ? " · " : null}
            <a href={feed.href} type={feed.type}>
              {feed.format}
            </a>
          </span>
        ))}
      </p>
      <PostList posts={posts} />
      <PageNav
        page={page}
        pageCount={pageCount}
        href={(n) => pageHref(authorPath(author.slug), n)}
        label={`Pages of posts by ${author.name}`}
      />
    </>
  );
}
