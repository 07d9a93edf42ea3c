import { stat } from "node:fs/promises";
import path from "node:path";
import { createReader } from "@keystatic/core/reader";
import keystaticConfig from "../../keystatic.config";

/**
 * Where the Keystatic content lives and how its files are read
 * (docs/architecture.md §2): shared by the posts (./posts.server.ts) and the
 * site settings (app/settings/site-settings.server.ts), which keep parsed
 * content in memory while a file's signature is unchanged.
 */

/**
 * The folder holding `content/`: `CONTENT_ROOT` (tests point it at a copy),
 * else the working directory. Read on every call, so a change of
 * `CONTENT_ROOT` takes effect at once.
 */
export function contentRoot(): string {
  return path.resolve(process.env.CONTENT_ROOT ?? process.cwd());
}

const makeReader = (root: string) => createReader(root, keystaticConfig);
/** Keystatic's reader over our content config. */
export type ContentReader = ReturnType<typeof makeReader>;
let readerCache: { root: string; reader: ContentReader } | null = null;

/** Keystatic's reader for the current `contentRoot()` (one per root, kept). */
export function contentReader(): ContentReader {
  const root = contentRoot();
  if (readerCache?.root !== root) readerCache = { root, reader: makeReader(root) };
  return readerCache.reader;
}

/**
 * A file's identity and version ("ino:size:mtime:ctime"), or null when there
 * is no such file. Throws for any other error than a missing file or folder.
 */
export async function fileSignature(file: string): Promise<string | null> {
  try {
    const s = await stat(file);
    return s.isFile() ? `${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}` : null;
  } catch (error) {
    // A name no file can have (too long for the file system) names no file either.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR" || code === "ENAMETOOLONG") return null;
    throw error;
  }
}

/**
 * Freezes `value` and everything inside it, and returns it: parsed content is
 * shared between requests, so nothing may change it in place.
 */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** An error's message for a log line (anything thrown, not only Errors). */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
