import { existsSync } from "node:fs";
import { copyFile, lstat, mkdir, readdir, readFile, realpath, rename, stat } from "node:fs/promises";
import path from "node:path";
import { postImagePath } from "../discovery/paths";
import { COACH_IMAGE_EXTENSIONS, POST_IMAGES_DIR } from "../editor/keystatic-writes.server";

/**
 * Images of an imported post brought home (`npm run import -- FILE --images
 * DIR`): each image of a converted body whose address is a file in DIR (a
 * WordPress `wp-content/uploads` folder, or a Google Takeout / plain folder of
 * Blogger's images) is copied where the editor keeps a post's images,
 * `public/images/posts/<slug>/<file>`, and its `src` becomes the site path the
 * editor writes, `/images/posts/<slug>/<file>` (keystatic.config.ts, the body's
 * and `creditedImage`'s `publicPath`). Every other image keeps its address,
 * with the reason.
 *
 * Only the raster types the editor accepts from a coach are copied
 * (app/editor/keystatic-writes.server.ts: an SVG served from the site's own
 * origin could run script). Nothing outside DIR is ever read (a symlink
 * leading out of it is refused) and nothing is written outside the post's
 * image folder (file names are reduced to letters, digits, `.`, `-`, `_`).
 */

/** The folder of images the user gave, resolved (symlinks included) once. */
export interface ImageFolder {
  /** The folder's real path. */
  dir: string;
  /** The folder holding `public/` (CONTENT_ROOT). */
  contentRoot: string;
  /** Files under `dir` by lower-cased file name, as paths relative to `dir`; read on first need. */
  byName: Map<string, string[]> | null;
}

/** An image to copy: from a file in the folder to the post's image folder. */
export interface ImageCopy {
  /** The image's address in the export. */
  url: string;
  /** The file's real path (inside the folder). */
  source: string;
  /** Where it goes, relative to `public/images/posts/`: `<slug>/<file>`. */
  target: string;
  /** The site path the body now links: `/images/posts/<slug>/<file>`. */
  src: string;
}

/** An image left at its old address, and why. */
export interface KeptImage {
  url: string;
  why: string;
}

/** A post body with its images relinked, the copies that needs, and the images kept at their old address. */
export interface RelinkedBody {
  markdown: string;
  copies: ImageCopy[];
  kept: KeptImage[];
}

/**
 * Opens the folder of images the user gave.
 * @throws Error when `dir` is not a readable folder.
 */
export async function openImageFolder(dir: string, contentRoot: string): Promise<ImageFolder> {
  let real: string;
  try {
    real = await realpath(path.resolve(dir));
  } catch {
    throw new Error(`--images ${dir}: there is no such folder.`);
  }
  if (!(await stat(real)).isDirectory()) throw new Error(`--images ${dir}: not a folder.`);
  return { dir: real, contentRoot, byName: null };
}

const ACCEPTED = [...COACH_IMAGE_EXTENSIONS].join(", ");

/** Blogger's image hosts: an address there names its file in its last segment. */
const BLOGGER_HOST = /(^|\.)(bp\.blogspot\.com|blogger\.googleusercontent\.com|googleusercontent\.com)$/i;

/** Where a Staffroom site serves its posts' images (app/discovery/paths.ts postImagePath). */
const STAFFROOM_IMAGES = postImagePath("");

/** WordPress's resized copies: `photo-300x200.jpg`, and since 5.3 the big-image `photo-scaled.jpg`. */
const WORDPRESS_SIZE = /^(.+)-(?:\d+x\d+|scaled)(\.[^./]+)$/i;

/**
 * Relinks the images of one post body (Markdoc as app/import/site-converters.ts
 * writes it: `![alt](src "title")` and `{% creditedImage src="…" … /%}`;
 * fenced code is left alone). An address maps to a file in the folder when:
 * - its path has `/wp-content/uploads/REST`: the file `DIR/REST` (or
 *   `DIR/wp-content/uploads/REST`), the original `photo.jpg` preferred to a
 *   resized `photo-300x200.jpg` when both are there;
 * - its path is another Staffroom's `/images/posts/REST` (its exports): the
 *   file `DIR/REST` (DIR being that site's `public/images/posts`), or
 *   `DIR/public/images/posts/REST`;
 * - it is on Blogger's image hosts: a file of the address's last segment's
 *   name anywhere under DIR (Takeout's `Blogger/Albums/…`, or a flat folder);
 *   several different files of that name are ambiguous and not used.
 * Copies are not made here (see `stageImageCopies`). Never throws for an
 * image: what cannot be copied is kept and explained.
 */
export async function relinkPostImages(folder: ImageFolder, markdown: string, slug: string): Promise<RelinkedBody> {
  if (!/^[\w-]+$/.test(slug)) throw new Error(`Not a post slug: ${slug}`);
  const copies: ImageCopy[] = [];
  const kept: KeptImage[] = [];
  const bySource = new Map<string, ImageCopy>();
  const decided = new Map<string, string | null>();
  const usedNames = new Set<string>();

  const relink = async (url: string): Promise<string | null> => {
    if (decided.has(url)) return decided.get(url)!;
    const found = await findImage(folder, url);
    let src: string | null = null;
    if ("why" in found) kept.push({ url, why: found.why });
    else {
      const existing = bySource.get(found.source);
      if (existing) src = existing.src;
      else {
        const name = freeName(folder, slug, safeFileName(path.basename(found.source)), usedNames);
        const copy = { url, source: found.source, target: `${slug}/${name}`, src: postImagePath(`${slug}/${name}`) };
        bySource.set(found.source, copy);
        copies.push(copy);
        src = copy.src;
      }
    }
    decided.set(url, src);
    return src;
  };

  // A link to an image this post now holds (Blogger's `[![](…/s320/a.jpg)](…/s1600/a.jpg)`) opens the copy.
  const relinkLink = async (url: string): Promise<string | null> => {
    const found = await findImage(folder, url);
    return "source" in found ? (bySource.get(found.source)?.src ?? null) : null;
  };

  const out: string[] = [];
  for (const [text, code] of outsideFences(markdown)) {
    out.push(code ? text : await relinkText(text, relink, relinkLink));
  }
  return { markdown: out.join(""), copies, kept };
}

/**
 * The cover image of a post, when its address is a file in the folder (the
 * same rules as `relinkPostImages`): the copy that puts it where the editor
 * keeps a post's cover, `public/images/posts/<slug>/cover/image.<ext>`
 * (keystatic.config.ts `cover.image`), or why it stays at its address.
 * Copies are not made here (see `stageImageCopies`). Throws only for a slug
 * that is not one.
 */
export async function coverImageCopy(
  folder: ImageFolder,
  url: string,
  slug: string,
): Promise<{ copy: ImageCopy } | { kept: KeptImage }> {
  if (!/^[\w-]+$/.test(slug)) throw new Error(`Not a post slug: ${slug}`);
  const found = await findImage(folder, url);
  if ("why" in found) return { kept: { url, why: found.why } };
  const extension = path.extname(found.source).toLowerCase();
  const target = `${slug}/cover/image${extension}`;
  return { copy: { url, source: found.source, target, src: postImagePath(target) } };
}

/** Copies planned images into `staging/images/<slug>/<file>` (moved into place by `moveStagedImages`). */
export async function stageImageCopies(copies: readonly ImageCopy[], staging: string): Promise<void> {
  for (const copy of copies) {
    const to = path.join(staging, "images", copy.target);
    await mkdir(path.dirname(to), { recursive: true });
    await copyFile(copy.source, to);
  }
}

/** Moves staged images to `public/images/posts/<slug>/<file>` under the content root (after the database commits). */
export async function moveStagedImages(
  copies: readonly ImageCopy[],
  staging: string,
  contentRoot: string,
): Promise<void> {
  const root = path.join(contentRoot, POST_IMAGES_DIR);
  for (const copy of copies) {
    const to = path.join(root, copy.target);
    await mkdir(path.dirname(to), { recursive: true });
    await rename(path.join(staging, "images", copy.target), to);
  }
}

/** The text split into runs outside and inside fenced code blocks: `[text, isCode]`. */
function outsideFences(markdown: string): [string, boolean][] {
  const runs: [string, boolean][] = [];
  let fence: { char: string; length: number } | null = null;
  let current = "";
  for (const line of markdown.split(/(?<=\n)/)) {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (!fence && marker) {
      runs.push([current, false]);
      current = line;
      fence = { char: marker[1][0], length: marker[1].length };
    } else if (
      fence &&
      marker &&
      marker[1][0] === fence.char &&
      marker[1].length >= fence.length &&
      !/\S/.test(line.slice(line.indexOf(marker[1]) + marker[1].length))
    ) {
      runs.push([current + line, true]);
      current = "";
      fence = null;
    } else current += line;
  }
  runs.push([current, fence !== null]);
  return runs;
}

/** `![alt](src "title")`: alt may hold balanced brackets (app/import/convert/html-to-markdown.ts imageAlt). */
const PLAIN_IMAGE = /(!\[(?:[^[\]\n]|\[[^[\]\n]*\])*\]\(\s*<?)([^)\s>]+)(>?(?:\s+"[^"\n]*")?\s*\))/g;
/** A `creditedImage` tag, its quoted attribute values skipped whole. */
const CREDITED_IMAGE = /\{%\s*creditedImage\b(?:[^"%]|"(?:[^"\\]|\\.)*")*%\}/g;
/** Either, the tag first (it has no capture groups, so the plain image's are 1–3). */
const ANY_IMAGE = new RegExp(`${CREDITED_IMAGE.source}|${PLAIN_IMAGE.source}`, "g");
const SRC_ATTRIBUTE = /(\ssrc=)"((?:[^"\\]|\\.)*)"/;

/** A link's target: `](href "title")`, images' included (those are already relinked). */
const LINK_TARGET = /(\]\(\s*<?)([^)\s>]+)(>?(?:\s+"[^"\n]*")?\s*\))/g;

async function relinkText(
  text: string,
  relink: (url: string) => Promise<string | null>,
  relinkLink: (url: string) => Promise<string | null>,
): Promise<string> {
  // One pass over both kinds, so images are found (and reported) in body order.
  const out = await replaceAsync(text, ANY_IMAGE, async (match) => {
    if (!match[0].startsWith("{%")) {
      const src = await relink(match[2]);
      return src ? `${match[1]}${src}${match[3]}` : match[0];
    }
    const attribute = SRC_ATTRIBUTE.exec(match[0]);
    if (!attribute) return match[0];
    const url = attribute[2].replace(/\\(.)/g, "$1");
    const src = await relink(url);
    return src ? match[0].replace(SRC_ATTRIBUTE, `$1"${src}"`) : match[0];
  });
  return replaceAsync(out, LINK_TARGET, async (match) => {
    if (match[2].startsWith(postImagePath(""))) return match[0];
    const src = await relinkLink(match[2]);
    return src ? `${match[1]}${src}${match[3]}` : match[0];
  });
}

async function replaceAsync(
  text: string,
  pattern: RegExp,
  replace: (match: RegExpExecArray) => Promise<string>,
): Promise<string> {
  let out = "";
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    out += text.slice(last, match.index) + (await replace(match as RegExpExecArray));
    last = match.index + match[0].length;
  }
  return out + text.slice(last);
}

/** The file an image address names in the folder, or why it has none that may be copied. */
async function findImage(folder: ImageFolder, url: string): Promise<{ source: string } | { why: string }> {
  let parsed: URL;
  try {
    parsed = new URL(url.startsWith("//") ? `https:${url}` : url, "https://relative.invalid");
  } catch {
    return { why: "not an address" };
  }
  let segments: string[];
  try {
    segments = parsed.pathname.split("/").map(decodeURIComponent);
  } catch {
    return { why: "its address is not valid percent-encoding" };
  }
  let uploads = parsed.pathname.indexOf("/wp-content/uploads/");
  let uploadsPrefix = ["wp-content", "uploads"];
  const blogger = BLOGGER_HOST.test(parsed.hostname);
  // Another Staffroom's images (its exports link /images/posts/<slug>/<file>): DIR is its public/images/posts.
  if (uploads < 0 && !blogger && parsed.pathname.startsWith(STAFFROOM_IMAGES)) {
    uploads = 0;
    uploadsPrefix = ["public", "images", "posts"];
  }
  const uploadsPath = uploadsPrefix[0] === "public" ? STAFFROOM_IMAGES : "/wp-content/uploads/";
  if (uploads < 0 && !blogger) {
    return { why: "not an address of the old blog's uploads, of Blogger's images or of a Staffroom's images" };
  }
  const name = segments.at(-1) ?? "";
  const extension = path.extname(name).slice(1).toLowerCase();
  if (!extension) return { why: "its address names no image file" };
  if (!COACH_IMAGE_EXTENSIONS.has(extension)) {
    return { why: `a .${extension} file, not an image type the editor accepts (${ACCEPTED})` };
  }

  let candidates: string[][];
  if (uploads >= 0) {
    const rest = parsed.pathname
      .slice(uploads + uploadsPath.length)
      .split("/")
      .map(decodeURIComponent);
    if (rest.some((s) => s === "" || s === "." || s === ".." || /[\\/\0]/.test(s))) {
      return { why: "its path leaves the uploads folder" };
    }
    const sized = uploadsPath === STAFFROOM_IMAGES ? null : WORDPRESS_SIZE.exec(rest.at(-1)!);
    const names = sized ? [`${sized[1]}${sized[2]}`, rest.at(-1)!] : [rest.at(-1)!];
    candidates = names.flatMap((n) => {
      const rel = [...rest.slice(0, -1), n];
      return [rel, [...uploadsPrefix, ...rel]];
    });
  } else {
    if (/[\\\0/]/.test(name) || name === "." || name === "..") return { why: "its file name is not a plain name" };
    const matches = (await filesByName(folder)).get(name.toLowerCase()) ?? [];
    const distinct = await distinctFiles(folder, matches);
    if (distinct.length > 1) {
      return { why: `several different files are named ${name} in the folder (${matches.join(", ")})` };
    }
    candidates = matches.map((m) => m.split("/"));
  }

  let refused: string | null = null;
  for (const rel of candidates) {
    const found = await fileInFolder(folder, rel);
    if (typeof found === "string") return { source: found };
    if (found.refused) refused = found.refused;
  }
  return { why: refused ?? "no such file in the images folder" };
}

/** A regular file at `rel` whose real path is inside the folder, or why not. */
async function fileInFolder(folder: ImageFolder, rel: string[]): Promise<string | { refused: string | null }> {
  const joined = path.join(folder.dir, ...rel);
  if (!joined.startsWith(folder.dir + path.sep)) return { refused: "its path leaves the images folder" };
  let real: string;
  try {
    real = await realpath(joined);
  } catch {
    return { refused: null };
  }
  if (!real.startsWith(folder.dir + path.sep)) {
    return { refused: `${rel.join("/")} is a link to a file outside the images folder` };
  }
  const info = await lstat(real);
  return info.isFile() ? real : { refused: `${rel.join("/")} is not a file` };
}

/** Files under the folder by lower-cased name (symlinked folders are not entered). */
async function filesByName(folder: ImageFolder): Promise<Map<string, string[]>> {
  if (folder.byName) return folder.byName;
  const byName = new Map<string, string[]>();
  const walk = async (rel: string) => {
    // A folder that cannot be read holds nothing to copy; it does not stop the import.
    const entries = await readdir(path.join(folder.dir, rel), { withFileTypes: true }).catch(() => []);
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(child);
      else if (entry.isFile() || entry.isSymbolicLink()) {
        const key = entry.name.toLowerCase();
        byName.set(key, [...(byName.get(key) ?? []), child]);
      }
    }
  };
  await walk("");
  folder.byName = byName;
  return byName;
}

/** Same-named files that differ in content (identical copies, as Takeout may hold, count once). */
async function distinctFiles(folder: ImageFolder, rels: string[]): Promise<Buffer[]> {
  if (rels.length < 2) return [];
  const contents: Buffer[] = [];
  for (const rel of rels) {
    const found = await fileInFolder(folder, rel.split("/"));
    if (typeof found !== "string") continue;
    const bytes = await readFile(found);
    if (!contents.some((c) => c.equals(bytes))) contents.push(bytes);
  }
  return contents;
}

/**
 * A file name safe in a folder and a URL path: ASCII letters, digits, `.`,
 * `-`, `_` (accents dropped, the rest hyphens), no leading dot or `..`, the
 * extension in lower case, at most 100 characters.
 */
export function safeFileName(name: string): string {
  const extension = path.extname(name).toLowerCase();
  const stem = name
    .slice(0, name.length - extension.length)
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/\.{2,}/g, ".")
    .replace(/^[.-]+|[.-]+$/g, "")
    .slice(0, 90);
  return `${stem || "image"}${extension.replace(/[^a-z0-9.]/g, "")}`;
}

/** `name`, or `name-2`, `name-3`… when this post already uses it or the post's image folder holds it. */
function freeName(folder: ImageFolder, slug: string, name: string, used: Set<string>): string {
  const extension = path.extname(name);
  const stem = name.slice(0, name.length - extension.length);
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? name : `${stem}-${n}${extension}`;
    const taken =
      used.has(candidate.toLowerCase()) || existsSync(path.join(folder.contentRoot, POST_IMAGES_DIR, slug, candidate));
    if (!taken) {
      used.add(candidate.toLowerCase());
      return candidate;
    }
  }
}
