import { parseWithZod } from "@conform-to/zod/v4";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { formatCount } from "~/comments/characters";
import { listPosts } from "~/posts/posts.server";
import { pageMeta } from "~/discovery/meta";
import { tagPath } from "~/discovery/paths";
import { countTags } from "~/posts/tags";
import { firstParam } from "~/site/query-params";

// /tags: every tag with its number of posts, A to Z (ignoring case and
// accents) or, with ?sort=count, most used first.

/** `?sort=count`: most used first; anything else, A to Z. Never refused. */
const tagsQuerySchema = z.object({ sort: firstParam.transform((value) => (value === "count" ? "count" : "name")) });

export async function loader({ request }: LoaderFunctionArgs) {
  const query = parseWithZod(new URL(request.url).searchParams, { schema: tagsQuerySchema, disableAutoCoercion: true });
  const sort = query.status === "success" ? query.value.sort : "name";
  return { sort, tags: countTags(await listPosts(), sort) } as const;
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageMeta(matches, (site) => ({
    title: "Tags",
    description: data ? `Every tag on ${site.siteTitle}, with its number of posts.` : null,
    // Sorted by count is the same page in another order.
    path: "/tags",
  }));

export default function Tags() {
  const { sort, tags } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Tags</h1>
      {tags.length === 0 ? (
        <p>No tags yet.</p>
      ) : (
        <>
          <p className="meta sort-links">
            {tags.length === 1 ? "1 tag" : `${formatCount(tags.length)} tags`}, sorted{" "}
            {sort === "name" ? <strong aria-current="true">by name</strong> : <Link to="/tags">by name</Link>} ·{" "}
            {sort === "count" ? (
              <strong aria-current="true">by number of posts</strong>
            ) : (
              <Link to="/tags?sort=count">by number of posts</Link>
            )}
          </p>
          <ul className="tag-index">
            {tags.map((tag) => (
              <li key={tag.name}>
                <Link to={tagPath(tag.name)} rel="tag">
                  {tag.name}
                </Link>{" "}
                <span className="count">{tag.count === 1 ? "1 post" : `${formatCount(tag.count)} posts`}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}
