/**
 * The site's public paths that discovery (sitemap, canonical links, feed
 * autodiscovery, share links) points at, in one place. Paths only: an origin
 * is added by `absoluteUrl` (app/site/urls.server.ts) on the server, or by
 * `canonicalUrl` (./meta.ts) from the origin the root loader hands to pages.
 *
 * Every variable segment is percent-encoded with `encodeURIComponent`, so a
 * tag such as `R&D <x>` gives `/tags/R%26D%20%3Cx%3E`, which needs no further
 * escaping in HTML attributes, XML or a query string.
 */

/** `/posts/<slug>`: a post's page. */
export function postPath(slug: string): string {
  return `/posts/${encodeURIComponent(slug)}`;
}

/** `/tags/<tag>`: the posts carrying a tag (exact match, as app/routes/tags.$tag.tsx reads it). */
export function tagPath(tag: string): string {
  return `/tags/${encodeURIComponent(tag)}`;
}

/** `/tags`: every tag, with its number of posts. */
export function tagsIndexPath(): string {
  return "/tags";
}

/** `/archive`: every month that has posts. */
export function archivePath(): string {
  return "/archive";
}

/**
 * `/archive/<yyyy>/<mm>`: the posts of one month.
 * @param month a `YYYY-MM` string, e.g. "2013-06" (the first seven characters of a post's `published`).
 * @throws RangeError when `month` is not `YYYY-MM` with a month 01–12.
 */
export function archiveMonthPath(month: string): string {
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!match) throw new RangeError(`archiveMonthPath: "${month}" is not a YYYY-MM month`);
  return `/archive/${match[1]}/${match[2]}`;
}

/** A feed to advertise with `<link rel="alternate">` and in visible links. */
export interface FeedLink {
  /** Media type: application/atom+xml, application/rss+xml or application/feed+json. */
  type: string;
  /** Shown by feed readers and browser extensions when they offer the feed. */
  title: string;
  /** Site-relative path, e.g. "/feed.atom". */
  href: string;
  /** The format's name for visible links: "Atom", "RSS", "JSON Feed". */
  format: string;
}

/** The three formats every feed of the site comes in, by file extension. */
const FORMATS = [
  { extension: "atom", type: "application/atom+xml", format: "Atom" },
  { extension: "rss", type: "application/rss+xml", format: "RSS" },
  // The JSON Feed 1.1 media type (https://www.jsonfeed.org/version/1.1/).
  { extension: "json", type: "application/feed+json", format: "JSON Feed" },
] as const;

/**
 * The site's feeds of new posts, at `/feed.atom`, `/feed.rss` and `/feed.json`
 * (served by app/feeds/), titled with the site's title.
 */
export function siteFeeds(siteTitle: string): FeedLink[] {
  return FORMATS.map(({ extension, type, format }) => ({
    type,
    format,
    title: `${siteTitle} (${format})`,
    href: `/feed.${extension}`,
  }));
}

/** One tag's feeds, at `/tags/<tag>/feed.atom|rss|json` (the tag percent-encoded). */
export function tagFeeds(tag: string, siteTitle: string): FeedLink[] {
  return FORMATS.map(({ extension, type, format }) => ({
    type,
    format,
    title: `${siteTitle}: posts tagged “${tag}” (${format})`,
    href: `${tagPath(tag)}/feed.${extension}`,
  }));
}
