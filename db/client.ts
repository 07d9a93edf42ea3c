import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { ExtractTablesWithRelations, SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import * as schema from "./schema";

/** Either driver's drizzle database, typed over our one schema. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

/** A transaction on a `Database` (what `db.transaction(async (tx) => …)` hands its callback). */
export type Transaction = PgTransaction<PgQueryResultHKT, typeof schema, ExtractTablesWithRelations<typeof schema>>;

/**
 * What a query runs on: the database itself or a transaction on it. Functions
 * that only query take this, so a caller can run them inside its own
 * transaction (all or nothing) without a cast.
 */
export type Executor = Database | Transaction;

/** An open database and how to close it. */
export interface DatabaseHandle {
  db: Database;
  driver: "pglite" | "postgres";
  /** Apply every committed migration in `db/migrations` that has not run yet. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

/** Where the committed migrations are; the server and tests run from the project root. */
const MIGRATIONS_DIR = path.resolve(process.cwd(), "db/migrations");

/**
 * Opens the database (docs/architecture.md §2): postgres.js when `url` is given
 * (`postgres://…`), otherwise embedded PGlite stored in `dataDir`, or in memory
 * when `dataDir` is `null`. Throws when the server cannot be reached (on first
 * query) or the PGlite folder cannot be created.
 */
export async function openDatabase(options: { url?: string | null; dataDir?: string | null }): Promise<DatabaseHandle> {
  if (options.url) {
    const client = postgres(options.url, { max: 10, onnotice: () => {} });
    const db = drizzlePostgres(client, { schema });
    return {
      db,
      driver: "postgres",
      migrate: () => migratePostgres(db, { migrationsFolder: MIGRATIONS_DIR }),
      close: () => client.end({ timeout: 5 }),
    };
  }
  let unlock = () => {};
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    unlock = lockDataDir(options.dataDir);
  }
  const client = options.dataDir ? new PGlite(options.dataDir) : new PGlite();
  try {
    await client.waitReady;
  } catch (error) {
    unlock();
    throw error;
  }
  const db = drizzlePglite(client, { schema });
  return {
    db,
    driver: "pglite",
    migrate: () => migratePglite(db, { migrationsFolder: MIGRATIONS_DIR }),
    close: async () => {
      await client.close();
      unlock();
    },
  };
}

/**
 * Claims a PGlite folder for this process. PGlite is one embedded PostgreSQL
 * per process: two processes on one folder each see their own copy, lose
 * each other's writes and can corrupt it. A lock file holding the owner's pid
 * refuses the second process with a clear message; a lock left by a process
 * that no longer runs is taken over. Returns the function that releases it.
 */
function lockDataDir(dataDir: string): () => void {
  const lockPath = path.join(dataDir, "staffroom.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      const release = () => rmSync(lockPath, { force: true });
      process.once("exit", release);
      return () => {
        process.removeListener("exit", release);
        release();
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number(readFileSync(lockPath, "utf8").trim());
      if (owner && owner !== process.pid && isRunning(owner)) {
        throw new Error(
          `The embedded database in ${dataDir} is in use by another Staffroom process (pid ${owner}). ` +
            "Stop it first, or give this one its own DATA_DIR (or a DATABASE_URL).",
        );
      }
      rmSync(lockPath, { force: true }); // stale: its process is gone
    }
  }
  throw new Error(`Could not lock ${dataDir}`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Runs raw SQL (recursive CTEs and the like, which drizzle 0.45 cannot build)
 * and returns its rows. postgres.js answers an array and PGlite `{ rows }`:
 * this is the one place that difference is smoothed over.
 */
export async function queryRows<Row>(db: Executor, query: SQL): Promise<Row[]> {
  const result = (await db.execute(query)) as unknown;
  if (Array.isArray(result)) return result as Row[];
  return ((result as { rows?: Row[] }).rows ?? []) as Row[];
}
