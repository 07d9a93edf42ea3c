import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Executor } from "../../db/client";
import { jsonExportChunks } from "./json-export.server";
import { writeMarkdownExport } from "./markdown-export.server";
import { wxrExportChunks } from "./wxr-export.server";

/**
 * Moving out (docs/architecture.md §2 for where posts and comments live): the
 * whole site exported as Staffroom's own JSON (app/export/json-format.ts),
 * as WordPress WXR 1.2 (app/export/wxr-export.server.ts), or as a folder of
 * Markdown (app/export/markdown-export.server.ts). Used by
 * `npm run export` (scripts/export.ts) and the admin download.
 * Content is read from CONTENT_ROOT (app/posts/content-files.server.ts).
 */

/** The formats an export writes. */
export const SITE_EXPORT_FORMATS = ["json", "wxr", "markdown"] as const;
export type SiteExportFormat = (typeof SITE_EXPORT_FORMATS)[number];

/** The formats that are one file (and can be downloaded or written to a stream). */
export type SingleFileExportFormat = Exclude<SiteExportFormat, "markdown">;

export interface ExportOptions {
  /** Include email addresses (commenters', coaches'); off by default, as the site never shows them. */
  includeEmails?: boolean;
  /** The export's time (UTC); defaults to now. */
  now?: Date;
}

/** The file name and media type of a one-file export. */
export function exportFileFacts(
  format: SingleFileExportFormat,
  now: Date = new Date(),
): { name: string; type: string } {
  const day = now.toISOString().slice(0, 10);
  return format === "json"
    ? { name: `staffroom-export-${day}.json`, type: "application/json; charset=utf-8" }
    : { name: `staffroom-export-${day}.wxr.xml`, type: "application/rss+xml; charset=utf-8" };
}

/**
 * A one-file export as UTF-8 text chunks, one post (and one comment) at a
 * time, for a response body or a file. Throws whatever reading throws (the
 * chunks already handed out are then an incomplete document).
 */
export function exportChunks(
  db: Executor,
  format: SingleFileExportFormat,
  options: ExportOptions = {},
): AsyncGenerator<string> {
  return format === "json" ? jsonExportChunks(db, options) : wxrExportChunks(db, options);
}

/** What an export wrote. */
export interface ExportOutcome {
  format: SiteExportFormat;
  /** Files written (absolute paths); empty when written to a stream. */
  files: string[];
  /** Posts exported (Markdown only; the one-file formats count nothing). */
  posts: number | null;
}

/**
 * Runs an export: a one-file format into `outDir` (as `exportFileFacts`
 * names it) or, without `outDir`, into `output`; Markdown into `outDir`
 * (required). Creates `outDir` when missing. Throws an Error when Markdown
 * has no folder or neither a folder nor a stream is given for a one-file
 * format, and on any read or write error.
 */
export async function runExport(
  db: Executor,
  request: { format: SiteExportFormat; outDir?: string | null; output?: Writable | null } & ExportOptions,
): Promise<ExportOutcome> {
  const { format, outDir, output, ...options } = request;
  if (format === "markdown") {
    if (!outDir) throw new Error("A Markdown export is a folder: give one with --out DIR.");
    const result = await writeMarkdownExport(db, outDir);
    return { format, files: result.files.map((file) => path.resolve(outDir, file)), posts: result.posts };
  }
  const chunks = Readable.from(exportChunks(db, format, options));
  if (outDir) {
    await mkdir(outDir, { recursive: true });
    const file = path.resolve(outDir, exportFileFacts(format, options.now).name);
    await pipeline(chunks, createWriteStream(file));
    return { format, files: [file], posts: null };
  }
  if (!output) throw new Error("An export needs a folder or a stream to write to.");
  await pipeline(chunks, output, { end: false });
  return { format, files: [], posts: null };
}
