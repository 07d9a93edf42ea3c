import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, it } from "vitest";
import { openDatabase, type Database, type DatabaseHandle } from "../../db/client";

/**
 * Runs a database suite on every target: embedded PGlite always, and a real
 * PostgreSQL server when TEST_DATABASE_URL is set (CI sets it). Each suite on
 * the server gets a database of its own, created and dropped here, so no run
 * sees another's data. With STAFFROOM_REQUIRE_ALL_TESTS=1 a missing
 * TEST_DATABASE_URL is a failure, not a silent skip.
 */
export function describeEachDatabase(title: string, suite: (db: () => Database) => void): void {
  const serverUrl = process.env.TEST_DATABASE_URL;
  describe(`${title} [PGlite]`, () => {
    const db = useDatabase(() => openDatabase({ dataDir: null }));
    suite(db);
  });
  if (serverUrl) {
    describe(`${title} [PostgreSQL]`, () => {
      let drop: (() => Promise<void>) | undefined;
      const db = useDatabase(
        async () => {
          const isolated = await createIsolatedDatabase(serverUrl);
          drop = isolated.drop;
          return openDatabase({ url: isolated.url });
        },
        () => drop?.(),
      );
      suite(db);
    });
  } else if (process.env.STAFFROOM_REQUIRE_ALL_TESTS === "1") {
    describe(`${title} [PostgreSQL]`, () => {
      it("needs TEST_DATABASE_URL", () => {
        throw new Error("STAFFROOM_REQUIRE_ALL_TESTS=1 but TEST_DATABASE_URL is not set");
      });
    });
  } else {
    describe.skip(`${title} [PostgreSQL: skipped, TEST_DATABASE_URL not set]`, () => {
      it("runs on PostgreSQL when TEST_DATABASE_URL is set", () => {});
    });
  }
}

function useDatabase(open: () => Promise<DatabaseHandle>, cleanup?: () => Promise<void> | undefined): () => Database {
  let handle: DatabaseHandle | undefined;
  beforeAll(async () => {
    handle = await open();
    await handle.migrate();
  });
  afterAll(async () => {
    await handle?.close();
    await cleanup?.();
  });
  return () => {
    if (!handle) throw new Error("database not open yet");
    return handle.db;
  };
}

/** Creates `staffroom_test_<random>` on the server; `drop` removes it. */
export async function createIsolatedDatabase(serverUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `staffroom_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    drop: async () => {
      const again = postgres(serverUrl, { max: 1, onnotice: () => {} });
      await again.unsafe(`drop database if exists ${name} with (force)`);
      await again.end();
    },
  };
}

/** Empties every comment table between tests. */
export async function resetComments(db: Database): Promise<void> {
  await db.execute(sql`truncate table comments, comment_submissions restart identity cascade`);
}
