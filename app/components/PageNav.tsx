import { Link } from "@remix-run/react";
import { pageWindow } from "~/posts/paging";

/**
 * Pages of a post list or of search results: newer/previous, numbered pages
 * (first, last and the current one's neighbours), older/next. Plain links,
 * no JavaScript needed.
 *
 * @param href the address of page n (page 1 should be the list's plain address).
 */
export function PageNav({
  page,
  pageCount,
  href,
  label,
  previousText = "← Newer posts",
  nextText = "Older posts →",
}: {
  page: number;
  pageCount: number;
  href: (n: number) => string;
  /** Names the navigation for screen readers, e.g. "Pages of posts". */
  label: string;
  previousText?: string;
  nextText?: string;
}) {
  if (pageCount <= 1) return null;
  return (
    <nav className="pagination" aria-label={label}>
      {page > 1 ? (
        <Link to={href(page - 1)} rel="prev">
          {previousText}
        </Link>
      ) : null}
      {pageWindow(page, pageCount).map((n, i) =>
        n === null ? (
          <span key={`gap-${i}`} aria-hidden="true">
            …
          </span>
        ) : n === page ? (
          <span key={n} aria-current="page">
            {n}
          </span>
        ) : (
          <Link key={n} to={href(n)} aria-label={`Page ${n}`}>
            {n}
          </Link>
        ),
      )}
      {page < pageCount ? (
        <Link to={href(page + 1)} rel="next">
          {nextText}
        </Link>
      ) : null}
    </nav>
  );
}

/** `path` with `?page=n` (and any other parameters); page 1 is the plain address. */
export function pageHref(path: string, n: number, params: Record<string, string> = {}): string {
  const search = new URLSearchParams(params);
  if (n > 1) search.set("page", String(n));
  const query = search.toString();
  return query ? `${path}?${query}` : path;
}
