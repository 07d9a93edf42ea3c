import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, inject } from "vitest";
import { assertContentCopy, copyFixtureContent, REPO_ROOT } from "./content";

/**
 * Starts the production build (`build/server/index.js`, made by the vitest
 * globalSetup `tests/support/build.global.ts`) with scripts/server.mjs, exactly as
 * it is deployed: NODE_ENV=production, a fresh DATA_DIR (so a fresh embedded
 * PGlite database, migrated and given the demo discussion at start-up; its
 * empty cluster is copied in, see `emptyDataDir`) and no DATABASE_URL. `stop()` kills the process group and removes its folders.
 *
 * Every server runs in a throw-away sandbox, its working directory: a copy of
 * the fixture content (tests/fixtures/content and its images, see content.ts),
 * and of the repository's `db/` (migrations, demo fixture) and `public/`
 * (without public/images, which is content). So the Keystatic editor (which
 * writes relative to `process.cwd()`) and the site (which reads content from
 * the working directory) both use the copy: the repository's `content/`, which
 * changes whenever someone uses the editor locally, is neither read nor
 * touched. The build is still the repository's (scripts/server.mjs finds
 * build/ from its own path); it holds app code only, no content.
 */

export { REPO_ROOT };
const SERVER_BUILD = path.join(REPO_ROOT, "build/server/index.js");
export const DEMO_SLUG = "what-does-a-technology-coach-do";
export const DEMO_PATH = `/posts/${DEMO_SLUG}`;

const SERVER_SCRIPT = path.join(REPO_ROOT, "scripts/server.mjs");
const HOST = "127.0.0.1";
/** The empty PGlite cluster made for this run (build.global.ts), or "" without one. */
export function pgliteTemplate(): string {
  try {
    return inject("pgliteTemplate") ?? "";
  } catch {
    return "";
  }
}

/** Time left for the rest of a hook (sign-ups, a second server…) after a server has started. */
const HOOK_MARGIN_MS = 15_000;

/**
 * How long a server may take to answer: most of vitest's hook timeout
 * (provided by tests/support/build.global.ts), since a loaded machine (CI, or
 * another test run alongside) can be slow to start one, and a stuck start
 * fails the hook anyway, this way with the server's output in the message.
 */
function readyTimeoutMs(): number {
  let hookTimeout = 120_000;
  try {
    hookTimeout = inject("hookTimeout") ?? hookTimeout;
  } catch {
    // Outside a vitest worker: the default.
  }
  return Math.max(hookTimeout - HOOK_MARGIN_MS, 30_000);
}

export interface TestServerOptions {
  /**
   * Kept for the tests that ask for it: every server now runs in a throw-away
   * copy of the fixture content, db/ and public/ (see above).
   */
  sandbox?: boolean;
  /**
   * Extra environment for the server, applied last (e.g. DEMO_COACH_PASSWORD,
   * TRUSTED_PROXIES). A value of `undefined` removes the variable.
   */
  env?: Record<string, string | undefined>;
  /**
   * Runs once the (empty) data folder and the working directory exist, before
   * the server starts: e.g. to create accounts with scripts/user-create.ts
   * (PGlite allows one process per folder) or to add content to the sandbox.
   */
  beforeStart?: (dataDir: string, cwd: string) => Promise<void>;
  /**
   * Keep the site's moderation and spam defences as shipped (first-time
   * guests held, forms sent within seconds held, comment rate limits). Off
   * by default: the server then runs in a sandbox whose site settings publish
   * guests' comments at once, so tests of other behaviour can post freely.
   */
  moderation?: boolean;
  /**
   * Start from a truly empty DATA_DIR, PGlite's initdb included. Off by
   * default: the data folder then starts with an empty PGlite cluster copied
   * from the one made for this run (pglite-template.ts), which saves each
   * server the library's initdb and nothing else (no tables, no rows).
   */
  emptyDataDir?: boolean;
}

export interface TestServer {
  /** e.g. "http://127.0.0.1:41234", no trailing slash. */
  baseUrl: string;
  /** The server's working directory: its sandbox. */
  cwd: string;
  /** The server's DATA_DIR. */
  dataDir: string;
  /** Everything the server printed so far (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

/** A port that was free a moment ago (the server retries on a clash). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on("error", reject);
    probe.listen(0, HOST, () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error("no free port"))));
    });
  });
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Kills the whole process group of a child started with `detached: true`. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A crashed or interrupted worker must not leave servers behind.
  process.on("exit", () => {
    for (const child of running) killGroup(child, "SIGKILL");
  });
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  if (!existsSync(SERVER_BUILD)) {
    throw new Error(
      `No production build at ${SERVER_BUILD}. The vitest globalSetup (tests/support/build.global.ts) ` +
        "should have built it; run `npx remix vite:build` and check its output.",
    );
  }
  let lastError: unknown;
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      return await startOnce(options);
    } catch (error) {
      lastError = error;
      if (!(error instanceof PortClash)) throw error;
    }
  }
  throw lastError;
}

class PortClash extends Error {}

/**
 * A new temp folder holding what the server reads from its working directory:
 * the fixture content and images, the repository's db/ and public/ (less
 * public/images, uploaded content).
 */
export async function makeSandbox(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "staffroom-e2e-site-"));
  await copyFixtureContent(dir, { images: true });
  await cp(path.join(REPO_ROOT, "db"), path.join(dir, "db"), { recursive: true });
  const uploads = path.join(REPO_ROOT, "public/images");
  await cp(path.join(REPO_ROOT, "public"), path.join(dir, "public"), {
    recursive: true,
    filter: (source) => source !== uploads && !source.startsWith(`${uploads}${path.sep}`),
  });
  return dir;
}

async function startOnce(options: TestServerOptions): Promise<TestServer> {
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "staffroom-e2e-data-"));
  let sandbox: string | null = null;
  const cleanUp = async () => {
    await rm(dataDir, { recursive: true, force: true, maxRetries: 3 });
    if (sandbox) await rm(sandbox, { recursive: true, force: true, maxRetries: 3 });
  };
  try {
    sandbox = await makeSandbox();
    const template = options.emptyDataDir ? "" : pgliteTemplate();
    if (template) await cp(template, path.join(dataDir, "pglite"), { recursive: true });
    if (!options.moderation) {
      const site = path.join(sandbox, "content/site.yaml");
      const settings = (await readFile(site, "utf8"))
        .replace(/^holdFirstTimeGuests: .*$/m, "holdFirstTimeGuests: false")
        .replace(/^maxLinks: .*$/m, "maxLinks: 100");
      await writeFile(site, settings);
    }
    await options.beforeStart?.(dataDir, sandbox);
  } catch (error) {
    await cleanUp();
    throw error;
  }
  const cwd = sandbox;
  assertContentCopy(cwd);
  const baseUrl = `http://${HOST}:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Nothing from the developer's shell may change what production does.
  delete env.CONTENT_ROOT;
  delete env.DEMO_CONTENT;
  delete env.DEMO_COACH_PASSWORD;
  delete env.TRUSTED_PROXIES;
  delete env.VITEST;
  delete env.VITEST_WORKER_ID;
  delete env.VITEST_POOL_ID;
  Object.assign(env, {
    NODE_ENV: "production",
    PORT: String(port),
    HOST,
    DATA_DIR: dataDir,
    DATABASE_URL: "",
    ...(options.moderation ? {} : { COMMENT_MIN_SECONDS: "0", COMMENT_RATE_LIMIT: "100000" }),
  });
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }

  const child = spawn(process.execPath, [SERVER_SCRIPT], {
    cwd,
    env,
    detached: true, // its own process group, killed as a whole
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  installExitHook();
  let log = "";
  const append = (chunk: Buffer) => {
    log += chunk.toString("utf8");
    if (log.length > 200_000) log = log.slice(-100_000);
  };
  child.stdout!.on("data", append);
  child.stderr!.on("data", append);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    killGroup(child, "SIGTERM");
    const timer = setTimeout(() => killGroup(child, "SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
    running.delete(child);
    await cleanUp();
  };

  try {
    await waitUntilReady(`${baseUrl}${DEMO_PATH}`, child, () => log);
  } catch (error) {
    await stop();
    if (/EADDRINUSE/.test(log)) throw new PortClash(`port ${port} was taken`);
    throw error;
  }
  return { baseUrl, cwd, dataDir, output: () => log, stop };
}

/** The line scripts/server.mjs prints once it listens (after migrations and the demo content). */
const LISTENING = /Staffroom is serving http:\/\//;

/** "exit code 1" or "signal SIGKILL": how a child ended. */
export function howItEnded(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `signal ${signal}` : `exit code ${code}`;
}

/**
 * Waits for the server's "listening" line, then checks that `url` answers
 * 200. Fails at once, with the exit code or signal and everything the server
 * printed, when it exits first; fails after `readyTimeoutMs()` when it neither
 * listens nor exits.
 */
async function waitUntilReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const limitMs = readyTimeoutMs();
  const output = () => `\n--- server output ---\n${log()}`;
  let onData: (() => void) | undefined;
  let onExit: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      onData = () => {
        if (LISTENING.test(log())) resolve();
      };
      onExit = () =>
        reject(
          new Error(
            `the server ended (${howItEnded(child.exitCode, child.signalCode)}) before it listened.${output()}`,
          ),
        );
      timer = setTimeout(
        () => reject(new Error(`the server did not start listening within ${limitMs / 1000} s.${output()}`)),
        limitMs,
      );
      child.stdout!.on("data", onData);
      child.once("exit", onExit);
      if (child.exitCode !== null || child.signalCode !== null) onExit();
      else onData();
    });
  } finally {
    clearTimeout(timer);
    if (onData) child.stdout!.off("data", onData);
    if (onExit) child.off("exit", onExit);
  }
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(limitMs) });
    await response.arrayBuffer();
  } catch (error) {
    throw new Error(`the server listened but ${url} did not answer: ${String(error)}${output()}`);
  }
  if (response.status !== 200) throw new Error(`the server answered ${url} with HTTP ${response.status}.${output()}`);
}

/**
 * One server for the whole test file, started by the first describe that asks
 * for it and stopped after the file's last hook: for files whose describes
 * would otherwise each start an identical server. Call at the top level of
 * the file; the returned function starts the server or returns the running one.
 */
export function serverForFile(options: TestServerOptions = {}): () => Promise<TestServer> {
  let started: Promise<TestServer> | null = null;
  afterAll(async () => {
    const server = await started?.catch(() => null);
    await server?.stop();
  });
  return () => {
    started ??= startTestServer(options);
    return started;
  };
}
