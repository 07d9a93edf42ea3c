/**
 * Slugs for imported posts, taken from the old permalink (so a reader who
 * knew the old address recognises the new one), and the old paths the site
 * keeps answering with a redirect. Pure.
 *
 * A slug is what app/posts/posts.server.ts `getPost` accepts:
 * `^[a-z0-9]+(?:-[a-z0-9]+)*$`. The words are transliterated to Latin the way
 * the Keystatic editor makes a slug from a title (@sindresorhus/slugify, the
 * library its slug field uses): "Привет мир" → "privet-mir", "Ärger" →
 * "aerger". A script it cannot transliterate (Chinese, Japanese, …) leaves
 * nothing, and the next source is tried.
 */
import slugify from "@sindresorhus/slugify";
import type { ExportFormat, ImportedPost } from "../model";

/** Longest slug made, in characters; cut at a hyphen. */
export const MAX_SLUG_LENGTH = 80;

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Words as a slug: NFC, apostrophes dropped, transliterated and ASCII-folded, lower case, runs of
 * anything else as one hyphen, at most MAX_SLUG_LENGTH characters (cut at a
 * hyphen). "" when nothing Latin is left.
 */
export function slugFromText(text: string): string {
  // Apostrophes vanish, as in the old platforms' own slugs ("What's" → "whats", not "what-s").
  const words = text.normalize("NFC").replace(/['’ʼ]/g, "");
  let slug = slugify(words, { decamelize: false, separator: "-" })
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (slug.length > MAX_SLUG_LENGTH) {
    const cut = slug.slice(0, MAX_SLUG_LENGTH + 1);
    const hyphen = cut.lastIndexOf("-");
    slug = (hyphen > MAX_SLUG_LENGTH / 2 ? cut.slice(0, hyphen) : slug.slice(0, MAX_SLUG_LENGTH)).replace(/-+$/, "");
  }
  return SLUG.test(slug) ? slug : "";
}

/**
 * The slug an old permalink carries, or null when it carries none: Blogger
 * `/2013/06/what-a-coach-does.html` → "what-a-coach-does", WordPress
 * `/2013/06/14/what-a-coach-does/` → "what-a-coach-does" (percent-encoded
 * UTF-8 is decoded first), `/?p=123` or a bare date archive → null.
 */
export function slugFromOldUrl(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url, "http://old.invalid");
  } catch {
    return null;
  }
  const segments = parsed.pathname.split("/").filter(Boolean);
  const last = segments.at(-1);
  if (!last || /^\d+$/.test(last) || /^index\.(?:html?|php)$/i.test(last)) return null;
  const slug = slugFromText(
    safeDecode(last)
      .replace(/\.html?$/i, "")
      .replace(/_/g, "-"),
  );
  return slug || null;
}

/**
 * The slug wanted for an imported post, before collisions: the export's own
 * slug (`slugHint`), else its permalink's, else its title's, else
 * `post-YYYY-MM-DD` from its date, else "post".
 */
export function postSlug(post: Pick<ImportedPost, "slugHint" | "oldUrls" | "title" | "published">): string {
  const fromHint = post.slugHint ? slugFromText(safeDecode(post.slugHint).replace(/\.html?$/i, "")) : "";
  if (fromHint) return fromHint;
  const fromUrl = post.oldUrls.length > 0 ? slugFromOldUrl(post.oldUrls[0]) : null;
  if (fromUrl) return fromUrl;
  const fromTitle = slugFromText(post.title);
  if (fromTitle) return fromTitle;
  return post.published ? `post-${post.published.slice(0, 10)}` : "post";
}

/** A slug made free of collisions, and what happened, for the import report. */
export interface ResolvedSlug {
  slug: string;
  /** "what-a-coach-does was taken: what-a-coach-does-2" or null when the wanted slug was free. */
  collision: string | null;
}

/**
 * `wanted` if no post has it, else the first of `wanted-2`, `wanted-3`, …
 * that is free, with a line saying so. `taken` is every slug in use
 * (existing posts and those this import already placed); it is not changed:
 * the caller adds the result.
 */
export function resolveSlug(wanted: string, taken: Pick<ReadonlySet<string>, "has">): ResolvedSlug {
  if (!taken.has(wanted)) return { slug: wanted, collision: null };
  const base = wanted.length > MAX_SLUG_LENGTH - 4 ? wanted.slice(0, MAX_SLUG_LENGTH - 4).replace(/-+$/, "") : wanted;
  for (let n = 2; ; n++) {
    const slug = `${base}-${n}`;
    if (!taken.has(slug)) return { slug, collision: `${wanted} was taken: ${slug}` };
  }
}

function sitePath(url: string): string | null {
  try {
    const parsed = new URL(url, "http://old.invalid");
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return null;
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return null;
  }
}

/**
 * The site-relative old paths that should lead to this post, without
 * duplicates, permalink first: every `oldUrls` path (with its query, e.g.
 * `/?p=123`); for WordPress also `/?p=<post id>` and each permalink's
 * comment feed `<permalink>feed/`; for Blogger the post's comment feed
 * `/feeds/<post id>/comments/default`. Comment addresses
 * (`?showComment=ID`) are the comments' own `oldUrls`, handled by the applier.
 */
export function oldPaths(post: Pick<ImportedPost, "sourceId" | "oldUrls">, format: ExportFormat): string[] {
  const paths = new Set<string>();
  const permalinks: string[] = [];
  for (const url of post.oldUrls) {
    const path = sitePath(url);
    if (!path) continue;
    paths.add(path);
    if (!path.includes("?")) permalinks.push(path);
  }
  if (format === "wxr") {
    if (/^\d+$/.test(post.sourceId)) paths.add(`/?p=${post.sourceId}`);
    for (const path of permalinks) if (path.endsWith("/")) paths.add(`${path}feed/`);
  }
  if (format === "blogger-atom" || format === "blogger-takeout") {
    const id = /post-(\d+)$/.exec(post.sourceId)?.[1] ?? (/^\d+$/.test(post.sourceId) ? post.sourceId : null);
    if (id) paths.add(`/feeds/${id}/comments/default`);
  }
  return [...paths];
}

/** The old site's own feed paths, which lead to the new site's feed: Blogger `/feeds/posts/default`, WordPress `/feed/`. */
export function oldFeedPaths(format: ExportFormat): string[] {
  if (format === "wxr") return ["/feed/", "/comments/feed/"];
  if (format === "blogger-atom" || format === "blogger-takeout") {
    return ["/feeds/posts/default", "/feeds/comments/default"];
  }
  return [];
}
