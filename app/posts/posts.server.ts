import { watch as watchFolder, type FSWatcher } from "node:fs";
import { readFile, readdir, stat } from "node:fs/promises";
import path from "node:path";
import { markdocPlainText } from "./body-text";
import { imagePath, renderPostBody, type BodyImage } from "./body.server";
import {
  contentReader,
  contentRoot,
  deepFreeze,
  fileSignature,
  messageOf,
  type ContentReader,
} from "./content-files.server";
import { assertMarkdocWithinLimits } from "./markdoc-limits";
import type { Role } from "../../db/schema";
import { isPublic, postAccess, type PostStatus, type PostVisibility } from "./visibility";

/**
 * Reading Keystatic content (docs/architecture.md §2): posts and authors are
 * files under `content/` (the site settings are read by
 * app/settings/site-settings.server.ts). `CONTENT_ROOT` (default: the working
 * directory) is where `content/` lives; tests point it at a copy.
 *
 * Parsed content is kept in memory, so an unchanged site is not re-read and
 * re-parsed on every request, while an edit saved in the editor (or by hand)
 * shows on the very next request:
 *
 * - a file's signature is its inode, size, mtime and ctime; a full check
 *   compares every post and author file's signature with the last one and
 *   re-reads only the files that changed, appeared or went;
 * - content/posts and content/authors are watched (`fs.watch`: inotify on
 *   Linux, FSEvents on macOS). While the watchers are healthy and report
 *   nothing, the last full check is trusted for up to a second; any event
 *   (or a watcher error) makes the next call check in full. A write's event
 *   is queued by the kernel before the request that follows it can arrive,
 *   and handled first, so an edit is seen at once; where a file system gives
 *   no events (some network or container mounts), within a second. (Code in
 *   this process that writes a post file and lists posts before the event
 *   loop has polled again, e.g. before a `setImmediate`, may get the previous
 *   version for that second; requests always come after such a poll.)
 * - full checks never overlap: a call arriving while one runs waits for the
 *   next one, which starts after it arrived (so it never gets content older
 *   than what was on disk when it was made), and a burst of calls shares it;
 * - `getPost` checks its one file on every call, and keeps the rendered body
 *   while it is unchanged.
 *
 * Objects handed out are frozen (they are shared between requests): copy
 * before changing anything.
 */

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
  /** Calendar date as written, YYYY-MM-DD: the date shown, and for a published post the day it becomes public. */
  published: string;
  /** "draft" or "published" (a file without `status:` is published); see visibility.ts for who sees what. */
  status: PostStatus;
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

const POSTS_DIR = "content/posts";
const AUTHORS_DIR = "content/authors";

/** Signatures of the files `<name><extension>` directly in `dir`, by name (no extension). A missing folder is empty. */
async function folderSignatures(dir: string, extension: string): Promise<Map<string, string>> {
  let entries: import("node:fs").Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return new Map();
    throw error;
  }
  const names = entries
    .filter((e) => e.isFile() && e.name.endsWith(extension))
    .map((e) => e.name.slice(0, -extension.length));
  const signatures = await Promise.all(names.map((name) => fileSignature(path.join(dir, name + extension))));
  const out = new Map<string, string>();
  names.forEach((name, i) => {
    if (signatures[i] !== null) out.set(name, signatures[i]!);
  });
  return out;
}

function sameSignatures(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [name, signature] of a) if (b.get(name) !== signature) return false;
  return true;
}

/**
 * One author by slug, or null when there is no such entry or its file cannot
 * be read (logged: a broken author file must not break every list).
 */
async function getAuthor(slug: string | null): Promise<Author | null> {
  if (!slug) return null;
  let entry: Awaited<ReturnType<ContentReader["collections"]["authors"]["read"]>>;
  try {
    entry = await contentReader().collections.authors.read(slug);
  } catch (error) {
    console.error(`Author ${AUTHORS_DIR}/${slug}.yaml cannot be read and is left out: ${messageOf(error)}`);
    return null;
  }
  if (!entry) return null;
  return {
    slug,
    name: wellFormed(entry.name),
    role: entry.role,
    accountEmail: entry.accountEmail.trim() ? entry.accountEmail.trim().toLowerCase() : null,
    contact: entry.contact.trim() || null,
    bio: entry.bio,
    avatar: entry.avatar,
    links: entry.links.filter((link) => link.url).map((link) => ({ label: link.label, url: link.url! })),
  };
}

type PostEntry = NonNullable<Awaited<ReturnType<ContentReader["collections"]["posts"]["read"]>>>;

/** What a post file says, apart from its slug and body: the summary with the author as a slug. */
type PostFields = Omit<PostSummary, "slug" | "author"> & { authorSlug: string | null };

function fieldsOf(entry: PostEntry): PostFields {
  const coverSrc = entry.cover.image ? imagePath(entry.cover.image) : "";
  const cover = coverSrc
    ? {
        src: coverSrc,
        alt: entry.cover.alt,
        creator: entry.cover.creator,
        sourceName: entry.cover.sourceName,
        sourceUrl: entry.cover.sourceUrl,
        licenseUrl: entry.cover.licenseUrl,
      }
    : null;
  return {
    title: wellFormed(entry.title),
    published: entry.published,
    status: entry.status,
    authorSlug: entry.author || null,
    // A tag must name a page: not blank, and not "." or ".." (which URLs resolve away).
    tags: [...new Set(entry.tags.map((tag) => wellFormed(tag).trim()).filter((tag) => tag && !/^\.+$/.test(tag)))],
    summary: wellFormed(entry.summary),
    cover,
    license: entry.license,
    commentsOpen: entry.commentsOpen,
  };
}

function summaryOf(slug: string, fields: PostFields, author: Author | null): PostSummary {
  const { authorSlug: _authorSlug, ...rest } = fields;
  return { slug, ...rest, author };
}

/** A post as site search reads it: its words, without markup. Kept (same object) while its file is unchanged. */
export interface PostText {
  slug: string;
  title: string;
  summary: string;
  tags: readonly string[];
  /** The body as plain text (see `markdocPlainText`). */
  bodyText: string;
}

/** Every post at one moment: one consistent view for lists and search. */
export interface PostCatalogue {
  /** Every readable post, drafts and scheduled ones included, newest first (ties by slug): filter with `isPublic`. */
  posts: readonly PostSummary[];
  /** Each post's words, by slug. */
  texts: ReadonlyMap<string, PostText>;
}

interface PostRecord {
  signature: string;
  /** null when the file could not be read (logged once per version of the file). */
  fields: PostFields | null;
  text: PostText | null;
}

interface CatalogueState extends PostCatalogue {
  root: string;
  postSignatures: Map<string, string>;
  authorSignatures: Map<string, string>;
  records: Map<string, PostRecord>;
  authors: Map<string, Author>;
}

let catalogue: CatalogueState | null = null;
let running: Promise<CatalogueState> | null = null;
let queued: Promise<CatalogueState> | null = null;

/** How long a full check is trusted while the watchers report no change, in milliseconds. */
const WATCHED_TRUST_MS = 1000;

interface ContentWatch {
  root: string;
  /** Events seen so far. */
  changes: number;
  /** False once a watcher failed or could not start: then every call checks in full. */
  healthy: boolean;
  /** Inode of the content/posts folder watched (a replaced folder needs a new watcher). */
  postsFolder: number | null;
  watchers: FSWatcher[];
}

let contentWatch: ContentWatch | null = null;
/** The last full check: its root, the watch's event count when it started, and when it started (ms). */
let lastCheck: { root: string; changes: number; at: number } | null = null;

/** Watches content/posts and content/authors under `root` (again, if the watch failed or the root changed). */
function watchContent(root: string, postsFolder: number | null): ContentWatch {
  if (contentWatch && contentWatch.root === root && contentWatch.healthy && contentWatch.postsFolder === postsFolder) {
    return contentWatch;
  }
  for (const watcher of contentWatch?.watchers ?? []) watcher.close();
  const state: ContentWatch = { root, changes: 0, healthy: postsFolder !== null, postsFolder, watchers: [] };
  for (const folder of [POSTS_DIR, AUTHORS_DIR]) {
    try {
      const watcher = watchFolder(path.join(root, folder), { persistent: false }, () => {
        state.changes++;
      });
      watcher.on("error", () => {
        state.healthy = false;
        state.changes++;
        watcher.close();
      });
      state.watchers.push(watcher);
    } catch {
      state.healthy = false; // no such folder, or no watching here: check in full every time
    }
  }
  contentWatch = state;
  return state;
}

/** The catalogue, when the watchers vouch that nothing changed since the last full check; else null. */
function trustedCatalogue(root: string): CatalogueState | null {
  if (!catalogue || !contentWatch || !lastCheck || catalogue.root !== root || lastCheck.root !== root) return null;
  if (!contentWatch.healthy || contentWatch.root !== root || contentWatch.changes !== lastCheck.changes) return null;
  return Date.now() - lastCheck.at < WATCHED_TRUST_MS ? catalogue : null;
}

/**
 * Every post as the files say now (see the module comment for how this is
 * kept cheap). A post file the reader cannot parse is left out and logged.
 * Throws when content/posts cannot be read at all.
 */
export function loadPostCatalogue(): Promise<PostCatalogue> {
  const trusted = trustedCatalogue(contentRoot());
  if (trusted) return Promise.resolve(trusted);
  if (queued) return queued;
  if (running) {
    // The running check may have missed a change made just before this call.
    queued = running
      .catch(() => undefined)
      .then(() => {
        queued = null;
        return startCheck();
      });
    return queued;
  }
  return startCheck();
}

function startCheck(): Promise<CatalogueState> {
  const check = refreshCatalogue(catalogue).then((state) => (catalogue = state));
  running = check;
  const done = () => {
    if (running === check) running = null;
  };
  check.then(done, done);
  return check;
}

async function refreshCatalogue(previous: CatalogueState | null): Promise<CatalogueState> {
  const root = contentRoot();
  if (previous?.root !== root) previous = null;
  const postsFolder = await stat(path.join(root, POSTS_DIR)).then(
    (s) => (s.isDirectory() ? s.ino : null),
    () => null,
  );
  // Counted before anything is read: an event during this check makes the next call check again.
  const watch = watchContent(root, postsFolder);
  const started = { root, changes: watch.changes, at: Date.now() };
  const state = await readCatalogue(root, previous);
  lastCheck = started;
  return state;
}

async function readCatalogue(root: string, previous: CatalogueState | null): Promise<CatalogueState> {
  const [postSignatures, authorSignatures] = await Promise.all([
    folderSignatures(path.join(root, POSTS_DIR), ".md"),
    folderSignatures(path.join(root, AUTHORS_DIR), ".yaml"),
  ]);
  const postsSame = previous !== null && sameSignatures(postSignatures, previous.postSignatures);
  const authorsSame = previous !== null && sameSignatures(authorSignatures, previous.authorSignatures);
  if (previous && postsSame && authorsSame) return previous;

  const records = new Map<string, PostRecord>();
  await Promise.all(
    [...postSignatures].map(async ([slug, signature]) => {
      const known = previous?.records.get(slug);
      records.set(slug, known && known.signature === signature ? known : await readRecord(slug, signature));
    }),
  );
  let authors = previous?.authors ?? new Map<string, Author>();
  if (!authorsSame) {
    authors = new Map();
    const read = await Promise.all([...authorSignatures.keys()].map((slug) => getAuthor(slug)));
    for (const author of read) if (author) authors.set(author.slug, deepFreeze(author));
  }

  const posts: PostSummary[] = [];
  const texts = new Map<string, PostText>();
  for (const [slug, record] of records) {
    if (!record.fields || !record.text) continue;
    const author = record.fields.authorSlug ? (authors.get(record.fields.authorSlug) ?? null) : null;
    posts.push(deepFreeze(summaryOf(slug, record.fields, author)));
    texts.set(slug, record.text);
  }
  posts.sort(newestFirst);
  return { root, postSignatures, authorSignatures, records, authors, posts: Object.freeze(posts), texts };
}

function newestFirst(a: PostSummary, b: PostSummary): number {
  return b.published.localeCompare(a.published) || a.slug.localeCompare(b.slug);
}

async function readRecord(slug: string, signature: string): Promise<PostRecord> {
  try {
    await checkPostSource(slug);
    const entry = await contentReader().collections.posts.read(slug);
    if (!entry) return { signature, fields: null, text: null };
    const fields = deepFreeze(fieldsOf(entry));
    const { node } = await entry.body();
    const text = deepFreeze({
      slug,
      title: fields.title,
      summary: fields.summary,
      tags: fields.tags,
      bodyText: markdocPlainText(node),
    });
    return { signature, fields, text };
  } catch (error) {
    console.error(`Post ${POSTS_DIR}/${slug}.md is left out of lists and search: ${messageOf(error)}`);
    return { signature, fields: null, text: null };
  }
}

/**
 * The posts readers may see at `now` (`isPublic`: published and dated today
 * or earlier, UTC), newest first (ties by slug), without bodies. Every public
 * list reads this; `now` is decided per call, so a scheduled post appears at
 * its time without a restart.
 */
export async function listPosts(now: Date = new Date()): Promise<PostSummary[]> {
  return (await loadPostCatalogue()).posts.filter((post) => isPublic(post, now));
}

/** Every post, drafts and scheduled ones included, newest first (ties by slug): for staff pages and exports only. */
export async function listAllPosts(): Promise<PostSummary[]> {
  return [...(await loadPostCatalogue()).posts];
}

/** Every author, by slug. */
export async function listAuthors(): Promise<Author[]> {
  const slugs = await contentReader().collections.authors.list();
  return (await Promise.all(slugs.map((slug) => getAuthor(slug)))).filter((a): a is Author => a !== null);
}

/**
 * One author by slug, as their page and feeds show them, or null for an
 * unknown or malformed slug (or an unreadable file, logged).
 */
export async function findAuthor(slug: string): Promise<Author | null> {
  if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(slug)) return null;
  return getAuthor(slug);
}

/**
 * The posts readers may see at `now` by one author (by the author entry's
 * slug), newest first: `listPosts(now)` filtered, so drafts and scheduled
 * posts are left out.
 */
export async function listPostsByAuthor(slug: string, now: Date = new Date()): Promise<PostSummary[]> {
  return (await listPosts(now)).filter((post) => post.author?.slug === slug);
}

/** Posts readers may see at `now` (`isPublic`) carrying a tag (exact match), newest first. */
export async function listPostsByTag(tag: string, now: Date = new Date()): Promise<PostSummary[]> {
  return (await loadPostCatalogue()).posts.filter((post) => post.tags.includes(tag) && isPublic(post, now));
}

interface RenderedPost {
  root: string;
  signature: string;
  fields: PostFields;
  bodyHtml: string;
  images: BodyImage[];
}

/** Rendered bodies by slug, while their file is unchanged (at most one entry per post file). */
const renderedPosts = new Map<string, RenderedPost>();

/**
 * A post by slug with its rendered body, whatever its status (drafts and
 * scheduled posts too: public pages decide with `postAccess` or use
 * `getPublicPost`), or null for an unknown or malformed
 * slug, and for a file that cannot be read or parsed (logged; readers get a
 * 404 rather than an error page). Always as the file is now (its signature
 * is checked on each call); the author is read afresh.
 */
export async function getPost(slug: string): Promise<Post | null> {
  if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(slug)) return null;
  const root = contentRoot();
  const signature = await fileSignature(path.join(root, POSTS_DIR, `${slug}.md`));
  if (signature === null) {
    renderedPosts.delete(slug);
    return null;
  }
  let rendered = renderedPosts.get(slug);
  if (!rendered || rendered.root !== root || rendered.signature !== signature) {
    try {
      await checkPostSource(slug);
      const entry = await contentReader().collections.posts.read(slug);
      if (!entry) return null;
      const { node } = await entry.body();
      const body = renderPostBody(node);
      rendered = deepFreeze({ root, signature, fields: fieldsOf(entry), bodyHtml: body.html, images: body.images });
    } catch (error) {
      console.error(`Post ${POSTS_DIR}/${slug}.md cannot be shown: ${messageOf(error)}`);
      return null;
    }
    renderedPosts.set(slug, rendered);
  }
  const author = await getAuthor(rendered.fields.authorSlug);
  return { ...summaryOf(slug, rendered.fields, author), bodyHtml: rendered.bodyHtml, images: rendered.images };
}

/**
 * A post readers may see at `now` (`isPublic`), with its rendered body; null
 * for a draft, a post scheduled later, and whatever `getPost` gives null for.
 */
export async function getPublicPost(slug: string, now: Date = new Date()): Promise<Post | null> {
  const post = await getPost(slug);
  return post && isPublic(post, now) ? post : null;
}

/** A post as one person may see it: as readers do, as a staff preview, or not at all. */
export type PostForViewer =
  | { kind: "public"; post: Post }
  | { kind: "preview"; post: Post; visibility: Exclude<PostVisibility, { kind: "public" }> }
  | { kind: "not-found" };

/**
 * The post `slug` for `viewer` (null: nobody signed in) at `now`: public
 * posts for everyone; drafts and scheduled posts as a preview for coaches
 * and admins (`postAccess`), "not-found" for anyone else, exactly as for a
 * slug with no post.
 */
export async function getPostForViewer(
  slug: string,
  viewer: { role: Role } | null,
  now: Date = new Date(),
): Promise<PostForViewer> {
  const post = await getPost(slug);
  if (!post) return { kind: "not-found" };
  const access = postAccess(post, viewer, now);
  if (access.kind === "hidden") return { kind: "not-found" };
  return access.kind === "public" ? { kind: "public", post } : { kind: "preview", post, visibility: access.visibility };
}

/**
 * Refuses a post file whose body would hang the Markdoc parser (see
 * markdoc-limits.ts), before Keystatic's reader parses it. Throws an Error
 * saying why; a missing file passes (the reader reports it).
 */
async function checkPostSource(slug: string): Promise<void> {
  let source: string;
  try {
    source = await readFile(path.join(contentRoot(), POSTS_DIR, `${slug}.md`), "utf8");
  } catch {
    return;
  }
  assertMarkdocWithinLimits(source);
}

/**
 * Text as JavaScript can always encode it: unpaired UTF-16 surrogates (which
 * YAML escapes can produce) become U+FFFD, so URL encoding and HTML never
 * throw on a title or tag.
 */
function wellFormed(value: string): string {
  return value.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
}
