import { sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { queryRows } from "../../db/client";

/**
 * How finely a window slides: it is kept as this many slots (rows of
 * `rate_limits`, `window_start` being the slot's start), and a slot leaves the
 * window whole. So a limit holds over any stretch of `windowSeconds`, give or
 * take one slot (1 s of a minute, 1 min of an hour). docs/decisions/0035-sliding-window-rate-limit.md
 * says why slots and not a weighted previous window.
 */
const SLOTS_PER_WINDOW = 60;

/**
 * Sliding-window rate limits kept in the database, so they hold across server
 * processes: at most `limit` hits per key in any `windowSeconds`, unlike a
 * fixed window, which lets twice the limit through across its edge. Every
 * hit counts, refused ones too; the hit that goes over is refused with the
 * whole seconds (at least 1, at most `windowSeconds`) until a hit would be
 * allowed again if none came in between.
 *
 * One statement, so concurrent hits on a key are counted exactly: it drops
 * the key's slots that have left the window, adds this hit to the current
 * slot (the row lock orders concurrent hits) and reads the rest of the window.
 */
export async function hitRateLimit(
  db: Database,
  key: string,
  limit: number,
  windowSeconds: number,
  now: Date = new Date(),
): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }> {
  const windowMs = windowSeconds * 1000;
  const slotMs = Math.max(1, Math.ceil(windowMs / SLOTS_PER_WINDOW));
  const slot = new Date(Math.floor(now.getTime() / slotMs) * slotMs).toISOString();
  // A slot still counts while its start is after this moment.
  const from = new Date(now.getTime() - windowMs).toISOString();
  const rows = await queryRows<{ startMs: number; hits: number }>(
    db,
    sql`
      with pruned as (
        delete from rate_limits where key = ${key} and window_start <= ${from}::timestamptz
      ), hit as (
        insert into rate_limits (key, window_start, hits) values (${key}, ${slot}::timestamptz, 1)
        on conflict (key, window_start) do update set hits = rate_limits.hits + 1
        returning window_start, hits
      )
      select (extract(epoch from window_start) * 1000)::float8 as "startMs", hits from hit
      union all
      select (extract(epoch from window_start) * 1000)::float8, hits from rate_limits
      where key = ${key} and window_start > ${from}::timestamptz and window_start <> ${slot}::timestamptz
    `,
  );
  const slots = rows.map((row) => ({ startMs: Number(row.startMs), hits: Number(row.hits) }));
  slots.sort((a, b) => a.startMs - b.startMs);
  let inWindow = slots.reduce((sum, row) => sum + row.hits, 0);
  if (inWindow <= limit) return { allowed: true };
  // The next hit is allowed once enough of the oldest slots have left.
  for (const row of slots) {
    inWindow -= row.hits;
    if (inWindow + 1 <= limit) {
      const waitMs = row.startMs + windowMs - now.getTime();
      return { allowed: false, retryAfterSeconds: Math.min(windowSeconds, Math.max(1, Math.ceil(waitMs / 1000))) };
    }
  }
  return { allowed: false, retryAfterSeconds: Math.max(1, windowSeconds) };
}
