import { createHash, randomUUID } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { and, eq, isNull, type SQL, sql } from "drizzle-orm";
import { dump as dumpYaml } from "js-yaml";
import type { Database, Executor } from "../../db/client";
import { queryRows } from "../../db/client";
import { importRunItems, importRuns, importSources } from "../../db/schema";
import { findAccountByEmail } from "../auth/accounts.server";
import { type ImportedThreadComment, storeImportedThread } from "../comments/import-comments.server";
import { type CommentIdentity, commentIdentityFor, prepareSubmission } from "../comments/submission.server";
import type { CommentFormValue, CommentRules } from "../comments/validation";
import { commentPath, postPath } from "../discovery/paths";
import { findLicenseByUrl } from "../licences/catalogue";
import { listAuthors } from "../posts/posts.server";
import { getSiteSettings } from "../settings/site-settings.server";
import { licenseFromNotice } from "./convert/licence-notice";
import { type ImportConverters, plainConverters } from "./converters";
import { bodyWithCoverImage, coverCredit, coverField } from "./covers";
import {
  coverImageCopy,
  type ImageCopy,
  type ImageFolder,
  moveStagedImages,
  openImageFolder,
  relinkPostImages,
  stageImageCopies,
} from "./images.server";
import { type LinkRewriter, linkRewriter } from "./links";
import {
  type ExportFormat,
  type ImportedAttachment,
  type ImportedComment,
  type ImportedCommentStatus,
  ImportFileError,
  type ImportedCover,
  type ImportedPost,
  type ImportHandlers,
} from "./model";
import { postListingRedirects, siteListingRedirects } from "./old-listings";
import { oldPathOf, postRedirects, recordRedirect, recordRedirects, redirectTarget } from "./redirects.server";

/**
 * Writing an imported blog into Staffroom (docs/architecture.md §2–§4): posts
 * become Keystatic files as the editor writes them, comments are prepared by
 * the comment form's own rules and stored a thread at a time
 * (app/comments/import-comments.server.ts), old addresses are kept as
 * redirects, and every source id is recorded so a second run adds only what
 * is new.
 *
 * A run is recorded and resumable (docs/decisions/0053-*.md): the parser's
 * items are staged in `import_run_items` (so memory does not grow with the
 * file, and a comment may come before its post or parent), and every post's
 * fate (its slug, or why it is skipped) is planned, in one transaction; a
 * refused file leaves nothing. Then each post is one unit: the post's rows
 * (source id, redirects) and its whole thread commit together in one
 * transaction, and only then is its file (and its images) moved into
 * `content/posts/`. A run that stops (killed, crashed, an error) leaves whole
 * posts only; importing the same file again continues with the first post
 * not done (writing the file of one whose database part had committed), and
 * ends as an uninterrupted run would.
 */

export type ImportSource = (handlers: ImportHandlers) => Promise<void>;

export interface ApplyImportOptions {
  /** The Keystatic author entry (slug) the posts are written under; its `accountEmail` account writes the owner's comments. */
  authorSlug: string;
  /** The posts' licence (a catalogue id or "site-default"); default "site-default". */
  license?: string;
  /** Join hand-split comments into one split submission (default true; `--no-join` turns it off). */
  join?: boolean;
  /** Import pages as posts instead of skipping them. */
  keepPages?: boolean;
  /** Do everything in a transaction that is rolled back, and write no files. */
  dryRun?: boolean;
  /** The conversions to use, or a function choosing them by the file's format once it is known; default `plainConverters`. */
  converters?: ImportConverters | ((format: ExportFormat) => ImportConverters);
  /**
   * Disqus only: thread addresses matched to posts by hand, old URL → slug
   * (`--map old-url=slug`). Other threads are matched through the old
   * addresses an earlier import recorded, then through `rewrite`, then by the
   * address's last segment as a slug.
   */
  threadMap?: ReadonlyMap<string, string>;
  /** Disqus only: a prefix of thread addresses replaced before matching (`--rewrite https://old.example/blog/=/posts/`). */
  rewrite?: { from: string; to: string };
  /**
   * A folder of the old blog's image files (`--images DIR`: WordPress's
   * `wp-content/uploads`, or Blogger's from Takeout): the images it holds are
   * copied under `public/images/posts/<slug>/` and relinked (./images.server.ts).
   */
  images?: { dir: string };
  /**
   * The export's identity, which an interrupted run is found by: the file's
   * SHA-256 in hex (`fileKey`) and its name as the user knows it. Without
   * it the run gets a key of its own and cannot be resumed.
   */
  run?: { key: string; fileName: string };
  /**
   * Throw away the record of an unfinished run (of this or another file) and
   * read the file again. Posts that run finished stay: they are whole, and
   * the new run finds them already imported.
   */
  restart?: boolean;
  /**
   * Called after each post's database part (the post and its thread)
   * commits, before its file is written, with how many this run has
   * committed. A test hook: `npm run import` exits there, as if killed, when
   * STAFFROOM_IMPORT_STOP_AT says so.
   */
  onPostCommitted?: (committed: number) => void | Promise<void>;
  /** Called after each post (with its comments) is written: counts so far, those of an earlier interrupted run included. */
  onProgress?: (done: { posts: number; comments: number }) => void;
  /** Called with the file's totals once it is read (or, resuming, once the run is found). */
  onTotals?: (totals: { posts: number; comments: number }) => void;
}

/** What a run did (or, dry, would do): the same report the CLI prints. */
export interface ImportReport {
  format: ExportFormat | null;
  dryRun: boolean;
  posts: {
    /** `draft`: written with `status: draft` (readers do not see it until a coach publishes it). */
    created: { sourceId: string; slug: string; title: string; draft: boolean }[];
    /** Disqus threads matched to existing posts. */
    matched: { sourceId: string; url: string; slug: string }[];
    skipped: { sourceId: string; title: string; why: string }[];
  };
  comments: {
    /** Stored comments (submissions) by Staffroom status. */
    published: number;
    pending: number;
    spam: number;
    removed: number;
    alreadyImported: number;
    skipped: { sourceId: string; why: string }[];
  };
  /** Hand-split comments joined into one split submission: their source ids in order. */
  joins: { postSlug: string; sourceIds: string[] }[];
  redirects: number;
  /**
   * Links in imported post and comment bodies to another post of the old
   * blog (by an address recorded as a redirect), rewritten to its
   * Staffroom path (app/import/links.ts).
   */
  linksRewritten: number;
  /** Covers written as the post's cover field (copied with `--images`), and those kept as the body's first image (not copied). */
  covers: { field: number; inBody: number };
  tags: string[];
  slugCollisions: { sourceId: string; wanted: string; slug: string }[];
  /** Things in the export that were not imported (the parser's `skipped`), and converter notes. */
  notes: string[];
  /** With `images`: the images copied (or, dry, that would be) and those kept at their old address, and why. */
  images?: {
    copied: { postSlug: string; url: string; src: string }[];
    kept: { postSlug: string; url: string; why: string }[];
  };
  /**
   * Items of `notes`, `joins` and `comments.skipped` counted but not listed:
   * each list keeps its first REPORT_LIST_LIMIT items, so the report's memory
   * does not grow with the file.
   */
  unlisted: { notes: number; joins: number; skippedComments: number };
  /**
   * When this run continued an interrupted one: the posts (and their
   * comments) that run had finished, which this report does not list again.
   * Null for a run that read the file from the start.
   */
  resumed: { posts: number; comments: number; startedAt: string } | null;
}

/** Items each of the report's per-comment lists keeps; the rest are counted in `ImportReport.unlisted`. */
export const REPORT_LIST_LIMIT = 500;

/** Lists `item` in `list` while it has room, else counts it under `key` of `report.unlisted`. */
function listIn<T>(report: ImportReport, list: T[], key: keyof ImportReport["unlisted"], item: T): void {
  if (list.length < REPORT_LIST_LIMIT) list.push(item);
  else report.unlisted[key]++;
}

/**
 * An import that cannot start: another unfinished run is recorded, or this
 * file's was run with other options. Nothing was written; the message says
 * what to do (run it again as before, or restart).
 */
export class ImportRunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ImportRunError";
  }
}

/**
 * A run that stopped part-way through writing (a comment that could not be
 * stored, a converter or database failure): `postsDone` of `postsTotal` posts
 * are imported whole, none half; importing the same file again continues.
 * The original error is the `cause`.
 */
export class ImportStoppedError extends Error {
  constructor(
    readonly postsDone: number,
    readonly postsTotal: number,
    cause: unknown,
  ) {
    super(
      `The import stopped after ${postsDone} of ${postsTotal} posts (each is imported whole, none half): ${(cause as Error).message} Run the same import again to continue from there.`,
      { cause },
    );
    this.name = "ImportStoppedError";
  }
}

class DryRunRollback extends Error {}

const ALREADY_IMPORTED = "already imported";

const STATUS_OF: Record<ImportedCommentStatus, "published" | "pending" | "spam" | "removed"> = {
  approved: "published",
  pending: "pending",
  spam: "spam",
  deleted: "removed",
};

/** Items staged per insert (a few hundred keeps each statement well under PostgreSQL's 65,535 parameters). */
const STAGE_BATCH = 200;

/** Imported comments may be long: the site's per-part limit still applies, but never refuses one for its parts. */
const IMPORT_MAX_PARTS = 1000;

/**
 * The SHA-256 (hex) of a file, read as a stream: the `run.key` an
 * interrupted import of it is found by (see `ApplyImportOptions.run`).
 */
export async function fileKeyOf(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

function newReport(options: ApplyImportOptions): ImportReport {
  return {
    format: null,
    dryRun: options.dryRun ?? false,
    posts: { created: [], matched: [], skipped: [] },
    comments: { published: 0, pending: 0, spam: 0, removed: 0, alreadyImported: 0, skipped: [] },
    joins: [],
    redirects: 0,
    linksRewritten: 0,
    covers: { field: 0, inBody: 0 },
    tags: [],
    slugCollisions: [],
    notes: [],
    images: options.images ? { copied: [], kept: [] } : undefined,
    unlisted: { notes: 0, joins: 0, skippedComments: 0 },
    resumed: null,
  };
}

/**
 * Imports one export. `contentRoot` is the folder holding `content/` (the
 * site's CONTENT_ROOT: site settings and authors are read from there).
 *
 * @returns the report of what this run did. Throws, with nothing written:
 *   `ImportFileError` for a file the parser refuses or a comment whose post
 *   is neither in the file nor imported before; `ImportRunError` when
 *   another run is unfinished or this file's ran with other options; an
 *   Error when the author entry is missing. Throws `ImportStoppedError` when
 *   writing stops part-way (whole posts written, the run resumable).
 */
export async function applyImport(
  db: Database,
  contentRoot: string,
  source: ImportSource,
  options: ApplyImportOptions,
): Promise<ImportReport> {
  const report = newReport(options);
  const ctx: RunContext = {
    contentRoot,
    postsDir: path.join(contentRoot, "content/posts"),
    staging: null,
    source,
    options,
    report,
    imageFolder: options.images ? await openImageFolder(options.images.dir, contentRoot) : null,
    imageCopies: [],
    ...(await writerOf(db, options)),
  };
  if (report.dryRun) {
    try {
      await db.transaction(async (tx) => {
        const run = await stageRun(tx, ctx);
        await writeUnits(tx, ctx, run, true);
        throw new DryRunRollback();
      });
    } catch (error) {
      if (!(error instanceof DryRunRollback)) throw error;
    }
    return report;
  }
  let run = await unfinishedRun(db, ctx);
  if (!run) run = await db.transaction((tx) => stageRun(tx, ctx));
  ctx.staging = await mkdtemp(path.join(contentRoot, ".staffroom-import-"));
  try {
    await writeUnits(db, ctx, run, false);
  } finally {
    await rm(ctx.staging, { recursive: true, force: true });
  }
  await db.transaction(async (tx) => {
    await tx.delete(importRunItems).where(eq(importRunItems.runId, run.id));
    await tx.update(importRuns).set({ finishedAt: new Date() }).where(eq(importRuns.id, run.id));
  });
  return report;
}

interface RunContext {
  contentRoot: string;
  postsDir: string;
  /** The folder post files and images are written to before they are moved into place; null when dry. */
  staging: string | null;
  source: ImportSource;
  options: ApplyImportOptions;
  report: ImportReport;
  imageFolder: ImageFolder | null;
  /** Images of the post being written, copied into the staging folder, moved into place with its file. */
  imageCopies: ImageCopy[];
  rules: CommentRules;
  ownerIdentity: CommentIdentity;
  /** The site's author entries (slugs), for a post that names its own (`ImportedPost.authorSlug`). */
  authorSlugs: ReadonlySet<string>;
}

/** A run as its units need it: what the file said about its blog, and the posts' licence once decided. */
interface RunRecord {
  id: number;
  format: ExportFormat;
  siteUrl: string | null;
  /** The posts' licence: `--license`, else the old site's notice, else none (the site default). */
  license: string | null;
  totals: { posts: number; comments: number };
}

interface StoredBlog {
  format: ExportFormat;
  siteUrl: string | null;
  license: string | null;
}

/** What the run decided for a post (or a `thread` item: comments of a post imported before). */
type Plan =
  | { outcome: "new"; slug: string; wanted: string }
  | { outcome: "matched"; slug: string; url: string }
  | { outcome: "already"; slug: string }
  | { outcome: "skip"; why: string }
  /** The same post again later in the file: its comments went with the first. */
  | { outcome: "repeat" };

/** The comment rules and the blog owner's identity, from the author entry; throws when there is none. */
async function writerOf(
  db: Database,
  options: ApplyImportOptions,
): Promise<{ rules: CommentRules; ownerIdentity: CommentIdentity; authorSlugs: ReadonlySet<string> }> {
  const authors = await listAuthors();
  const author = authors.find((a) => a.slug === options.authorSlug);
  if (!author) throw new Error(`There is no author entry content/authors/${options.authorSlug}.yaml.`);
  const site = await getSiteSettings();
  const coach = author.accountEmail ? await findAccountByEmail(db, author.accountEmail) : null;
  return {
    rules: { limit: site.commentMaxChars, maxParts: IMPORT_MAX_PARTS, allowAnonymous: true },
    ownerIdentity: commentIdentityFor(coach, author),
    authorSlugs: new Set(authors.map((a) => a.slug)),
  };
}

/** The options that decide what a run writes, as recorded with it: a resumed run must repeat them. */
function recordedOptions(options: ApplyImportOptions): string {
  return JSON.stringify({
    author: options.authorSlug,
    license: options.license ?? null,
    join: options.join !== false,
    keepPages: options.keepPages ?? false,
    map: [...(options.threadMap ?? new Map())].sort(),
    rewrite: options.rewrite ?? null,
    images: options.images?.dir ?? null,
  });
}

/**
 * The unfinished run to continue, or null to start one. `restart` discards
 * an unfinished run's record first. Throws `ImportRunError` when the
 * unfinished run is another file's or ran with other options.
 */
async function unfinishedRun(db: Database, ctx: RunContext): Promise<RunRecord | null> {
  const { options, report } = ctx;
  const [row] = await db.select().from(importRuns).where(isNull(importRuns.finishedAt)).limit(1);
  if (!row) return null;
  const blog = JSON.parse(row.blog) as StoredBlog;
  const record: RunRecord = {
    id: row.id,
    format: blog.format,
    siteUrl: blog.siteUrl,
    license: blog.license,
    totals: { posts: row.totalPosts, comments: row.totalComments },
  };
  if (options.restart) {
    await finishCommittedFiles(db, ctx, row.options, record);
    await db.delete(importRuns).where(eq(importRuns.id, row.id));
    return null;
  }
  const since = row.startedAt.toISOString();
  if (row.fileKey !== options.run?.key) {
    throw new ImportRunError(
      `An import of ${row.fileName} (started ${since}) was interrupted and is not finished. Import that file again to finish it, or start this one with --restart (on the admin page: "Start over"), which forgets the interrupted run; the posts it finished stay.`,
    );
  }
  if (row.options !== recordedOptions(options)) {
    throw new ImportRunError(
      `This file's interrupted import ran with other options (${row.options}). Run it again with the same options to continue, or with --restart (on the admin page: "Start over") to start over with these.`,
    );
  }
  const [done] = await queryRows<{ posts: number; comments: number }>(
    db,
    sql`select
          (select count(*) from import_run_items where run_id = ${row.id} and kind = 'post' and state <> 'staged')::int as posts,
          (select count(*) from import_run_items c where c.run_id = ${row.id} and c.kind = 'comment' and exists (
             select 1 from import_run_items u where u.run_id = c.run_id and u.kind in ('post', 'thread')
             and u.source_id = c.post_source_id and u.state <> 'staged'))::int as comments`,
  );
  report.format = blog.format;
  report.resumed = { posts: Number(done.posts), comments: Number(done.comments), startedAt: since };
  if (blog.license) ctx.options = { ...options, license: blog.license };
  return record;
}

/**
 * Before an unfinished run's record is thrown away (`restart`): the files of
 * the posts whose database part it committed but whose file it had not
 * written yet (it stopped in between) are written, with the options that run
 * had, so no post is left half imported.
 */
async function finishCommittedFiles(db: Database, ctx: RunContext, recorded: string, run: RunRecord): Promise<void> {
  const had = JSON.parse(recorded) as { author: string; join: boolean; keepPages: boolean; images: string | null };
  const options: ApplyImportOptions = {
    ...ctx.options,
    authorSlug: had.author,
    license: run.license ?? undefined,
    join: had.join,
    keepPages: had.keepPages,
    images: had.images ? { dir: had.images } : undefined,
    onTotals: undefined,
    onProgress: undefined,
    onPostCommitted: undefined,
  };
  const old: RunContext = {
    ...ctx,
    options,
    report: newReport(options),
    imageFolder: had.images ? await openImageFolder(had.images, ctx.contentRoot) : null,
    imageCopies: [],
    staging: await mkdtemp(path.join(ctx.contentRoot, ".staffroom-import-")),
  };
  try {
    await writeUnits(db, old, run, false, true);
  } finally {
    await rm(old.staging!, { recursive: true, force: true });
  }
}

/**
 * Reads the file into the run's items and plans every post, in one
 * transaction (`tx`): a file refused part-way leaves no run.
 */
async function stageRun(tx: Executor, ctx: RunContext): Promise<RunRecord> {
  const { report, options } = ctx;
  const [{ id: runId }] = await tx
    .insert(importRuns)
    .values({
      fileKey: options.run?.key ?? `unkeyed:${randomUUID()}`,
      fileName: options.run?.fileName ?? "(an export)",
      options: recordedOptions(options),
      blog: "{}",
      totalPosts: 0,
      totalComments: 0,
    })
    .returning({ id: importRuns.id });
  let format: ExportFormat | null = null;
  let licenseNotice: string | null = null;
  let blogSiteUrl: string | null = null;
  let seq = 0;
  // Staged a batch at a time: one insert per item was a round trip per comment, a tenth of an import's time.
  let pending: SQL[] = [];
  const flushStaged = async () => {
    if (pending.length === 0) return;
    const rows = pending;
    pending = [];
    await tx.execute(
      sql`insert into import_run_items (run_id, seq, kind, source_id, post_source_id, data) values ${sql.join(rows, sql`, `)}`,
    );
  };
  const stage = async (kind: string, sourceId: string, postSourceId: string | null, data: unknown) => {
    pending.push(sql`(${runId}, ${++seq}, ${kind}, ${sourceId}, ${postSourceId}, ${JSON.stringify(data)})`);
    if (pending.length >= STAGE_BATCH) await flushStaged();
  };
  let stagedPosts = 0;
  let stagedComments = 0;
  let ownerComments = 0;
  await ctx.source({
    blog(blog) {
      format = blog.format;
      blogSiteUrl = blog.siteUrl;
      licenseNotice = blog.licenseNotice;
      report.format = blog.format;
    },
    async author() {},
    async post(post) {
      stagedPosts++;
      await stage("post", post.sourceId, null, post);
    },
    async attachment(attachment) {
      await stage("attachment", attachment.sourceId, null, attachment);
    },
    async comment(comment) {
      stagedComments++;
      if (comment.byBlogOwner) ownerComments++;
      await stage("comment", comment.sourceId, comment.postSourceId, comment);
    },
    skipped(what, why) {
      listIn(report, report.notes, "notes", `Skipped ${what}: ${why}`);
    },
  });
  await flushStaged();
  if (!format) throw new ImportFileError("The export never said what blog it holds.");
  if (ownerComments > 0 && ctx.ownerIdentity.kind !== "post-author") {
    report.notes.push(
      `The blog owner's ${ownerComments} comment(s) are shown under their name without the Author badge: no coach account has the email of author ${options.authorSlug}.`,
    );
  }
  // A licence notice on the old site names the posts' licence, unless --license says otherwise.
  const noticeLicense = licenseNotice ? licenseFromNotice(licenseNotice) : null;
  if (!options.license && noticeLicense) {
    ctx.options = { ...options, license: noticeLicense };
    report.notes.push(`Posts are under ${noticeLicense}, as the old site's licence notice says.`);
  }
  const run: RunRecord = {
    id: runId,
    format,
    siteUrl: blogSiteUrl,
    license: ctx.options.license ?? null,
    totals: { posts: stagedPosts, comments: stagedComments },
  };
  const blog: StoredBlog = { format: run.format, siteUrl: run.siteUrl, license: run.license };
  await tx
    .update(importRuns)
    .set({ blog: JSON.stringify(blog), totalPosts: stagedPosts, totalComments: stagedComments })
    .where(eq(importRuns.id, runId));
  await planRun(tx, ctx, run, seq);
  return run;
}

/**
 * Decides every post's fate (a new slug, a Disqus thread matched to a post,
 * already imported, or skipped and why) and records it on its item, and
 * adds a `thread` item for each post imported before whose new comments the
 * file holds. Nothing of a post is written here but its plan; the old
 * site's own listings (its feeds, archives) are recorded once some post is
 * new. Throws `ImportFileError` for comments of a post neither in the file
 * nor imported before.
 */
async function planRun(tx: Executor, ctx: RunContext, run: RunRecord, lastSeq: number): Promise<void> {
  const { options, report } = ctx;
  const converters = baseConvertersOf(ctx, run.format);
  const slugsThisRun = new Set(
    (await tx.select({ slug: importSources.postSlug }).from(importSources).where(eq(importSources.kind, "post"))).map(
      (r) => r.slug,
    ),
  );
  const taken = (slug: string) => slugsThisRun.has(slug) || existsSync(path.join(ctx.postsDir, `${slug}.md`));
  let anyNew = false;
  const plannedIds = new Set<string>();
  let plans: SQL[] = [];
  const flushPlans = async () => {
    if (plans.length === 0) return;
    const rows = plans;
    plans = [];
    await tx.execute(
      sql`update import_run_items as i set plan = v.plan from (values ${sql.join(rows, sql`, `)}) as v(seq, plan)
          where i.run_id = ${run.id} and i.seq = v.seq`,
    );
  };
  for await (const { seq, post } of readStagedPosts(tx, run.id)) {
    let plan: Plan;
    const before = await importedPostSlug(tx, run.format, post.sourceId);
    if (plannedIds.has(post.sourceId)) plan = { outcome: "repeat" };
    else if (before) plan = { outcome: "already", slug: before };
    else if (run.format === "disqus") plan = await matchThread(tx, ctx, post, slugsThisRun);
    else if (post.kind === "page" && !options.keepPages)
      plan = { outcome: "skip", why: "a page (--keep-pages imports pages as posts)" };
    else {
      const slug = converters.slugFor(post, taken);
      slugsThisRun.add(slug);
      plan = { outcome: "new", slug, wanted: converters.slugFor(post, () => false) };
      anyNew = true;
    }
    plannedIds.add(post.sourceId);
    plans.push(sql`(${seq}::int, ${JSON.stringify(plan)})`);
    if (plans.length >= STAGE_BATCH) await flushPlans();
  }
  await flushPlans();
  // Comments of posts not in this file: a newer export's new comments on posts imported before.
  const orphans = await queryRows<{ post_source_id: string; first: string }>(
    tx,
    sql`select c.post_source_id, min(c.source_id) as first from import_run_items c
        where c.run_id = ${run.id} and c.kind = 'comment' and not exists (
          select 1 from import_run_items p where p.run_id = c.run_id and p.kind = 'post' and p.source_id = c.post_source_id)
        group by c.post_source_id order by min(c.seq)`,
  );
  let seq = lastSeq;
  for (const { post_source_id: postSourceId, first } of orphans) {
    const slug = await importedPostSlug(tx, run.format, postSourceId);
    if (!slug) {
      throw new ImportFileError(
        `Comment ${first} belongs to post ${postSourceId}, which is neither in this file nor imported before.`,
      );
    }
    const plan: Plan = { outcome: "already", slug };
    await tx.insert(importRunItems).values({
      runId: run.id,
      seq: ++seq,
      kind: "thread",
      sourceId: postSourceId,
      data: "{}",
      plan: JSON.stringify(plan),
    });
  }
  if (anyNew) {
    for (const [old, target] of siteListingRedirects(run.format, run.siteUrl)) {
      if (await recordRedirect(tx, old, target)) report.redirects++;
    }
  }
}

function baseConvertersOf(ctx: RunContext, format: ExportFormat): ImportConverters {
  const { converters } = ctx.options;
  return typeof converters === "function" ? converters(format) : (converters ?? plainConverters);
}

interface UnitRow {
  seq: number;
  kind: "post" | "thread";
  source_id: string;
  data: string;
  plan: string;
  state: "staged" | "committed" | "done";
}

/**
 * Writes the run's units not done yet, in file order: each post's database
 * part (its source id, redirects and thread) in one transaction, then its
 * file. `dry`: `db` is the run's one transaction (rolled back by the
 * caller) and no file is written. `committedOnly`: only the files of posts
 * whose database part is committed already.
 */
async function writeUnits(
  db: Executor,
  ctx: RunContext,
  run: RunRecord,
  dry: boolean,
  committedOnly = false,
): Promise<void> {
  const { report, options } = ctx;
  const base = baseConvertersOf(ctx, run.format);
  const links = await linksOf(db, run);
  const converters = withLinks(base, links);
  const progress = { posts: report.resumed?.posts ?? 0, comments: report.resumed?.comments ?? 0 };
  options.onTotals?.({ ...run.totals });
  if (report.resumed) options.onProgress?.({ ...progress });
  const tags = new Set<string>();
  let committed = 0;
  try {
    for (let after = 0; ; ) {
      const units = await queryRows<UnitRow>(
        db,
        sql`select seq, kind, source_id, data, plan, state from import_run_items
            where run_id = ${run.id} and kind in ('post', 'thread') and seq > ${after}
            and ${committedOnly ? sql`state = 'committed'` : sql`state <> 'done'`}
            order by seq limit 100`,
      );
      if (units.length === 0) break;
      after = Number(units.at(-1)!.seq);
      for (const unit of units) {
        const plan = JSON.parse(unit.plan) as Plan;
        const post = unit.kind === "post" ? (JSON.parse(unit.data) as ImportedPost) : null;
        let comments = 0;
        if (unit.state === "staged") {
          const write = async (tx: Executor) => {
            comments = await writeUnit(tx, ctx, run, unit, plan, post, converters, tags);
            // The file is made (converted, images copied) before the commit, so a failure there undoes the post.
            if (plan.outcome === "new" && post) await stagePostFile(tx, ctx, run, post, plan.slug, converters);
            await tx
              .update(importRunItems)
              .set({ state: "committed" })
              .where(and(eq(importRunItems.runId, run.id), eq(importRunItems.seq, unit.seq)));
          };
          if (dry) await write(db);
          else await db.transaction(write);
          committed++;
          await options.onPostCommitted?.(committed);
        }
        if (plan.outcome === "new" && post) {
          // A post an interrupted run committed without its file gets it now.
          if (unit.state === "committed") await stagePostFile(db, ctx, run, post, plan.slug, converters);
          await movePostFile(ctx, plan.slug);
        }
        if (!dry) {
          await db
            .update(importRunItems)
            .set({ state: "done" })
            .where(and(eq(importRunItems.runId, run.id), eq(importRunItems.seq, unit.seq)));
        }
        if (unit.state === "staged") {
          if (post) progress.posts++;
          progress.comments += comments;
        }
        options.onProgress?.({ ...progress });
      }
    }
  } catch (error) {
    if (dry || error instanceof DryRunRollback) throw error;
    throw new ImportStoppedError(progress.posts, run.totals.posts, error);
  }
  report.tags = [...tags].sort();
  report.linksRewritten = links.rewritten;
}

/**
 * Links between the imported posts: every old address of a post the run
 * brings in (planned, whether written yet or not) or an earlier import
 * recorded, with the old site's hosts, for `linkRewriter`.
 */
async function linksOf(db: Executor, run: RunRecord): Promise<LinkRewriter> {
  const book = await postRedirects(db);
  const oldAddresses = new Set<string>(run.siteUrl ? [run.siteUrl] : []);
  const add = (address: string, target: string) => {
    const old = oldPathOf(address);
    if (old && !book.has(old)) book.set(old, target);
  };
  for await (const { post, plan } of readStagedPosts(db, run.id)) {
    for (const url of post.oldUrls) oldAddresses.add(originOf(url));
    if (plan?.outcome !== "new") continue;
    for (const url of post.oldUrls) add(url, postPath(plan.slug));
    for (const [old, target] of postListingRedirects(run.format, run.siteUrl, post, plan.slug)) {
      if (target.startsWith("/posts/")) add(old, target);
    }
  }
  return linkRewriter(book, oldAddresses);
}

/** One unit's database part (in `tx`): the post's records and its thread. Returns how many comments the unit held. */
async function writeUnit(
  tx: Executor,
  ctx: RunContext,
  run: RunRecord,
  unit: UnitRow,
  plan: Plan,
  post: ImportedPost | null,
  converters: ImportConverters,
  tags: Set<string>,
): Promise<number> {
  const { report } = ctx;
  const fmt = run.format;
  if (plan.outcome === "new" && post) {
    await tx.insert(importSources).values({ format: fmt, kind: "post", sourceId: post.sourceId, postSlug: plan.slug });
    for (const url of post.oldUrls) if (await recordRedirect(tx, url, postPath(plan.slug))) report.redirects++;
    // The old site's feed of its comments, its tags' pages and its month's archive lead to Staffroom's.
    for (const [old, target] of postListingRedirects(fmt, run.siteUrl, post, plan.slug)) {
      if (await recordRedirect(tx, old, target)) report.redirects++;
    }
    for (const tag of post.tags) tags.add(tag);
    if (plan.wanted !== plan.slug) {
      report.slugCollisions.push({ sourceId: post.sourceId, wanted: plan.wanted, slug: plan.slug });
    }
    report.posts.created.push({
      sourceId: post.sourceId,
      slug: plan.slug,
      title: post.title,
      draft: post.status === "draft",
    });
  } else if (plan.outcome === "matched" && post) {
    await tx
      .insert(importSources)
      .values({ format: "disqus", kind: "post", sourceId: post.sourceId, postSlug: plan.slug });
    report.posts.matched.push({ sourceId: post.sourceId, url: plan.url, slug: plan.slug });
  } else if (post && plan.outcome !== "new" && plan.outcome !== "matched") {
    report.posts.skipped.push({
      sourceId: post.sourceId,
      title: post.title,
      why: plan.outcome === "skip" ? plan.why : ALREADY_IMPORTED,
    });
  }
  if (plan.outcome === "repeat") return 0;
  const rows = await queryRows<{ data: string }>(
    tx,
    sql`select data from import_run_items where run_id = ${run.id} and kind = 'comment'
        and post_source_id = ${unit.source_id} order by seq`,
  );
  const list = rows.map((r) => JSON.parse(r.data) as ImportedComment);
  if (list.length === 0) return 0;
  if (plan.outcome === "skip") {
    // An already imported post still takes the newer export's new comments; a skipped one's go with it.
    for (const c of list) {
      listIn(report, report.comments.skipped, "skippedComments", {
        sourceId: c.sourceId,
        why: "its post was not imported",
      });
    }
    return list.length;
  }
  if (plan.outcome === "new" || plan.outcome === "matched" || plan.outcome === "already") {
    const ownerIdentity = post ? await postOwnerIdentity(tx, ctx, post) : ctx.ownerIdentity;
    await writeThread(tx, { fmt, slug: plan.slug, list, converters, ctx, ownerIdentity });
  }
  return list.length;
}

/**
 * Makes a new post's file (body converted, images relinked and copied) in
 * the staging folder, not yet in place; when dry, only what the report says.
 */
async function stagePostFile(
  db: Executor,
  ctx: RunContext,
  run: RunRecord,
  post: ImportedPost,
  slug: string,
  converters: ImportConverters,
): Promise<void> {
  ctx.imageCopies = [];
  await writePostFile(db, ctx, run, post, slug, converters);
}

/**
 * Moves a staged post's file into `content/posts/` and its images into
 * `public/images/posts/`, once its database part has committed. Not when dry.
 */
async function movePostFile(ctx: RunContext, slug: string): Promise<void> {
  if (!ctx.staging) return;
  await moveStagedImages(ctx.imageCopies, ctx.staging, ctx.contentRoot);
  await mkdir(ctx.postsDir, { recursive: true });
  await rename(path.join(ctx.staging, `${slug}.md`), path.join(ctx.postsDir, `${slug}.md`));
}

/** An address's origin (`https://host`), or "" when it is not absolute: the old site's hosts, one entry each. */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "";
  }
}

/** A run's staged posts in file order, with their plans once made, read a batch at a time. */
async function* readStagedPosts(
  db: Executor,
  runId: number,
): AsyncGenerator<{ seq: number; post: ImportedPost; plan: Plan | null }> {
  for (let after = 0; ; ) {
    const batch = await queryRows<{ seq: number; data: string; plan: string | null }>(
      db,
      sql`select seq, data, plan from import_run_items where run_id = ${runId} and kind = 'post' and seq > ${after}
          order by seq limit 200`,
    );
    if (batch.length === 0) return;
    after = Number(batch.at(-1)!.seq);
    for (const row of batch) {
      yield {
        seq: Number(row.seq),
        post: JSON.parse(row.data) as ImportedPost,
        plan: row.plan ? (JSON.parse(row.plan) as Plan) : null,
      };
    }
  }
}

/** The converters with every link of a body passed through `links` (links between imported posts). */
function withLinks(converters: ImportConverters, links: LinkRewriter): ImportConverters {
  const options = { href: (href: string) => links.rewrite(href) };
  // The thread writer may convert one comment twice in a row (its parts, then its body): converted once, counted once.
  let last: { html: string; markdown: string } | null = null;
  return {
    ...converters,
    postBody: (html) => converters.postBody(html, options),
    commentBody(html) {
      if (last?.html !== html) last = { html, markdown: converters.commentBody(html, options) };
      return last.markdown;
    },
  };
}

/** The attachment staged under `sourceId` (a WXR featured image) in run `runId`, or null. */
async function stagedAttachment(db: Executor, runId: number, sourceId: string): Promise<ImportedAttachment | null> {
  const [row] = await queryRows<{ data: string }>(
    db,
    sql`select data from import_run_items where run_id = ${runId} and kind = 'attachment' and source_id = ${sourceId}
        order by seq limit 1`,
  );
  return row ? (JSON.parse(row.data) as ImportedAttachment) : null;
}

/**
 * A Disqus thread is a discussion of a post that lives elsewhere: it is
 * matched to a Staffroom post (see `ApplyImportOptions.threadMap`), never
 * made a post of its own. Returns its plan: matched to a post (recorded
 * when its unit is written), or skipped and why.
 */
async function matchThread(
  tx: Executor,
  ctx: RunContext,
  thread: ImportedPost,
  slugsThisRun: ReadonlySet<string>,
): Promise<Plan> {
  const { options } = ctx;
  const exists = (slug: string) => slugsThisRun.has(slug) || existsSync(path.join(ctx.postsDir, `${slug}.md`));
  for (const url of thread.oldUrls) {
    const candidates: (string | null)[] = [options.threadMap?.get(url) ?? null];
    const recorded = await redirectTarget(tx, oldPathOf(url) ?? "");
    candidates.push(recorded?.startsWith("/posts/") ? decodeURIComponent(recorded.slice("/posts/".length)) : null);
    const rewritten =
      options.rewrite && url.startsWith(options.rewrite.from)
        ? options.rewrite.to + url.slice(options.rewrite.from.length)
        : url;
    const last = (oldPathOf(rewritten) ?? "").split("?")[0].split("/").filter(Boolean).at(-1) ?? "";
    candidates.push(last.replace(/\.html?$/i, "") || null);
    const slug = candidates.find((c): c is string => c !== null && exists(c));
    if (slug) return { outcome: "matched", slug, url };
  }
  const why = `no Staffroom post matches its address ${thread.oldUrls[0] ?? "(none)"}: give one with --map URL=SLUG or --rewrite`;
  return { outcome: "skip", why };
}

async function importedPostSlug(tx: Executor, fmt: ExportFormat, sourceId: string): Promise<string | null> {
  const [row] = await tx
    .select({ slug: importSources.postSlug })
    .from(importSources)
    .where(and(eq(importSources.format, fmt), eq(importSources.kind, "post"), eq(importSources.sourceId, sourceId)));
  return row?.slug ?? null;
}

/** Writes a new post's file to the staging folder (not when dry): body converted, images relinked, cover placed. */
async function writePostFile(
  db: Executor,
  ctx: RunContext,
  run: RunRecord,
  post: ImportedPost,
  slug: string,
  converters: ImportConverters,
): Promise<void> {
  const { report, options } = ctx;
  const { markdown: converted, notes } = converters.postBody(post.html);
  let markdown = await relinkImages(ctx, converted, slug);
  for (const note of notes) listIn(report, report.notes, "notes", `${slug}: ${note}`);
  const cover =
    post.cover ?? (post.coverSourceId ? (await stagedAttachment(db, run.id, post.coverSourceId))?.image : null);
  let coverFields: Record<string, string> | undefined;
  if (cover) {
    const placed = await placeCover(ctx, cover, slug);
    if (placed.field) coverFields = placed.field;
    else markdown = bodyWithCoverImage(markdown, cover, coverCredit(cover));
  }
  const published = (post.published ?? post.updated ?? new Date().toISOString()).slice(0, 10);
  const file = postFile(
    {
      title: post.title,
      published,
      status: post.status,
      author: ownAuthor(ctx, post, slug),
      tags: post.tags,
      summary: post.summary ?? "",
      cover: coverFields,
      license: options.license ?? post.license ?? "site-default",
      commentsOpen: post.commentsOpen,
    },
    markdown,
  );
  if (ctx.staging) await writeFile(path.join(ctx.staging, `${slug}.md`), file);
}

/**
 * The author entry a post is written under: the one it names
 * (`ImportedPost.authorSlug`, Staffroom's own JSON) when this site has it,
 * else the import's `--author`. Pure, so the thread (written first) and the
 * post's file agree.
 */
function authorEntryOf(ctx: RunContext, post: ImportedPost): string {
  const named = post.authorSlug;
  return named && ctx.authorSlugs.has(named) ? named : ctx.options.authorSlug;
}

/** `authorEntryOf`, with a note in the report when the post named an entry this site lacks. */
function ownAuthor(ctx: RunContext, post: ImportedPost, slug: string): string {
  const entry = authorEntryOf(ctx, post);
  if (post.authorSlug && post.authorSlug !== entry) {
    listIn(
      ctx.report,
      ctx.report.notes,
      "notes",
      `${slug}: its author entry "${post.authorSlug}" is not on this site; written under ${entry}`,
    );
  }
  return entry;
}

/**
 * Who a post's own author's comments are written as: for a post written under
 * another author entry than `--author`'s (`authorEntryOf`), that entry's coach
 * account (its *Account email*), or a guest under their name when it has
 * none; otherwise the `--author` entry's identity (`ctx.ownerIdentity`).
 */
async function postOwnerIdentity(tx: Executor, ctx: RunContext, post: ImportedPost): Promise<CommentIdentity> {
  const named = authorEntryOf(ctx, post);
  if (named === ctx.options.authorSlug) return ctx.ownerIdentity;
  const entry = (await listAuthors()).find((a) => a.slug === named) ?? null;
  const coach = entry?.accountEmail ? await findAccountByEmail(tx, entry.accountEmail) : null;
  return commentIdentityFor(coach, entry);
}

/**
 * A cover copied home (`--images`, the file found in the folder) becomes the
 * post's cover field; any other stays at its old address and is drawn as the
 * body's first image (the editor's cover field holds only the site's own
 * files), which the report says.
 */
async function placeCover(
  ctx: RunContext,
  cover: ImportedCover,
  slug: string,
): Promise<{ field: Record<string, string> | null }> {
  const { report } = ctx;
  const found = ctx.imageFolder ? await coverImageCopy(ctx.imageFolder, cover.url, slug) : null;
  if (found && "copy" in found && report.images) {
    if (ctx.staging) await stageImageCopies([found.copy], ctx.staging);
    ctx.imageCopies.push(found.copy);
    report.images.copied.push({ postSlug: slug, url: found.copy.url, src: found.copy.src });
    report.covers.field++;
    return { field: coverField(found.copy.src, cover.alt, coverCredit(cover)) };
  }
  if (found && "kept" in found) report.images?.kept.push({ postSlug: slug, ...found.kept });
  if (cover.sitePath) {
    // A Staffroom cover stays the cover, at the path its field held (the file comes with the site's images).
    report.covers.field++;
    return { field: coverField(cover.sitePath, cover.alt, coverCredit(cover)) };
  }
  report.covers.inBody++;
  listIn(
    report,
    report.notes,
    "notes",
    `${slug}: the cover ${cover.url} stays at its old address, shown as the body's first image (${
      found && "kept" in found ? found.kept.why : "copy it home with --images DIR to make it the cover"
    })`,
  );
  return { field: null };
}

/** With `--images`: the body's images found in the folder relinked, and copied into the staging folder (not when dry). */
async function relinkImages(ctx: RunContext, markdown: string, slug: string): Promise<string> {
  if (!ctx.imageFolder || !ctx.report.images) return markdown;
  const relinked = await relinkPostImages(ctx.imageFolder, markdown, slug);
  if (ctx.staging) await stageImageCopies(relinked.copies, ctx.staging);
  ctx.imageCopies.push(...relinked.copies);
  for (const c of relinked.copies) ctx.report.images.copied.push({ postSlug: slug, url: c.url, src: c.src });
  for (const k of relinked.kept) ctx.report.images.kept.push({ postSlug: slug, ...k });
  return relinked.markdown;
}

/**
 * A post file as Keystatic's editor writes it: the fields in the schema's
 * order (keystatic.config.ts), empty text fields left out, dumped with
 * js-yaml, framed as `---\n<yaml>---\n<body>`.
 */
export function postFile(
  fields: {
    title: string;
    published: string;
    /** Written after `published`, where the editor puts it; "published" for a post readers may see from its date. */
    status: "draft" | "published";
    author: string;
    tags: string[];
    summary: string;
    /** The `cover` field's keys and values in the editor's order (./covers.ts coverField), or none. */
    cover?: Record<string, string>;
    license: string;
    commentsOpen: boolean;
  },
  body: string,
): string {
  const data: Record<string, unknown> = {
    title: fields.title,
    published: fields.published,
    status: fields.status,
    author: fields.author,
    tags: fields.tags,
  };
  if (fields.summary) data.summary = fields.summary;
  if (fields.cover) data.cover = fields.cover;
  data.license = fields.license;
  data.commentsOpen = fields.commentsOpen;
  const text = body.endsWith("\n") || body === "" ? body : `${body}\n`;
  // The editor writes the date field as a bare YAML date (2013-06-14), which js-yaml would quote as a string.
  const yaml = dumpYaml(data).replace(/^published: '(\d{4}-\d{2}-\d{2})'$/m, "published: $1");
  return `---\n${yaml}---\n${text}`;
}

interface ThreadContext {
  fmt: ExportFormat;
  slug: string;
  list: ImportedComment[];
  converters: ImportConverters;
  ctx: RunContext;
  /** Who the post's own author's comments are written as (`postOwnerIdentity`). */
  ownerIdentity: CommentIdentity;
}

/**
 * Writes one post's comments through `storeImportedThread`: parents before
 * replies (a reply whose parent comes later in the file still hangs under
 * it), siblings in file order, so numbers follow the original order; a
 * hand-split reply joined into one split submission; what an earlier run
 * brought in skipped, and new replies hung under it.
 */
async function writeThread(tx: Executor, t: ThreadContext): Promise<void> {
  const { fmt, list } = t;
  const { report, options } = t.ctx;
  const bySource = new Map(list.map((c) => [c.sourceId, c]));
  // A split submission recorded by the export (Staffroom JSON) is not a guess: --no-join leaves it whole.
  const groups = options.join === false && fmt !== "staffroom-json" ? [] : t.converters.handSplitGroups(list);
  const groupOf = new Map<string, string[]>();
  for (const group of groups) if (group.length > 1) for (const id of group) groupOf.set(id, group);

  // What earlier runs brought in on this post, read once: a re-run skips it, and new replies find their parents in it.
  const known = new Map(
    (
      await tx
        .select({ sourceId: importSources.sourceId, commentId: importSources.commentId })
        .from(importSources)
        .where(
          and(eq(importSources.format, fmt), eq(importSources.kind, "comment"), eq(importSources.postSlug, t.slug)),
        )
    ).map((row) => [row.sourceId, row.commentId]),
  );

  const entries: ImportedThreadComment[] = [];
  const membersOf = new Map<string, ImportedComment[]>();
  for (const comment of list) {
    const group = groupOf.get(comment.sourceId);
    if (group && group[0] !== comment.sourceId) continue; // written with its group's first comment
    const members = (group ?? [comment.sourceId]).map((id) => bySource.get(id)!);
    if (known.has(comment.sourceId)) {
      report.comments.alreadyImported += members.length;
      continue;
    }
    const parentSourceId = comment.parentSourceId;
    let parent: ImportedThreadComment["parent"] = null;
    if (parentSourceId) {
      const stored = known.get(parentSourceId);
      if (stored !== undefined && stored !== null) parent = { id: stored };
      else if (bySource.has(parentSourceId)) parent = { key: groupOf.get(parentSourceId)?.[0] ?? parentSourceId };
      else {
        listIn(
          report,
          report.notes,
          "notes",
          `Comment ${comment.sourceId} replied to ${parentSourceId}, which is not in the export: shown at the top level.`,
        );
      }
    }
    const parts = group
      ? members.map((m) => t.converters.commentBody(m.html).trim() || "(This comment had no text.)")
      : undefined;
    entries.push({
      key: comment.sourceId,
      parent,
      submission: prepared(t, comment, parts),
      status: STATUS_OF[comment.status],
      at: new Date(comment.published),
      // The licence it was written under, when the export says and Staffroom knows it (else none recorded, as before).
      license: comment.licenseUrl ? (findLicenseByUrl(comment.licenseUrl)?.id ?? null) : null,
    });
    membersOf.set(comment.sourceId, members);
  }
  const stored = await storeImportedThread(tx, t.slug, entries);

  const sourceRows: (typeof importSources.$inferInsert)[] = [];
  const oldAddresses: { address: string; target: string }[] = [];
  for (const entry of entries) {
    const { partIds, submissionId } = stored.get(entry.key)!;
    const members = membersOf.get(entry.key)!;
    for (const [i, m] of members.entries()) {
      const partId = partIds[Math.min(i, partIds.length - 1)];
      sourceRows.push({
        format: fmt,
        kind: "comment",
        sourceId: m.sourceId,
        postSlug: t.slug,
        submissionId,
        commentId: partId,
      });
      for (const url of m.oldUrls) oldAddresses.push({ address: url, target: commentPath(partId) });
    }
    if (members.length > 1) {
      listIn(report, report.joins, "joins", { postSlug: t.slug, sourceIds: members.map((m) => m.sourceId) });
    }
    report.comments[entry.status]++;
  }
  for (let at = 0; at < sourceRows.length; at += STAGE_BATCH) {
    await tx.insert(importSources).values(sourceRows.slice(at, at + STAGE_BATCH));
  }
  report.redirects += await recordRedirects(tx, oldAddresses);
}

/**
 * One comment (or one joined hand-split group, `parts`) prepared by the
 * form's own rules (`prepareSubmission`). Throws `ImportFileError` when even
 * without its email and website the form would refuse it.
 */
function prepared(t: ThreadContext, comment: ImportedComment, parts: string[] | undefined) {
  const { ctx } = t;
  // "Anonymous" is the name old sites show for a writer who gave none (Disqus exports it as the name): no name.
  const given = (comment.authorName ?? "").trim();
  const name = /^anonymous$/i.test(given) && !comment.authorUrl ? "" : given;
  const owner = comment.byBlogOwner && t.ownerIdentity.kind === "post-author";
  const body = parts
    ? parts.join("\n\n")
    : t.converters.commentBody(comment.html).trim() || "(This comment had no text.)";
  const base: CommentFormValue = {
    anonymous: !owner && !name ? true : undefined,
    name: owner || !name ? undefined : [...name].slice(0, 80).join(""),
    email: comment.authorEmail ?? undefined,
    website: comment.authorUrl ?? undefined,
    body,
  };
  const identity = owner ? t.ownerIdentity : ({ kind: "guest-form" } as const);
  let result = prepareSubmission(ctx.rules, base, identity, parts);
  if (!result.ok && (result.fieldErrors.email || result.fieldErrors.website || result.fieldErrors.name)) {
    // An address the form would refuse (an old export's "http://", a bad email) is dropped, not the comment.
    result = prepareSubmission(ctx.rules, { ...base, email: undefined, website: undefined }, identity, parts);
  }
  if (!result.ok) {
    throw new ImportFileError(
      `Comment ${comment.sourceId} could not be stored: ${Object.values(result.fieldErrors).flat().join(" ")}`,
    );
  }
  return result.submission;
}
