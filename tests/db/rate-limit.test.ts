import { sql } from "drizzle-orm";
import { beforeEach, expect, it } from "vitest";
import type { Database } from "../../db/client";
import { hitRateLimit } from "~/auth/rate-limit.server";
import { describeEachDatabase } from "../support/databases";

// Sliding-window rate limits (sign-in, sign-up): `limit` hits per window per
// key; the hit that goes over is refused with the seconds until it may try
// again, which is more than 0 and at most the window.

async function reset(db: Database): Promise<void> {
  await db.execute(
    sql`truncate table users, sessions, comments, comment_submissions, rate_limits, comment_drafts restart identity cascade`,
  );
}

const KEY = "signin:ip:203.0.113.9";
// Some moment in the middle of a minute, and one on a minute boundary.
const MID = new Date("2025-03-14T09:26:53.589Z");
const ON_BOUNDARY = new Date("2025-03-14T09:26:00.000Z");
const plus = (at: Date, seconds: number) => new Date(at.getTime() + seconds * 1000);

async function hits(db: Database, key: string, n: number, now: Date) {
  const results = [];
  for (let i = 0; i < n; i++) results.push(await hitRateLimit(db, key, 3, 60, now));
  return results;
}

describeEachDatabase("rate limits", (db) => {
  beforeEach(async () => reset(db()));

  it("allows 3 hits, then refuses the 4th with a wait within the window", async () => {
    const results = await hits(db(), KEY, 4, MID);
    expect(results.slice(0, 3)).toEqual([{ allowed: true }, { allowed: true }, { allowed: true }]);
    const fourth = results[3];
    expect(fourth.allowed).toBe(false);
    if (fourth.allowed) return;
    expect(fourth.retryAfterSeconds).toBeGreaterThan(0);
    expect(fourth.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(Number.isInteger(fourth.retryAfterSeconds)).toBe(true);
  });

  it("keeps refusing within the window, and the wait it gives is honest", async () => {
    await hits(db(), KEY, 3, MID);
    const refused = await hitRateLimit(db(), KEY, 3, 60, plus(MID, 1));
    expect(refused.allowed).toBe(false);
    if (refused.allowed) return;
    // Trying again exactly when told to succeeds.
    expect(await hitRateLimit(db(), KEY, 3, 60, plus(plus(MID, 1), refused.retryAfterSeconds))).toEqual({
      allowed: true,
    });
  });

  it("refuses on a window boundary with a wait of at most the window", async () => {
    const results = await hits(db(), KEY, 4, ON_BOUNDARY);
    const fourth = results[3];
    expect(fourth.allowed).toBe(false);
    if (!fourth.allowed) {
      expect(fourth.retryAfterSeconds).toBeGreaterThan(0);
      expect(fourth.retryAfterSeconds).toBeLessThanOrEqual(60);
    }
  });

  it("allows again in a new window (60 s later), up to the limit", async () => {
    await hits(db(), KEY, 5, MID);
    const later = await hits(db(), KEY, 4, plus(MID, 60));
    expect(later.map((r) => r.allowed)).toEqual([true, true, true, false]);
  });

  it("keeps keys independent", async () => {
    await hits(db(), KEY, 4, MID);
    expect(await hitRateLimit(db(), "signin:ip:203.0.113.10", 3, 60, MID)).toEqual({ allowed: true });
    expect(await hitRateLimit(db(), "signin:account:ada@example.org", 3, 60, MID)).toEqual({ allowed: true });
    expect((await hitRateLimit(db(), KEY, 3, 60, MID)).allowed).toBe(false);
  });

  it("allows exactly 3 of 10 hits arriving at once", async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => hitRateLimit(db(), KEY, 3, 60, MID)));
    expect(results.filter((r) => r.allowed)).toHaveLength(3);
  });

  it("limits a burst straddling a window edge to the limit (a fixed window would allow twice it)", async () => {
    const before = await hits(db(), KEY, 3, plus(ON_BOUNDARY, 59.5));
    const after = await hits(db(), KEY, 3, plus(ON_BOUNDARY, 60.5));
    expect([...before, ...after].filter((r) => r.allowed)).toHaveLength(3);
  });
});
