import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import * as schema from "./schema";

/** Either driver's drizzle database, typed over our one schema. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

/** An open database and how to close it. */
export interface DatabaseHandle {
  db: Database;
  driver: "pglite" | "postgres";
  /** Apply every committed migration in `db/migrations` that has not run yet. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

/** Where the committed migrations are; the server and tests run from the project root. */
export const MIGRATIONS_DIR = path.resolve(process.cwd(), "db/migrations");

/**
 * Opens the database (DESIGN §2): postgres.js when `url` is given
 * (`postgres://…`), otherwise embedded PGlite stored in `dataDir`, or in memory
 * when `dataDir` is `null`. Throws when the server cannot be reached (on first
 * query) or the PGlite folder cannot be created.
 */
export async function openDatabase(options: {
  url?: string | null;
  dataDir?: string | null;
}): Promise<DatabaseHandle> {
  if (options.url) {
    const client = postgres(options.url, { max: 10, onnotice: () => {} });
    const db = drizzlePostgres(client, { schema }) as unknown as Database;
    return {
      db,
      driver: "postgres",
      migrate: () => migratePostgres(db as never, { migrationsFolder: MIGRATIONS_DIR }),
      close: () => client.end({ timeout: 5 }),
    };
  }
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const client = options.dataDir ? new PGlite(options.dataDir) : new PGlite();
  await client.waitReady;
  const db = drizzlePglite(client, { schema }) as unknown as Database;
  return {
    db,
    driver: "pglite",
    migrate: () => migratePglite(db as never, { migrationsFolder: MIGRATIONS_DIR }),
    close: () => client.close(),
  };
}

/**
 * Runs raw SQL (recursive CTEs and the like, which drizzle 0.45 cannot build)
 * and returns its rows. postgres.js answers an array and PGlite `{ rows }`:
 * this is the one place that difference is smoothed over.
 */
export async function queryRows<Row>(db: Database, query: SQL): Promise<Row[]> {
  const result = (await db.execute(query)) as unknown;
  if (Array.isArray(result)) return result as Row[];
  return ((result as { rows?: Row[] }).rows ?? []) as Row[];
}
