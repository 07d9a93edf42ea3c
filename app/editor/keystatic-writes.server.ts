import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Config } from "@keystatic/core";
import { getAllowedDirectories } from "@keystatic/core/api/utils";
import { MAX_TAG_NESTING, markdocTagDepth } from "../posts/markdoc-limits";
// js-yaml is the YAML parser @keystatic/core itself uses to read frontmatter
// (`load` in its reader), so an `author:` line means here exactly what it
// means to Keystatic and to the site. Pinned to the version Keystatic gets.
import { load as jsYamlLoad } from "js-yaml";
import keystaticConfig from "../../keystatic.config";

/**
 * Authorising writes to Keystatic's local-mode API (`POST /api/keystatic/update`).
 *
 * Keystatic's local storage has no authentication or per-entry permissions: its
 * handler (`makeGenericAPIRouteHandler` → `localModeApiHandler` in
 * node_modules/@keystatic/core/dist/keystatic-core-api-generic.node.js) writes
 * whatever the request lists, as long as each path is inside a directory the
 * config uses. This module decodes that request the way Keystatic does and
 * decides whether the signed-in editor may make it:
 *
 * - admins may change everything (posts, authors, site settings, images);
 * - coaches may change only posts whose author (the `author:` frontmatter
 *   relationship to the `authors` collection) is one of the author profiles
 *   linked to them, both as the file is now on disk and as the request would
 *   leave it, plus those posts' files and images. Site settings, authors and
 *   anything else are refused.
 *
 * Paths (keystatic.config.ts, and where Keystatic's client puts files):
 * - `content/posts/<slug>.md`: the post entry (YAML frontmatter + Markdoc body);
 * - `content/posts/<slug>/…`: files of that entry, e.g. images pasted into the
 *   body (`content/posts/<slug>/body/<file>`; Keystatic's `serializeEntryToFiles`
 *   puts a content field's "other" files under the entry's base path);
 * - `public/images/posts/<slug>/…`: the cover image (`…/<slug>/cover/image.png`);
 * - `content/authors/<slug>.yaml`, `public/images/authors/<slug>/…`: authors;
 * - `content/site.yaml`: the site singleton.
 */

/** The post collection's directory and entry extension (keystatic.config.ts `posts`). */
export const POSTS_DIR = "content/posts";
const POST_EXTENSION = ".md";
/** The post cover-image directory (`cover.image` field's `directory`). */
export const POST_IMAGES_DIR = "public/images/posts";
/** The authors collection's directory and data extension (yaml). */
export const AUTHORS_DIR = "content/authors";
const AUTHOR_EXTENSION = ".yaml";
/** The author avatar directory (`avatar` field's `directory`). */
export const AUTHOR_IMAGES_DIR = "public/images/authors";
/** The site singleton's data file (`path: "content/site"`, yaml). */
export const SITE_FILE = "content/site.yaml";
/**
 * The About page singleton's file (`path: "content/about"`, Markdoc) and its
 * images' directory. Not named by `classifyContentPath`: they are "other",
 * which only admins may write, like the site settings.
 */
export const ABOUT_FILE = "content/about.md";
export const ABOUT_IMAGES_DIR = "public/images/pages";

/**
 * File extensions (lower case, no dot) a coach may upload under
 * `public/images/posts/<slug>/`. That folder is served from this site's own
 * origin (by Vite in development, from build/client after a rebuild in
 * production), and Keystatic's API accepts any bytes under any name there, so
 * without this list a coach could publish an `.html` page, or an `.svg` with a
 * script, that runs as the site when an admin opens it. Admins are not limited.
 */
export const COACH_IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(["png", "jpg", "jpeg", "gif", "webp", "avif"]);

/** One file Keystatic is asked to write: repository-relative path and raw bytes. */
export interface KeystaticAddition {
  path: string;
  contents: Uint8Array;
}

/** One file Keystatic is asked to delete (repository-relative path). */
export interface KeystaticDeletion {
  path: string;
}

/**
 * The decoded body of `POST /api/keystatic/update`. Keystatic writes every
 * addition (in order, so a repeated path ends with the last one) and then
 * removes every deletion.
 */
export interface KeystaticUpdate {
  additions: KeystaticAddition[];
  deletions: KeystaticDeletion[];
}

/**
 * What a repository path is, in this site's Keystatic config.
 * `post` with `file: "entry"` is the post's `.md`; `file: "attachment"` is a
 * file under `content/posts/<slug>/` (e.g. body images).
 */
export type ContentPath =
  | { kind: "post"; slug: string; file: "entry" | "attachment" }
  | { kind: "post-image"; slug: string }
  | { kind: "author"; slug: string }
  | { kind: "author-image"; slug: string }
  | { kind: "site" }
  | { kind: "other" };

/** Who is saving: an admin, or a coach with the author slugs linked to their account. */
export interface KeystaticActor {
  role: "coach" | "admin";
  /** Slugs in the `authors` collection that are this person. */
  authorSlugs: ReadonlySet<string>;
}

/**
 * A post as it is on disk now: `null` when there is no `content/posts/<slug>.md`;
 * `{ author: null }` when the file exists but names no readable author
 * (a coach may then not touch it).
 */
export type ExistingPost = { author: string | null } | null;

/** The outcome of {@link decideKeystaticWrite}: a refusal says why, for the editor's error message. */
export type WriteDecision = { allowed: true } | { allowed: false; reason: string };

// ---------------------------------------------------------------------------
// Decoding the update request
// ---------------------------------------------------------------------------

const parseYaml = jsYamlLoad as (source: string) => unknown;
const textDecoder = new TextDecoder();

/** Keystatic's `base64UrlDecode` (generic API handler), verbatim: accepts standard and URL-safe base64. */
function base64UrlDecode(base64: string): Uint8Array {
  const binString = atob(base64.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binString, (m) => m.codePointAt(0)!);
}

let allowedDirectories: string[] | undefined;

/**
 * Keystatic's `getIsPathValid` (generic API handler), using its exported
 * `getAllowedDirectories` on this site's config: no backslash, no `.` or `..`
 * segment, and starting with one of the config's directories. Note the check
 * is a plain string prefix (`content/postsX/…` and `content/site.yaml.bak` pass).
 */
function isKeystaticPathValid(filepath: string): boolean {
  // Config<any, any>, as Keystatic's own API route config types it: the
  // config's specific `ui.navigation` type does not widen to plain `Config`.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  allowedDirectories ??= getAllowedDirectories(keystaticConfig as Config<any, any>);
  return (
    !filepath.includes("\\") &&
    filepath.split("/").every((x) => x !== "." && x !== "..") &&
    allowedDirectories.some((x) => filepath.startsWith(x))
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/** superstruct `object()`: an object whose own keys are all known (missing keys are checked by the field structs). */
function hasOnlyKeys(value: Record<string, unknown>, keys: readonly string[]): boolean {
  return Object.keys(value).every((key) => keys.includes(key));
}

/**
 * Decodes the body of `POST /api/keystatic/update` as Keystatic 0.6.9's local
 * handler (`update()` in keystatic-core-api-generic.node.js) does, or returns
 * null wherever Keystatic answers 400 without writing anything:
 *
 * - `Content-Type` must be exactly `application/json` (no parameters);
 *   Keystatic also requires a `no-cors: 1` header, which is not checked here.
 * - The body is UTF-8 JSON (`await req.json()`):
 *   `{ "additions": [{ "path": string, "contents": base64 }], "deletions": [{ "path": string }] }`,
 *   validated by superstruct `object()`s (no other keys, both arrays required).
 * - `contents` is base64 of the raw file bytes (Keystatic's client uses
 *   `btoa`; the server also accepts URL-safe `-`/`_` and missing padding).
 * - Every path must pass Keystatic's own path check (see `isKeystaticPathValid`).
 *
 * `body` is the raw request body (bytes, or already-decoded text).
 */
export function parseKeystaticUpdate(body: Uint8Array | string, contentType: string | null): KeystaticUpdate | null {
  if (contentType !== "application/json") return null;
  let json: unknown;
  try {
    json = JSON.parse(typeof body === "string" ? body : textDecoder.decode(body));
  } catch {
    return null;
  }
  if (!isObject(json) || !hasOnlyKeys(json, ["additions", "deletions"])) return null;
  const { additions, deletions } = json;
  if (!Array.isArray(additions) || !Array.isArray(deletions)) return null;

  const update: KeystaticUpdate = { additions: [], deletions: [] };
  for (const addition of additions as unknown[]) {
    if (!isObject(addition) || !hasOnlyKeys(addition, ["path", "contents"])) return null;
    const { path: filepath, contents } = addition;
    if (typeof filepath !== "string" || !isKeystaticPathValid(filepath)) return null;
    if (typeof contents !== "string") return null;
    let bytes: Uint8Array;
    try {
      bytes = base64UrlDecode(contents);
    } catch {
      return null;
    }
    update.additions.push({ path: filepath, contents: bytes });
  }
  for (const deletion of deletions as unknown[]) {
    if (!isObject(deletion) || !hasOnlyKeys(deletion, ["path"])) return null;
    const { path: filepath } = deletion;
    if (typeof filepath !== "string" || !isKeystaticPathValid(filepath)) return null;
    update.deletions.push({ path: filepath });
  }
  return update;
}

// ---------------------------------------------------------------------------
// Classifying paths
// ---------------------------------------------------------------------------

/**
 * A plain relative path: not empty, no NUL, no backslash, not absolute, and no
 * empty, `.` or `..` segment. (Keystatic accepts `content/posts//x.md`, which
 * `path.join` turns into `content/posts/x.md`; such paths are "other" here so
 * they cannot pass as a different slug.)
 */
function isPlainRelativePath(filepath: string): boolean {
  if (filepath === "" || filepath.includes("\0") || filepath.includes("\\") || filepath.startsWith("/")) return false;
  return filepath.split("/").every((segment) => segment !== "" && segment !== "." && segment !== "..");
}

/**
 * A slug Keystatic's slug field would accept for a `*` collection (not empty,
 * not `.`/`..`, no slash or backslash, no leading or trailing space), and not
 * ending in `.md`: `content/posts/x.md/…` would be an entry folder that blocks
 * the post `x`.
 */
function isSlug(slug: string): boolean {
  return (
    slug !== "" &&
    slug !== "." &&
    slug !== ".." &&
    !/[\\/\0]/.test(slug) &&
    !/^\s|\s$/.test(slug) &&
    !slug.endsWith(POST_EXTENSION)
  );
}

function under(segments: string[], dir: string): string[] | null {
  const dirSegments = dir.split("/");
  if (segments.length <= dirSegments.length) return null;
  return dirSegments.every((segment, i) => segments[i] === segment) ? segments.slice(dirSegments.length) : null;
}

/**
 * Says which kind of content a repository-relative path is, by the paths in
 * keystatic.config.ts (see the module comment). Anything unusual (`..`, `.`,
 * empty segments, absolute paths, backslashes, NUL, a slug Keystatic would not
 * create, a wrong extension) is `{ kind: "other" }`.
 */
export function classifyContentPath(filepath: string): ContentPath {
  if (typeof filepath !== "string" || !isPlainRelativePath(filepath)) return { kind: "other" };
  if (filepath === SITE_FILE) return { kind: "site" };
  const segments = filepath.split("/");

  const inPosts = under(segments, POSTS_DIR);
  if (inPosts) {
    const [first, ...rest] = inPosts;
    if (rest.length === 0) {
      if (!first.endsWith(POST_EXTENSION)) return { kind: "other" };
      const slug = first.slice(0, -POST_EXTENSION.length);
      return isSlug(slug) ? { kind: "post", slug, file: "entry" } : { kind: "other" };
    }
    return isSlug(first) ? { kind: "post", slug: first, file: "attachment" } : { kind: "other" };
  }

  const inPostImages = under(segments, POST_IMAGES_DIR);
  if (inPostImages) {
    const [slug, ...rest] = inPostImages;
    return rest.length > 0 && isSlug(slug) ? { kind: "post-image", slug } : { kind: "other" };
  }

  const inAuthors = under(segments, AUTHORS_DIR);
  if (inAuthors) {
    if (inAuthors.length !== 1 || !inAuthors[0].endsWith(AUTHOR_EXTENSION)) return { kind: "other" };
    const slug = inAuthors[0].slice(0, -AUTHOR_EXTENSION.length);
    return isSlug(slug) ? { kind: "author", slug } : { kind: "other" };
  }

  const inAuthorImages = under(segments, AUTHOR_IMAGES_DIR);
  if (inAuthorImages) {
    const [slug, ...rest] = inAuthorImages;
    return rest.length > 0 && isSlug(slug) ? { kind: "author-image", slug } : { kind: "other" };
  }

  return { kind: "other" };
}

// ---------------------------------------------------------------------------
// Reading a post's author
// ---------------------------------------------------------------------------

/** Keystatic's `splitFrontmatter` pattern (reader and editor), verbatim. */
const FRONTMATTER = /^---(?:\r?\n([\s\S]*?))?\r?\n---\r?\n?/;

/**
 * The `author` of a post file (`content/posts/<slug>.md`), read as Keystatic's
 * reader reads it: UTF-8 decode, split the frontmatter with Keystatic's own
 * pattern, parse it with js-yaml `load` (the parser and version Keystatic
 * uses, so duplicate keys, anchors, merge keys and quoting behave the same),
 * and take the top-level `author` value if it is a string (the relationship
 * field stores the author's slug). Null when there is no frontmatter, it is
 * not valid YAML, or there is no string `author`.
 */
export function postAuthorFromMarkdown(contents: Uint8Array | string): string | null {
  const text = typeof contents === "string" ? contents : textDecoder.decode(contents);
  const match = text.match(FRONTMATTER);
  if (!match) return null;
  let data: unknown;
  try {
    data = parseYaml(match[1] ?? "");
  } catch {
    return null;
  }
  if (!isObject(data) || Array.isArray(data) || !Object.hasOwn(data, "author")) return null;
  const author = data.author;
  return typeof author === "string" ? author : null;
}

/**
 * Reads the post `<slug>` as it is on disk under `baseDirectory` (the folder
 * Keystatic's API writes into: its `localBaseDirectory`, by default
 * `process.cwd()`). `null` when `content/posts/<slug>.md` does not exist;
 * any other read failure, or an unusable slug, counts as an existing post with
 * no readable author, so coaches are refused rather than let through.
 */
export async function readExistingPost(baseDirectory: string, slug: string): Promise<ExistingPost> {
  if (!isSlug(slug)) return { author: null };
  let contents: Uint8Array;
  try {
    contents = await readFile(path.join(baseDirectory, POSTS_DIR, `${slug}${POST_EXTENSION}`));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    return { author: null };
  }
  return { author: postAuthorFromMarkdown(contents) };
}

// ---------------------------------------------------------------------------
// The decision
// ---------------------------------------------------------------------------

const ADMIN_ONLY: Record<Exclude<ContentPath["kind"], "post" | "post-image">, string> = {
  site: "Only admins may change the site settings. Your changes were not saved; ask an admin to make them.",
  author: "Only admins may change author profiles. Your changes were not saved; ask an admin to make them.",
  "author-image": "Only admins may change authors' images. Your changes were not saved; ask an admin to make them.",
  other: "Coaches may change only posts and their images. Your changes were not saved.",
};

function extensionOf(filepath: string): string {
  const name = filepath.slice(filepath.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
}

/**
 * Decides whether `actor` may make `update` (from {@link parseKeystaticUpdate}).
 *
 * - Admins: always allowed.
 * - Coaches: every added or deleted path must be a post entry, a file under
 *   `content/posts/<slug>/`, or an image under `public/images/posts/<slug>/`
 *   (site settings, authors and anything else are refused), and for every
 *   post slug touched:
 *   - if `content/posts/<slug>.md` exists (`existingPost`), its current author
 *     must be one of `actor.authorSlugs`: no editing, deleting or overwriting
 *     another's post, and no adding images to it;
 *   - every addition of `content/posts/<slug>.md` must name one of
 *     `actor.authorSlugs` as `author` (checked on each addition, since
 *     Keystatic writes them in order): no handing a post to someone else;
 *   - if the post does not exist, the request must create it (a new post,
 *     authored by the coach); files for a post that does not exist are refused.
 *   - additions under `public/images/posts/` must have an extension in
 *     {@link COACH_IMAGE_EXTENSIONS}.
 *   Renaming a post (new slug added, old slug deleted) passes both checks.
 *
 * `existingPost(slug)` reports the post as it is on disk now; in the route use
 * `(slug) => readExistingPost(baseDirectory, slug)`.
 */
export async function decideKeystaticWrite(
  update: KeystaticUpdate,
  actor: KeystaticActor,
  existingPost: (slug: string) => ExistingPost | Promise<ExistingPost>,
): Promise<WriteDecision> {
  if (actor.role !== "admin" && actor.role !== "coach")
    return { allowed: false, reason: "Only coaches and admins may edit content." };
  // For everyone, admins too: a body the parser cannot finish would hang the site (markdoc-limits.ts).
  for (const addition of update.additions) {
    const target = classifyContentPath(addition.path);
    if (target.kind !== "post" || target.file !== "entry") continue;
    const depth = markdocTagDepth(textDecoder.decode(addition.contents));
    if (depth > MAX_TAG_NESTING) {
      return {
        allowed: false,
        reason: `The post "${target.slug}" nests blocks ${depth} deep; at most ${MAX_TAG_NESTING} are allowed. Nothing was saved.`,
      };
    }
  }
  if (actor.role === "admin") return { allowed: true };

  /** Post slugs touched, and whether the request writes the post's entry. */
  const touched = new Map<string, { entryAdded: boolean }>();
  const touch = (slug: string, entryAdded = false) => {
    const seen = touched.get(slug);
    touched.set(slug, { entryAdded: entryAdded || (seen?.entryAdded ?? false) });
  };
  const refuseKind = (filepath: string, kind: keyof typeof ADMIN_ONLY): WriteDecision => ({
    allowed: false,
    reason: `${ADMIN_ONLY[kind]} (${filepath})`,
  });

  for (const addition of update.additions) {
    const target = classifyContentPath(addition.path);
    if (target.kind === "post") {
      if (target.file === "entry") {
        const author = postAuthorFromMarkdown(addition.contents);
        if (author === null) {
          return { allowed: false, reason: `The post "${target.slug}" must name its author.` };
        }
        if (!actor.authorSlugs.has(author)) {
          return {
            allowed: false,
            reason: `The post "${target.slug}" would have "${author}" as its author, who is not you.`,
          };
        }
      }
      touch(target.slug, target.file === "entry");
    } else if (target.kind === "post-image") {
      if (!COACH_IMAGE_EXTENSIONS.has(extensionOf(addition.path))) {
        return {
          allowed: false,
          reason: `"${addition.path}" is not an image type you may upload (${[...COACH_IMAGE_EXTENSIONS].join(", ")}).`,
        };
      }
      touch(target.slug);
    } else {
      return refuseKind(addition.path, target.kind);
    }
  }

  for (const deletion of update.deletions) {
    const target = classifyContentPath(deletion.path);
    if (target.kind === "post" || target.kind === "post-image") touch(target.slug);
    else return refuseKind(deletion.path, target.kind);
  }

  for (const [slug, { entryAdded }] of touched) {
    const existing = await existingPost(slug);
    if (existing === null) {
      if (!entryAdded) {
        return { allowed: false, reason: `There is no post "${slug}" and this save does not create it.` };
      }
      continue;
    }
    if (existing.author === null || !actor.authorSlugs.has(existing.author)) {
      return {
        allowed: false,
        reason:
          existing.author === null
            ? `The post "${slug}" has no author on file, so only an admin may change it.`
            : `The post "${slug}" is by "${existing.author}", not you.`,
      };
    }
  }
  return { allowed: true };
}
