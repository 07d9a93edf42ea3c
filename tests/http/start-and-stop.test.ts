import { spawn, type ChildProcess } from "node:child_process";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_COACH_EMAIL, HttpClient } from "../support/accounts";
import { howItEnded, makeSandbox, pgliteTemplate, REPO_ROOT } from "../support/server";

/**
 * Starting and stopping the site as its operator does: `npm start` stopped
 * with SIGTERM or Ctrl-C (SIGINT) stops the server it started, and
 * DEMO_COACH_PASSWORD is either applied to the demo coach account (at the
 * first start and at any later one) or the start stops saying why.
 * Each run works in a sandbox copy of the fixture content (never the working
 * tree's content/ or .data/) and waits for events, never a fixed short timer.
 */

const TEST_TIMEOUT = 300_000;
const LISTENING = /Staffroom is serving http:\/\//;

interface Run {
  child: ChildProcess;
  port: number;
  output(): string;
  /** Resolves when the process has ended, with how. */
  ended: Promise<string>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Starts `command` in `cwd` with the site's environment (a fresh port, `dataDir`, PGlite) plus `env`. */
async function launch(command: string, args: string[], cwd: string, dataDir: string, env: Record<string, string>) {
  const port = await freePort();
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const name of [
    "CONTENT_ROOT",
    "DEMO_CONTENT",
    "DEMO_COACH_PASSWORD",
    "DATABASE_URL",
    "VITEST",
    "VITEST_WORKER_ID",
    "VITEST_POOL_ID",
  ]) {
    delete base[name];
  }
  const child = spawn(command, args, {
    cwd,
    env: { ...base, NODE_ENV: "production", HOST: "127.0.0.1", PORT: String(port), DATA_DIR: dataDir, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group, so a failed test can clean up all of it
  });
  let log = "";
  child.stdout!.on("data", (chunk: Buffer) => (log += chunk.toString("utf8")));
  child.stderr!.on("data", (chunk: Buffer) => (log += chunk.toString("utf8")));
  const ended = new Promise<string>((resolve) =>
    child.once("exit", (code, signal) => resolve(howItEnded(code, signal))),
  );
  return { child, port, output: () => log, ended } satisfies Run;
}

/** "listening" once the server prints its line, or how the process ended if it ended first. */
async function listeningOrEnded(run: Run): Promise<string> {
  return Promise.race([
    new Promise<string>((resolve) => {
      const check = () => {
        if (LISTENING.test(run.output())) resolve("listening");
      };
      run.child.stdout!.on("data", check);
      run.child.stderr!.on("data", check);
      check();
    }),
    run.ended,
  ]);
}

/** Whether anything accepts a connection on `port`. */
async function answers(port: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}/robots.txt`, { signal: AbortSignal.timeout(30_000) });
    return true;
  } catch {
    return false;
  }
}

function killGroup(run: Run): void {
  try {
    if (run.child.pid) process.kill(-run.child.pid, "SIGKILL");
  } catch {
    // already gone
  }
}

const folders: string[] = [];
const runs: Run[] = [];

async function siteFolders(): Promise<{ cwd: string; dataDir: string }> {
  const cwd = await makeSandbox();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "staffroom-start-data-"));
  folders.push(cwd, dataDir);
  const template = pgliteTemplate();
  if (template) await cp(template, path.join(dataDir, "pglite"), { recursive: true });
  return { cwd, dataDir };
}

afterAll(async () => {
  for (const run of runs) killGroup(run);
  for (const folder of folders) await rm(folder, { recursive: true, force: true, maxRetries: 3 });
});

describe("npm start stops with SIGTERM and Ctrl-C", () => {
  let npmStart: string;
  beforeAll(async () => {
    // The project's own start script, run by npm from a sandbox's package.json.
    const pkg = JSON.parse(await readFile(path.join(REPO_ROOT, "package.json"), "utf8"));
    npmStart = String(pkg.scripts.start).replace("scripts/start.mjs", path.join(REPO_ROOT, "scripts/start.mjs"));
  });

  it.each(["SIGTERM", "SIGINT"] as const)(
    "%s to npm stops the server npm start started: the port no longer answers",
    async (signal) => {
      const { cwd, dataDir } = await siteFolders();
      await writeFile(
        path.join(cwd, "package.json"),
        JSON.stringify({ name: "sandbox", scripts: { start: npmStart } }),
      );
      const run = await launch("npm", ["start"], cwd, dataDir, {});
      runs.push(run);
      expect(await listeningOrEnded(run), run.output()).toBe("listening");
      expect(await answers(run.port)).toBe(true);
      // Only npm itself is signalled (not its process group, as a terminal's Ctrl-C would).
      run.child.kill(signal);
      await run.ended;
      // The server is gone with it: the port is closed once its process has exited.
      let closed = false;
      for (let attempt = 0; attempt < 60 && !closed; attempt++) {
        closed = !(await answers(run.port));
        if (!closed) await new Promise((resolve) => setTimeout(resolve, 500));
      }
      expect(closed, `something still answers on port ${run.port}:\n${run.output()}`).toBe(true);
    },
    TEST_TIMEOUT,
  );
});

describe("DEMO_COACH_PASSWORD", () => {
  const server = path.join(REPO_ROOT, "scripts/server.mjs");

  it(
    "a password the rules refuse stops the first start with the reason; nothing is served",
    async () => {
      const { cwd, dataDir } = await siteFolders();
      const run = await launch(process.execPath, [server], cwd, dataDir, { DEMO_COACH_PASSWORD: "short1" });
      runs.push(run);
      expect(await listeningOrEnded(run)).toBe("exit code 1");
      expect(run.output()).toContain(`DEMO_COACH_PASSWORD is refused for the demo coach account (${DEMO_COACH_EMAIL})`);
      expect(run.output()).toContain("Use at least 10 characters");
    },
    TEST_TIMEOUT,
  );

  it(
    "set after the first start, it is applied at the next; refused later, the start stops saying why",
    async () => {
      const { cwd, dataDir } = await siteFolders();
      const first = "harbour lantern willow 42";
      const second = "copper meadow signal 77";

      const start = async (password: string) => {
        const run = await launch(process.execPath, [server], cwd, dataDir, { DEMO_COACH_PASSWORD: password });
        runs.push(run);
        return run;
      };
      const stop = async (run: Run) => {
        run.child.kill("SIGTERM");
        await run.ended;
      };
      const signIn = async (run: Run, password: string) =>
        (await new HttpClient(`http://127.0.0.1:${run.port}`).signIn(DEMO_COACH_EMAIL, password)).status;

      // The first start without it: the demo coach exists with an unguessable password.
      const unset = await launch(process.execPath, [server], cwd, dataDir, {});
      runs.push(unset);
      expect(await listeningOrEnded(unset), unset.output()).toBe("listening");
      await stop(unset);

      const applied = await start(first);
      expect(await listeningOrEnded(applied), applied.output()).toBe("listening");
      expect(applied.output()).toContain(`DEMO_COACH_PASSWORD applied: ${DEMO_COACH_EMAIL} now signs in with it`);
      expect(await signIn(applied, first)).toBe(302);
      await stop(applied);

      const changed = await start(second);
      expect(await listeningOrEnded(changed), changed.output()).toBe("listening");
      expect(await signIn(changed, second)).toBe(302);
      expect(await signIn(changed, first)).not.toBe(302);
      await stop(changed);

      const refused = await start("Morgan Ellery 99");
      expect(await listeningOrEnded(refused)).toBe("exit code 1");
      expect(refused.output()).toContain("DEMO_COACH_PASSWORD is refused");
    },
    TEST_TIMEOUT,
  );
});
