import path from "node:path";
import { type DatabaseHandle, openDatabase } from "../db/client";

/**
 * The site's database for a command-line script, chosen as the server
 * chooses it: PostgreSQL when DATABASE_URL is set, otherwise the embedded
 * PGlite folder DATA_DIR/pglite (DATA_DIR defaults to `.data`). With PGlite
 * the server must be stopped first: a folder opens in one process at a time,
 * and `openDatabase` throws a message saying so. Not migrated: callers that
 * write run `handle.migrate()` themselves.
 */
export function openSiteDatabase(): Promise<DatabaseHandle> {
  return openDatabase({
    url: process.env.DATABASE_URL || null,
    dataDir: path.join(path.resolve(process.env.DATA_DIR ?? ".data"), "pglite"),
  });
}
