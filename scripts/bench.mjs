#!/usr/bin/env node
// `npm run bench`: start the production server on a fresh embedded database
// with the demo content and a second post carrying a long generated
// discussion (10,000 comments: deep threads, split parts, tombstones; see
// scripts/seed-long-thread.ts), then print requests per second and latency
// percentiles for the home page, the demo post, and the long post's first and
// last pages. It prints figures; it does not pass or fail (performance is
// measured here, not in tests).
//
// The server runs in a throw-away copy of content/, db/ and public/ (as the
// tests' sandbox does) holding the extra post, so the repository's content is
// never touched. The long thread is seeded before the server starts: a PGlite
// folder opens in one process at a time.
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const duration = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const longComments = Number(process.env.BENCH_LONG_COMMENTS ?? 10_000);
// BENCH_ANALYZE=1 also runs ANALYZE right after seeding. The server analyzes
// a PGlite database at start-up anyway (app/database.server.ts), as a site does.
const analyze = process.env.BENCH_ANALYZE === "1";
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
    if (lines[i].startsWith("title:")) out.push('title: "A very long discussion: what should coaching look like next year?"');
    else if (lines[i].startsWith("published:")) out.push("published: 2024-09-01");
    else if (lines[i].startsWith("summary:")) {
      out.push("summary: >-", "  An open thread for the whole network: ten thousand comments and counting.");
      while (i + 1 < lines.length && /^\s/.test(lines[i + 1])) i++; // the old summary's folded lines
    } else out.push(lines[i]);
  }
  return `---\n${out.join("\n")}\n---\nWe asked every coach in the network one question: what should coaching look like next year? The answers are below.\n\nPlease keep replies in their threads, and be kind.\n`;
}

const build = spawnSync(path.join(root, "node_modules/.bin/remix"), ["vite:build"], { cwd: root, stdio: "inherit" });
if (build.status !== 0) process.exit(build.status ?? 1);

const site = mkdtempSync(path.join(os.tmpdir(), "staffroom-bench-site-"));
const dataDir = mkdtempSync(path.join(os.tmpdir(), "staffroom-bench-"));
let server;
try {
  for (const folder of ["content", "db", "public"]) cpSync(path.join(root, folder), path.join(site, folder), { recursive: true });
  writeFileSync(path.join(site, "content/posts", `${LONG_SLUG}.md`), longPost());

  // Nothing from the developer's shell may change what is measured.
  const env = { ...process.env, NODE_ENV: "production", DATA_DIR: dataDir, DATABASE_URL: "" };
  for (const name of ["CONTENT_ROOT", "DEMO_CONTENT", "DEMO_COACH_PASSWORD", "EDITOR_OPEN_WITHOUT_AUTH", "TRUSTED_PROXIES"]) delete env[name];

  console.log(`\nSeeding the demo discussion and ${longComments.toLocaleString("en-GB")} comments on ${LONG_SLUG}…`);
  const seed = spawnSync(
    path.join(root, "node_modules/.bin/tsx"),
    ["--tsconfig", path.join(root, "tsconfig.json"), path.join(root, "scripts/seed-long-thread.ts"), "--demo", "--json", "--comments", String(longComments), ...(analyze ? ["--analyze"] : [])],
    { cwd: site, env, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" },
  );
  if (seed.status !== 0) throw new Error(`Seeding failed (exit ${seed.status})`);
  const summary = JSON.parse(seed.stdout.trim().split("\n").at(-1));

  const port = await freePort();
  server = spawn(process.execPath, [path.join(root, "scripts/server.mjs")], {
    cwd: site,
    env: { ...env, PORT: String(port), HOST: "127.0.0.1" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const base = `http://127.0.0.1:${port}`;
  await waitFor(`${base}/posts/${DEMO_SLUG}`, 60_000, server);
  const pages = [
    ["home page", "/"],
    ["demo post (22 comments)", `/posts/${DEMO_SLUG}`],
    [`long post, page 1 of ${summary.pageCount}`, `/posts/${LONG_SLUG}`, summary.firstPageComments],
    [`long post, page ${summary.pageCount} (last)`, `/posts/${LONG_SLUG}?page=${summary.pageCount}`, summary.lastPageComments],
  ];
  console.log(
    `\n${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}, ${connections} connections, ${duration} s per page, ` +
      `Node ${process.version}, PGlite (analyzed at server start-up${analyze ? " and after seeding" : ""})`,
  );
  console.log(
    `long post: ${summary.comments.toLocaleString("en-GB")} comments, ${summary.topLevel} top-level in ${summary.pageCount} pages; ` +
      `page 1 shows ${summary.firstPageComments} comments, page ${summary.pageCount} shows ${summary.lastPageComments}\n`,
  );
  console.log("first ms: one request on a cold server (nothing rendered or cached yet); KB: the page's HTML, uncompressed\n");
  console.log("page                          first ms      KB    req/s    p50 ms  p90 ms  p99 ms  max ms  errors");
  for (const [name, url] of pages) {
    const started = performance.now();
    const response = await fetch(base + url, { redirect: "manual" });
    const html = await response.text();
    const first = performance.now() - started;
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
    const result = await autocannon({ url: base + url, connections, duration });
    const l = result.latency;
    const errors = result.errors + result.non2xx;
    console.log(
      `${name.padEnd(28)} ${first.toFixed(0).padStart(9)} ${(Buffer.byteLength(html) / 1024).toFixed(0).padStart(7)} ${result.requests.average.toFixed(0).padStart(8)}  ${String(l.p50).padStart(7)} ${String(l.p90).padStart(7)} ${String(l.p99).padStart(7)} ${String(l.max).padStart(7)}  ${errors}`,
    );
  }
} finally {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once("exit", resolve));
    server.kill("SIGTERM");
    await exited;
  }
  spawnSync(path.join(root, "node_modules/.bin/tsx"), [path.join(root, "scripts/bench-text.ts")], { cwd: root, stdio: "inherit" });
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(site, { recursive: true, force: true });
}
