import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { and, eq, type SQL, sql } from "drizzle-orm";
import { dump as dumpYaml } from "js-yaml";
import type { Database, Executor } from "../../db/client";
import { queryRows } from "../../db/client";
import { importSources } from "../../db/schema";
import { findAccountByEmail } from "../auth/accounts.server";
import { type CommentIdentity, commentIdentityFor, submitComment } from "../comments/submission.server";
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
import { postListingRedirects, siteListingRedirects } from "./old-listings";
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
import { oldPathOf, postRedirects, recordRedirect, redirectTarget } from "./redirects.server";

/**
 * Writing an imported blog into Staffroom (docs/architecture.md §2–§4): posts
 * become Keystatic files as the editor writes them, comments go through the
 * comment service the form uses, old addresses are kept as redirects, and
 * every source id is recorded so a second run adds only what is new.
 *
 * One run is one transaction: the parser's items are staged in a temporary
 * table (so memory does not grow with the file, and a comment may come before
 * its post or parent), then posts and, post by post, their comments are
 * written. Post files go to a temporary folder and are renamed into
 * `content/posts/` only after the transaction commits; a failure leaves no
 * rows and no files.
 */

/** Something that reads an export and calls the handlers in file order (a parser bound to its file). */
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
  /** Called after each post and each comment is written (counts so far). */
  onProgress?: (done: { posts: number; comments: number }) => void;
  /** Called with the staged totals once the file is read. */
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
}

/** Items each of the report's per-comment lists keeps; the rest are counted in `ImportReport.unlisted`. */
export const REPORT_LIST_LIMIT = 500;

/** Lists `item` in `list` while it has room, else counts it under `key` of `report.unlisted`. */
function listIn<T>(report: ImportReport, list: T[], key: keyof ImportReport["unlisted"], item: T): void {
  if (list.length < REPORT_LIST_LIMIT) list.push(item);
  else report.unlisted[key]++;
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
 * Imports one export. `contentRoot` is the folder holding `content/` (the
 * site's CONTENT_ROOT: site settings and authors are read from there).
 *
 * @returns the report. Throws `ImportFileError` for a file the parser refuses
 *   or a comment whose post is neither in the file nor imported before, and
 *   an Error when the author entry is missing; nothing is written then.
 */
export async function applyImport(
  db: Database,
  contentRoot: string,
  source: ImportSource,
  options: ApplyImportOptions,
): Promise<ImportReport> {
  const report: ImportReport = {
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
  };
  const imageFolder = options.images ? await openImageFolder(options.images.dir, contentRoot) : null;
  const imageCopies: ImageCopy[] = [];
  const postsDir = path.join(contentRoot, "content/posts");
  const staging = report.dryRun ? null : await mkdtemp(path.join(contentRoot, ".staffroom-import-"));
  const written: string[] = [];
  try {
    await db.transaction(async (tx) => {
      await run(tx, { contentRoot, postsDir, staging, written, source, options, report, imageFolder, imageCopies });
      if (report.dryRun) throw new DryRunRollback();
    });
  } catch (error) {
    if (staging) await rm(staging, { recursive: true, force: true });
    if (!(error instanceof DryRunRollback)) throw error;
    return report;
  }
  if (staging) {
    await moveStagedImages(imageCopies, staging, contentRoot);
    await mkdir(postsDir, { recursive: true });
    for (const slug of written) await rename(path.join(staging, `${slug}.md`), path.join(postsDir, `${slug}.md`));
    await rm(staging, { recursive: true, force: true });
  }
  return report;
}

interface RunContext {
  contentRoot: string;
  postsDir: string;
  staging: string | null;
  written: string[];
  source: ImportSource;
  options: ApplyImportOptions;
  report: ImportReport;
  imageFolder: ImageFolder | null;
  /** Images copied into the staging folder, moved into place with the posts. */
  imageCopies: ImageCopy[];
  /** The site's author entries (slugs), for a post that names its own (`ImportedPost.authorSlug`). */
  authorSlugs?: ReadonlySet<string>;
  /** Posts written this run under an author entry other than `--author`'s: slug → author entry. */
  postAuthors?: Map<string, string>;
}

interface StagedRow {
  seq: number;
  data: string;
}

async function run(tx: Executor, ctx: RunContext): Promise<void> {
  const { report } = ctx;
  let { options } = ctx;
  const authors = await listAuthors();
  ctx.authorSlugs = new Set(authors.map((a) => a.slug));
  const author = authors.find((a) => a.slug === options.authorSlug);
  if (!author) throw new Error(`There is no author entry content/authors/${options.authorSlug}.yaml.`);
  const site = await getSiteSettings();
  const rules: CommentRules = { limit: site.commentMaxChars, maxParts: IMPORT_MAX_PARTS, allowAnonymous: true };
  const coach = author.accountEmail ? await findAccountByEmail(tx, author.accountEmail) : null;
  const ownerIdentity = commentIdentityFor(coach, author);

  // Staging: every item of the file, in file order, in a table dropped at the end of the transaction.
  await tx.execute(
    sql.raw(
      "create temporary table import_staging (seq bigserial primary key, kind text not null, source_id text not null, post_source_id text, data text not null) on commit drop",
    ),
  );
  await tx.execute(sql.raw("create index on import_staging (kind, post_source_id, seq)"));
  let format: ExportFormat | null = null;
  let licenseNotice: string | null = null;
  let blogSiteUrl: string | null = null;
  // Staged a batch at a time: one insert per item was a round trip per comment, a tenth of an import's time.
  let pending: SQL[] = [];
  const flushStaged = async () => {
    if (pending.length === 0) return;
    const rows = pending;
    pending = [];
    await tx.execute(
      sql`insert into import_staging (kind, source_id, post_source_id, data) values ${sql.join(rows, sql`, `)}`,
    );
  };
  const stage = async (kind: string, sourceId: string, postSourceId: string | null, data: unknown) => {
    pending.push(sql`(${kind}, ${sourceId}, ${postSourceId}, ${JSON.stringify(data)})`);
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
  if (ownerComments > 0 && ownerIdentity.kind !== "post-author") {
    report.notes.push(
      `The blog owner's ${ownerComments} comment(s) are shown under their name without the Author badge: no coach account has the email of author ${author.slug}.`,
    );
  }
  options.onTotals?.({ posts: stagedPosts, comments: stagedComments });
  const fmt: ExportFormat = format;
  const baseConverters =
    typeof options.converters === "function" ? options.converters(fmt) : (options.converters ?? plainConverters);
  // A licence notice on the old site names the posts' licence, unless --license says otherwise.
  const noticeLicense = licenseNotice ? licenseFromNotice(licenseNotice) : null;
  if (!options.license && noticeLicense) {
    options = { ...options, license: noticeLicense };
    ctx.options = options;
    report.notes.push(`Posts are under ${noticeLicense}, as the old site's licence notice says.`);
  }
  const progress = { posts: 0, comments: 0 };
  const tags = new Set<string>();
  const slugsThisRun = new Set<string>();
  const skippedPosts = new Set<string>();

  // Posts, in file order, a batch at a time: first every post's slug, source id and old addresses…
  const slugOf = new Map<string, string>();
  const oldAddresses = new Set<string>(blogSiteUrl ? [blogSiteUrl] : []);
  for await (const post of readStagedPosts(tx)) {
    for (const url of post.oldUrls) oldAddresses.add(originOf(url));
    const placed = await placePost(tx, ctx, fmt, post, baseConverters, slugsThisRun, tags);
    if ("why" in placed) {
      const { why } = placed;
      // An already imported post still takes the newer export's new comments.
      if (why !== ALREADY_IMPORTED) skippedPosts.add(post.sourceId);
      report.posts.skipped.push({ sourceId: post.sourceId, title: post.title, why });
    } else if ("slug" in placed) {
      slugOf.set(post.sourceId, placed.slug);
      // The old site's feed of its comments, its tags' pages and its month's archive lead to Staffroom's.
      for (const [old, target] of postListingRedirects(fmt, blogSiteUrl, post, placed.slug)) {
        if (await recordRedirect(tx, old, target)) report.redirects++;
      }
    }
  }
  if (slugOf.size > 0) {
    for (const [old, target] of siteListingRedirects(fmt, blogSiteUrl)) {
      if (await recordRedirect(tx, old, target)) report.redirects++;
    }
  }
  report.tags = [...tags].sort();
  // …then, every post's old address known (later ones too), the bodies, with links between posts rewritten.
  const links = linkRewriter(await postRedirects(tx), oldAddresses);
  const converters = withLinks(baseConverters, links);
  for await (const post of readStagedPosts(tx)) {
    const slug = slugOf.get(post.sourceId);
    if (slug) await writePostFile(tx, ctx, post, slug, converters);
    progress.posts++;
    options.onProgress?.({ ...progress });
  }

  // Comments, post by post (in the order the posts' first comments appear).
  const postIds = await queryRows<{ post_source_id: string }>(
    tx,
    sql`select post_source_id from import_staging where kind = 'comment' group by post_source_id order by min(seq)`,
  );
  for (const { post_source_id: postSourceId } of postIds) {
    const rows = await queryRows<StagedRow>(
      tx,
      sql`select seq, data from import_staging where kind = 'comment' and post_source_id = ${postSourceId} order by seq`,
    );
    const list = rows.map((r) => JSON.parse(r.data) as ImportedComment);
    if (skippedPosts.has(postSourceId)) {
      for (const c of list) {
        listIn(report, report.comments.skipped, "skippedComments", {
          sourceId: c.sourceId,
          why: "its post was not imported",
        });
      }
      continue;
    }
    const slug = await importedPostSlug(tx, fmt, postSourceId);
    if (!slug) {
      throw new ImportFileError(
        `Comment ${list[0].sourceId} belongs to post ${postSourceId}, which is neither in this file nor imported before.`,
      );
    }
    const owner = await postOwnerIdentity(tx, ctx, slug, ownerIdentity);
    await writeThread(tx, { fmt, slug, list, converters, rules, ownerIdentity: owner, options, report, progress });
  }
  report.linksRewritten = links.rewritten;
}

/** An address's origin (`https://host`), or "" when it is not absolute: the old site's hosts, one entry each. */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "";
  }
}

/** The staged posts in file order, read a batch at a time. */
async function* readStagedPosts(tx: Executor): AsyncGenerator<ImportedPost> {
  for (let after = 0; ; ) {
    const batch = await queryRows<StagedRow>(
      tx,
      sql`select seq, data from import_staging where kind = 'post' and seq > ${after} order by seq limit 200`,
    );
    if (batch.length === 0) return;
    after = Number(batch.at(-1)!.seq);
    for (const row of batch) yield JSON.parse(row.data) as ImportedPost;
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

/** The attachment staged under `sourceId` (a WXR featured image), or null. */
async function stagedAttachment(tx: Executor, sourceId: string): Promise<ImportedAttachment | null> {
  const [row] = await queryRows<{ data: string }>(
    tx,
    sql`select data from import_staging where kind = 'attachment' and source_id = ${sourceId} order by seq limit 1`,
  );
  return row ? (JSON.parse(row.data) as ImportedAttachment) : null;
}

/**
 * A Disqus thread is a discussion of a post that lives elsewhere: it is
 * matched to a Staffroom post (see `ApplyImportOptions.threadMap`), never
 * made a post of its own. Returns why it was skipped, or null once matched.
 */
async function matchThread(
  tx: Executor,
  ctx: RunContext,
  thread: ImportedPost,
  slugsThisRun: ReadonlySet<string>,
): Promise<string | null> {
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
    if (slug) {
      await tx
        .insert(importSources)
        .values({ format: "disqus", kind: "post", sourceId: thread.sourceId, postSlug: slug });
      ctx.report.posts.matched.push({ sourceId: thread.sourceId, url, slug });
      return null;
    }
  }
  return `no Staffroom post matches its address ${thread.oldUrls[0] ?? "(none)"}: give one with --map URL=SLUG or --rewrite`;
}

async function importedPostSlug(tx: Executor, fmt: ExportFormat, sourceId: string): Promise<string | null> {
  const [row] = await tx
    .select({ slug: importSources.postSlug })
    .from(importSources)
    .where(and(eq(importSources.format, fmt), eq(importSources.kind, "post"), eq(importSources.sourceId, sourceId)));
  return row?.slug ?? null;
}

/**
 * Places one post: its slug, source id and redirects (its file is written
 * by `writePostFile` once every post is placed). Returns the slug, why it
 * was skipped, or, for a Disqus thread, that it was matched to a post.
 */
async function placePost(
  tx: Executor,
  ctx: RunContext,
  fmt: ExportFormat,
  post: ImportedPost,
  converters: ImportConverters,
  slugsThisRun: Set<string>,
  tags: Set<string>,
): Promise<{ slug: string } | { why: string } | { matched: true }> {
  const { options } = ctx;
  if (await importedPostSlug(tx, fmt, post.sourceId)) return { why: ALREADY_IMPORTED };
  if (fmt === "disqus") {
    const why = await matchThread(tx, ctx, post, slugsThisRun);
    return why === null ? { matched: true } : { why };
  }
  if (post.kind === "page" && !options.keepPages) return { why: "a page (--keep-pages imports pages as posts)" };
  return { slug: await placeNewPost(tx, ctx, fmt, post, converters, slugsThisRun, tags) };
}

/** A post's slug chosen and recorded with its source id and redirects; returns the slug. */
async function placeNewPost(
  tx: Executor,
  ctx: RunContext,
  fmt: ExportFormat,
  post: ImportedPost,
  converters: ImportConverters,
  slugsThisRun: Set<string>,
  tags: Set<string>,
): Promise<string> {
  const { report } = ctx;
  const takenSlugs = async () => {
    const rows = await tx
      .select({ slug: importSources.postSlug })
      .from(importSources)
      .where(eq(importSources.kind, "post"));
    return new Set(rows.map((r) => r.slug));
  };
  const importedBefore = slugsThisRun.size === 0 ? await takenSlugs() : null;
  if (importedBefore) for (const s of importedBefore) slugsThisRun.add(s);
  const taken = (slug: string) => slugsThisRun.has(slug) || existsSync(path.join(ctx.postsDir, `${slug}.md`));
  const slug = converters.slugFor(post, taken);
  const wanted = converters.slugFor(post, () => false);
  if (wanted !== slug) report.slugCollisions.push({ sourceId: post.sourceId, wanted, slug });
  slugsThisRun.add(slug);
  for (const tag of post.tags) tags.add(tag);
  await tx.insert(importSources).values({ format: fmt, kind: "post", sourceId: post.sourceId, postSlug: slug });
  for (const url of post.oldUrls) if (await recordRedirect(tx, url, postPath(slug))) report.redirects++;
  report.posts.created.push({ sourceId: post.sourceId, slug, title: post.title, draft: post.status === "draft" });
  return slug;
}

/** Writes a placed post's file to the staging folder (not when dry): body converted, images relinked, cover placed. */
async function writePostFile(
  tx: Executor,
  ctx: RunContext,
  post: ImportedPost,
  slug: string,
  converters: ImportConverters,
): Promise<void> {
  const { report, options } = ctx;
  const { markdown: converted, notes } = converters.postBody(post.html);
  let markdown = await relinkImages(ctx, converted, slug);
  for (const note of notes) listIn(report, report.notes, "notes", `${slug}: ${note}`);
  const cover = post.cover ?? (post.coverSourceId ? (await stagedAttachment(tx, post.coverSourceId))?.image : null);
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
  if (ctx.staging) {
    await writeFile(path.join(ctx.staging, `${slug}.md`), file);
    ctx.written.push(slug);
  }
}

/**
 * The author entry a post is written under: the one it names
 * (`ImportedPost.authorSlug`, Staffroom's own JSON) when this site has it,
 * else the import's `--author` (with a note when one was named).
 */
function ownAuthor(ctx: RunContext, post: ImportedPost, slug: string): string {
  const named = post.authorSlug;
  if (!named || named === ctx.options.authorSlug) return ctx.options.authorSlug;
  if (ctx.authorSlugs?.has(named)) {
    ctx.postAuthors ??= new Map();
    ctx.postAuthors.set(slug, named);
    return named;
  }
  listIn(
    ctx.report,
    ctx.report.notes,
    "notes",
    `${slug}: its author entry "${named}" is not on this site; written under ${ctx.options.authorSlug}`,
  );
  return ctx.options.authorSlug;
}

/**
 * Who a post's own author's comments are written as: for a post written under
 * another author entry than `--author`'s (`ownAuthor`), that entry's coach
 * account (its *Account email*), or a guest under their name when it has
 * none; otherwise `fallback`, the `--author` entry's identity.
 */
async function postOwnerIdentity(
  tx: Executor,
  ctx: RunContext,
  slug: string,
  fallback: CommentIdentity,
): Promise<CommentIdentity> {
  const named = ctx.postAuthors?.get(slug);
  if (!named) return fallback;
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
  rules: CommentRules;
  ownerIdentity: CommentIdentity;
  options: ApplyImportOptions;
  report: ImportReport;
  progress: { posts: number; comments: number };
}

/**
 * Writes one post's comments: parents before replies (a reply whose parent
 * comes later in the file still hangs under it), siblings in file order, so
 * numbers follow the original order.
 */
async function writeThread(tx: Executor, t: ThreadContext): Promise<void> {
  const { fmt, list, report } = t;
  const bySource = new Map(list.map((c) => [c.sourceId, c]));
  const depthOf = new Map<string, number>();
  const depth = (c: ImportedComment, seen = new Set<string>()): number => {
    const known = depthOf.get(c.sourceId);
    if (known !== undefined) return known;
    const parent = c.parentSourceId ? bySource.get(c.parentSourceId) : undefined;
    const d = parent && !seen.has(parent.sourceId) ? depth(parent, seen.add(c.sourceId)) + 1 : 0;
    depthOf.set(c.sourceId, d);
    return d;
  };
  const fileOrder = new Map(list.map((c, i) => [c.sourceId, i]));
  const ordered = [...list].sort(
    (a, b) => depth(a) - depth(b) || fileOrder.get(a.sourceId)! - fileOrder.get(b.sourceId)!,
  );

  // A split submission recorded by the export (Staffroom JSON) is not a guess: --no-join leaves it whole.
  const groups = t.options.join === false && t.fmt !== "staffroom-json" ? [] : t.converters.handSplitGroups(list);
  const groupOf = new Map<string, string[]>();
  for (const group of groups) if (group.length > 1) for (const id of group) groupOf.set(id, group);

  /** Where a reply to a source comment hangs: its own id when numbered, else its nearest numbered ancestor's. */
  const anchorOf = new Map<string, number | null>();
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
  const anchorFor = (sourceId: string | null): number | null | undefined => {
    if (!sourceId) return null;
    if (anchorOf.has(sourceId)) return anchorOf.get(sourceId)!;
    return known.get(sourceId);
  };

  // The comments' source ids are recorded a batch at a time (one insert per comment was a round trip each);
  // nothing in this thread reads them back: `anchorOf` answers for what this run wrote.
  let sourceRows: (typeof importSources.$inferInsert)[] = [];
  const flushSources = async () => {
    if (sourceRows.length === 0) return;
    const rows = sourceRows;
    sourceRows = [];
    await tx.insert(importSources).values(rows);
  };
  for (const comment of ordered) {
    const group = groupOf.get(comment.sourceId);
    if (group && group[0] !== comment.sourceId) continue; // written with its group's first comment
    const members = (group ?? [comment.sourceId]).map((id) => bySource.get(id)!);
    const existing = known.has(comment.sourceId) ? { commentId: known.get(comment.sourceId)! } : null;
    if (existing) {
      for (const m of members) anchorOf.set(m.sourceId, existing.commentId);
      report.comments.alreadyImported += members.length;
      continue;
    }
    let parentId = anchorFor(comment.parentSourceId);
    if (parentId === undefined) {
      listIn(
        report,
        report.notes,
        "notes",
        `Comment ${comment.sourceId} replied to ${comment.parentSourceId}, which is not in the export: shown at the top level.`,
      );
      parentId = null;
    }
    const status = STATUS_OF[comment.status];
    const parts = members.map((m) => t.converters.commentBody(m.html).trim() || "(This comment had no text.)");
    const stored = await storeComment(tx, t, comment, parentId, status, group ? parts : undefined);
    const numbered = status === "published" || status === "removed";
    for (const [i, m] of members.entries()) {
      const part = stored[Math.min(i, stored.length - 1)];
      anchorOf.set(m.sourceId, numbered ? stored.at(-1)!.id : parentId);
      sourceRows.push({
        format: fmt,
        kind: "comment",
        sourceId: m.sourceId,
        postSlug: t.slug,
        submissionId: part.submissionId,
        commentId: part.id,
      });
      if (sourceRows.length >= STAGE_BATCH) await flushSources();
      for (const url of m.oldUrls) if (await recordRedirect(tx, url, commentPath(part.id))) report.redirects++;
    }
    if (group) listIn(report, report.joins, "joins", { postSlug: t.slug, sourceIds: [...group] });
    report.comments[status]++;
    t.progress.comments += members.length;
    t.options.onProgress?.({ ...t.progress });
  }
  await flushSources();
}

/** Stores one comment (or one joined hand-split group) through the comment service; returns its parts. */
async function storeComment(
  tx: Executor,
  t: ThreadContext,
  comment: ImportedComment,
  parentId: number | null,
  status: "published" | "pending" | "spam" | "removed",
  parts: string[] | undefined,
) {
  // "Anonymous" is the name old sites show for a writer who gave none (Disqus exports it as the name): no name.
  const given = (comment.authorName ?? "").trim();
  const name = /^anonymous$/i.test(given) && !comment.authorUrl ? "" : given;
  const owner = comment.byBlogOwner && t.ownerIdentity.kind === "post-author";
  const body = parts
    ? parts.join("\n\n")
    : t.converters.commentBody(comment.html).trim() || "(This comment had no text.)";
  const base: CommentFormValue = {
    parentId: parentId ?? undefined,
    anonymous: !owner && !name ? true : undefined,
    name: owner || !name ? undefined : [...name].slice(0, 80).join(""),
    email: comment.authorEmail ?? undefined,
    website: comment.authorUrl ?? undefined,
    body,
  };
  const options = {
    identity: owner ? t.ownerIdentity : ({ kind: "guest-form" } as const),
    at: new Date(comment.published),
    // The licence it was written under, when the export says and Staffroom knows it (else none recorded, as before).
    license: comment.licenseUrl ? (findLicenseByUrl(comment.licenseUrl)?.id ?? null) : null,
    imported: { status, parts },
  };
  const target = { slug: t.slug, commentsOpen: true };
  let result = await submitComment(tx, target, t.rules, base, options);
  if (!result.ok && (result.fieldErrors.email || result.fieldErrors.website || result.fieldErrors.name)) {
    // An address the form would refuse (an old export's "http://", a bad email) is dropped, not the comment.
    result = await submitComment(tx, target, t.rules, { ...base, email: undefined, website: undefined }, options);
  }
  if (!result.ok) {
    throw new ImportFileError(
      `Comment ${comment.sourceId} could not be stored: ${Object.values(result.fieldErrors).flat().join(" ")}`,
    );
  }
  return result.comments;
}
