import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { rm, rmdir } from "node:fs/promises";
import path from "node:path";
import { getDatabase } from "../database.server";
import { contentRoot } from "../posts/content-files.server";
import { listAuthors } from "../posts/posts.server";
import { applyImport, fileKeyOf, ImportRunError } from "./apply.server";
import { parseExport } from "./formats/parse";
import { ImportFileError } from "./model";
import { reportLines } from "./report";
import { siteConverters } from "./site-converters";

/**
 * Imports started from the admin's page (/admin/import): each runs in the
 * server process, in the background, on the server's own database (an
 * embedded PGlite folder is open in one process only, so `npm run import`
 * cannot run beside the server). One at a time: two imports writing posts
 * and redirects at once could both take the same slug. Progress and the final
 * report are kept in memory, keyed by a random id, for the job page to show;
 * a server restart forgets them. The import itself is recorded in the
 * database (app/import/apply.server.ts): a job cut short by a restart or a
 * failure leaves whole posts only, and sending the same file again (found by
 * its SHA-256) continues it, unless the admin asks to start over.
 */

/** What the admin asked for: the uploaded file and the import's options (see `ApplyImportOptions`). */
export interface ImportJobRequest {
  /**
   * The uploaded export on disk, in a folder of its own under DATA_DIR/imports/;
   * both are deleted when the job ends, whatever the outcome (`discardUpload`).
   */
  file: string;
  /** The file's name on the admin's computer, to show. */
  fileName: string;
  authorSlug: string;
  /** A catalogue licence id, or "site-default"; absent: the old site's notice, else the site default. */
  license?: string;
  join: boolean;
  keepPages: boolean;
  /** Forget an interrupted import's record and read the file from the start (`ApplyImportOptions.restart`). */
  restart?: boolean;
  dryRun: boolean;
  /** Disqus: thread address → slug. */
  threadMap: ReadonlyMap<string, string>;
  rewrite?: { from: string; to: string };
}

/** A job as its page shows it. Times are UTC ISO-8601; `rate` is items (posts and comments) a second. */
export interface ImportJobView {
  id: string;
  fileName: string;
  dryRun: boolean;
  /** reading: the file is being read (totals unknown); writing: posts and comments are being written. */
  state: "reading" | "writing" | "done" | "refused" | "failed";
  startedAt: string;
  finishedAt: string | null;
  totals: { posts: number; comments: number } | null;
  done: { posts: number; comments: number };
  rate: number;
  /** When done: the report's lines (app/import/report.ts), as the CLI prints them. */
  report: string[] | null;
  /** When refused or failed: why (a refused file's message starts with its line and column). */
  message: string | null;
  /** When done: the slugs of the posts created (none on a dry run). */
  createdSlugs: string[];
}

interface Job extends ImportJobView {
  started: number;
}

/** Jobs kept for their pages: the newest few, so memory stays bounded on a long-running server. */
const KEPT_JOBS = 20;
const jobs = new Map<string, Job>();
let running: Job | null = null;

/**
 * Starts an import in the background.
 *
 * @returns `{ ok: true, id }` (the job's page is `/admin/import/<id>`), or
 *   `{ ok: false, field, message }`: `field` "author" when there is no such
 *   author entry, null when another import is still running. The file is
 *   deleted then (nothing will read it). Never rejects; the job's own
 *   failures are recorded on it.
 */
export async function startImportJob(
  request: ImportJobRequest,
): Promise<{ ok: true; id: string } | { ok: false; field: "author" | null; message: string }> {
  if (running) {
    await discardUpload(request.file);
    return {
      ok: false,
      field: null,
      message: `Another import (${running.fileName}) is still running; only one runs at a time. Wait for it to finish, then send the file again.`,
    };
  }
  // Checked here as well as by the import, so the form can say it next to the field.
  const authors = await listAuthors().catch(() => []);
  if (!authors.some((a) => a.slug === request.authorSlug)) {
    await discardUpload(request.file);
    return { ok: false, field: "author", message: "Choose one of the author entries (add one in the editor first)." };
  }
  // A second request may have started a job while the authors were read.
  if (running) return startImportJob(request);
  const id = randomBytes(12).toString("base64url");
  const job: Job = {
    id,
    fileName: request.fileName,
    dryRun: request.dryRun,
    state: "reading",
    started: Date.now(),
    startedAt: new Date().toISOString(),
    finishedAt: null,
    totals: null,
    done: { posts: 0, comments: 0 },
    rate: 0,
    report: null,
    message: null,
    createdSlugs: [],
  };
  jobs.set(id, job);
  for (const old of jobs.keys()) {
    if (jobs.size <= KEPT_JOBS) break;
    if (old !== id) jobs.delete(old);
  }
  running = job;
  void run(job, request).finally(() => {
    running = null;
  });
  return { ok: true, id };
}

/** The job with this id as its page shows it, or null (unknown, or forgotten by a restart). */
export function importJob(id: string): ImportJobView | null {
  const job = jobs.get(id);
  if (!job) return null;
  const { started: _started, ...view } = job;
  return { ...view, done: { ...view.done }, totals: view.totals ? { ...view.totals } : null };
}

async function run(job: Job, request: ImportJobRequest): Promise<void> {
  try {
    const key = await fileKeyOf(request.file);
    let base: { items: number; at: number } | null = null;
    const report = await applyImport(
      await getDatabase(),
      contentRoot(),
      async (handlers) => {
        await parseExport(createReadStream(request.file), handlers);
      },
      {
        authorSlug: request.authorSlug,
        license: request.license,
        join: request.join,
        keepPages: request.keepPages,
        dryRun: request.dryRun,
        run: { key, fileName: request.fileName },
        restart: request.restart ?? false,
        threadMap: request.threadMap,
        rewrite: request.rewrite,
        converters: siteConverters,
        onTotals: (totals) => {
          job.totals = { ...totals };
          job.state = "writing";
        },
        onProgress: (done) => {
          // The rate counts this job's work only (a resumed import starts part-way).
          const items = done.posts + done.comments;
          if (!base) base = { items, at: Date.now() };
          job.done = { ...done };
          const seconds = Math.max((Date.now() - base.at) / 1000, 0.001);
          job.rate = Math.round((items - base.items) / seconds);
        },
      },
    );
    job.report = reportLines(report);
    job.createdSlugs = report.dryRun ? [] : report.posts.created.map((p) => p.slug);
    job.state = "done";
  } catch (error) {
    job.state = error instanceof ImportFileError || error instanceof ImportRunError ? "refused" : "failed";
    job.message = (error as Error).message;
  } finally {
    job.finishedAt = new Date().toISOString();
    await discardUpload(request.file);
  }
}

/**
 * Deletes an uploaded export and its folder (when that is then empty: the
 * upload's own folder, see `ImportJobRequest.file`). Never throws.
 */
export async function discardUpload(file: string): Promise<void> {
  await rm(file, { force: true }).catch(() => undefined);
  await rmdir(path.dirname(file)).catch(() => undefined);
}
