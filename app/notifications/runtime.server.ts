import path from "node:path";
import type { Database } from "../../db/client";
import { getEnv } from "../env.server";
import { createMailer, type Mailer } from "./mailer.server";
import { startOutboxWorker } from "./outbox.server";

/**
 * The process's mailer and outbox worker, configured from the environment
 * (README: SMTP_URL, MAIL_FROM, SITE_URL, DATA_DIR): SMTP when SMTP_URL is
 * set, otherwise `.eml` files in DATA_DIR/outbox. Created on first use and
 * kept on globalThis, as app/database.server.ts keeps the database, so the
 * dev server's module reloads neither start a second worker nor lose the
 * first. `boot()` (app/boot.server.ts) starts the worker.
 */

/** How often the worker looks for due email. */
const OUTBOX_INTERVAL_MS = 5_000;

interface MailRuntime {
  mailer?: Mailer;
  stopWorker?: () => Promise<void>;
}

const holder = globalThis as typeof globalThis & { __staffroomMail?: MailRuntime };

function runtime(): MailRuntime {
  holder.__staffroomMail ??= {};
  return holder.__staffroomMail;
}

/** The process-wide mailer (created on first call). Throws when the environment is invalid. */
function getMailer(): Mailer {
  const state = runtime();
  if (!state.mailer) {
    const env = getEnv();
    state.mailer = createMailer({
      smtpUrl: env.SMTP_URL,
      outboxDir: path.join(env.DATA_DIR, "outbox"),
      from: env.MAIL_FROM,
    });
  }
  return state.mailer;
}

/**
 * Starts the outbox worker for this process, once (later calls do nothing):
 * every 5 s it delivers due email from `db` (open and migrated) through
 * `getMailer()`. The worker's timer is unref'd, so it never keeps a process
 * (a script, a test) alive, and it logs rather than throws; this function
 * never throws either (a bad mail setting is logged and the worker is not
 * started).
 */
export function ensureOutboxWorker(db: Database): void {
  const state = runtime();
  if (state.stopWorker) return;
  try {
    state.stopWorker = startOutboxWorker(db, getMailer(), OUTBOX_INTERVAL_MS);
  } catch (error) {
    console.error(`The email outbox worker did not start: ${error instanceof Error ? error.message : String(error)}`);
  }
}
