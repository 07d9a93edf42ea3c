import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";

/**
 * An empty embedded PostgreSQL cluster, made once per test run and copied
 * into each test server's fresh DATA_DIR/pglite (server.ts).
 *
 * Why: PGlite runs initdb the first time it opens a folder, and that is most
 * of a server's start-up (about 3 s of CPU, over 10 s on a loaded 2-core
 * machine), repeated for every one of the suite's two dozen servers. The copy
 * is the folder exactly as PGlite leaves it after initdb: no tables, no
 * migrations, no rows, no lock, so each server still migrates from nothing
 * and loads the demo discussion into an empty database, as on a first
 * deployment. Only the library's own initdb is done once instead of every
 * time; tests/http/first-start.test.ts still starts one server on a truly
 * empty folder.
 */
export async function makeEmptyPgliteCluster(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const parent = await mkdtemp(path.join(os.tmpdir(), "staffroom-pglite-template-"));
  const dir = path.join(parent, "pglite");
  try {
    const cluster = new PGlite(dir);
    await cluster.waitReady;
    await cluster.close();
  } catch (error) {
    await rm(parent, { recursive: true, force: true });
    throw error;
  }
  return { dir, remove: () => rm(parent, { recursive: true, force: true, maxRetries: 3 }) };
}
