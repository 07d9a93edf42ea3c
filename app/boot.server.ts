import path from "node:path";
import { sql } from "drizzle-orm";
import { openDatabase, type Database, type DatabaseHandle } from "../db/client";
import { provideDatabase } from "./database.server";
import { applyDemoCoachPassword, demoCoachPasswordProblem, loadDemoContent } from "./demo/demo.server";
import { getEnv } from "./env.server";
import { ensureOutboxWorker } from "./notifications/runtime.server";

/**
 * Everything the server does once, before it serves (docs/architecture.md §2):
 * open the database (PostgreSQL when DATABASE_URL is set, otherwise PGlite in
 * DATA_DIR/pglite), apply the migrations, load the demo discussion when the
 * database is empty and DEMO_CONTENT is on, apply DEMO_COACH_PASSWORD to the
 * demo coach account (a password the rules refuse stops the start), refresh PGlite's planner
 * statistics now and hourly, and start the email outbox worker.
 * scripts/server.mjs calls `boot()` before it listens; the dev server, which
 * has no start-up hook, when it loads the server entry (app/entry.server.tsx).
 */
// Kept on globalThis, like the database, so the dev server's module reloads
// never boot twice.
const holder = globalThis as typeof globalThis & { __staffroomBoot?: Promise<Database> };

/** How often PGlite's statistics are refreshed after the first time, in milliseconds. */
const ANALYZE_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Boots this process, once: later calls answer the same promise, which
 * resolves to the ready database (`getDatabase()` answers it too). Rejects
 * when the environment is invalid, the database cannot be opened (e.g. its
 * PGlite folder is in use by another process) or a migration fails; the next
 * call then tries again. A demo that cannot be loaded, a failing ANALYZE or
 * a bad mail setting is logged, not thrown: the site serves without them.
 */
export function boot(): Promise<Database> {
  if (!holder.__staffroomBoot) {
    const booting = start().catch((error: unknown) => {
      holder.__staffroomBoot = undefined;
      provideDatabase(undefined);
      throw error;
    });
    holder.__staffroomBoot = booting;
    provideDatabase(booting);
  }
  return holder.__staffroomBoot;
}

async function start(): Promise<Database> {
  const env = getEnv();
  // A demo coach password the rules refuse stops the start, with the reason,
  // rather than silently leaving the demo discussion out.
  const demoCoachPassword = process.env.DEMO_COACH_PASSWORD || null;
  if (demoCoachPassword) {
    const problem = await demoCoachPasswordProblem(demoCoachPassword);
    if (problem) throw new Error(problem);
  }
  const handle = await openDatabase({
    url: env.DATABASE_URL,
    dataDir: path.join(env.DATA_DIR, "pglite"),
  });
  await handle.migrate();
  ensureOutboxWorker(handle.db);
  if (env.DEMO_CONTENT) {
    // The site serves without its demo rather than not at all.
    try {
      const loaded = await loadDemoContent(handle.db);
      if (loaded > 0) console.log(`Loaded the demo discussion: ${loaded} comments.`);
    } catch (error) {
      console.error(`The demo discussion was not loaded: ${(error as Error).message}`);
    }
  }
  if (demoCoachPassword) console.log(await applyDemoCoachPassword(handle.db, demoCoachPassword));
  await scheduleAnalyze(handle);
  return handle.db;
}

/**
 * PGlite has no autovacuum: without statistics its planner picks full-table
 * scans (scripts/explain.ts). Refreshes them now and hourly; PostgreSQL's
 * autovacuum does this itself.
 */
async function scheduleAnalyze(handle: DatabaseHandle): Promise<void> {
  if (handle.driver !== "pglite") return;
  const analyze = () => handle.db.execute(sql`analyze`).catch((error) => console.error("ANALYZE failed:", error));
  await analyze();
  setInterval(analyze, ANALYZE_INTERVAL_MS).unref();
}
