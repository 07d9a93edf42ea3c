import { labelLicenseUrl, resolvePostLicense } from "../licences/metadata";
import { imageCreditText } from "../licences/reuse";
import { authorPath, tagPath } from "../discovery/paths";
import {
  findAuthor,
  getPublicPost,
  listPosts,
  listPostsByAuthor,
  type CoverImage,
  type Post,
} from "../posts/posts.server";
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
 * The site's feeds, read from the content: `/feed.atom|rss|json` (every post),
 * `/tags/<tag>/feed.atom|rss|json` (the posts carrying a tag) and
 * `/authors/<slug>/feed.atom|rss|json` (one author's posts). Reads the posts
 * and site settings, then hands plain values to the pure builders in
 * ./site-feeds.ts.
 */

/** Which posts a feed follows: every post, the posts carrying a tag, or one author's posts. */
export type FeedScope = { kind: "site" } | { kind: "tag"; tag: string } | { kind: "author"; slug: string };

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
 * A site, tag or author feed as text in `format`, or null for a tag that no
 * post carries or an unknown author (the caller answers 404). An author with
 * no posts yet has an empty feed.
 * @param origin the public origin, e.g. "https://staffroom.example.org" (`publicOrigin(request.url)`);
 *   every URL in the feed is built on it with app/site/urls.server.ts.
 * @param scope the whole site, a tag exactly as posts carry it (decoded), or an author's slug.
 * @param now the moment deciding which posts are public (`isPublic`); drafts and scheduled posts are never in a feed.
 */
export async function siteFeed(
  format: FeedFormat,
  origin: string,
  scope: FeedScope,
  now: Date = new Date(),
): Promise<string | null> {
  const site = await getSiteSettings();
  let chosen = scope.kind === "author" ? [] : await listPosts(now);
  let page: FeedPage = { title: site.title, path: "/" };
  if (scope.kind === "tag") {
    chosen = chosen.filter((post) => post.tags.includes(scope.tag));
    if (chosen.length === 0) return null;
    page = { title: `${site.title}: posts tagged “${scope.tag}”`, path: tagPath(scope.tag) };
  } else if (scope.kind === "author") {
    const author = await findAuthor(scope.slug);
    if (!author) return null;
    chosen = await listPostsByAuthor(author.slug, now);
    page = { title: `${site.title}: posts by ${author.name}`, path: authorPath(author.slug) };
  }
  const posts = (
    await Promise.all(chosen.slice(0, SITE_FEED_MAX_ENTRIES).map((post) => getPublicPost(post.slug, now)))
  ).filter((post): post is Post => post !== null);
  return BUILDERS[format](feedInput(site, posts, new URL(origin).origin, page));
}

/** The page a feed follows: its title and site-relative path (its feeds are at `<path>/feed.<format>`, `/feed.<format>` for "/"). */
interface FeedPage {
  title: string;
  path: string;
}

function feedInput(site: SiteSettings, posts: Post[], origin: string, page: FeedPage): SiteFeedInput {
  const feedBase = page.path === "/" ? `${origin}/feed` : `${origin}${page.path}/feed`;
  const siteAuthor = { name: site.attributionName.trim() || site.title, url: site.attributionUrl };
  return {
    title: page.title,
    subtitle: site.tagline,
    pageUrl: absoluteUrl(page.path, origin),
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
