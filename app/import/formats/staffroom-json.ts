/**
 * Staffroom's own JSON export (`npm run export -- --format json`,
 * app/export/json-format.ts) read back as a stream: the document is turned
 * into tokens by stream-json's core parser, and only one piece at a time is
 * assembled (the site's settings, an author, a post's fields, one comment),
 * checked against the export's zod schema and handed on as the import model's
 * events. Memory follows the largest piece, never the file: a post with
 * thousands of comments is never held whole.
 *
 * The file must be the format's version this code writes
 * (`STAFFROOM_EXPORT_VERSION`), with its members in the order the export
 * writes them: `format` first (that is how the format is recognised, see
 * ./detect.ts), `version` before anything it governs, `site` before the
 * authors and posts, and a post's fields before its `comments`. Anything
 * else is refused with the JSON path (`posts[3].comments[7].createdAt`) or
 * the line and column where it went wrong and what was expected.
 */
import { getManyValues, isMany, none } from "stream-chain/defs.js";
import { jsonParser, type Token } from "stream-json/core/parser.js";
import { jsonVerifier } from "stream-json/core/utils/verifier.js";
import type { z } from "zod";
import {
  type ExportedComment,
  type ExportedPost,
  exportedAuthorSchema,
  exportedCommentSchema,
  exportedPostSchema,
  exportedSiteSchema,
  STAFFROOM_EXPORT_VERSION,
  staffroomExportSchema,
} from "../../export/json-format";
import {
  type ImportedComment,
  type ImportedCommentStatus,
  type ImportedPost,
  type ImportHandlers,
  ImportFileError,
} from "../model";
import { detectJsonFormat } from "./detect";

/** The bounds an import holds a JSON file to. */
export const JSON_LIMITS = {
  /** Objects and arrays open at once. The export nests 6 deep. */
  maxDepth: 64,
  /** Characters in one string (a post body of 16 Mi characters is far beyond any real one). */
  maxStringChars: 16 * 1024 * 1024,
} as const;

/** Text is handed to the parser in pieces of this many characters, so the limits are checked often. */
const PIECE_CHARS = 64 * 1024;

type Path = (string | number)[];

/** `posts[3].comments[7].createdAt`, or "the document" for the root. */
export function jsonPathText(path: readonly (string | number | symbol)[]): string {
  let text = "";
  for (const part of path) {
    if (typeof part === "number") text += `[${part}]`;
    else text += text === "" ? String(part) : `.${String(part)}`;
  }
  return text === "" ? "the document" : text;
}

/** A piece that does not match the schema: where (its path, and the field inside it) and what was expected. */
function schemaError(path: Path, error: z.ZodError, value: unknown): ImportFileError {
  const issue = error.issues[0];
  const where = jsonPathText([...path, ...(issue?.path ?? [])]);
  let found: unknown = value;
  for (const key of issue?.path ?? []) found = (found as Record<PropertyKey, unknown> | null)?.[key];
  const what =
    issue?.code === "invalid_format" && issue.format === "datetime"
      ? `expected a UTC ISO-8601 instant such as "2013-06-14T05:33:00.000Z", found ${JSON.stringify(found)}`
      : (issue?.message ?? "does not match the Staffroom export format");
  return new ImportFileError(
    `${where}: ${what}; the file does not match version ${STAFFROOM_EXPORT_VERSION} of the Staffroom export format`,
  );
}

/** Parses `value` with `schema`, or throws the schema error at `path`. */
function check<T>(schema: z.ZodType<T>, value: unknown, path: Path): T {
  const result = schema.safeParse(value);
  if (!result.success) throw schemaError(path, result.error, value);
  return result.data;
}

/** The post's fields, checked before its comments are read (the export writes `comments` last). */
const postFieldsSchema = exportedPostSchema.omit({ comments: true });

const STATUS: Record<ExportedComment["status"], ImportedCommentStatus> = {
  published: "approved",
  pending: "pending",
  spam: "spam",
  removed: "deleted",
};

/** The path of a site file under the site's origin (`/images/posts/…`), or null for another site's address. */
function sitePathOf(src: string, siteUrl: string): string | null {
  try {
    const url = new URL(src);
    return url.origin === new URL(siteUrl).origin ? url.pathname : null;
  } catch {
    return null;
  }
}

/** A post of the export as the import model holds it: the body is Markdoc already and is handed on as is. */
function importedPost(post: Omit<ExportedPost, "comments">, siteUrl: string, path: Path): ImportedPost {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(post.published) || Number.isNaN(Date.parse(post.published))) {
    throw new ImportFileError(
      `${jsonPathText([...path, "published"])}: ${JSON.stringify(post.published)} is not a calendar date; expected YYYY-MM-DD`,
    );
  }
  return {
    sourceId: post.slug,
    kind: "post",
    title: post.title,
    html: post.body,
    summary: post.summary === "" ? null : post.summary,
    published: `${post.published}T00:00:00.000Z`,
    updated: null,
    status: post.status ?? "published",
    tags: post.tags,
    authorSourceId: post.author,
    authorSlug: post.author,
    // The same slug on the new site: no old address to redirect from.
    oldUrls: [],
    slugHint: post.slug,
    commentsOpen: post.commentsOpen,
    license: post.licenseSetting,
    cover: post.cover
      ? {
          url: post.cover.src,
          alt: post.cover.alt,
          credit: {
            creator: post.cover.creator,
            sourceName: post.cover.sourceName,
            sourceUrl: post.cover.sourceUrl,
            licenseUrl: post.cover.licenseUrl,
          },
          sitePath: sitePathOf(post.cover.src, siteUrl),
        }
      : null,
  };
}

/** A comment of the export as the import model holds it: the body is comment Markdown already. */
function importedComment(comment: ExportedComment, postSlug: string): ImportedComment {
  const anonymous = comment.authorKind === "anonymous";
  return {
    sourceId: String(comment.id),
    postSourceId: postSlug,
    parentSourceId: comment.parentId === null ? null : String(comment.parentId),
    authorName: anonymous ? null : comment.name,
    authorEmail: comment.email ?? null,
    authorUrl: comment.website,
    byBlogOwner: comment.authorKind === "author",
    published: comment.createdAt,
    html: comment.body,
    status: STATUS[comment.status],
    type: "comment",
    oldUrls: [],
    licenseUrl: comment.license.url,
    submission: {
      id: comment.submission.id,
      partIndex: comment.submission.partIndex,
      partCount: comment.submission.partCount,
    },
  };
}

/** An object or array being read: walked through (its members handed on one by one) or built whole. */
interface Container {
  kind: "object" | "array";
  path: Path;
  /** The member being read (objects), or null between members. */
  key: string | null;
  /** The next element's index (arrays); members seen (objects). */
  index: number;
  /** The value being built, or null when the container is walked. */
  built: Record<string, unknown> | unknown[] | null;
}

/** The containers walked through rather than built: the document, its lists, a post and an orphaned thread. */
function walks(path: Path, kind: "object" | "array"): boolean {
  const [top, n, member] = path;
  if (path.length === 0) return kind === "object";
  if (path.length === 1) return kind === "array" && (top === "authors" || top === "posts" || top === "orphanThreads");
  if (path.length === 2)
    return kind === "object" && (top === "posts" || top === "orphanThreads") && typeof n === "number";
  return path.length === 3 && kind === "array" && (top === "posts" || top === "orphanThreads") && member === "comments";
}

/** The root members the format requires, in the order they must come. */
const REQUIRED = ["format", "version", "exportedAt", "site", "authors", "posts"] as const;

/**
 * Reads a Staffroom JSON export from `text` (the document's characters, in
 * pieces of any size) and calls `handlers` in file order: `blog` (when
 * `site` is read), each author, then for each post the post (when its
 * fields are read, before its comments) and its comments; comments of
 * threads whose post is not in the export are reported through `skipped`.
 * Handler calls are awaited a piece at a time, in order.
 *
 * @throws ImportFileError for JSON that is not well formed (line and column),
 *   a file that ends early, JSON that is not a Staffroom export, another
 *   version of the format, a piece that does not match the schema (its JSON
 *   path and what was expected), members out of the export's order, nesting
 *   deeper than `JSON_LIMITS.maxDepth` or a string longer than
 *   `JSON_LIMITS.maxStringChars`. Whatever a handler throws is passed on.
 */
export async function readStaffroomJson(text: AsyncIterable<string>, handlers: ImportHandlers): Promise<void> {
  const parse = jsonParser({
    packValues: true,
    streamValues: false,
    maxDepth: JSON_LIMITS.maxDepth,
    maxPackedLength: JSON_LIMITS.maxStringChars,
  });
  const verify = jsonVerifier({ maxDepth: JSON_LIMITS.maxDepth });
  const queue: Array<() => void | Promise<void>> = [];
  const emit = (call: () => void | Promise<void>) => {
    queue.push(call);
  };

  const stack: Container[] = [];
  const seen = new Set<string>();
  let siteUrl = "";
  // The post being read: its fields so far, and whether it was handed on (its comments began).
  let post: { fields: Record<string, unknown>; slug: string | null; emitted: boolean } | null = null;
  let orphanSlug: string | null = null;
  let rootDone = false;

  const pathOfNext = (parent: Container): Path =>
    parent.kind === "object" ? [...parent.path, parent.key ?? ""] : [...parent.path, parent.index];

  /** A member of the document, or of a walked container, read whole. */
  const deliver = (path: Path, value: unknown) => {
    const [top, n, member, m] = path;
    if (path.length === 1) {
      if (top === "format") {
        detectJsonFormat("object", { key: "format", value: typeof value === "string" ? value : null });
      } else if (top === "version") {
        if (value !== STAFFROOM_EXPORT_VERSION) {
          throw new ImportFileError(
            `version: this file is version ${JSON.stringify(value)} of the Staffroom export format; this Staffroom reads version ${STAFFROOM_EXPORT_VERSION} (export the site again from a Staffroom of this version)`,
          );
        }
      } else if (top === "exportedAt") {
        check(staffroomExportSchema.shape.exportedAt, value, path);
      } else if (top === "site") {
        const site = check(exportedSiteSchema, value, path);
        siteUrl = site.url;
        emit(() =>
          handlers.blog({ format: "staffroom-json", title: site.title, siteUrl: site.url, licenseNotice: null }),
        );
      } else if (top === "authors" || top === "posts" || top === "orphanThreads") {
        throw new ImportFileError(`${jsonPathText(path)}: expected an array`);
      }
      // Members the format does not know are left out, as the schema leaves them out.
      return;
    }
    if (top === "authors" && path.length === 2) {
      const author = check(exportedAuthorSchema, value, path);
      emit(() =>
        handlers.author({ sourceId: author.slug, name: author.name, email: author.accountEmail ?? null, url: null }),
      );
      return;
    }
    if ((top === "posts" || top === "orphanThreads") && path.length === 2) {
      throw new ImportFileError(`${jsonPathText(path)}: expected an object`);
    }
    if (top === "posts" && path.length === 3 && post) {
      if (member === "comments") throw new ImportFileError(`${jsonPathText(path)}: expected an array`);
      if (post.emitted) {
        throw new ImportFileError(
          `${jsonPathText(path)} comes after the post's "comments"; expected the post's fields before its comments, as the export writes them`,
        );
      }
      post.fields[String(member)] = value;
      return;
    }
    if (top === "posts" && path.length === 4 && post?.slug) {
      const comment = check(exportedCommentSchema, value, path);
      const record = importedComment(comment, post.slug);
      emit(() => handlers.comment(record));
      return;
    }
    if (top === "orphanThreads" && path.length === 3) {
      if (member === "comments") throw new ImportFileError(`${jsonPathText(path)}: expected an array`);
      if (member === "postSlug") {
        if (typeof value !== "string") throw new ImportFileError(`${jsonPathText(path)}: expected a string`);
        orphanSlug = value;
      }
      return;
    }
    if (top === "orphanThreads" && path.length === 4) {
      const comment = check(exportedCommentSchema, value, path);
      if (orphanSlug === null) {
        throw new ImportFileError(
          `${jsonPathText([top, n as number, member as string, m as number])}: expected the thread's "postSlug" before its comments`,
        );
      }
      const slug = orphanSlug;
      emit(() =>
        handlers.skipped(
          `comment ${comment.id} on "${slug}"`,
          "its post was not in the export (its file was deleted or renamed on the old site)",
        ),
      );
    }
  };

  /** The post's fields checked and handed on; `path` is the post's. */
  const emitPost = (path: Path, withComments: boolean) => {
    if (!post) return;
    const fields = withComments
      ? check(postFieldsSchema, post.fields, path)
      : check(exportedPostSchema, post.fields, path);
    const record = importedPost(fields, siteUrl, path);
    post.slug = fields.slug;
    post.emitted = true;
    emit(() => handlers.post(record));
  };

  /** A walked container begins at `path`. */
  const enter = (path: Path) => {
    const [top, , member] = path;
    if (top === "posts" && path.length === 2) post = { fields: {}, slug: null, emitted: false };
    if (top === "orphanThreads" && path.length === 2) orphanSlug = null;
    if (top === "posts" && path.length === 3 && member === "comments") emitPost(path.slice(0, 2), true);
  };

  /** A walked container ends at `path`. */
  const leave = (path: Path) => {
    const [top] = path;
    if (path.length === 0) {
      rootDone = true;
      const missing = REQUIRED.find((key) => !seen.has(key));
      if (missing === "format") detectJsonFormat("object", null);
      if (missing)
        throw new ImportFileError(`the document has no "${missing}"; expected every member a Staffroom export writes`);
    }
    if (top === "posts" && path.length === 2) {
      if (post && !post.emitted) emitPost(path, false);
      post = null;
    }
  };

  /** A key at the document's top: checked for the export's order. */
  const rootKey = (root: Container, key: string) => {
    if (root.index === 0 && key !== "format") detectJsonFormat("object", { key, value: null });
    if (seen.has(key)) throw new ImportFileError(`"${key}" appears twice in the document; expected it once`);
    const before = (first: string) => {
      if (!seen.has(first)) {
        throw new ImportFileError(
          `"${key}" comes before "${first}"; expected "${first}" first, as the export writes it`,
        );
      }
    };
    if (key === "site" || key === "authors" || key === "posts" || key === "orphanThreads") before("version");
    if (key === "authors" || key === "posts" || key === "orphanThreads") before("site");
    seen.add(key);
  };

  /** A complete value (scalar, or a built container) read at the current place. */
  const value = (v: unknown) => {
    const parent = stack[stack.length - 1];
    if (!parent) return;
    if (parent.built) {
      if (Array.isArray(parent.built)) parent.built.push(v);
      else parent.built[parent.key ?? ""] = v;
    } else {
      deliver(pathOfNext(parent), v);
    }
    if (parent.kind === "array") parent.index++;
    else parent.key = null;
  };

  const open = (kind: "object" | "array") => {
    const parent = stack[stack.length - 1];
    if (!parent) {
      if (kind === "array") detectJsonFormat("array", null);
      stack.push({ kind, path: [], key: null, index: 0, built: null });
      return;
    }
    const path = pathOfNext(parent);
    if (!parent.built && walks(path, kind)) {
      stack.push({ kind, path, key: null, index: 0, built: null });
      enter(path);
    } else {
      stack.push({ kind, path, key: null, index: 0, built: kind === "array" ? [] : {} });
    }
  };

  const close = () => {
    const done = stack.pop();
    if (!done) return;
    if (done.built) {
      value(done.built);
      return;
    }
    leave(done.path);
    const parent = stack[stack.length - 1];
    if (parent?.kind === "array") parent.index++;
    else if (parent) parent.key = null;
  };

  const token = (t: Token) => {
    switch (t.name) {
      case "startObject":
        return open("object");
      case "startArray":
        return open("array");
      case "endObject":
      case "endArray":
        return close();
      case "keyValue": {
        const into = stack[stack.length - 1];
        if (!into) return;
        if (stack.length === 1) rootKey(into, t.value);
        into.key = t.value;
        into.index++;
        return;
      }
      case "stringValue":
        return value(t.value);
      case "numberValue":
        return value(Number(t.value));
      case "nullValue":
        return value(null);
      case "trueValue":
        return value(true);
      case "falseValue":
        return value(false);
      default:
        return;
    }
  };

  const tokens = (out: unknown) => {
    if (isMany(out)) for (const t of getManyValues(out) as Token[]) token(t);
    else if (out !== none && out && typeof out === "object") token(out as Token);
  };

  const drain = async () => {
    while (queue.length > 0) {
      const call = queue.shift();
      if (call) await call();
    }
  };

  /** Feeds one piece (or, with `none`, the end) to the verifier, then the parser; errors become ImportFileErrors. */
  const feed = (piece: string | typeof none) => {
    try {
      verify(piece as string);
    } catch (error) {
      throw syntaxError(error, piece === none ? stack : null);
    }
    let out: unknown;
    try {
      out = parse(piece as string);
    } catch (error) {
      throw syntaxError(error, null);
    }
    tokens(out);
  };

  for await (const chunk of text) {
    for (let i = 0; i < chunk.length; i += PIECE_CHARS) {
      feed(chunk.slice(i, i + PIECE_CHARS));
      await drain();
    }
  }
  feed(none);
  if (!rootDone) {
    throw new ImportFileError(
      `the file ends inside ${jsonPathText(stack.at(-1)?.path ?? [])}; expected the rest of the document: the file looks truncated`,
    );
  }
  await drain();
}

/**
 * stream-json's verifier and parser errors as an ImportFileError: the line
 * and column the verifier gives, the parser's limits in the import's words;
 * at the end of the file (`open` given), where the document was cut off.
 */
function syntaxError(error: unknown, open: Container[] | null): ImportFileError {
  if (error instanceof ImportFileError) return error;
  const e = error as Error & { line?: number; pos?: number };
  if (/maxPackedLength/.test(e.message)) {
    return new ImportFileError(
      `a string holds more than ${JSON_LIMITS.maxStringChars} characters; no export needs that much`,
    );
  }
  if (/maxDepth/.test(e.message)) {
    return new ImportFileError(
      `objects and arrays nest more than ${JSON_LIMITS.maxDepth} deep; no export nests that deep`,
      e.line ?? null,
      e.pos ?? null,
    );
  }
  const what = e.message
    .replace(/^ERROR at \d+ \(\d+, \d+\): /, "")
    .replace(/^(Verifier|Parser) (has |cannot parse input: )?/, "");
  if (open) {
    return new ImportFileError(
      `the file ends inside ${jsonPathText(open.at(-1)?.path ?? [])} (${what}): the file looks truncated`,
      e.line ?? null,
      e.pos ?? null,
    );
  }
  return new ImportFileError(`${what}; the file is not well-formed JSON`, e.line ?? null, e.pos ?? null);
}
