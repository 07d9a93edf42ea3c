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

/**
 * `/images/posts/<file>`: an image saved with the posts (public/images/posts/,
 * where the editor puts them). `file` is a relative path the caller has
 * already checked to be safe (word characters, `.`, `/`, `-`; no `..`), so it
 * is not encoded: its `/` stay folder separators.
 */
export function postImagePath(file: string): string {
  return `/images/posts/${file}`;
}

/** `/authors/<slug>`: an author's page (name, role, bio, avatar, their posts, their feeds). */
export function authorPath(slug: string): string {
  return `/authors/${encodeURIComponent(slug)}`;
}

/** `/about`: the site's About page, edited in Keystatic (content/about.md). */
export function aboutPath(): string {
  return "/about";
}

/**
 * `/keystatic/collection/posts/item/<slug>`: a post in the Keystatic editor
 * (local storage mode, whose paths have no `/branch/<name>` segment).
 */
export function postEditorPath(slug: string): string {
  return `/keystatic/collection/posts/item/${encodeURIComponent(slug)}`;
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

/** One author's feeds, at `/authors/<slug>/feed.atom|rss|json`. */
export function authorFeeds(slug: string, authorName: string, siteTitle: string): FeedLink[] {
  return FORMATS.map(({ extension, type, format }) => ({
    type,
    format,
    title: `${siteTitle}: posts by ${authorName} (${format})`,
    href: `${authorPath(slug)}/feed.${extension}`,
  }));
}

/**
 * `/posts/<slug>?page=<n>&…#<hash>`: a page of a post's discussion. Page 1 is
 * the post's own address (no `page`), so links and redirects never make a
 * second address for it. Every link or redirect to a comment goes through
 * here with the page holding it (app/comments placeOfComment), so it never
 * lands on a page without the comment.
 * @param page 1-based page of top-level threads (app/comments listThreadPage); 1 when omitted.
 * @param hash fragment without `#` (e.g. "comments", "comment-9-1"); none when omitted.
 * @param params further query parameters after `page` (e.g. `{ replyTo: "12" }`, `{ held: "40" }`).
 */
export function postPagePath(slug: string, page = 1, hash?: string, params: Record<string, string> = {}): string {
  const search = new URLSearchParams(page > 1 ? { page: String(page), ...params } : params).toString();
  return `${postPath(slug)}${search ? `?${search}` : ""}${hash ? `#${hash}` : ""}`;
}

/** `/posts/<slug>/comments.atom`: a post's comments as an Atom feed. */
export function postCommentsFeedPath(slug: string): string {
  return `${postPath(slug)}/comments.atom`;
}

/** `/comments/<id>`: a comment's permalink by id, which redirects to the page and anchor holding it. */
export function commentPath(id: number): string {
  return `/comments/${id}`;
}

/** `/comments/<id>/edit`: the form that edits a comment (its writer, within the edit window). */
export function commentEditPath(id: number): string {
  return `${commentPath(id)}/edit`;
}

/** `/comments/<id>/remove`: the page asking "Remove comment N?" (GET), and where its button posts. */
export function commentRemovePath(id: number): string {
  return `${commentPath(id)}/remove`;
}

/** `/comments/<id>/report`: where the report form posts. */
export function commentReportPath(id: number): string {
  return `${commentPath(id)}/report`;
}

/** `/members/<id>`: a member's public profile (`id` is the account id). */
export function memberPath(id: string): string {
  return `/members/${encodeURIComponent(id)}`;
}

/** `/unsubscribe/<token>`: one-click unsubscribe from an email (RFC 8058). */
export function unsubscribePath(token: string): string {
  return `/unsubscribe/${encodeURIComponent(token)}`;
}

/**
 * `/signin?redirectTo=<path>`: the sign-in page, returning to `redirectTo` (a
 * same-site path; app/auth/redirect.ts checks it again on arrival).
 * @param options.expired true when a session ended while the reader wrote (the page says so).
 */
export function signinPath(redirectTo?: string, options: { expired?: boolean } = {}): string {
  const query = new URLSearchParams();
  if (options.expired) query.set("expired", "1");
  if (redirectTo) query.set("redirectTo", redirectTo);
  const search = query.toString();
  return search ? `/signin?${search}` : "/signin";
}

/**
 * `/signup?redirectTo=<path>`: the sign-up page, returning to `redirectTo` (a
 * same-site path; app/auth/redirect.ts checks it again on arrival).
 */
export function signupPath(redirectTo?: string): string {
  return redirectTo ? `/signup?${new URLSearchParams({ redirectTo })}` : "/signup";
}

/** `/password-reset`: "Forgot your password?", where a reset link is asked for. */
export function passwordResetPath(): string {
  return "/password-reset";
}

/**
 * `/signin/link?redirectTo=<path>`: where a sign-in link is asked for by
 * email, returning to `redirectTo` (a same-site path, checked again on use).
 */
export function signInLinkPath(redirectTo?: string): string {
  return redirectTo && redirectTo !== "/" ? `/signin/link?${new URLSearchParams({ redirectTo })}` : "/signin/link";
}
