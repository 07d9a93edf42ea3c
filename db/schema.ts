import { sql } from "drizzle-orm";
import {
  check,
  index,
  integer,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

/**
 * The one drizzle schema (pg-core) used by both drivers: PGlite (embedded,
 * PostgreSQL 18) and postgres.js against a PostgreSQL server (15 in CI).
 * Posts are Keystatic files, so comments refer to a post by its slug (docs/architecture.md §2).
 * Every timestamp is `timestamptz` and is written and read as UTC.
 */

/**
 * An account (docs/architecture.md §1): members comment under a stable name; coaches also
 * write posts (linked to a Keystatic author entry by email) and moderate;
 * admins run the site. Emails are stored lower-cased and never displayed.
 */
export const users = pgTable("users", {
  id: text("id").primaryKey(),
  email: text("email").notNull().unique(),
  displayName: text("display_name").notNull(),
  /** scrypt hash in PHC-like form; see app/auth/password.server.ts. */
  passwordHash: text("password_hash").notNull(),
  role: text("role", { enum: ["member", "coach", "admin"] })
    .notNull()
    .default("member"),
  /**
   * When the account's current email address was shown to be theirs (a link
   * sent to it was followed); null until then. The default counts accounts
   * made before verification existed, and by `npm run user:create`, as
   * verified; sign-up stores null and sends a verification link
   * (app/auth/email-verification.server.ts). A changed email is null again.
   */
  emailVerifiedAt: timestamp("email_verified_at", { withTimezone: true, mode: "date" }).defaultNow(),
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
});

/**
 * Single-use links sent by email (docs/decisions/0050-email-links.md): a
 * password reset, an email verification, a sign-in link. Only the SHA-256 of
 * the link's random part is stored; a row is spent by setting `used_at`.
 * `email` is the address the link went to: a link for an address the
 * account no longer has does not work.
 */
export const accountTokens = pgTable(
  "account_tokens",
  {
    /** SHA-256 (hex) of the random part of the link. */
    tokenHash: text("token_hash").primaryKey(),
    purpose: text("purpose", { enum: ["password-reset", "email-verification", "sign-in"] }).notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [index("account_tokens_user").on(t.userId, t.purpose)],
);

/** lucia v3 sessions (its drizzle adapter's shape). */
export const sessions = pgTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [index("sessions_user").on(t.userId)],
);

/**
 * Fixed-window counters for rate limits (sign-in, sign-up): one row per key
 * ("signin:ip:203.0.113.9", "signin:account:ada@example.org") and window.
 */
export const rateLimits = pgTable(
  "rate_limits",
  {
    key: text("key").notNull(),
    windowStart: timestamp("window_start", { withTimezone: true, mode: "date" }).notNull(),
    hits: integer("hits").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.key, t.windowStart] })],
);

/**
 * Sign-in throttling (docs/decisions/0055-sign-in-throttling-and-guest-trust.md):
 * per key (`ip:<address>`, `account:<digest of the email typed>`,
 * `device:<digest of a browser's device id>`), the failed attempts in a row
 * and when the next attempt is allowed. A success clears the account's and
 * the device's rows; failures are forgotten a day after the last.
 */
export const signInThrottles = pgTable("sign_in_throttles", {
  key: text("key").primaryKey(),
  failures: integer("failures").notNull().default(0),
  lastFailureAt: timestamp("last_failure_at", { withTimezone: true, mode: "date" }).notNull(),
  retryAt: timestamp("retry_at", { withTimezone: true, mode: "date" }).notNull(),
});

/**
 * A comment kept while its writer signs in again (their session expired as
 * they wrote): found by an unguessable id, used once, expires after a day,
 * and read only by the account that wrote it (`user_id`, from the signed
 * member field of the form; null, and so never readable, for a form without it).
 */
export const commentDrafts = pgTable("comment_drafts", {
  id: text("id").primaryKey(),
  userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
  postSlug: text("post_slug").notNull(),
  parentId: integer("parent_id"),
  body: text("body").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
});

/**
 * What one person sent through the comment form: the normalized Markdown,
 * exactly as submitted. A submission longer than the site's limit is shown as
 * several comments (its parts), created together in one transaction (docs/architecture.md §4).
 */
export const commentSubmissions = pgTable(
  "comment_submissions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    postSlug: text("post_slug").notNull(),
    /** The whole submission, after line-ending and NFC normalization. */
    body: text("body").notNull(),
    partCount: integer("part_count").notNull(),
    /**
     * The one-time key the form carried: a resubmitted or replayed form
     * finds its earlier submission instead of creating another.
     */
    idempotencyKey: text("idempotency_key").unique(),
    /** SHA-256 of the guest's signed browser token: lets a guest see and edit their own comment. */
    guestTokenHash: text("guest_token_hash"),
    /** Why moderation held it ("first comment", "4 links"), or null. */
    heldReason: text("held_reason"),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    editedAt: timestamp("edited_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [check("comment_submissions_part_count_positive", sql`${t.partCount} >= 1`)],
);

/** Earlier versions of an edited submission, kept for moderators. */
export const commentRevisions = pgTable(
  "comment_revisions",
  {
    id: serial("id").primaryKey(),
    submissionId: uuid("submission_id")
      .notNull()
      .references(() => commentSubmissions.id, { onDelete: "cascade" }),
    body: text("body").notNull(),
    /** When this version was replaced. */
    replacedAt: timestamp("replaced_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [index("comment_revisions_submission").on(t.submissionId, t.replacedAt)],
);

/** A reader's report of a comment, shown in the moderation queue until resolved. */
export const commentReports = pgTable(
  "comment_reports",
  {
    id: serial("id").primaryKey(),
    commentId: integer("comment_id")
      .notNull()
      .references((): any => comments.id, { onDelete: "cascade" }),
    reason: text("reason").notNull(),
    reporterUserId: text("reporter_user_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    resolvedAt: timestamp("resolved_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [index("comment_reports_open").on(t.resolvedAt, t.createdAt)],
);

/**
 * Guests whose first comment a moderator approved: their later comments go
 * straight through. Keyed by "email:<sha256 of the address>" or
 * "token:<sha256 of the guest's signed browser token>".
 */
export const trustedGuests = pgTable("trusted_guests", {
  key: text("key").primaryKey(),
  approvedAt: timestamp("approved_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
});

/**
 * Who wants email about what: replies to one submission ("replies"), or
 * every new comment on a post ("post", members only). `token` is the
 * unguessable id in the one-click unsubscribe link.
 */
export const subscriptions = pgTable(
  "subscriptions",
  {
    id: serial("id").primaryKey(),
    kind: text("kind", { enum: ["replies", "post"] }).notNull(),
    submissionId: uuid("submission_id").references(() => commentSubmissions.id, { onDelete: "cascade" }),
    postSlug: text("post_slug").notNull(),
    email: text("email").notNull(),
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    token: text("token").notNull().unique(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    unsubscribedAt: timestamp("unsubscribed_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [index("subscriptions_submission").on(t.submissionId), index("subscriptions_post").on(t.postSlug, t.kind)],
);

/**
 * Email waiting to go out (docs/architecture.md: sending never blocks or fails a comment):
 * queued in the same transaction as what caused it, sent by a worker,
 * retried with back-off, failures recorded.
 */
export const outbox = pgTable(
  "outbox",
  {
    id: serial("id").primaryKey(),
    to: text("to").notNull(),
    subject: text("subject").notNull(),
    text: text("text").notNull(),
    /** Extra headers, e.g. List-Unsubscribe (RFC 2369, RFC 8058). */
    headers: text("headers"),
    status: text("status", { enum: ["queued", "sent", "failed"] })
      .notNull()
      .default("queued"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    sentAt: timestamp("sent_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [index("outbox_due").on(t.status, t.nextAttemptAt)],
);

/**
 * A comment as shown in a thread. `position` is its ordinal among its siblings
 * (1-based, never reused), from which the visible number (9, 9.1, 9.2.1) is
 * derived; numbers never change once shown (docs/architecture.md §3). A removed comment
 * stays as a tombstone (`status = 'removed'`) so its number and replies remain.
 */
export const comments = pgTable(
  "comments",
  {
    id: serial("id").primaryKey(),
    postSlug: text("post_slug").notNull(),
    parentId: integer("parent_id").references((): any => comments.id, { onDelete: "restrict" }),
    /** Ordinal among published siblings; null until published (held, spam). */
    position: integer("position"),
    /** guest | anonymous | member | author (a coach on their own post). */
    authorKind: text("author_kind", { enum: ["guest", "anonymous", "member", "author"] }).notNull(),
    /** The account that wrote it; null for guests and once the account is deleted. */
    userId: text("user_id").references(() => users.id, { onDelete: "set null" }),
    displayName: text("display_name").notNull(),
    website: text("website"),
    /** Never displayed; kept for the post's author and, later, notifications. */
    email: text("email"),
    /** The Markdown of this part, as displayed (may carry reopened code fences). */
    body: text("body").notNull(),
    /** published | pending (held for moderation) | spam | removed (a tombstone). */
    status: text("status", { enum: ["published", "pending", "spam", "removed"] })
      .notNull()
      .default("published"),
    submissionId: uuid("submission_id")
      .notNull()
      .references(() => commentSubmissions.id, { onDelete: "restrict" }),
    /** 1-based index of this part within its submission. */
    partIndex: integer("part_index").notNull().default(1),
    partCount: integer("part_count").notNull().default(1),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    removedAt: timestamp("removed_at", { withTimezone: true, mode: "date" }),
    /** When its writer last edited it (the "edited" label); null if never. */
    editedAt: timestamp("edited_at", { withTimezone: true, mode: "date" }),
    /**
     * The licence the comment form stated when it was submitted (a catalogue
     * id, docs/architecture.md §5); edits keep it. Null for comments stored before
     * licences were recorded: the site's current comment licence is shown.
     */
    license: text("license"),
  },
  (t) => [
    // Two published siblings never share a number, even under concurrent
    // posting; held comments have no position yet.
    uniqueIndex("comments_sibling_position")
      .on(t.postSlug, sql`coalesce(${t.parentId}, 0)`, t.position)
      .where(sql`${t.position} is not null`),
    index("comments_post_order").on(t.postSlug, t.createdAt, t.id),
    index("comments_parent").on(t.parentId),
    index("comments_submission").on(t.submissionId, t.partIndex),
    index("comments_user").on(t.userId, t.createdAt),
    index("comments_post_status_parent").on(t.postSlug, t.status, t.parentId, t.position),
    // Chosen from EXPLAIN on PostgreSQL 15 with a 10,000-comment thread
    // (scripts/explain.ts): the page count and the moderation lists.
    index("comments_top_level_position").on(t.postSlug, t.position).where(sql`${t.parentId} is null`),
    index("comments_moderation").on(t.status, t.createdAt, t.id).where(sql`${t.status} <> 'published'`),
    check("comments_position_positive", sql`${t.position} >= 1`),
    check("comments_published_has_position", sql`${t.status} <> 'published' or ${t.position} is not null`),
    check("comments_part_index_in_range", sql`${t.partIndex} >= 1 and ${t.partIndex} <= ${t.partCount}`),
    check("comments_removed_has_time", sql`(${t.status} = 'removed') = (${t.removedAt} is not null)`),
  ],
);

export type Comment = typeof comments.$inferSelect;
export type NewComment = typeof comments.$inferInsert;
export type CommentSubmission = typeof commentSubmissions.$inferSelect;
export type User = typeof users.$inferSelect;
export type Role = User["role"];

/**
 * What an import brought in from another platform's export (Blogger, WordPress,
 * Disqus): one row per source item, keyed by the export's format and its own
 * id, so importing the same file again, or a newer export of the same blog,
 * recognises what is already here and adds only what is new
 * (app/import/apply.server.ts). A post maps to its Staffroom slug; a comment
 * to its submission and its first part (hand-split comments joined into one
 * submission each map to it).
 */
export const importSources = pgTable(
  "import_sources",
  {
    format: text("format").notNull(),
    kind: text("kind", { enum: ["post", "comment"] }).notNull(),
    sourceId: text("source_id").notNull(),
    postSlug: text("post_slug").notNull(),
    submissionId: uuid("submission_id").references(() => commentSubmissions.id, { onDelete: "set null" }),
    commentId: integer("comment_id").references((): any => comments.id, { onDelete: "set null" }),
    importedAt: timestamp("imported_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.format, t.kind, t.sourceId] }),
    // A post's imported comments, read once per thread by each import: without it, each read scans every import.
    index("import_sources_post").on(t.format, t.kind, t.postSlug),
  ],
);

/**
 * Old addresses that keep working after an import: a site-relative path on
 * the old site (with the one query key that names a thing, e.g.
 * "/2013/06/slug.html?showComment=1371234567890" or "/?p=42"), answered with
 * a 301 to `target` (a Staffroom post or comment permalink).
 */
export const redirects = pgTable("redirects", {
  oldPath: text("old_path").primaryKey(),
  target: text("target").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
});

/**
 * An import run (app/import/apply.server.ts) and what it has finished, so an
 * interrupted run (killed, crashed, stopped by an error) continues where it
 * stopped when the same file is imported again. `fileKey` is the SHA-256 of
 * the export (hex); `options` the JSON of the options that decide what is
 * written (author, licence, joins, pages, Disqus map), which a resumed run
 * must repeat; `blog` the JSON of what the file said about its blog. A run
 * is unfinished while `finishedAt` is null; its items are deleted when it
 * finishes.
 */
export const importRuns = pgTable("import_runs", {
  id: serial("id").primaryKey(),
  fileKey: text("file_key").notNull(),
  fileName: text("file_name").notNull(),
  options: text("options").notNull(),
  blog: text("blog").notNull(),
  totalPosts: integer("total_posts").notNull(),
  totalComments: integer("total_comments").notNull(),
  startedAt: timestamp("started_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  finishedAt: timestamp("finished_at", { withTimezone: true, mode: "date" }),
});

/**
 * The items of an unfinished import run, in file order (`seq`), as the
 * parser handed them on (`data`: JSON of app/import/model.ts's shapes): the
 * file is read once, and a resumed run reads these instead. A post (or a
 * `thread`: the comments of a post imported before) is one unit: `plan` is
 * what the run decided for it (JSON: its slug, or why it is skipped), and
 * `state` says how far it got: `staged`, `committed` (its database part,
 * post and thread, committed; its file not yet written) or `done`.
 */
export const importRunItems = pgTable(
  "import_run_items",
  {
    runId: integer("run_id")
      .notNull()
      .references(() => importRuns.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    kind: text("kind", { enum: ["post", "comment", "attachment", "thread"] }).notNull(),
    sourceId: text("source_id").notNull(),
    postSourceId: text("post_source_id"),
    data: text("data").notNull(),
    plan: text("plan"),
    state: text("state", { enum: ["staged", "committed", "done"] })
      .notNull()
      .default("staged"),
  },
  (t) => [
    primaryKey({ columns: [t.runId, t.seq] }),
    index("import_run_items_post").on(t.runId, t.kind, t.postSourceId, t.seq),
    index("import_run_items_source").on(t.runId, t.kind, t.sourceId),
  ],
);
