import path from "node:path";
import { sql } from "drizzle-orm";
import { openDatabase, type Database, type DatabaseHandle } from "../db/client";
import { loadDemoContent } from "./demo/demo.server";
import { getEnv } from "./env.server";
import { ensureOutboxWorker } from "./notifications/runtime.server";

/**
 * The process's database: PostgreSQL when DATABASE_URL is set, otherwise
 * PGlite in DATA_DIR/pglite. On first use it applies the migrations and, when
 * the database is empty and DEMO_CONTENT is on, loads the demo discussion.
 */
// Kept on globalThis so the dev server's module reloads reuse the one open
// PGlite folder instead of opening it twice.
const holder = globalThis as typeof globalThis & { __staffroomDatabase?: Promise<DatabaseHandle> };

async function start(): Promise<DatabaseHandle> {
  const env = getEnv();
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
  if (handle.driver === "pglite") {
    // PGlite has no autovacuum: without statistics its planner picks
    // full-table scans (scripts/explain.ts). Refresh them now and hourly.
    const analyze = () => handle.db.execute(sql`analyze`).catch((error) => console.error("ANALYZE failed:", error));
    await analyze();
    setInterval(analyze, 60 * 60 * 1000).unref();
  }
  return handle;
}

/** The shared drizzle database, ready for queries. */
export async function getDatabase(): Promise<Database> {
  holder.__staffroomDatabase ??= start().catch((error) => {
    holder.__staffroomDatabase = undefined;
    throw error;
  });
  return (await holder.__staffroomDatabase).db;
}
