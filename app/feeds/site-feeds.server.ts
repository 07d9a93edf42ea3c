import { labelLicenseUrl, resolvePostLicense } from "../licences/metadata";
import { imageCreditText } from "../licences/reuse";
import { tagPath } from "../discovery/paths";
import { getPublicPost, listPosts, type CoverImage, type Post } from "../posts/posts.server";
import { getSiteSettings, type SiteSettings } from "../settings/site-settings.server";
import { absoluteUrl, postUrl } from "../site/urls.server";
import {
  buildAtomFeed,
  buildJsonFeed,
  buildRssFeed,
  SITE_FEED_MAX_ENTRIES,
  type FeedPost,
  type SiteFeedInput,
} from "./site-feeds";
import escapeHtml from "escape-html";

/**
 * The site's feeds, read from the content: `/feed.atom|rss|json` (every post)
 * and `/tags/<tag>/feed.atom|rss|json` (the posts carrying a tag). Reads the
 * posts and site settings, then hands plain values to the pure builders in
 * ./site-feeds.ts.
 */

export type FeedFormat = "atom" | "rss" | "json";

/** The media type each format is served with. */
export const FEED_CONTENT_TYPES: Record<FeedFormat, string> = {
  atom: "application/atom+xml; charset=utf-8",
  rss: "application/rss+xml; charset=utf-8",
  // JSON Feed 1.1's own media type.
  json: "application/feed+json; charset=utf-8",
};

const BUILDERS: Record<FeedFormat, (input: SiteFeedInput) => string> = {
  atom: buildAtomFeed,
  rss: buildRssFeed,
  json: buildJsonFeed,
};

/**
 * A site or tag feed as text in `format`, or null for a tag that no post
 * carries (the caller answers 404).
 * @param origin the public origin, e.g. "https://staffroom.example.org" (`publicOrigin(request.url)`);
 *   every URL in the feed is built on it with app/site/urls.server.ts.
 * @param tag a tag, exactly as posts carry it (decoded), or null for the whole site.
 * @param now the moment deciding which posts are public (`isPublic`); drafts and scheduled posts are never in a feed.
 */
export async function siteFeed(
  format: FeedFormat,
  origin: string,
  tag: string | null,
  now: Date = new Date(),
): Promise<string | null> {
  const [site, all] = await Promise.all([getSiteSettings(), listPosts(now)]);
  const chosen = tag === null ? all : all.filter((post) => post.tags.includes(tag));
  if (tag !== null && chosen.length === 0) return null;
  const posts = (
    await Promise.all(chosen.slice(0, SITE_FEED_MAX_ENTRIES).map((post) => getPublicPost(post.slug, now)))
  ).filter((post): post is Post => post !== null);
  return BUILDERS[format](feedInput(site, posts, new URL(origin).origin, tag));
}

function feedInput(site: SiteSettings, posts: Post[], origin: string, tag: string | null): SiteFeedInput {
  const pagePath = tag === null ? "/" : tagPath(tag);
  const feedBase = tag === null ? `${origin}/feed` : `${origin}${pagePath}/feed`;
  const siteAuthor = { name: site.attributionName.trim() || site.title, url: site.attributionUrl };
  return {
    title: tag === null ? site.title : `${site.title}: posts tagged “${tag}”`,
    subtitle: site.tagline,
    pageUrl: absoluteUrl(pagePath, origin),
    feedUrls: { atom: `${feedBase}.atom`, rss: `${feedBase}.rss`, json: `${feedBase}.json` },
    tagBaseUrl: `${origin}/tags/`,
    siteAuthor,
    posts: posts.map((post): FeedPost => {
      const url = postUrl(post.slug, origin);
      return {
        url,
        title: post.title,
        summary: post.summary,
        bodyHtml: coverFigureHtml(post.cover) + post.bodyHtml,
        published: post.published,
        // The post page credits the same way: the author's first link, else the site's attribution URL.
        author: post.author ? { name: post.author.name, url: post.author.links[0]?.url ?? site.attributionUrl } : null,
        tags: post.tags,
        license: resolvePostLicense(post.license, site.defaultLicense),
        image: post.cover ? absoluteUrl(post.cover.src, origin) : null,
      };
    }),
  };
}

/**
 * The cover as the post page shows it, for the top of a feed entry: the
 * image and its credit line ("Photo: <creator> via <source>, <licence>"),
 * escaped; "" for a post without a cover. Its `src` is made absolute with
 * the rest of the body.
 */
function coverFigureHtml(cover: CoverImage | null): string {
  if (!cover) return "";
  const license = labelLicenseUrl(cover.licenseUrl);
  const credit = imageCreditText({
    creator: cover.creator,
    sourceName: cover.sourceName,
    licenseName: license?.name ?? null,
  });
  return (
    `<figure><img src="${escapeHtml(cover.src)}" alt="${escapeHtml(cover.alt)}">` +
    `<figcaption>${escapeHtml(credit)}${license?.url ? ` (<a href="${escapeHtml(license.url)}">${escapeHtml(license.url)}</a>)` : ""}</figcaption></figure>`
  );
}
