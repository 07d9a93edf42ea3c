import type { FeedLink } from "./paths";

/**
 * What a page tells crawlers and link previews about itself: the canonical
 * link, Open Graph (https://ogp.me/) and X card tags
 * (https://developer.x.com/en/docs/x-for-websites/cards/overview/markup), as
 * meta descriptors in the shape a route's `meta` export returns. Pure: plain values in, descriptors out; it runs on
 * the server and, on client-side navigation, in the browser.
 *
 * Remix v2 does not merge a parent's meta into a child's: each route's `meta`
 * returns its whole list, so it calls `pageMeta` and adds what is its own.
 *
 *     export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
 *       pageMeta(matches, { title: "Archive", description: "Every post by month", path: "/archive" });
 */

/**
 * One tag of a page's head, in the shape Remix's (and React Router's) `meta`
 * export takes: `{ title }`, `<meta name|property content>`, or a `<link>`.
 * Routes add their own descriptors (JSON-LD, say) next to these.
 */
export type MetaDescriptor =
  | { title: string }
  | { name: string; content: string }
  | { property: string; content: string }
  | { tagName: "link"; rel: string; href: string; type?: string; title?: string };

/** Facts about the site every page's meta needs; the root loader returns them as `discovery`. */
export interface SiteFacts {
  /** Public origin, no trailing slash: SITE_URL when set, else the request's origin. */
  origin: string;
  siteTitle: string;
  /** The site's tagline (may be empty): the home page's description. */
  siteDescription: string;
}

/** Query values kept in a canonical URL; `null`, `undefined` and "" are left out. */
export type CanonicalQuery = Record<string, string | number | null | undefined>;

/** A page, as its route describes it to `pageMeta`. */
export interface PageMetaInput {
  /** The document title, also og:title and twitter:title. */
  title: string;
  /** A sentence or two: meta description, og:description, twitter:description. */
  description?: string | null;
  /** The page's path without query, e.g. "/tags/pyp" (already percent-encoded; see ./paths.ts). */
  path: string;
  /**
   * Parameters that make this a page of its own, kept in the canonical link:
   * `{ page: 2 }` for page 2 of a post's comments. Everything else in the
   * address (?replyTo=, ?held=, tracking parameters) is dropped. og:url leaves
   * them out too: it names the object a share card stands for (the post).
   */
  query?: CanonicalQuery;
  /** A picture for link previews; `src` may be site-relative. */
  image?: { src: string; alt: string } | null;
  /** Set for a post: og:type becomes "article", with the article:* tags. */
  article?: {
    /** `YYYY-MM-DD` (ISO 8601, as ogp.me asks for article:published_time). */
    publishedTime: string;
    authorName: string | null;
    tags: readonly string[];
  } | null;
  /** Extra `<link rel="alternate">` feeds of this page (the site's own feeds are in every page's head already). */
  feeds?: readonly FeedLink[];
}

/**
 * The absolute canonical URL of a page.
 * @param origin e.g. "https://staffroom.example.org" (SiteFacts.origin).
 * @param path site-relative path, already percent-encoded, e.g. "/posts/a-slug".
 * @param query parameters to keep, in the order given (see `PageMetaInput.query`).
 * @returns e.g. "https://staffroom.example.org/posts/a-slug?page=2"; never with a fragment.
 * @throws TypeError when `origin` is not an absolute URL.
 */
export function canonicalUrl(origin: string, path: string, query: CanonicalQuery = {}): string {
  const url = new URL(path, `${origin}/`);
  url.search = "";
  url.hash = "";
  for (const [name, value] of Object.entries(query)) {
    if (value !== null && value !== undefined && value !== "") url.searchParams.set(name, String(value));
  }
  return url.href;
}

/**
 * Formats link previews cannot draw: X supports JPG, PNG, WEBP and GIF only
 * (its Cards markup reference), and Facebook, LinkedIn and Mastodon likewise
 * ignore SVG. Offering one would promise a picture no one shows.
 */
const NOT_FOR_PREVIEWS = /\.svgz?$/i;

/**
 * The absolute URL of a picture link previews can draw, or null (no picture,
 * or an SVG, which none of them draw).
 */
function previewImageUrl(origin: string, src: string | null | undefined): string | null {
  if (!src) return null;
  const url = new URL(src, `${origin}/`);
  return NOT_FOR_PREVIEWS.test(url.pathname) ? null : url.href;
}

/**
 * The meta descriptors of a page, in this order: title, description,
 * canonical link, og:* (type website, or article with article:*), twitter:*,
 * then extra feed links.
 *
 * - twitter:card is `summary_large_image` when there is a picture previews
 *   can draw, else `summary`.
 * - article:author is the author's name (ogp.me allows a profile URL or a
 *   name; we have no profile pages for authors).
 * - og:locale is en_GB, as the pages' `lang`.
 */
export function buildPageMeta(site: SiteFacts, page: PageMetaInput): MetaDescriptor[] {
  const canonical = canonicalUrl(site.origin, page.path, page.query);
  const objectUrl = canonicalUrl(site.origin, page.path);
  const image = page.image ? previewImageUrl(site.origin, page.image.src) : null;
  const description = page.description?.trim() || null;
  const meta: MetaDescriptor[] = [
    { title: page.title },
    ...(description ? [{ name: "description", content: description }] : []),
    { tagName: "link", rel: "canonical", href: canonical },
    { property: "og:type", content: page.article ? "article" : "website" },
    { property: "og:title", content: page.title },
    ...(description ? [{ property: "og:description", content: description }] : []),
    { property: "og:url", content: objectUrl },
    { property: "og:site_name", content: site.siteTitle },
    { property: "og:locale", content: "en_GB" },
  ];
  if (image && page.image) {
    meta.push({ property: "og:image", content: image });
    if (page.image.alt) meta.push({ property: "og:image:alt", content: page.image.alt });
  }
  if (page.article) {
    meta.push({ property: "article:published_time", content: page.article.publishedTime });
    if (page.article.authorName) meta.push({ property: "article:author", content: page.article.authorName });
    for (const tag of page.article.tags) meta.push({ property: "article:tag", content: tag });
  }
  meta.push(
    { name: "twitter:card", content: image ? "summary_large_image" : "summary" },
    { name: "twitter:title", content: page.title },
  );
  if (description) meta.push({ name: "twitter:description", content: description });
  if (image && page.image) {
    meta.push({ name: "twitter:image", content: image });
    if (page.image.alt) meta.push({ name: "twitter:image:alt", content: page.image.alt });
  }
  for (const feed of page.feeds ?? []) {
    meta.push({ tagName: "link", rel: "alternate", type: feed.type, title: feed.title, href: feed.href });
  }
  return meta;
}

/** A route match as Remix hands it to `meta` (only what we read). */
export interface MetaMatchLike {
  id: string;
  data: unknown;
}

/** The root loader's `discovery` facts from a meta function's `matches`, or null (e.g. when the root loader failed). */
function siteFactsFrom(matches: readonly MetaMatchLike[]): SiteFacts | null {
  const data = matches.find((match) => match.id === "root")?.data as { discovery?: SiteFacts } | null | undefined;
  return data?.discovery ?? null;
}

/**
 * A route's whole meta list from its `matches` (for the site's origin and
 * title) and its own description of the page; call it from a `meta` export.
 * `page` may be a function of the site facts, for values that need the
 * site's title (a tag's feeds). Without the root's facts (an error page) it
 * gives the title and description only, never a canonical link to a guessed
 * origin.
 */
export function pageMeta(
  matches: readonly MetaMatchLike[],
  page: PageMetaInput | ((site: SiteFacts) => PageMetaInput),
): MetaDescriptor[] {
  const site = siteFactsFrom(matches);
  if (!site) {
    const input = typeof page === "function" ? page({ origin: "", siteTitle: "", siteDescription: "" }) : page;
    return [
      { title: input.title },
      ...(input.description ? [{ name: "description", content: input.description }] : []),
    ];
  }
  return buildPageMeta(site, typeof page === "function" ? page(site) : page);
}
