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
  unique,
  uuid,
} from "drizzle-orm/pg-core";

/**
 * The one drizzle schema (pg-core) used by both drivers: PGlite (embedded,
 * PostgreSQL 18) and postgres.js against a PostgreSQL server (15 in CI).
 * Posts are Keystatic files, so comments refer to a post by its slug (DESIGN §2).
 * Every timestamp is `timestamptz` and is written and read as UTC.
 */

/**
 * An account (DESIGN §1): members comment under a stable name; coaches also
 * write posts (linked to a Keystatic author entry by email) and moderate;
 * admins run the site. Emails are stored lower-cased and never displayed.
 */
export const users = pgTable("users", {
  id: text("id").primaryKey(),
  email: text("email").notNull().unique(),
  displayName: text("display_name").notNull(),
  /** scrypt hash in PHC-like form; see app/auth/password.server.ts. */
  passwordHash: text("password_hash").notNull(),
  role: text("role", { enum: ["member", "coach", "admin"] }).notNull().default("member"),
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
});

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
 * A comment kept while its writer signs in again (their session expired as
 * they wrote): found by an unguessable id, used once, expires after a day.
 */
export const commentDrafts = pgTable("comment_drafts", {
  id: text("id").primaryKey(),
  postSlug: text("post_slug").notNull(),
  parentId: integer("parent_id"),
  body: text("body").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
});

/**
 * What one person sent through the comment form: the normalized Markdown,
 * exactly as submitted. A submission longer than the site's limit is shown as
 * several comments (its parts), created together in one transaction (DESIGN §4).
 */
export const commentSubmissions = pgTable(
  "comment_submissions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    postSlug: text("post_slug").notNull(),
    /** The whole submission, after line-ending and NFC normalization. */
    body: text("body").notNull(),
    partCount: integer("part_count").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [check("comment_submissions_part_count_positive", sql`${t.partCount} >= 1`)],
);

/**
 * A comment as shown in a thread. `position` is its ordinal among its siblings
 * (1-based, never reused), from which the visible number (9, 9.1, 9.2.1) is
 * derived; numbers never change once shown (DESIGN §3). A removed comment
 * stays as a tombstone (`status = 'removed'`) so its number and replies remain.
 */
export const comments = pgTable(
  "comments",
  {
    id: serial("id").primaryKey(),
    postSlug: text("post_slug").notNull(),
    parentId: integer("parent_id").references((): any => comments.id, { onDelete: "restrict" }),
    position: integer("position").notNull(),
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
    /** published | removed (moderation adds pending and spam later). */
    status: text("status", { enum: ["published", "removed"] }).notNull().default("published"),
    submissionId: uuid("submission_id")
      .notNull()
      .references(() => commentSubmissions.id, { onDelete: "restrict" }),
    /** 1-based index of this part within its submission. */
    partIndex: integer("part_index").notNull().default(1),
    partCount: integer("part_count").notNull().default(1),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    removedAt: timestamp("removed_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [
    // Two siblings never share a number, even under concurrent posting.
    unique("comments_sibling_position").on(t.postSlug, t.parentId, t.position).nullsNotDistinct(),
    index("comments_post_order").on(t.postSlug, t.createdAt, t.id),
    index("comments_parent").on(t.parentId),
    index("comments_submission").on(t.submissionId, t.partIndex),
    index("comments_user").on(t.userId, t.createdAt),
    check("comments_position_positive", sql`${t.position} >= 1`),
    check("comments_part_index_in_range", sql`${t.partIndex} >= 1 and ${t.partIndex} <= ${t.partCount}`),
    check(
      "comments_removed_has_time",
      sql`(${t.status} = 'removed') = (${t.removedAt} is not null)`,
    ),
  ],
);

export type Comment = typeof comments.$inferSelect;
export type NewComment = typeof comments.$inferInsert;
export type CommentSubmission = typeof commentSubmissions.$inferSelect;
export type User = typeof users.$inferSelect;
export type Role = User["role"];
