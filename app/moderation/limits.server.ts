import type { Executor } from "../../db/client";
import { hitRateLimit } from "../auth/rate-limit.server";
import { getEnv } from "../env.server";

/**
 * Comments allowed per client address and per account in 10 minutes; the
 * seconds to wait when over, or null.
 */
export async function commentRateLimit(db: Executor, address: string, userId: string | null): Promise<number | null> {
  const window = 10 * 60;
  const { COMMENT_RATE_LIMIT: limit } = getEnv();
  const limits: [string, number][] = [[`comment:ip:${address}`, limit]];
  if (userId) limits.push([`comment:user:${userId}`, limit]);
  for (const [key, limit] of limits) {
    const hit = await hitRateLimit(db, key, limit, window);
    if (!hit.allowed) return hit.retryAfterSeconds;
  }
  return null;
}
