#!/usr/bin/env node
// `npm start`: build the site when the build is missing or older than the
// sources, then serve it in production mode (scripts/server.mjs) on
// http://localhost:${PORT:-3000}. The server applies the migrations and loads
// the demo content on start-up (app/database.server.ts).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const serverBuild = path.join(root, "build/server/index.js");
const sources = ["app", "public", "keystatic.config.ts", "vite.config.ts", "package-lock.json"];
// Images saved in the editor land here and are served from public/ as they
// are (scripts/server.mjs): an upload is content, not a reason to rebuild.
const notSources = new Set([path.join(root, "public/images")]);

function newestMtime(target) {
  if (!existsSync(target) || notSources.has(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

const builtAt = existsSync(serverBuild) ? statSync(serverBuild).mtimeMs : 0;
const sourcesAt = Math.max(...sources.map((source) => newestMtime(path.join(root, source))));
if (builtAt < sourcesAt) {
  console.log(builtAt ? "Sources changed since the last build: building…" : "No build yet: building…");
  const build = spawnSync(path.join(root, "node_modules/.bin/remix"), ["vite:build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const server = spawn(process.execPath, [path.join(root, "scripts/server.mjs")], {
  cwd: root,
  stdio: "inherit",
  env: { NODE_ENV: "production", ...process.env, PORT: process.env.PORT ?? "3000" },
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(signal ? 0 : (code ?? 0)));
