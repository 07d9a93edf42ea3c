import { Link } from "@remix-run/react";
import { postPagePath } from "~/discovery/paths";

/**
 * Pages of a long thread: previous, numbered pages, next (plain links, no JavaScript needed).
 * @param label the navigation's accessible name, its own for each on a page ("Comment pages, top").
 */
export function Pagination({
  slug,
  page,
  pageCount,
  label,
}: {
  slug: string;
  page: number;
  pageCount: number;
  label: string;
}) {
  if (pageCount <= 1) return null;
  const href = (n: number) => postPagePath(slug, n, "comments");
  return (
    <nav className="pagination" aria-label={label}>
      {page > 1 ? <Link to={href(page - 1)}>← Older comments</Link> : null}
      {Array.from({ length: pageCount }, (_, i) => i + 1).map((n) =>
        n === page ? (
          <span key={n} aria-current="page">
            {n}
          </span>
        ) : (
          <Link key={n} to={href(n)}>
            {n}
          </Link>
        ),
      )}
      {page < pageCount ? <Link to={href(page + 1)}>Newer comments →</Link> : null}
    </nav>
  );
}
