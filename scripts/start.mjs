#!/usr/bin/env node
// `npm start`: build the site when the build is missing or older than the
// sources, then serve it in production mode (scripts/server.mjs) on
// http://localhost:${PORT:-3000}. The server applies the migrations and loads
// the demo content on start-up (app/boot.server.ts).
//
// SIGINT (Ctrl-C) and SIGTERM stop whatever this started, the build or the
// server: package.json runs this script with `exec`, so npm's forwarded
// signal reaches it rather than an intermediate shell that would ignore it.
import { spawn } from "node:child_process";
import path from "node:path";
import { buildStaleReason } from "./build-freshness.mjs";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
let child = null;
let stopping = null;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    stopping = signal;
    if (child) child.kill(signal);
    else process.exit(0);
  });
}

/** Runs `command`, its output on ours, until it ends: its exit code (0 when stopped by our signal). */
function run(command, args, { cwd, env }) {
  return new Promise((resolve) => {
    child = spawn(command, args, { cwd, stdio: "inherit", env });
    child.on("exit", (code, signal) => {
      child = null;
      resolve(stopping ? 0 : signal ? 1 : (code ?? 1));
    });
  });
}

const stale = buildStaleReason(root);
if (stale) {
  console.log(
    stale === "no build yet" ? "No build yet: building…" : `Sources changed since the last build (${stale}): building…`,
  );
  const status = await run(path.join(root, "node_modules/.bin/remix"), ["vite:build"], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (status !== 0 || stopping) process.exit(status);
}

process.exit(
  // The server reads content/ and DATA_DIR from where it was started (npm: the project).
  await run(process.execPath, [path.join(root, "scripts/server.mjs")], {
    cwd: process.cwd(),
    env: { NODE_ENV: "production", ...process.env, PORT: process.env.PORT ?? "3000" },
  }),
);
