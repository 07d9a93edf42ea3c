import { sql } from "drizzle-orm";
import {
  check,
  index,
  integer,
  pgTable,
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
    /** guest | anonymous | author (members arrive with accounts). */
    authorKind: text("author_kind", { enum: ["guest", "anonymous", "author"] }).notNull(),
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
