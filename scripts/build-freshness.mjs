// Whether the production build (build/) is older than what it is made from:
// one rule for `npm start` (scripts/start.mjs), `npm run bench`
// (scripts/bench.mjs) and the tests' build (tests/support/build.global.ts).
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

/** What the build is made from, relative to the project root. */
const BUILD_SOURCES = ["app", "public", "keystatic.config.ts", "vite.config.ts", "package-lock.json"];

// Images saved in the editor land here and are served from public/ as they
// are (scripts/server.mjs): an upload is content, not a reason to rebuild.
const NOT_SOURCES = ["public/images"];

function newestMtime(target, skip) {
  if (!existsSync(target) || skip.has(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry), skip));
  return newest;
}

/**
 * Why the build under `root` must be made again ("no build yet", "app changed
 * since the last build", …), or null when it is newer than every source.
 * Reads modification times only; throws nothing for missing files.
 * @param {string} root the project folder
 * @returns {string | null}
 */
export function buildStaleReason(root) {
  const serverBuild = path.join(root, "build/server/index.js");
  if (!existsSync(serverBuild)) return "no build yet";
  if (!existsSync(path.join(root, "build/client"))) return "build/client is missing";
  const builtAt = statSync(serverBuild).mtimeMs;
  const skip = new Set(NOT_SOURCES.map((folder) => path.join(root, folder)));
  for (const source of BUILD_SOURCES) {
    if (newestMtime(path.join(root, source), skip) > builtAt) return `${source} changed since the last build`;
  }
  return null;
}
