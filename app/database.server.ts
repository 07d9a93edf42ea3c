import type { Database } from "../db/client";

/**
 * The process's database, as app/boot.server.ts opened it: PostgreSQL when
 * DATABASE_URL is set, otherwise PGlite in DATA_DIR/pglite, migrated and with
 * the demo discussion loaded. This module only hands it out; opening it
 * (and everything else done once at start-up) is `boot()`'s.
 */
// Kept on globalThis so the dev server's module reloads reuse the one open
// PGlite folder instead of opening it twice.
const holder = globalThis as typeof globalThis & { __staffroomDatabase?: Promise<Database> };

/**
 * The shared drizzle database, ready for queries: resolves once `boot()` has
 * finished (at once after that). Rejects when boot failed, or when it has not
 * been started in this process (scripts/server.mjs boots before listening; the
 * dev server boots when it loads the server entry).
 */
export function getDatabase(): Promise<Database> {
  return (
    holder.__staffroomDatabase ??
    Promise.reject(new Error("The database is not open: boot() (app/boot.server.ts) opens it when the server starts."))
  );
}

/**
 * For app/boot.server.ts only: the database it is opening (what `getDatabase`
 * answers from now on), or `undefined` after a failed boot so that the next
 * one starts afresh.
 */
export function provideDatabase(opening: Promise<Database> | undefined): void {
  holder.__staffroomDatabase = opening;
}
