import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../db/client";
import { sessions, users } from "../../db/schema";
import { HttpClient, SESSION_COOKIE, type Reply } from "../support/accounts";
import { DEMO_PATH, DEMO_SLUG, startTestServer, type TestServer } from "../support/server";

/**
 * Sessions last 30 days and are extended when used in their second half
 * (README: Accounts and roles): every answer to a request that extended one
 * must carry the refreshed cookie, or the browser drops the session on the
 * old date while the server keeps it. Each case below gets a session of its
 * own, made in the server's database before it starts and due to end in 10
 * days, so the request is the one that extends it.
 */

const HOOK_TIMEOUT = 120_000;
const ADMIN_ID = "refresh-admin";

/** The routes that read the session but do not draw a page (so no root loader adds the cookie for them). */
const CASES = [
  { name: "the editor API's read (GET /api/keystatic/tree)", send: (c: HttpClient) => c.get("/api/keystatic/tree") },
  {
    name: "the editor API refusing a write that is not JSON (415)",
    send: (c: HttpClient) =>
      c.send("/api/keystatic/update", { method: "POST", body: "x", headers: { "Content-Type": "text/plain" } }),
  },
  {
    name: "the editor API refusing a write that is not an update (400)",
    send: (c: HttpClient) =>
      c.send("/api/keystatic/update", { method: "POST", body: "{}", headers: { "Content-Type": "application/json" } }),
  },
  { name: "a comment's permalink (/comments/<id>)", send: (c: HttpClient) => c.get("/comments/1") },
  { name: "a comment's permalink by number", send: (c: HttpClient) => c.get(`/posts/${DEMO_SLUG}/comments/1`) },
  {
    name: "the post page as a data request",
    send: (c: HttpClient) => c.get(`${DEMO_PATH}?_data=routes%2Fposts.%24slug`),
  },
] as const;

// Shaped like lucia's own ids (lowercase letters and digits): any other shape is refused as malformed.
const sessionIds = CASES.map((_, i) => `refreshsession${i}abcdefghijklmnop`);

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({
    beforeStart: async (dataDir) => {
      const handle = await openDatabase({ dataDir: path.join(dataDir, "pglite") });
      try {
        await handle.migrate();
        await handle.db.insert(users).values({
          id: ADMIN_ID,
          email: "refresh.admin@example.org",
          displayName: "Refresh Admin",
          passwordHash: "not used: this account signs in through the sessions below",
          role: "admin",
        });
        const inTenDays = new Date(Date.now() + 10 * 24 * 60 * 60 * 1000);
        await handle.db
          .insert(sessions)
          .values(sessionIds.map((id) => ({ id, userId: ADMIN_ID, expiresAt: inTenDays })));
      } finally {
        await handle.close();
      }
    },
  });
}, HOOK_TIMEOUT);

afterAll(async () => {
  await server?.stop();
}, HOOK_TIMEOUT);

/** The Max-Age, in days, of the session cookie `reply` sets for `id`; null when it sets none. */
function refreshedDays(reply: Reply, id: string): number | null {
  const cookie = reply.setCookies.find((c) => c.startsWith(`${SESSION_COOKIE}=${id};`));
  const maxAge = cookie?.match(/Max-Age=(\d+)/i);
  return maxAge ? Number(maxAge[1]) / 86_400 : null;
}

describe("a session extended by a request sends its refreshed cookie back", () => {
  CASES.forEach((testCase, i) => {
    it(testCase.name, async () => {
      const client = new HttpClient(server.baseUrl);
      client.cookies.set(SESSION_COOKIE, sessionIds[i]);
      const reply = await testCase.send(client);
      expect(reply.status, reply.text.slice(0, 300)).toBeLessThan(500);
      const days = refreshedDays(reply, sessionIds[i]);
      expect(days, `Set-Cookie: ${reply.setCookies.join(" | ") || "(none)"}`).not.toBeNull();
      // Extended to the full 30 days again, not the 10 it had left.
      expect(days).toBeGreaterThan(29);
    });
  });
});
