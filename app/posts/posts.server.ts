import path from "node:path";
import { createReader } from "@keystatic/core/reader";
import keystaticConfig from "../../keystatic.config";
import { bodyImages, renderPostBody, type BodyImage } from "./body.server";

/**
 * Reading Keystatic content (DESIGN §2): posts, authors and site settings are
 * files under `content/`, read on each request so an edit in the editor shows
 * at once. `CONTENT_ROOT` (default: the working directory) is where
 * `content/` lives; tests point it at a copy.
 */

export interface SiteSettings {
  title: string;
  tagline: string;
  defaultLicense: string;
  attributionName: string;
  attributionUrl: string | null;
  /** Characters (grapheme clusters) per comment part. */
  commentMaxChars: number;
  commentMaxParts: number;
  maxDisplayDepth: number;
  allowAnonymous: boolean;
  holdFirstTimeGuests: boolean;
  /** Comments with more links than this are held. */
  maxLinks: number;
  /** The licence comments are published under: a catalogue id, or "site-default". */
  commentLicense: string;
  /** Extra words shown on the comment form under the licence notice (may be empty). */
  commentLicenseText: string;
}

export interface Author {
  slug: string;
  name: string;
  role: string;
  /** Email of the coach account linked to this author (never displayed), or null. */
  accountEmail: string | null;
  /** Where readers ask for permission to reuse (an email address or an http(s) URL), or null. */
  contact: string | null;
  bio: string;
  avatar: string | null;
  links: { label: string; url: string }[];
}

export interface CoverImage {
  src: string;
  alt: string;
  creator: string;
  sourceName: string;
  sourceUrl: string | null;
  licenseUrl: string | null;
}

export interface PostSummary {
  slug: string;
  title: string;
  /** Calendar date as written, YYYY-MM-DD. */
  published: string;
  author: Author | null;
  tags: string[];
  summary: string;
  cover: CoverImage | null;
  /** A catalogue licence id, or "site-default". */
  license: string;
  commentsOpen: boolean;
}

export interface Post extends PostSummary {
  /** Sanitized HTML of the Markdoc body. */
  bodyHtml: string;
  /** The body's credited images, in order. */
  images: BodyImage[];
}

export const SITE_DEFAULTS: SiteSettings = {
  title: "Staffroom",
  tagline: "",
  defaultLicense: "cc-by-4.0",
  attributionName: "",
  attributionUrl: null,
  commentMaxChars: 4096,
  commentMaxParts: 10,
  maxDisplayDepth: 4,
  allowAnonymous: true,
  holdFirstTimeGuests: true,
  maxLinks: 2,
  commentLicense: "site-default",
  commentLicenseText: "",
};

function reader() {
  return createReader(path.resolve(process.env.CONTENT_ROOT ?? process.cwd()), keystaticConfig);
}

/** The site singleton, with defaults for anything missing. */
export async function getSiteSettings(): Promise<SiteSettings> {
  const site = await reader().singletons.site.read();
  if (!site) return SITE_DEFAULTS;
  return {
    title: site.title || SITE_DEFAULTS.title,
    tagline: site.tagline,
    defaultLicense: site.defaultLicense,
    attributionName: site.attributionName,
    attributionUrl: site.attributionUrl,
    commentMaxChars: site.commentMaxChars ?? SITE_DEFAULTS.commentMaxChars,
    commentMaxParts: site.commentMaxParts ?? SITE_DEFAULTS.commentMaxParts,
    maxDisplayDepth: Math.max(2, site.maxDisplayDepth ?? SITE_DEFAULTS.maxDisplayDepth),
    allowAnonymous: site.allowAnonymous,
    holdFirstTimeGuests: site.holdFirstTimeGuests,
    maxLinks: site.maxLinks ?? SITE_DEFAULTS.maxLinks,
    commentLicense: site.commentLicense,
    commentLicenseText: site.commentLicenseText,
  };
}

/** One author by slug, or null when there is no such entry. */
export async function getAuthor(slug: string | null): Promise<Author | null> {
  if (!slug) return null;
  const entry = await reader().collections.authors.read(slug);
  if (!entry) return null;
  return {
    slug,
    name: entry.name,
    role: entry.role,
    accountEmail: entry.accountEmail.trim() ? entry.accountEmail.trim().toLowerCase() : null,
    contact: entry.contact.trim() || null,
    bio: entry.bio,
    avatar: entry.avatar,
    links: entry.links.filter((link) => link.url).map((link) => ({ label: link.label, url: link.url! })),
  };
}

type PostEntry = NonNullable<Awaited<ReturnType<ReturnType<typeof reader>["collections"]["posts"]["read"]>>>;

async function toSummary(slug: string, entry: PostEntry, authors: Map<string, Promise<Author | null>>): Promise<PostSummary> {
  const authorSlug = entry.author;
  if (authorSlug && !authors.has(authorSlug)) authors.set(authorSlug, getAuthor(authorSlug));
  const cover = entry.cover.image
    ? {
        src: entry.cover.image,
        alt: entry.cover.alt,
        creator: entry.cover.creator,
        sourceName: entry.cover.sourceName,
        sourceUrl: entry.cover.sourceUrl,
        licenseUrl: entry.cover.licenseUrl,
      }
    : null;
  return {
    slug,
    title: entry.title,
    published: entry.published,
    author: authorSlug ? await authors.get(authorSlug)! : null,
    tags: entry.tags.filter(Boolean),
    summary: entry.summary,
    cover,
    license: entry.license,
    commentsOpen: entry.commentsOpen,
  };
}

/** Every post, newest first (ties by slug), without bodies. */
export async function listPosts(): Promise<PostSummary[]> {
  const entries = await reader().collections.posts.all();
  const authors = new Map<string, Promise<Author | null>>();
  const posts = await Promise.all(entries.map(({ slug, entry }) => toSummary(slug, entry, authors)));
  return posts.sort((a, b) => b.published.localeCompare(a.published) || a.slug.localeCompare(b.slug));
}

/** Every author, by slug. */
export async function listAuthors(): Promise<Author[]> {
  const slugs = await reader().collections.authors.list();
  return (await Promise.all(slugs.map((slug) => getAuthor(slug)))).filter((a): a is Author => a !== null);
}

/** Posts carrying a tag (exact match), newest first. */
export async function listPostsByTag(tag: string): Promise<PostSummary[]> {
  return (await listPosts()).filter((post) => post.tags.includes(tag));
}

/** A post by slug with its rendered body, or null for an unknown or malformed slug. */
export async function getPost(slug: string): Promise<Post | null> {
  if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(slug)) return null;
  const entry = await reader().collections.posts.read(slug);
  if (!entry) return null;
  const summary = await toSummary(slug, entry, new Map());
  const { node } = await entry.body();
  return { ...summary, bodyHtml: renderPostBody(node), images: bodyImages(node) };
}
