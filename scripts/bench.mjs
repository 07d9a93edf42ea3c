#!/usr/bin/env node
// `npm run bench`: start the production server on a fresh embedded database
// with the demo content, then print requests per second and latency
// percentiles for the home page and the demo post page. It prints figures; it
// does not pass or fail (performance is measured here, not in tests).
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const duration = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);

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

async function waitFor(url, timeoutMs) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`Server did not answer ${url} within ${timeoutMs} ms`);
}

const build = spawnSync(path.join(root, "node_modules/.bin/remix"), ["vite:build"], { cwd: root, stdio: "inherit" });
if (build.status !== 0) process.exit(build.status ?? 1);

const dataDir = mkdtempSync(path.join(os.tmpdir(), "staffroom-bench-"));
const port = await freePort();
const server = spawn(process.execPath, [path.join(root, "scripts/server.mjs")], {
  cwd: root,
  env: { ...process.env, NODE_ENV: "production", PORT: String(port), DATA_DIR: dataDir, DATABASE_URL: "" },
  stdio: ["ignore", "ignore", "inherit"],
});
const base = `http://127.0.0.1:${port}`;
try {
  await waitFor(`${base}/posts/what-does-a-technology-coach-do`, 60_000);
  const pages = [
    ["home page", "/"],
    ["demo post (22 comments)", "/posts/what-does-a-technology-coach-do"],
  ];
  console.log(`\n${os.cpus().length} cores, ${connections} connections, ${duration} s per page, Node ${process.version}\n`);
  console.log("page                          req/s    p50 ms  p90 ms  p99 ms  max ms  errors");
  for (const [name, url] of pages) {
    const result = await autocannon({ url: base + url, connections, duration });
    const l = result.latency;
    const errors = result.errors + result.non2xx;
    console.log(
      `${name.padEnd(28)} ${result.requests.average.toFixed(0).padStart(6)}  ${String(l.p50).padStart(7)} ${String(l.p90).padStart(7)} ${String(l.p99).padStart(7)} ${String(l.max).padStart(7)}  ${errors}`,
    );
  }
} finally {
  server.kill("SIGTERM");
  spawnSync(path.join(root, "node_modules/.bin/tsx"), [path.join(root, "scripts/bench-text.ts")], { cwd: root, stdio: "inherit" });
  await new Promise((resolve) => server.once("exit", resolve));
  rmSync(dataDir, { recursive: true, force: true });
}
