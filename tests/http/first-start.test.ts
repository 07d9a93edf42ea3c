import { readdir } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PATH, startTestServer, type TestServer } from "../support/server";

/**
 * The other test servers start with an empty PGlite cluster copied into their
 * data folder (tests/support/pglite-template.ts). This one starts as a first
 * deployment does, on a data folder with nothing in it: the server creates the
 * embedded database, migrates it and loads the demo discussion.
 */

const HOOK_TIMEOUT = 120_000;

describe("the first start on an empty data folder", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ emptyDataDir: true });
  }, HOOK_TIMEOUT);
  afterAll(async () => server?.stop(), HOOK_TIMEOUT);

  it("creates the embedded database, loads the demo discussion and serves the demo post", async () => {
    expect(await readdir(path.join(server.dataDir, "pglite"))).toContain("PG_VERSION");
    expect(server.output()).toMatch(/Loaded the demo discussion: \d+ comments\./);
    const response = await fetch(`${server.baseUrl}${DEMO_PATH}`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('id="comment-1"');
  });
});
