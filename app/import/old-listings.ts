import { archiveMonthPath, archivePath, postCommentsFeedPath, tagPath } from "../discovery/paths";
import type { ExportFormat, ImportedPost } from "./model";

/**
 * The old site's feeds and listing pages (docs/decisions/0046), as redirects
 * to their Staffroom equivalents, recorded by the import next to the posts'
 * own old addresses, so they are answered only for a site imported from
 * that platform, and only for addresses it had (a tag it used, a month it
 * wrote in):
 *
 * | old address | Blogger | WordPress | Staffroom |
 * | --- | --- | --- | --- |
 * | the site's feed | `/feeds/posts/default`, `/feeds/posts/summary`, `/atom.xml`; `/rss.xml` | `/feed/`, `/feed/rss2/`, `/feed/rss/`; `/feed/atom/` | `/feed.atom`; `/feed.rss` |
 * | a post's comments feed | `/feeds/POSTID/comments/default` (and `/summary`) | `PERMALINK/feed/` | `/posts/<slug>/comments.atom` |
 * | a tag | `/search/label/LABEL` | `/tag/NICENAME/`, `/category/NICENAME/` | `/tags/<tag>` |
 * | a month | `/YYYY/MM/`, `/YYYY_MM_01_archive.html` | `/YYYY/MM/`, `/YYYY/MM/DD/` | `/archive/YYYY/MM` |
 * | a year | `/YYYY/` | `/YYYY/` | `/archive#year-YYYY` |
 *
 * The site-wide comments feeds (Blogger `/feeds/comments/default`, WordPress
 * `/comments/feed/`) have no equivalent (Staffroom's comment feeds are per
 * post) and are left unanswered. Addresses are site-relative, under the old
 * site's path (a WordPress blog in `/blog/` keeps its prefix). Pure.
 */

/** An old address (site-relative) and where it now leads. */
export type ListingRedirect = readonly [oldAddress: string, target: string];

/** The old site's path prefix: "" at the root, "/blog" for `https://example.org/blog`. */
function prefixOf(siteUrl: string | null): string {
  if (!siteUrl) return "";
  try {
    return new URL(siteUrl).pathname.replace(/\/+$/, "");
  } catch {
    return "";
  }
}

const isBlogger = (format: ExportFormat) => format === "blogger-atom" || format === "blogger-takeout";

/** The site's own feeds, once per import. */
export function siteListingRedirects(format: ExportFormat, siteUrl: string | null): ListingRedirect[] {
  const at = prefixOf(siteUrl);
  if (isBlogger(format)) {
    return [
      [`${at}/feeds/posts/default`, "/feed.atom"],
      [`${at}/feeds/posts/summary`, "/feed.atom"],
      [`${at}/atom.xml`, "/feed.atom"],
      [`${at}/rss.xml`, "/feed.rss"],
    ];
  }
  if (format === "wxr") {
    return [
      [`${at}/feed/`, "/feed.rss"],
      [`${at}/feed/rss2/`, "/feed.rss"],
      [`${at}/feed/rss/`, "/feed.rss"],
      [`${at}/feed/atom/`, "/feed.atom"],
    ];
  }
  return [];
}

/** A post's comments feed, its tags' pages and its month's and year's archives, on the old site. */
export function postListingRedirects(
  format: ExportFormat,
  siteUrl: string | null,
  post: ImportedPost,
  slug: string,
): ListingRedirect[] {
  const at = prefixOf(siteUrl);
  const out: ListingRedirect[] = [];
  const commentsFeed = postCommentsFeedPath(slug);
  const month = /^(\d{4})-(\d{2})-(\d{2})/.exec(post.published ?? "");
  if (isBlogger(format)) {
    const id = /\.post-(\d+)$/.exec(post.sourceId)?.[1];
    if (id) {
      out.push(
        [`${at}/feeds/${id}/comments/default`, commentsFeed],
        [`${at}/feeds/${id}/comments/summary`, commentsFeed],
      );
    }
    for (const tag of post.tags) out.push([`${at}/search/label/${encodeURIComponent(tag)}`, tagPath(tag)]);
    if (month) out.push([`${at}/${month[1]}_${month[2]}_01_archive.html`, archiveMonthPath(`${month[1]}-${month[2]}`)]);
  } else if (format === "wxr") {
    for (const url of post.oldUrls) {
      // A pretty permalink (`/2013/06/14/slug/`) has its comments feed below it; `/?p=42` has none.
      const pathname = pathOf(url);
      if (pathname && pathname !== "/" && !url.includes("?"))
        out.push([`${pathname.replace(/\/+$/, "")}/feed/`, commentsFeed]);
    }
    for (const { tag, url } of post.tagUrls ?? []) out.push([url, tagPath(tag)]);
    if (month) out.push([`${at}/${month[1]}/${month[2]}/${month[3]}/`, archiveMonthPath(`${month[1]}-${month[2]}`)]);
  } else return out;
  if (month) {
    out.push(
      [`${at}/${month[1]}/${month[2]}/`, archiveMonthPath(`${month[1]}-${month[2]}`)],
      [`${at}/${month[1]}/`, `${archivePath()}#year-${month[1]}`],
    );
  }
  return out;
}

function pathOf(url: string): string | null {
  try {
    return new URL(url).pathname;
  } catch {
    return null;
  }
}
