import { and, eq, inArray, sql } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { signInThrottles } from "../../db/schema";
import { digest } from "./signing.server";

/**
 * Sign-in throttling (docs/decisions/0055-sign-in-throttling-and-guest-trust.md),
 * in place of a lock: failed password sign-ins make the next attempt wait,
 * longer after each failure in a row, never longer than 15 minutes, and a
 * success clears them. Failures are counted under three kinds of key:
 *
 * - `address`: the client address (behind TRUSTED_PROXIES), 30 failures
 *   free, whatever account they try: one client guessing many accounts;
 * - `account`: the email address typed (its digest; accounts or not, so the
 *   answer never says which), 5 failures free: many clients guessing one
 *   account. It slows only browsers that have not signed in to that account
 *   before;
 * - `device`: a browser that has signed in to the account before (its
 *   signed device cookie, `./device-cookie.server.ts`), 5 failures free. Such
 *   a browser is held by its own failures only, so nobody elsewhere can slow
 *   the account's owner down at home (OWASP's "device cookies").
 *
 * Attempts refused while waiting are not counted and their password is not
 * checked: refusing more never makes anyone wait longer, so a throttle ends
 * at most 15 minutes after the last checked failure. Failures are forgotten
 * a day after the last one. While waiting, the emailed sign-in link works.
 */

/** The kinds of key, with the failures allowed before any wait. */
export const THROTTLED_KEYS = { address: 30, account: 5, device: 5 } as const;
export type ThrottleKind = keyof typeof THROTTLED_KEYS;

/** The first wait, in seconds; each further failure doubles it. */
const FIRST_DELAY_SECONDS = 15;
/** The longest wait, in seconds. */
export const MAX_DELAY_SECONDS = 15 * 60;
/** Failures are forgotten this long (ms) after the last one. */
const FORGET_AFTER_MS = 24 * 60 * 60 * 1000;

/**
 * The wait after `failures` failures in a row under a key of `kind`, in
 * seconds: none until the free failures are used up, then 15 s, doubling
 * (30 s, 1 min, 2 min, 4 min, 8 min) up to 15 minutes.
 */
export function delayAfter(kind: ThrottleKind, failures: number): number {
  const over = failures - THROTTLED_KEYS[kind];
  if (over < 0) return 0;
  return Math.min(MAX_DELAY_SECONDS, FIRST_DELAY_SECONDS * 2 ** Math.min(over, 30));
}

/** One key an attempt is counted under. */
export interface ThrottleKey {
  kind: ThrottleKind;
  /** What is counted: the client address, the email typed, or the device id; stored as a digest. */
  value: string;
}

function keyOf(key: ThrottleKey): string {
  return `${key.kind}:${digest(key.kind === "account" ? key.value.trim().toLowerCase() : key.value)}`;
}

/** An attempt allowed to go ahead: release it with `recordFailure` or `recordSuccess`. */
export interface Claim {
  keys: ThrottleKey[];
  /** The retry time this attempt set on each stored key, to undo on success (by stored key). */
  claimed: Map<string, Date>;
}

/**
 * Whether an attempt under `keys` may check its password now (at `now`,
 * UTC). Refused: the kind of key that holds it and the whole seconds to wait
 * (at least 1). Allowed: when a failure would bring a wait, the attempt
 * claims the moment (it sets that wait already), so clients racing at the
 * moment a wait ends get one attempt between them, not one each.
 */
export async function claimAttempt(
  db: Executor,
  keys: ThrottleKey[],
  now: Date = new Date(),
): Promise<{ allowed: true; claim: Claim } | { allowed: false; kind: ThrottleKind; retryAfterSeconds: number }> {
  const stored = keys.map(keyOf);
  const rows = await db.select().from(signInThrottles).where(inArray(signInThrottles.key, stored));
  const byKey = new Map(rows.map((row) => [row.key, row]));
  const claimed = new Map<string, Date>();
  for (const [i, key] of keys.entries()) {
    const row = byKey.get(stored[i]);
    if (!row || row.lastFailureAt.getTime() <= now.getTime() - FORGET_AFTER_MS) continue;
    if (row.retryAt.getTime() > now.getTime()) return refused(key.kind, row.retryAt, now);
    const wait = delayAfter(key.kind, row.failures + 1);
    if (wait === 0) continue;
    const until = new Date(now.getTime() + wait * 1000);
    const [won] = await db
      .update(signInThrottles)
      .set({ retryAt: until })
      .where(
        and(eq(signInThrottles.key, stored[i]), sql`${signInThrottles.retryAt} <= ${now.toISOString()}::timestamptz`),
      )
      .returning({ key: signInThrottles.key });
    if (!won) {
      // Another attempt claimed this moment first.
      const [current] = await db.select().from(signInThrottles).where(eq(signInThrottles.key, stored[i]));
      await releaseClaims(db, claimed, now);
      return refused(key.kind, current?.retryAt ?? until, now);
    }
    claimed.set(stored[i], until);
  }
  return { allowed: true, claim: { keys, claimed } };
}

function refused(kind: ThrottleKind, retryAt: Date, now: Date) {
  const seconds = Math.ceil((retryAt.getTime() - now.getTime()) / 1000);
  return { allowed: false as const, kind, retryAfterSeconds: Math.min(MAX_DELAY_SECONDS, Math.max(1, seconds)) };
}

/** Undoes the waits an attempt set for itself, where nothing changed them since. */
async function releaseClaims(db: Executor, claimed: Map<string, Date>, now: Date): Promise<void> {
  for (const [key, until] of claimed) {
    await db
      .update(signInThrottles)
      .set({ retryAt: now })
      .where(and(eq(signInThrottles.key, key), eq(signInThrottles.retryAt, until)));
  }
}

/**
 * Counts a failed attempt under each of its keys (at `now`, UTC): one more
 * failure in a row (the first again when the last was a day ago), and the
 * wait that follows, from `delayAfter`.
 */
export async function recordFailure(db: Executor, claim: Claim, now: Date = new Date()): Promise<void> {
  const forgetBefore = new Date(now.getTime() - FORGET_AFTER_MS).toISOString();
  for (const key of claim.keys) {
    const stored = keyOf(key);
    const [row] = await db
      .insert(signInThrottles)
      .values({ key: stored, failures: 1, lastFailureAt: now, retryAt: now })
      .onConflictDoUpdate({
        target: signInThrottles.key,
        set: {
          failures: sql`case when ${signInThrottles.lastFailureAt} <= ${forgetBefore}::timestamptz then 1 else ${signInThrottles.failures} + 1 end`,
          lastFailureAt: now,
        },
      })
      .returning({ failures: signInThrottles.failures });
    const retryAt = new Date(now.getTime() + delayAfter(key.kind, row.failures) * 1000);
    // Never shortens a wait a concurrent failure set.
    await db
      .update(signInThrottles)
      .set({ retryAt: sql`greatest(${signInThrottles.retryAt}, ${retryAt.toISOString()}::timestamptz)` })
      .where(eq(signInThrottles.key, stored));
  }
}

/**
 * A successful attempt: the account's and the device's failures are
 * cleared (whoever failed, the password is known to this client), and the
 * address's wait this attempt claimed is undone; the address's failures
 * stay counted (one good account must not wash a client's guesses away).
 */
export async function recordSuccess(db: Executor, claim: Claim, now: Date = new Date()): Promise<void> {
  const cleared = claim.keys.filter((key) => key.kind !== "address").map(keyOf);
  if (cleared.length > 0) await db.delete(signInThrottles).where(inArray(signInThrottles.key, cleared));
  const address = claim.keys.filter((key) => key.kind === "address").map(keyOf);
  await releaseClaims(db, new Map([...claim.claimed].filter(([key]) => address.includes(key))), now);
}
