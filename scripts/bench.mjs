#!/usr/bin/env node
// `npm run bench`: two cases, each on its own production server and fresh
// embedded database, then the text (counting/splitting) figures. It prints
// figures; it does not pass or fail (performance is measured here, not in
// tests).
//
// 1. A long thread: the demo content and a second post carrying a generated
//    discussion (10,000 comments: deep threads, split parts, tombstones; see
//    scripts/seed-long-thread.ts): the home page, the demo post, and the long
//    post's first and last pages.
// 2. Many posts: the demo content plus 1,000 generated posts (see
//    scripts/seed-posts.ts: a few hundred words each, 40 tags, dates over
//    eight years): the home page, site search for a common word, a rare word
//    and two words, the archive and a month of it, the tag index and a tag's
//    page, /feed.atom and /sitemap.xml (each "not available" unless it answers
//    200), then the time for a search to see an edited post.
//
// 3. Import: a WordPress export made by
//    scripts/generate-export.ts (BENCH_IMPORT_POSTS posts, default 500, and
//    BENCH_IMPORT_COMMENTS comments, default 20,000), first read by the parser
//    alone (scripts/bench-parse.ts: counting handlers), then imported with
//    `npm run import` into a fresh data folder and content copy: wall time,
//    posts/s, comments/s and each child's peak RSS (/usr/bin/time -v when
//    present, else the child's own maxRSS). Then moving on to another
//    Staffroom: the imported site exported as Staffroom JSON
//    (`npm run export -- --format json`), that file parsed alone and imported
//    into another fresh data folder and content copy without posts. The issue's size:
//    BENCH_CASES=import BENCH_IMPORT_POSTS=5000 BENCH_IMPORT_COMMENTS=200000 npm run bench
//
// BENCH_CASES=thread,posts,import picks the cases (default all three);
// BENCH_POSTS sets the number of generated posts (default 1,000).
//
// The server runs in a throw-away copy of content/, db/ and public/ (as the
// tests' sandbox does) holding the extra post, so the repository's content is
// never touched. The long thread is seeded before the server starts: a PGlite
// folder opens in one process at a time.
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { buildStaleReason } from "./build-freshness.mjs";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const duration = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const longComments = Number(process.env.BENCH_LONG_COMMENTS ?? 10_000);
// BENCH_ANALYZE=1 also runs ANALYZE right after seeding. The server analyzes
// a PGlite database at start-up anyway (app/boot.server.ts), as a site does.
const analyze = process.env.BENCH_ANALYZE === "1";
const cases = new Set((process.env.BENCH_CASES ?? "thread,posts,import").split(",").map((c) => c.trim()));
const postCount = Number(process.env.BENCH_POSTS ?? 1_000);
const importPosts = Number(process.env.BENCH_IMPORT_POSTS ?? 500);
const importComments = Number(process.env.BENCH_IMPORT_COMMENTS ?? 20_000);
const tsx = path.join(root, "node_modules/.bin/tsx");
const DEMO_SLUG = "what-does-a-technology-coach-do";
const LONG_SLUG = "a-very-long-discussion";

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function waitFor(url, timeoutMs, server) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (server.exitCode !== null) throw new Error(`The server exited (${server.exitCode}) before ${url} answered`);
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`Server did not answer ${url} within ${timeoutMs} ms`);
}

/** The demo post's frontmatter with a new title and summary, and a short body: the long thread's post. */
function longPost() {
  const demo = readFileSync(path.join(root, "content/posts", `${DEMO_SLUG}.md`), "utf8");
  const [, frontmatter] = demo.match(/^---\n([\s\S]*?)\n---\n/);
  const lines = frontmatter.split("\n");
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].startsWith("title:"))
      out.push('title: "A very long discussion: what should coaching look like next year?"');
    else if (lines[i].startsWith("published:")) out.push("published: 2024-09-01");
    else if (lines[i].startsWith("summary:")) {
      out.push("summary: >-", "  An open thread for the whole network: ten thousand comments and counting.");
      while (i + 1 < lines.length && /^\s/.test(lines[i + 1])) i++; // the old summary's folded lines
    } else out.push(lines[i]);
  }
  return `---\n${out.join("\n")}\n---\nWe asked every coach in the network one question: what should coaching look like next year? The answers are below.\n\nPlease keep replies in their threads, and be kind.\n`;
}

// Build only when the build is missing or older than its sources (as `npm start`
// does), so a bench never swaps build/ under a server that is using it.
if (buildStaleReason(root)) {
  const build = spawnSync(path.join(root, "node_modules/.bin/remix"), ["vite:build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

// Nothing from the developer's shell may change what is measured.
function cleanEnv(dataDir) {
  const env = { ...process.env, NODE_ENV: "production", DATA_DIR: dataDir, DATABASE_URL: "" };
  for (const name of [
    "CONTENT_ROOT",
    "DEMO_CONTENT",
    "DEMO_COACH_PASSWORD",
    "EDITOR_OPEN_WITHOUT_AUTH",
    "TRUSTED_PROXIES",
  ])
    delete env[name];
  return env;
}

/** A throw-away copy of what the server reads from its working directory, and an empty data folder. */
function makeSite(label) {
  const site = mkdtempSync(path.join(os.tmpdir(), `staffroom-bench-${label}-site-`));
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `staffroom-bench-${label}-data-`));
  for (const folder of ["content", "db", "public"])
    cpSync(path.join(root, folder), path.join(site, folder), { recursive: true });
  return { site, dataDir };
}

async function startServer(site, env) {
  const port = await freePort();
  const server = spawn(process.execPath, [path.join(root, "scripts/server.mjs")], {
    cwd: site,
    env: { ...env, PORT: String(port), HOST: "127.0.0.1" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const base = `http://127.0.0.1:${port}`;
  await waitFor(`${base}/posts/${DEMO_SLUG}`, 60_000, server);
  return { server, base };
}

async function stopServer(server) {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once("exit", resolve));
    server.kill("SIGTERM");
    await exited;
  }
}

/**
 * One cold request, then `connections` clients for `duration` seconds, per page;
 * prints a row each. A page marked optional that does not answer 200 is
 * printed as "not available" (and not loaded).
 */
async function measure(base, pages) {
  console.log(
    "first ms: one request on a cold server (nothing rendered or cached yet); KB: the page's HTML, uncompressed\n",
  );
  console.log(`${"page".padEnd(34)} first ms      KB    req/s    p50 ms  p90 ms  p99 ms  max ms  errors`);
  const rows = [];
  for (const { name, url, optional } of pages) {
    const started = performance.now();
    const response = await fetch(base + url, { redirect: "manual" });
    const html = await response.text();
    const first = performance.now() - started;
    if (response.status !== 200) {
      if (optional) {
        console.log(`${name.padEnd(34)} not available (${url} answered ${response.status})`);
        continue;
      }
      throw new Error(`${url} answered ${response.status}`);
    }
    const result = await autocannon({ url: base + url, connections, duration });
    const l = result.latency;
    const errors = result.errors + result.non2xx;
    rows.push({ name, url, first, kb: Buffer.byteLength(html) / 1024, rps: result.requests.average, ...l, errors });
    console.log(
      `${name.padEnd(34)} ${first.toFixed(0).padStart(8)} ${(Buffer.byteLength(html) / 1024).toFixed(0).padStart(7)} ${result.requests.average.toFixed(0).padStart(8)}  ${String(l.p50).padStart(7)} ${String(l.p90).padStart(7)} ${String(l.p99).padStart(7)} ${String(l.max).padStart(7)}  ${errors}`,
    );
  }
  return rows;
}

function machineLine(extra) {
  return `${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}, ${connections} connections, ${duration} s per page, Node ${process.version}, ${extra}`;
}

async function benchLongThread() {
  const { site, dataDir } = makeSite("thread");
  let server;
  try {
    writeFileSync(path.join(site, "content/posts", `${LONG_SLUG}.md`), longPost());
    const env = cleanEnv(dataDir);
    console.log(
      `\nLong thread: seeding the demo discussion and ${longComments.toLocaleString("en-GB")} comments on ${LONG_SLUG}…`,
    );
    const seed = spawnSync(
      tsx,
      [
        "--tsconfig",
        path.join(root, "tsconfig.json"),
        path.join(root, "scripts/seed-long-thread.ts"),
        "--demo",
        "--json",
        "--comments",
        String(longComments),
        ...(analyze ? ["--analyze"] : []),
      ],
      { cwd: site, env, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" },
    );
    if (seed.status !== 0) throw new Error(`Seeding failed (exit ${seed.status})`);
    const summary = JSON.parse(seed.stdout.trim().split("\n").at(-1));
    let base;
    ({ server, base } = await startServer(site, env));
    console.log(`\n${machineLine(`PGlite (analyzed at server start-up${analyze ? " and after seeding" : ""})`)}`);
    console.log(
      `long post: ${summary.comments.toLocaleString("en-GB")} comments, ${summary.topLevel} top-level in ${summary.pageCount} pages; ` +
        `page 1 shows ${summary.firstPageComments} comments, page ${summary.pageCount} shows ${summary.lastPageComments}\n`,
    );
    await measure(base, [
      { name: "home page", url: "/" },
      { name: "demo post (22 comments)", url: `/posts/${DEMO_SLUG}` },
      { name: `long post, page 1 of ${summary.pageCount}`, url: `/posts/${LONG_SLUG}` },
      { name: `long post, page ${summary.pageCount} (last)`, url: `/posts/${LONG_SLUG}?page=${summary.pageCount}` },
    ]);
  } finally {
    await stopServer(server);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(site, { recursive: true, force: true });
  }
}

async function benchManyPosts() {
  const { site, dataDir } = makeSite("posts");
  let server;
  try {
    const env = cleanEnv(dataDir);
    console.log(`\nMany posts: generating ${postCount.toLocaleString("en-GB")} posts…`);
    const generated = spawnSync(
      tsx,
      [
        path.join(root, "scripts/seed-posts.ts"),
        "--dir",
        path.join(site, "content/posts"),
        "--count",
        String(postCount),
        "--json",
      ],
      { cwd: root, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" },
    );
    if (generated.status !== 0) throw new Error(`Generating posts failed (exit ${generated.status})`);
    const summary = JSON.parse(generated.stdout.trim().split("\n").at(-1));
    let base;
    ({ server, base } = await startServer(site, env));
    const [year, month] = summary.busiestMonth.split("-");
    console.log(`\n${machineLine("PGlite")}`);
    console.log(
      `${(summary.posts + 1).toLocaleString("en-GB")} posts (the demo post and ${summary.posts.toLocaleString("en-GB")} generated, ` +
        `${summary.averageWords} words on average) from ${summary.firstDate} to ${summary.lastDate}, in ${summary.months + 1} months, ` +
        `${summary.tags} tags (and the demo's); "${summary.commonWord}" is in nearly every post, "${summary.rareWord}" in 3\n`,
    );
    await measure(base, [
      { name: "home page (20 of all posts)", url: "/" },
      { name: `search, common word (${summary.commonWord})`, url: `/search?q=${summary.commonWord}` },
      { name: `search, rare word (${summary.rareWord})`, url: `/search?q=${summary.rareWord}` },
      { name: "search, two words", url: "/search?q=coaching+feedback" },
      { name: "archive (every month)", url: "/archive" },
      { name: `archive month (${summary.busiestMonthPosts} posts)`, url: `/archive/${year}/${month}` },
      { name: "tag index", url: "/tags" },
      { name: `tag page (${summary.commonTagPosts} posts)`, url: `/tags/${encodeURIComponent(summary.commonTag)}` },
      { name: "/feed.atom", url: "/feed.atom", optional: true },
      { name: "/sitemap.xml", url: "/sitemap.xml", optional: true },
    ]);

    // An edit: the next search finds the post by a word it just gained.
    const word = "quokkaplan";
    const file = path.join(site, "content/posts", `${summary.firstSlug}.md`);
    writeFileSync(file, readFileSync(file, "utf8").replace(/\n$/, `\n\nAn edit adds the word ${word}.\n`));
    const started = performance.now();
    const html = await (await fetch(`${base}/search?q=${word}`)).text();
    const took = performance.now() - started;
    const found = html.includes(`/posts/${summary.firstSlug}`);
    console.log(
      `\nedit one post, then search for a word it gained: ${took.toFixed(0)} ms (${found ? "found" : "NOT FOUND"})`,
    );
  } finally {
    await stopServer(server);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(site, { recursive: true, force: true });
  }
}

/**
 * Runs a child to the end under /usr/bin/time -v when there is one; returns
 * its exit status, stdout, seconds and peak RSS in KB (null when unknown).
 */
function timedRun(command, args, options) {
  const useTime = existsSync("/usr/bin/time");
  const started = performance.now();
  const child = useTime
    ? spawnSync("/usr/bin/time", ["-v", command, ...args], {
        ...options,
        stdio: ["ignore", "pipe", "pipe"],
        maxBuffer: 1 << 28,
        encoding: "utf8",
      })
    : spawnSync(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8", maxBuffer: 1 << 28 });
  const seconds = (performance.now() - started) / 1000;
  const hwm = useTime ? child.stderr.match(/Maximum resident set size \(kbytes\): (\d+)/) : null;
  const stderr = useTime ? child.stderr.replace(/\s*Command being timed:[\s\S]*$/, "") : child.stderr;
  return { status: child.status, stdout: child.stdout, stderr, seconds, peakKb: hwm ? Number(hwm[1]) : null };
}

/**
 * The site an import made (`work`, its data in `env`) moved to another
 * Staffroom: exported as Staffroom JSON, the file parsed alone, then imported
 * into a fresh data folder and a content copy without posts. Prints its rows.
 */
async function benchJsonImport(work, env) {
  const outDir = path.join(work, "json-out");
  const exported = timedRun(tsx, [path.join(root, "scripts/export.ts"), "--format", "json", "--out", outDir], {
    cwd: root,
    env,
  });
  if (exported.status !== 0) throw new Error(`The JSON export failed (exit ${exported.status}): ${exported.stderr}`);
  const file = path.join(
    outDir,
    readdirSync(outDir).find((f) => f.endsWith(".json")),
  );
  const bytes = statSync(file).size;
  const parse = timedRun(tsx, [path.join(root, "scripts/bench-parse.ts"), file], { cwd: root });
  if (parse.status !== 0) throw new Error(`Parsing the JSON failed (exit ${parse.status}): ${parse.stderr}`);
  const parsed = JSON.parse(parse.stdout.trim().split("\n").at(-1));
  const fresh = path.join(work, "fresh");
  cpSync(path.join(root, "tests/fixtures/content"), path.join(fresh, "content"), { recursive: true });
  rmSync(path.join(fresh, "content/posts"), { recursive: true, force: true });
  const imported = timedRun(tsx, [path.join(root, "scripts/import.ts"), file, "--author", "morgan-ellery"], {
    cwd: root,
    env: { ...cleanEnv(path.join(fresh, "data")), CONTENT_ROOT: fresh },
  });
  if (imported.status !== 0) throw new Error(`The JSON import failed (exit ${imported.status}): ${imported.stderr}`);
  console.log(
    `\nStaffroom JSON of that site: ${(bytes / 1e6).toFixed(1)} MB, ${parsed.posts.toLocaleString("en-GB")} posts, ${parsed.comments.toLocaleString("en-GB")} comments`,
  );
  console.log(`\n${"step".padEnd(34)}   wall s   posts/s  comments/s    MB/s  peak RSS MB`);
  const row = (name, seconds, peakKb) =>
    console.log(
      `${name.padEnd(34)} ${seconds.toFixed(1).padStart(8)} ${(parsed.posts / seconds).toFixed(0).padStart(9)} ${(parsed.comments / seconds).toFixed(0).padStart(11)} ${(bytes / 1e6 / seconds).toFixed(1).padStart(7)} ${(peakKb === null ? "?" : (peakKb / 1024).toFixed(0)).padStart(12)}`,
    );
  row("npm run export -- --format json", exported.seconds, exported.peakKb);
  row("JSON parse only (counting)", parsed.seconds, parse.peakKb ?? parsed.peakRssKb);
  row("npm run import of the JSON (PGlite)", imported.seconds, imported.peakKb);
}

async function benchImport() {
  const work = mkdtempSync(path.join(os.tmpdir(), "staffroom-bench-import-"));
  try {
    const file = path.join(work, "export.xml");
    console.log(
      `\nImport: generating a WordPress export of ${importPosts.toLocaleString("en-GB")} posts and ${importComments.toLocaleString("en-GB")} comments…`,
    );
    const generated = spawnSync(
      tsx,
      [
        path.join(root, "scripts/generate-export.ts"),
        "--posts",
        String(importPosts),
        "--comments",
        String(importComments),
        "--out",
        file,
        "--json",
      ],
      { cwd: root, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" },
    );
    if (generated.status !== 0) throw new Error(`Generating the export failed (exit ${generated.status})`);
    const summary = JSON.parse(generated.stdout.trim().split("\n").at(-1));
    const parse = timedRun(tsx, [path.join(root, "scripts/bench-parse.ts"), file], { cwd: root });
    if (parse.status !== 0) throw new Error(`Parsing failed (exit ${parse.status}): ${parse.stderr}`);
    const parsed = JSON.parse(parse.stdout.trim().split("\n").at(-1));

    cpSync(path.join(root, "tests/fixtures/content"), path.join(work, "content"), { recursive: true });
    const env = { ...cleanEnv(path.join(work, "data")), CONTENT_ROOT: work };
    const imported = timedRun(tsx, [path.join(root, "scripts/import.ts"), file, "--author", "morgan-ellery"], {
      cwd: root,
      env,
    });
    if (imported.status !== 0) throw new Error(`The import failed (exit ${imported.status}): ${imported.stderr}`);
    const shown = imported.stdout.match(
      /comments: (\d+) shown, (\d+) in the moderation queue, (\d+) spam, (\d+) tombstones/,
    );

    console.log(`\n${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}, Node ${process.version}, PGlite`);
    console.log(
      `export: ${(summary.bytes / 1e6).toFixed(1)} MB, ${summary.posts.toLocaleString("en-GB")} posts, ${summary.comments.toLocaleString("en-GB")} comments` +
        (shown ? `; imported as ${shown[1]} shown, ${shown[2]} held, ${shown[3]} spam, ${shown[4]} tombstones` : ""),
    );
    console.log(`\n${"step".padEnd(34)}   wall s   posts/s  comments/s    MB/s  peak RSS MB`);
    const row = (name, seconds, peakKb) =>
      console.log(
        `${name.padEnd(34)} ${seconds.toFixed(1).padStart(8)} ${(summary.posts / seconds).toFixed(0).padStart(9)} ${(summary.comments / seconds).toFixed(0).padStart(11)} ${(summary.bytes / 1e6 / seconds).toFixed(1).padStart(7)} ${(peakKb === null ? "?" : (peakKb / 1024).toFixed(0)).padStart(12)}`,
      );
    row("parse only (counting handlers)", parsed.seconds, parse.peakKb ?? parsed.peakRssKb);
    row("npm run import (PGlite)", imported.seconds, imported.peakKb);
    await benchJsonImport(work, env);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

try {
  if (cases.has("import")) await benchImport();
  if (cases.has("thread")) await benchLongThread();
  if (cases.has("posts") && postCount > 0) await benchManyPosts();
} finally {
  spawnSync(tsx, [path.join(root, "scripts/bench-text.ts")], { cwd: root, stdio: "inherit" });
}
