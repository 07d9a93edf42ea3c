import { and, asc, eq, lte, sql } from "drizzle-orm";
import type { Database, Executor } from "../../db/client";
import { outbox } from "../../db/schema";
import type { MailMessage, Mailer } from "./mailer.server";

/**
 * The email outbox (docs/architecture.md: sending never blocks or fails a comment). Email
 * is queued as a row, in the same transaction as whatever caused it, and a
 * worker delivers due rows, retrying with exponential back-off and recording
 * every failure. Delivery is at-least-once: a process that dies between
 * handing a message to the server and marking it sent sends it again after
 * the claim's lease runs out.
 */

/** Attempts before a message is marked `failed` for good. */
export const MAX_ATTEMPTS = 8;
/** First retry delay; doubled after each further failure (1, 2, 4, 8, 16, 32 minutes…). */
const FIRST_RETRY_MS = 60_000;
/** Longest delay between two attempts. */
const MAX_RETRY_MS = 60 * 60_000;
/**
 * How long a claimed message is hidden from other workers while one sends
 * it. Far longer than a send can take (the SMTP timeouts plus the send
 * deadline below), so a message is never sent twice by two live workers.
 */
const CLAIM_LEASE_MS = 15 * 60_000;
/** A send still pending after this is given up as failed (and retried). */
const SEND_DEADLINE_MS = 5 * 60_000;
/** Longest `last_error` kept. */
const ERROR_MAX_CHARS = 1000;

/**
 * Queues one email, due at `now`. Pass the caller's transaction (`tx`) to
 * queue it atomically with the change that caused it: if that transaction
 * rolls back, the email was never queued. Headers are kept as a JSON object.
 *
 * @param now when it becomes due (UTC); default the current time.
 * @returns the outbox row's id. Throws TypeError for an empty `to` or
 *   `subject`; otherwise only for database failures.
 */
export async function enqueueEmail(
  db: Executor,
  message: MailMessage,
  now: Date = new Date(),
): Promise<{ id: number }> {
  if (!message.to?.trim()) throw new TypeError("enqueueEmail: `to` is empty");
  if (!message.subject?.trim()) throw new TypeError("enqueueEmail: `subject` is empty");
  const headers = message.headers && Object.keys(message.headers).length > 0 ? JSON.stringify(message.headers) : null;
  const [row] = await db
    .insert(outbox)
    .values({
      to: message.to.trim(),
      subject: message.subject,
      text: message.text,
      headers,
      status: "queued",
      attempts: 0,
      nextAttemptAt: now,
      createdAt: now,
    })
    .returning({ id: outbox.id });
  return row;
}

/** The delay before the next attempt after `attempts` failed ones (≥ 1): 1 min · 2^(attempts−1), at most 1 h. */
export function retryDelayMs(attempts: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), MAX_RETRY_MS);
}

/**
 * Whether an error from the mailer is a permanent refusal: an SMTP 5yz reply
 * (RFC 5321 §4.2.1, "permanent negative completion"), except 503 (bad
 * sequence of commands), which says more about the session than the message.
 * Such a message is marked failed at once instead of being retried.
 */
export function isPermanentFailure(error: unknown): boolean {
  const code = (error as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === "number" && code >= 500 && code <= 599 && code !== 503;
}

export interface DeliveryReport {
  /** Messages handed to the mailer successfully. */
  sent: number;
  /** Messages marked `failed` for good in this run (attempts used up, or a permanent refusal). */
  failed: number;
  /** Messages that failed this time and were rescheduled. */
  retried: number;
}

/**
 * Sends every due message (`status = 'queued'` and `next_attempt_at <= now`),
 * oldest due first, at most `batch` of them. Each message is claimed on its
 * own with one atomic `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)
 * RETURNING`, which counts the attempt and pushes `next_attempt_at` past a
 * lease, so concurrent workers (in this process or others) never pick the
 * same message. Then:
 * - sent: `status = 'sent'`, `sent_at` = the time of sending, `last_error` cleared;
 * - failed: `last_error` recorded; after MAX_ATTEMPTS attempts, or on a
 *   permanent SMTP refusal, `status = 'failed'`; otherwise retried after
 *   `retryDelayMs(attempts)` (1 min, 2, 4 … capped at 1 h).
 * `attempts` counts attempts made, so a message sent first time has 1.
 *
 * @param options.now the run's clock (UTC); default the current time at each step.
 * @param options.batch most messages to try in this run (default 20).
 * @returns what happened. Rejects only for database failures (the mailer's
 *   errors are recorded on their rows).
 */
export async function deliverDueEmails(
  db: Database,
  mailer: Mailer,
  options: { now?: Date; batch?: number } = {},
): Promise<DeliveryReport> {
  const clock = () => options.now ?? new Date();
  const batch = Math.max(1, Math.floor(options.batch ?? 20));
  const report: DeliveryReport = { sent: 0, failed: 0, retried: 0 };
  for (let i = 0; i < batch; i++) {
    const message = await claimNext(db, clock());
    if (!message) break;
    try {
      await withDeadline(
        mailer.send({
          to: message.to,
          subject: message.subject,
          text: message.text,
          headers: parseHeaders(message.headers),
        }),
        SEND_DEADLINE_MS,
      );
    } catch (error) {
      const at = clock();
      const giveUp = message.attempts >= MAX_ATTEMPTS || isPermanentFailure(error);
      await db
        .update(outbox)
        .set({
          status: giveUp ? "failed" : "queued",
          lastError: describeError(error),
          nextAttemptAt: giveUp ? at : new Date(at.getTime() + retryDelayMs(message.attempts)),
        })
        .where(eq(outbox.id, message.id));
      if (giveUp) report.failed++;
      else report.retried++;
      continue;
    }
    await db.update(outbox).set({ status: "sent", sentAt: clock(), lastError: null }).where(eq(outbox.id, message.id));
    report.sent++;
  }
  return report;
}

/**
 * Claims the next due message (see deliverDueEmails), or null when none is
 * due: in one transaction, the oldest due row is locked (`FOR UPDATE SKIP
 * LOCKED`, so concurrent workers take different rows), then its attempt is
 * counted and its lease set by id. Two statements rather than one
 * `UPDATE … WHERE id IN (SELECT … LIMIT 1 FOR UPDATE SKIP LOCKED)`: the
 * planner may run such a subquery more than once, claiming several rows of
 * which only the first was sent (the others waited out their lease).
 */
async function claimNext(db: Database, now: Date) {
  return db.transaction(async (tx) => {
    const [due] = await tx
      .select({ id: outbox.id })
      .from(outbox)
      .where(and(eq(outbox.status, "queued"), lte(outbox.nextAttemptAt, now)))
      .orderBy(asc(outbox.nextAttemptAt), asc(outbox.id))
      .limit(1)
      .for("update", { skipLocked: true });
    if (!due) return null;
    const [row] = await tx
      .update(outbox)
      .set({ attempts: sql`${outbox.attempts} + 1`, nextAttemptAt: new Date(now.getTime() + CLAIM_LEASE_MS) })
      .where(eq(outbox.id, due.id))
      .returning({
        id: outbox.id,
        to: outbox.to,
        subject: outbox.subject,
        text: outbox.text,
        headers: outbox.headers,
        attempts: outbox.attempts,
      });
    return row ?? null;
  });
}

function parseHeaders(stored: string | null): Record<string, string> | undefined {
  if (!stored) return undefined;
  try {
    const value = JSON.parse(stored) as unknown;
    if (!value || typeof value !== "object" || Array.isArray(value)) return undefined;
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).filter(
        (entry): entry is [string, string] => typeof entry[1] === "string",
      ),
    );
  } catch {
    return undefined;
  }
}

/** One line for `last_error`: the message, with nodemailer's code and the SMTP reply when present. */
function describeError(error: unknown): string {
  const e = error as { message?: unknown; code?: unknown; responseCode?: unknown } | null;
  const parts = [
    typeof e?.code === "string" ? e.code : null,
    typeof e?.responseCode === "number" ? String(e.responseCode) : null,
    typeof e?.message === "string" ? e.message : String(error),
  ].filter(Boolean);
  const line = parts.join(" ").replace(/\s+/g, " ").trim() || "unknown error";
  return line.length > ERROR_MAX_CHARS ? `${line.slice(0, ERROR_MAX_CHARS - 1)}…` : line;
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the mailer did not answer within ${ms / 1000} s`)), ms);
    timer.unref?.();
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Runs `deliverDueEmails` now and then every `intervalMs` milliseconds until
 * the returned function is called. Never throws and never overlaps itself:
 * a run still going when the next tick comes is left to finish. Errors are
 * logged (console.error), as are messages that failed or will be retried.
 * The timer is unref'd, so it never keeps a process alive on its own.
 *
 * @returns stop(): clears the timer; its promise settles once a run in
 *   progress has finished.
 */
export function startOutboxWorker(
  db: Database,
  mailer: Mailer,
  intervalMs: number,
  options: { batch?: number; log?: (line: string) => void; logError?: (line: string) => void } = {},
): () => Promise<void> {
  const log = options.log ?? ((line: string) => console.log(line));
  const logError = options.logError ?? ((line: string) => console.error(line));
  let running: Promise<void> | null = null;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    running = (async () => {
      try {
        const report = await deliverDueEmails(db, mailer, { batch: options.batch });
        if (report.failed || report.retried) {
          log(
            `Outbox: ${report.sent} sent, ${report.retried} to retry, ${report.failed} failed (see outbox.last_error)`,
          );
        }
      } catch (error) {
        logError(`Outbox worker: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        running = null;
      }
    })();
  };
  const timer = setInterval(tick, Math.max(10, intervalMs));
  timer.unref();
  const first = setTimeout(tick, 0);
  first.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    clearTimeout(first);
    await running;
  };
}
