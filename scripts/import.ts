// `npm run import -- FILE [--dry-run] [--author SLUG] [--license ID] [--no-join] [--keep-pages] [--images DIR]`:
// brings a blog's posts and discussions into Staffroom (app/import/apply.server.ts).
// Posts are written under content/ in the working directory (or CONTENT_ROOT),
// comments into the database (DATABASE_URL, or the embedded one under
// DATA_DIR). With the embedded database, stop the server first: a PGlite
// folder can be opened by one process at a time.
//
// A run is recorded: interrupted (killed, crashed, stopped by an error), the
// same command on the same file continues where it stopped; `--restart`
// forgets the interrupted run and reads the file again. Each post is written
// whole (post and thread in one transaction, its file after) or not at all.
// STAFFROOM_IMPORT_STOP_AT=N (tests only) kills the run with SIGKILL right
// after the N-th post's database part commits, before its file is written.
//
// Exit codes: 0 done (or dry run printed), 1 the file or the run was refused
// (nothing was written) or the run stopped part-way (whole posts written;
// run it again to continue), 2 a usage error.
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { openSiteDatabase } from "./site-database";
import {
  applyImport,
  fileKeyOf,
  ImportRunError,
  type ImportSource,
  ImportStoppedError,
} from "../app/import/apply.server";
import { parseExport } from "../app/import/formats/parse";
import { jsonModelSource } from "../app/import/json-model-source";
import { siteConverters } from "../app/import/site-converters";
import { ImportFileError } from "../app/import/model";
import { reportLines } from "../app/import/report";
import { isLicenseId } from "../app/licences/catalogue";
import { listAuthors } from "../app/posts/posts.server";

const usage =
  "Usage: npm run import -- FILE [--dry-run] [--restart] [--author SLUG] [--license ID|site-default] [--no-join] [--keep-pages]\n" +
  "       [--images DIR]   (a wp-content/uploads or Takeout folder: its images are copied with the posts)\n" +
  "       [--map OLD-URL=SLUG ...] [--rewrite OLD-PREFIX=NEW-PREFIX]   (Disqus: which post each thread discusses)";

/**
 * The source for a file: an export from Blogger, WordPress, Disqus or
 * Staffroom's own JSON (the format read from the content by
 * app/import/formats/), or the import model as JSON (an object whose first
 * member is "blog": `{ blog, authors, posts, comments }`, for scripts and tests).
 */
async function sourceFor(file: string): Promise<ImportSource> {
  const handle = await open(file, "r");
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(64), 0, 64, 0);
    const start = buffer
      .subarray(0, bytesRead)
      .toString("utf8")
      .replace(/^\uFEFF/, "")
      .trimStart();
    if (/^\{\s*"blog"\s*:/.test(start)) return jsonModelSource(file);
  } finally {
    await handle.close();
  }
  return async (handlers) => {
    await parseExport(createReadStream(file), handlers);
  };
}

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions();
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (positionals.length !== 1) {
    console.error(`Give exactly one export file.\n${usage}`);
    return 2;
  }
  const file = path.resolve(positionals[0]);
  if (values.license && values.license !== "site-default" && !isLicenseId(values.license)) {
    console.error(`--license ${values.license} is not a licence Staffroom knows.\n${usage}`);
    return 2;
  }
  const threadMap = new Map<string, string>();
  for (const pair of values.map) {
    const at = pair.lastIndexOf("=");
    if (at <= 0 || at === pair.length - 1) {
      console.error(`--map ${pair}: write it as OLD-URL=SLUG.\n${usage}`);
      return 2;
    }
    threadMap.set(pair.slice(0, at), pair.slice(at + 1));
  }
  const rewriteAt = values.rewrite?.indexOf("=") ?? -1;
  if (values.rewrite && rewriteAt <= 0) {
    console.error(`--rewrite ${values.rewrite}: write it as OLD-PREFIX=NEW-PREFIX.\n${usage}`);
    return 2;
  }
  const rewrite = values.rewrite
    ? { from: values.rewrite.slice(0, rewriteAt), to: values.rewrite.slice(rewriteAt + 1) }
    : undefined;
  const contentRoot = path.resolve(process.env.CONTENT_ROOT ?? process.cwd());
  let authorSlug = values.author;
  if (!authorSlug) {
    const authors = await listAuthors();
    if (authors.length !== 1) {
      console.error(
        `Say which author the posts are by with --author (one of: ${authors.map((a) => a.slug).join(", ") || "no author entries yet; add one in the editor"}).\n${usage}`,
      );
      return 2;
    }
    authorSlug = authors[0].slug;
  }

  const stopAt = Number(process.env.STAFFROOM_IMPORT_STOP_AT ?? "");
  let source: ImportSource;
  let key: string;
  try {
    source = await sourceFor(file);
    key = await fileKeyOf(file);
  } catch (error) {
    console.error(
      (error as NodeJS.ErrnoException).code === "ENOENT" ? `No such file: ${file}` : (error as Error).message,
    );
    return 1;
  }

  const handle = await openSiteDatabase();
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar(
        {
          format:
            "{bar} {percentage}% | posts {posts}/{totalPosts} | comments {comments}/{totalComments} | {rate}/s | {eta_formatted} left",
          stream: process.stderr,
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      )
    : null;
  let started = Date.now();
  // The rate counts this run's work only (a resumed run starts part-way).
  let startItems: number | null = null;
  let totals = { posts: 0, comments: 0 };
  try {
    await handle.migrate();
    const report = await applyImport(handle.db, contentRoot, source, {
      authorSlug,
      license: values.license,
      join: !values["no-join"],
      keepPages: values["keep-pages"],
      dryRun: values["dry-run"],
      converters: siteConverters,
      threadMap,
      rewrite,
      images: values.images ? { dir: path.resolve(values.images) } : undefined,
      run: { key, fileName: path.basename(file) },
      restart: values.restart,
      onTotals: (t) => {
        totals = t;
        bar?.start(t.posts + t.comments, 0, {
          posts: 0,
          comments: 0,
          totalPosts: t.posts,
          totalComments: t.comments,
          rate: 0,
        });
      },
      onProgress: (done) => {
        const items = done.posts + done.comments;
        if (startItems === null) {
          startItems = items;
          started = Date.now();
        }
        const seconds = Math.max((Date.now() - started) / 1000, 0.001);
        bar?.update(items, {
          ...done,
          totalPosts: totals.posts,
          totalComments: totals.comments,
          rate: Math.round((items - startItems) / seconds),
        });
      },
      onPostCommitted: (committed) => {
        // Test hook: stop as a kill would, between a post's database part and its file.
        if (stopAt > 0 && committed >= stopAt) process.kill(process.pid, "SIGKILL");
      },
    });
    bar?.stop();
    console.log(reportLines(report).join("\n"));
    return 0;
  } catch (error) {
    bar?.stop();
    if (error instanceof ImportStoppedError) {
      console.error(error.message);
      return 1;
    }
    const prefix =
      error instanceof ImportFileError
        ? "The file was refused"
        : error instanceof ImportRunError
          ? "The import did not start"
          : "The import failed";
    console.error(`${prefix}; nothing was imported. ${(error as Error).message}`);
    return 1;
  } finally {
    await handle.close();
  }
}

function parseOptions() {
  return parseArgs({
    allowPositionals: true,
    strict: true,
    options: {
      "dry-run": { type: "boolean", default: false },
      restart: { type: "boolean", default: false },
      author: { type: "string" },
      license: { type: "string" },
      "no-join": { type: "boolean", default: false },
      "keep-pages": { type: "boolean", default: false },
      map: { type: "string", multiple: true, default: [] },
      rewrite: { type: "string" },
      images: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error((error as Error).message);
    process.exit(1);
  },
);
