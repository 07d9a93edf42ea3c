import { spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildStaleReason } from "../../scripts/build-freshness.mjs";
import { makeEmptyPgliteCluster } from "./pglite-template";

/**
 * vitest globalSetup: makes the production build that tests/e2e and
 * tests/http run against (`npx remix vite:build`), once per `vitest run`,
 * and only when one of those files is part of the run. The build is skipped
 * when build/server/index.js is newer than every source it is made from.
 * A failed build stops the run with the build's own output. It also makes the
 * empty PGlite cluster that test servers start from (pglite-template.ts).
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const SERVER_BUILD = path.join(ROOT, "build/server/index.js");
const NEEDS_BUILD = /[\\/]tests[\\/](e2e|http)[\\/]/;
const BUILD_TIMEOUT_MS = 240_000;
const LOCK_DIR = path.join(os.tmpdir(), `staffroom-build-lock-${Buffer.from(ROOT).toString("hex").slice(-40)}`);

interface ProjectLike {
  vitest?: { filenamePattern?: string[] };
  globTestFiles?: (filters?: string[]) => Promise<{ testFiles: string[] }>;
  config?: { hookTimeout?: number };
  provide?: <K extends keyof ProvidedContextLike>(key: K, value: ProvidedContextLike[K]) => void;
}

interface ProvidedContextLike {
  hookTimeout: number;
  pgliteTemplate: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    /** vitest's hook timeout (ms): test servers may use most of it to start (server.ts). */
    hookTimeout: number;
    /** An empty PGlite cluster folder to copy into test servers' DATA_DIR/pglite (pglite-template.ts); "" for none. */
    pgliteTemplate: string;
  }
}

export default async function setup(project?: ProjectLike): Promise<(() => Promise<void>) | undefined> {
  const hookTimeout = project?.config?.hookTimeout;
  if (typeof hookTimeout === "number") project?.provide?.("hookTimeout", hookTimeout);
  project?.provide?.("pgliteTemplate", "");
  if (!(await runIncludesServerTests(project))) return;
  // The empty cluster is made while the build runs (one process each).
  const template = makeEmptyPgliteCluster();
  template.catch(() => {}); // awaited below; a build failure must not leave it unhandled
  await withBuildLock(async () => {
    const reason = staleReason();
    if (!reason) return;
    console.log(`[e2e build] ${reason}: running \`remix vite:build\`…`);
    const started = Date.now();
    await runBuild();
    if (!existsSync(SERVER_BUILD)) {
      throw new Error(`[e2e build] \`remix vite:build\` succeeded but ${SERVER_BUILD} is missing.`);
    }
    console.log(`[e2e build] done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }).catch(async (error) => {
    await (await template.catch(() => null))?.remove();
    throw error;
  });
  const cluster = await template;
  project?.provide?.("pgliteTemplate", cluster.dir);
  return cluster.remove;
}

/** True unless we can tell for sure that no e2e/http file is in this run. */
async function runIncludesServerTests(project?: ProjectLike): Promise<boolean> {
  try {
    if (!project?.globTestFiles) return true;
    const filters = project.vitest?.filenamePattern ?? [];
    const { testFiles } = await project.globTestFiles(filters);
    return testFiles.some((file) => NEEDS_BUILD.test(file));
  } catch {
    return true;
  }
}

/** Why a build is needed, or null when the current one is up to date (the rule `npm start` uses). */
function staleReason(): string | null {
  return buildStaleReason(ROOT);
}

function runBuild(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, "node_modules/@remix-run/dev/dist/cli.js"), "vite:build"], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: "production" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const append = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (output.length > 100_000) output = output.slice(-50_000);
    };
    child.stdout!.on("data", append);
    child.stderr!.on("data", append);
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`[e2e build] \`remix vite:build\` took more than ${BUILD_TIMEOUT_MS / 1000} s.\n${output}`));
    }, BUILD_TIMEOUT_MS);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`[e2e build] could not start \`remix vite:build\`: ${error.message}`));
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `[e2e build] The production build failed (\`npx remix vite:build\` exited with ${code ?? signal}), ` +
              `so the e2e and http tests cannot run. Build output:\n${output}`,
          ),
        );
    });
  });
}

/**
 * One build at a time for this checkout, across concurrent vitest runs: a
 * directory lock in the temp folder, holding the owner's pid. A lock whose
 * owner is gone, or older than the build timeout, is taken over.
 */
async function withBuildLock(fn: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + BUILD_TIMEOUT_MS + 30_000;
  for (;;) {
    try {
      await mkdir(LOCK_DIR);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (await lockIsStale()) {
        await rm(LOCK_DIR, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`[e2e build] gave up waiting for the build lock ${LOCK_DIR}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    await writeFile(path.join(LOCK_DIR, "pid"), String(process.pid));
    await fn();
  } finally {
    await rm(LOCK_DIR, { recursive: true, force: true });
  }
}

async function lockIsStale(): Promise<boolean> {
  try {
    const stat = statSync(LOCK_DIR);
    if (Date.now() - stat.mtimeMs > BUILD_TIMEOUT_MS + 10_000) return true;
    const pid = Number((await readFile(path.join(LOCK_DIR, "pid"), "utf8")).trim());
    if (!pid) return Date.now() - stat.mtimeMs > 5_000; // pid not written yet
    process.kill(pid, 0);
    return false;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ESRCH") return true; // owner process is gone
    if (code === "ENOENT") {
      // Released just now (false), or its owner died before writing the pid.
      try {
        return Date.now() - statSync(LOCK_DIR).mtimeMs > 5_000;
      } catch {
        return false;
      }
    }
    return false;
  }
}
