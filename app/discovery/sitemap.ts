import { create } from "xmlbuilder2";
import { aboutPath, archiveMonthPath, archivePath, authorPath, postPath, tagPath, tagsIndexPath } from "./paths";

/**
 * sitemap.xml, as the sitemaps.org protocol 0.9 describes it
 * (https://www.sitemaps.org/protocol.html): a `<urlset>` in the protocol's
 * namespace with one `<url>` per page, each an absolute `<loc>` and, where we
 * know it, a `<lastmod>` in W3C Datetime form (a `YYYY-MM-DD` date is one).
 * `changefreq` and `priority` are left out: they are optional and the large
 * search engines ignore them.
 */

const SITEMAP_NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9";

/** The protocol's limit for one sitemap file; past it a sitemap index is needed. */
const MAX_SITEMAP_URLS = 50_000;

/** One page of the sitemap, by path: the caller makes it absolute. */
export interface SitemapPage {
  /** Site-relative path, e.g. "/posts/a-slug" (already percent-encoded). */
  path: string;
  /** `YYYY-MM-DD` of the page's last change, when known. */
  lastmod: string | null;
}

/** One `<url>` entry. */
export interface SitemapUrl {
  /** Absolute URL, e.g. "https://staffroom.example.org/posts/a-slug". */
  loc: string;
  lastmod: string | null;
}

/** What the sitemap needs to know of a post (a `PostSummary` fits). */
export interface SitemapPost {
  slug: string;
  /** Calendar date `YYYY-MM-DD`. */
  published: string;
  tags: string[];
  /** The author entry's slug, when the post has an author. */
  author?: string | null;
}

/** Pages beside the posts' own that the sitemap lists. */
export interface SitemapExtras {
  /** Every author entry's slug: each has a page at `/authors/<slug>`. */
  authors?: readonly string[];
  /** True when the site has an About page (content/about.md). */
  about?: boolean;
}

/**
 * The public pages worth a crawler's visit, in this order: the home page,
 * every post (lastmod: its published date), the tag index (when any post
 * has a tag) and every tag page, each author's page (`extras.authors`), the
 * About page (`extras.about`), the archive and each month of it that has
 * posts. A list page's lastmod is the date of its newest post (an author
 * without posts and the About page have none). `/search` is left out: its
 * results are not pages of their own.
 *
 * Posts and months come newest first, tags in alphabetical order; a tag or a
 * month is listed once however many posts share it.
 */
export function sitemapPages(posts: readonly SitemapPost[], extras: SitemapExtras = {}): SitemapPage[] {
  const byDateDesc = [...posts].sort((a, b) => b.published.localeCompare(a.published) || a.slug.localeCompare(b.slug));
  const newest = byDateDesc[0]?.published ?? null;
  const tags = new Map<string, string>();
  const months = new Map<string, string>();
  const authorDates = new Map<string, string>();
  for (const post of byDateDesc) {
    if (post.author && !authorDates.has(post.author)) authorDates.set(post.author, post.published);
    // Newest first, so the first date seen for a tag or month is its newest.
    for (const tag of post.tags) if (tag && !tags.has(tag)) tags.set(tag, post.published);
    const month = post.published.slice(0, 7);
    if (/^\d{4}-(0[1-9]|1[0-2])$/.test(month) && !months.has(month)) months.set(month, post.published);
  }
  return [
    { path: "/", lastmod: newest },
    ...byDateDesc.map((post) => ({ path: postPath(post.slug), lastmod: post.published })),
    ...(tags.size > 0 ? [{ path: tagsIndexPath(), lastmod: [...tags.values()].sort().at(-1)! }] : []),
    ...[...tags]
      .sort(([a], [b]) => a.localeCompare(b, "en"))
      .map(([tag, lastmod]) => ({ path: tagPath(tag), lastmod })),
    ...[...new Set(extras.authors ?? [])]
      .sort((a, b) => a.localeCompare(b, "en"))
      .map((slug) => ({ path: authorPath(slug), lastmod: authorDates.get(slug) ?? null })),
    ...(extras.about ? [{ path: aboutPath(), lastmod: null }] : []),
    { path: archivePath(), lastmod: newest },
    ...[...months].map(([month, lastmod]) => ({ path: archiveMonthPath(month), lastmod })),
  ];
}

/**
 * The sitemap document: UTF-8 XML written by xmlbuilder2, which escapes `&`,
 * `<` and `>` in every value (the protocol asks for entity-escaped URLs).
 * @param urls absolute URLs, at most 50,000.
 * @throws RangeError past 50,000 URLs (the protocol's limit per file).
 */
export function sitemapXml(urls: readonly SitemapUrl[]): string {
  if (urls.length > MAX_SITEMAP_URLS) {
    throw new RangeError(`sitemapXml: ${urls.length} URLs is more than a sitemap may hold (${MAX_SITEMAP_URLS})`);
  }
  const urlset = create({ version: "1.0", encoding: "UTF-8" }).ele(SITEMAP_NAMESPACE, "urlset");
  for (const { loc, lastmod } of urls) {
    const url = urlset.ele("url");
    url.ele("loc").txt(loc);
    if (lastmod) url.ele("lastmod").txt(lastmod);
  }
  // wellFormed: throw rather than write a character XML 1.0 forbids.
  return urlset.end({ prettyPrint: true, wellFormed: true });
}
