import type { MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { formatCount } from "~/comments/characters";
import { pageMeta } from "~/discovery/meta";
import { archivePath } from "~/discovery/paths";
import { groupByMonth } from "~/posts/archive";
import { listPosts } from "~/posts/posts.server";

// /archive: every month that has posts, grouped by year, newest first, with counts.

export async function loader() {
  const posts = await listPosts();
  return { total: posts.length, years: groupByMonth(posts) };
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageMeta(matches, (site) => ({
    title: "Archive",
    description: data ? `${posts(data.total)} on ${site.siteTitle}, month by month.` : null,
    path: archivePath(),
  }));

function posts(n: number): string {
  return n === 1 ? "1 post" : `${formatCount(n)} posts`;
}

export default function Archive() {
  const { total, years } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Archive</h1>
      {years.length === 0 ? (
        <p>No posts yet.</p>
      ) : (
        <p className="meta">
          {posts(total)}, month by month. See also the <Link to="/tags">tags</Link>.
        </p>
      )}
      {years.map((year) => (
        <section key={year.year} className="archive-year" aria-labelledby={`year-${year.year}`}>
          <h2 id={`year-${year.year}`}>
            {year.year} <span className="meta">({posts(year.count)})</span>
          </h2>
          <ul className="archive-months">
            {year.months.map((month) => (
              <li key={month.path}>
                <Link to={month.path}>{month.label}</Link> <span className="count">{posts(month.count)}</span>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </>
  );
}
