import { eq, inArray, type SQL, sql } from "drizzle-orm";
import { type Executor, queryRows } from "../../db/client";
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

/** The kinds of key, with the failures allowed before any wait (a failed attempt counts when it is let through, see `claimAttempt`). */
export const THROTTLED_KEYS = { address: 30, account: 5, device: 5 } as const;
export type ThrottleKind = keyof typeof THROTTLED_KEYS;

/** The first wait, in seconds; each further failure doubles it. */
const FIRST_DELAY_SECONDS = 15;
/** The longest wait, in seconds. */
export const MAX_DELAY_SECONDS = 15 * 60;
/** Failures are forgotten this long (ms) after the last one. */
const FORGET_AFTER_MS = 24 * 60 * 60 * 1000;

/** One key an attempt is counted under. */
export interface ThrottleKey {
  kind: ThrottleKind;
  /** What is counted: the client address, the email typed, or the device id; stored as a digest. */
  value: string;
}

function keyOf(key: ThrottleKey): string {
  return `${key.kind}:${digest(key.kind === "account" ? key.value.trim().toLowerCase() : key.value)}`;
}

/** An attempt allowed to go ahead: settle it with `recordFailure` or `recordSuccess`. */
export interface Claim {
  keys: ThrottleKey[];
  /** The retry time this attempt set on each stored key, to undo on success. */
  claimed: Map<string, Date>;
}

/**
 * The wait after `failures` (an SQL expression) failures in a row under a
 * key of `kind`, as an SQL interval: none until the free failures are used
 * up, then 15 s, doubling (30 s, 1 min, 2 min, 4 min, 8 min) up to 15 minutes.
 */
function delaySql(kind: ThrottleKind, failures: SQL): SQL {
  const free = THROTTLED_KEYS[kind];
  return sql`(case when ${failures} < ${free} then 0
    else least(${MAX_DELAY_SECONDS}, ${FIRST_DELAY_SECONDS} * power(2, least(${failures} - ${free}, 30))) end) * interval '1 second'`;
}

/**
 * Whether an attempt under `keys` may check its password now (at `now`,
 * UTC). Refused: the kind of key that holds it and the whole seconds to wait
 * (at least 1), and nothing is counted. Allowed: the attempt is counted as a
 * failure under every key at once, with the wait that follows, before its
 * password is checked, so attempts sent side by side are counted one by one
 * (no burst gets more than the free failures); a success undoes it
 * (`recordSuccess`).
 */
export async function claimAttempt(
  db: Executor,
  keys: ThrottleKey[],
  now: Date = new Date(),
): Promise<{ allowed: true; claim: Claim } | { allowed: false; kind: ThrottleKind; retryAfterSeconds: number }> {
  const at = sql`${now.toISOString()}::timestamptz`;
  const forgetBefore = sql`${new Date(now.getTime() - FORGET_AFTER_MS).toISOString()}::timestamptz`;
  const claimed = new Map<string, Date>();
  for (const key of keys) {
    const stored = keyOf(key);
    const current = sql`sign_in_throttles`;
    const next = sql`(case when ${current}.last_failure_at <= ${forgetBefore} then 1 else ${current}.failures + 1 end)`;
    const rows = await queryRows<{ retryAt: string | Date }>(
      db,
      sql`
        insert into sign_in_throttles (key, failures, last_failure_at, retry_at)
        values (${stored}, 1, ${at}, ${at} + ${delaySql(key.kind, sql`1`)})
        on conflict (key) do update set
          failures = ${next},
          last_failure_at = ${at},
          retry_at = ${at} + ${delaySql(key.kind, next)}
        where ${current}.retry_at <= ${at} or ${current}.last_failure_at <= ${forgetBefore}
        returning retry_at as "retryAt"
      `,
    );
    if (rows.length === 0) {
      // Waiting: say until when, and undo what this attempt counted under its other keys.
      const [row] = await db.select().from(signInThrottles).where(eq(signInThrottles.key, stored));
      await undoClaims(db, claimed, now);
      return refused(key.kind, row?.retryAt ?? now, now);
    }
    claimed.set(stored, new Date(rows[0].retryAt));
  }
  return { allowed: true, claim: { keys, claimed } };
}

function refused(kind: ThrottleKind, retryAt: Date, now: Date) {
  const seconds = Math.ceil((retryAt.getTime() - now.getTime()) / 1000);
  return { allowed: false as const, kind, retryAfterSeconds: Math.min(MAX_DELAY_SECONDS, Math.max(1, seconds)) };
}

/**
 * Takes back what an attempt counted: one failure fewer under each key, and
 * no wait from it where nothing changed the wait since (the attempt was
 * allowed, so no earlier wait was running).
 */
async function undoClaims(db: Executor, claimed: Map<string, Date>, now: Date): Promise<void> {
  for (const [key, until] of claimed) {
    await db
      .update(signInThrottles)
      .set({
        failures: sql`greatest(${signInThrottles.failures} - 1, 0)`,
        retryAt: sql`case when ${signInThrottles.retryAt} = ${until.toISOString()}::timestamptz then ${now.toISOString()}::timestamptz else ${signInThrottles.retryAt} end`,
      })
      .where(eq(signInThrottles.key, key));
  }
}

/**
 * A successful attempt: the account's and the device's failures are
 * cleared (whoever failed, the password is known to this client), and what
 * the attempt counted under the client address is taken back; the address's
 * earlier failures stay counted (one good account must not wash a client's
 * guesses away).
 */
export async function recordSuccess(db: Executor, claim: Claim, now: Date = new Date()): Promise<void> {
  const cleared = claim.keys.filter((key) => key.kind !== "address").map(keyOf);
  if (cleared.length > 0) await db.delete(signInThrottles).where(inArray(signInThrottles.key, cleared));
  const address = claim.keys.filter((key) => key.kind === "address").map(keyOf);
  await undoClaims(db, new Map([...claim.claimed].filter(([key]) => address.includes(key))), now);
}
