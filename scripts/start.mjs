#!/usr/bin/env node
// `npm start`: build the site when the build is missing or older than the
// sources, then serve it in production mode (scripts/server.mjs) on
// http://localhost:${PORT:-3000}. The server applies the migrations and loads
// the demo content on start-up (app/boot.server.ts).
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { buildStaleReason } from "./build-freshness.mjs";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const stale = buildStaleReason(root);
if (stale) {
  console.log(
    stale === "no build yet" ? "No build yet: building…" : `Sources changed since the last build (${stale}): building…`,
  );
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
