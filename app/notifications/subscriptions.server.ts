import { randomBytes } from "node:crypto";
import { and, asc, eq, isNull, or, sql } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { comments, subscriptions, users } from "../../db/schema";
import { unsubscribePath } from "../discovery/paths";
import { enqueueEmail } from "./outbox.server";
import { isolated } from "../site/bidi";

/**
 * Who gets email about what (README: notifications), and the emails
 * themselves. Two kinds of subscription:
 * - "replies": one email per reply to one submission (guests who gave an
 *   email, and members), made when the comment is posted;
 * - "post": one email per new comment on a post (members only).
 * Every email carries its subscription's own one-click unsubscribe link,
 * `${siteUrl}/unsubscribe/<token>`, in the text and in the `List-Unsubscribe`
 * and `List-Unsubscribe-Post` headers (RFC 2369 §3.2, RFC 8058). Nothing
 * here sends: emails are queued in the outbox (outbox.server.ts) and every
 * function accepts the caller's transaction as `db`.
 */

export type SubscriptionKind = "replies" | "post";

/** Random bytes in an unsubscribe token: 192 bits, far beyond guessing. */
const TOKEN_BYTES = 24;
/** What a token looks like (base64url, RFC 4648 §5); anything else is not looked up. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{22,128}$/;
/** Longest quoted excerpt in an email, in characters. */
const EXCERPT_MAX = 600;
/** Longest writer name or post title put in a subject line. */
const NAME_MAX = 80;

/** A new unsubscribe token: crypto.randomBytes, base64url (no padding). */
function newSubscriptionToken(): string {
  return randomBytes(TOKEN_BYTES).toString("base64url");
}

/**
 * An email address as stored and compared: trimmed and lower-cased (the
 * accounts table stores addresses lower-cased too). Throws TypeError when it
 * is not one plain address (`local@domain`, no spaces, brackets or lists).
 */
function normalizeEmail(email: string): string {
  const value = (email ?? "").trim().toLowerCase();
  if (value.length > 254 || !/^[^\s@<>,;:"()[\]\\]+@[^\s@<>,;:"()[\]\\]+$/.test(value)) {
    throw new TypeError(`Not an email address: ${JSON.stringify(email)}`);
  }
  return value;
}

/** Serializes writers of one key inside the current transaction (pg advisory lock). */
async function lockFor(tx: Executor, key: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${key}))`);
}

export interface SubscriptionRef {
  id: number;
  token: string;
  /** False when it existed already (nothing was changed). */
  created: boolean;
}

/**
 * "Email me replies to my comment": subscribes `email` to replies to one
 * submission. Idempotent per submission and address: a second call returns
 * the first subscription unchanged, even one that was unsubscribed since
 * (a replayed form must not undo an unsubscribe).
 *
 * @param input.userId the member's account, or omitted/null for a guest.
 * @param now creation time (UTC); default now.
 * Throws TypeError for an invalid email; otherwise only database errors
 * (including an unknown submission id, by its foreign key).
 */
export async function subscribeToReplies(
  db: Executor,
  input: { submissionId: string; postSlug: string; email: string; userId?: string | null },
  now: Date = new Date(),
): Promise<SubscriptionRef> {
  const email = normalizeEmail(input.email);
  return db.transaction(async (tx) => {
    await lockFor(tx, `subscriptions:replies:${input.submissionId}:${email}`);
    const [existing] = await tx
      .select({ id: subscriptions.id, token: subscriptions.token })
      .from(subscriptions)
      .where(
        and(
          eq(subscriptions.kind, "replies"),
          eq(subscriptions.submissionId, input.submissionId),
          eq(subscriptions.email, email),
        ),
      )
      .limit(1);
    if (existing) return { ...existing, created: false };
    const [row] = await tx
      .insert(subscriptions)
      .values({
        kind: "replies",
        submissionId: input.submissionId,
        postSlug: input.postSlug,
        email,
        userId: input.userId ?? null,
        token: newSubscriptionToken(),
        createdAt: now,
      })
      .returning({ id: subscriptions.id, token: subscriptions.token });
    return { ...row, created: true };
  });
}

/**
 * A member follows a whole post: one email per new comment on it. One
 * subscription per member and post: following again after unfollowing
 * reactivates it (same token) with the given, current email.
 *
 * @returns the subscription; `created` is false when it was already active.
 * Throws TypeError for an invalid email; otherwise only database errors.
 */
export async function followPost(
  db: Executor,
  input: { postSlug: string; email: string; userId: string },
  now: Date = new Date(),
): Promise<SubscriptionRef> {
  const email = normalizeEmail(input.email);
  return db.transaction(async (tx) => {
    await lockFor(tx, `subscriptions:post:${input.postSlug}:${input.userId}`);
    const [existing] = await tx
      .select({ id: subscriptions.id, token: subscriptions.token, unsubscribedAt: subscriptions.unsubscribedAt })
      .from(subscriptions)
      .where(followOf(input))
      .orderBy(asc(subscriptions.id))
      .limit(1);
    if (existing) {
      if (existing.unsubscribedAt === null) return { id: existing.id, token: existing.token, created: false };
      await tx.update(subscriptions).set({ unsubscribedAt: null, email }).where(eq(subscriptions.id, existing.id));
      return { id: existing.id, token: existing.token, created: true };
    }
    const [row] = await tx
      .insert(subscriptions)
      .values({
        kind: "post",
        submissionId: null,
        postSlug: input.postSlug,
        email,
        userId: input.userId,
        token: newSubscriptionToken(),
        createdAt: now,
      })
      .returning({ id: subscriptions.id, token: subscriptions.token });
    return { ...row, created: true };
  });
}

function followOf(input: { postSlug: string; userId: string }) {
  return and(
    eq(subscriptions.kind, "post"),
    eq(subscriptions.postSlug, input.postSlug),
    eq(subscriptions.userId, input.userId),
  );
}

/** Stops a member following a post. Returns true when a follow was active. */
export async function unfollowPost(
  db: Executor,
  input: { postSlug: string; userId: string },
  now: Date = new Date(),
): Promise<boolean> {
  const changed = await db
    .update(subscriptions)
    .set({ unsubscribedAt: now })
    .where(and(followOf(input), isNull(subscriptions.unsubscribedAt)))
    .returning({ id: subscriptions.id });
  return changed.length > 0;
}

/** Whether a member currently follows a post. */
export async function isFollowingPost(db: Executor, input: { postSlug: string; userId: string }): Promise<boolean> {
  const [row] = await db
    .select({ id: subscriptions.id })
    .from(subscriptions)
    .where(and(followOf(input), isNull(subscriptions.unsubscribedAt)))
    .limit(1);
  return row !== undefined;
}

/** What became of a reader's request to follow or unfollow a post. */
export type FollowOutcome = { kind: "sign-in-needed" } | { kind: "done"; following: boolean };

/**
 * The post page's "Email me every new comment" button and its opposite: a
 * signed-in member follows (at their account's email) or stops following a
 * post; a reader not signed in must sign in first. Idempotent.
 */
export async function changeFollowing(
  db: Executor,
  input: { postSlug: string; account: { id: string; email: string } | null; follow: boolean },
): Promise<FollowOutcome> {
  const { postSlug, account } = input;
  if (!account) return { kind: "sign-in-needed" };
  if (input.follow) await followPost(db, { postSlug, email: account.email, userId: account.id });
  else await unfollowPost(db, { postSlug, userId: account.id });
  return { kind: "done", following: input.follow };
}

/**
 * The one-click unsubscribe (RFC 8058): ends the subscription the token
 * names. Idempotent: an already-ended one keeps its first `unsubscribed_at`
 * and is reported again.
 *
 * @returns what it was, or null for a token that names nothing.
 */
export async function unsubscribe(
  db: Executor,
  token: string,
  now: Date = new Date(),
): Promise<{ kind: SubscriptionKind; postSlug: string } | null> {
  if (!TOKEN_PATTERN.test(token ?? "")) return null;
  const [row] = await db
    .update(subscriptions)
    .set({ unsubscribedAt: sql`coalesce(${subscriptions.unsubscribedAt}, ${now.toISOString()}::timestamptz)` })
    .where(eq(subscriptions.token, token))
    .returning({ kind: subscriptions.kind, postSlug: subscriptions.postSlug });
  return row ?? null;
}

/** What an unsubscribe link is about, for its confirmation page. */
export interface SubscriptionDescription {
  kind: SubscriptionKind;
  postSlug: string;
  /** The submission whose replies it is about ("replies" only). */
  submissionId: string | null;
  /** The address, partly hidden: "a…@example.org". */
  emailHint: string;
  /** UTC ISO-8601. */
  createdAt: string;
  /** UTC ISO-8601, or null while active. */
  unsubscribedAt: string | null;
}

/** Describes the subscription a token names (nothing is changed), or null for an unknown token. */
export async function describeSubscription(db: Executor, token: string): Promise<SubscriptionDescription | null> {
  if (!TOKEN_PATTERN.test(token ?? "")) return null;
  const [row] = await db.select().from(subscriptions).where(eq(subscriptions.token, token)).limit(1);
  if (!row) return null;
  return {
    kind: row.kind,
    postSlug: row.postSlug,
    submissionId: row.submissionId,
    emailHint: maskEmail(row.email),
    createdAt: row.createdAt.toISOString(),
    unsubscribedAt: row.unsubscribedAt ? row.unsubscribedAt.toISOString() : null,
  };
}

/** "ada@example.org" → "a…@example.org". */
function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  return at <= 0 ? "…" : `${email[0]}…${email.slice(at)}`;
}

/** The facts about a newly published comment that its notifications need. */
export interface NewCommentFacts {
  postSlug: string;
  postTitle: string;
  /** The new comment's submission. */
  submissionId: string;
  /** The submission it replies to, or null for a top-level comment. */
  parentSubmissionId: string | null;
  /** As shown on the comment ("Anonymous" for an anonymous guest). */
  writerName: string;
  /** The guest's form email or the member's account email, so they are never emailed about their own comment. */
  writerEmail: string | null;
  writerUserId: string | null;
  /** Absolute URL of the comment, e.g. `${siteUrl}/comments/<id>` (its permalink). */
  commentUrl: string;
  /** Plain text of the comment (it is shortened and quoted here). */
  excerpt: string;
  siteTitle: string;
  /** The site's public origin, e.g. "https://staffroom.example.org" (a trailing slash is dropped). */
  siteUrl: string;
}

/**
 * The submission a comment belongs to, for `notifyNewComment`'s
 * `parentSubmissionId` (pass the new comment's `parentId`). Null for null or
 * an unknown id.
 */
export async function parentSubmissionIdOf(db: Executor, parentCommentId: number | null): Promise<string | null> {
  if (parentCommentId === null) return null;
  const [row] = await db
    .select({ submissionId: comments.submissionId })
    .from(comments)
    .where(eq(comments.id, parentCommentId))
    .limit(1);
  return row?.submissionId ?? null;
}

/**
 * Queues the emails about a newly published comment: one per active
 * subscriber to replies to its parent submission ("replies") and one per
 * member following the post ("post"), never to the writer themself (same
 * email, case-insensitively, or same account), and at most one per
 * recipient (a "replies" subscription wins over a follow, as the more
 * specific). A member's email is their account's current one. Each email has
 * its subscription's unsubscribe link in the text and the headers
 * `List-Unsubscribe: <url>` (RFC 2369) and `List-Unsubscribe-Post:
 * List-Unsubscribe=One-Click` (RFC 8058), plus `Auto-Submitted:
 * auto-generated` (RFC 3834) so auto-responders stay quiet.
 *
 * Call it once per comment, when it becomes visible (at once, or when a
 * moderator approves it): a second call queues the emails again. Pass the
 * transaction that publishes it to queue them atomically with it.
 *
 * @param now queue time (UTC); default now.
 * @returns how many emails were queued. Throws only database errors.
 */
export async function notifyNewComment(
  db: Executor,
  facts: NewCommentFacts,
  now: Date = new Date(),
): Promise<{ queued: number }> {
  const siteUrl = facts.siteUrl.replace(/\/+$/, "");
  return db.transaction(async (tx) => {
    const writerEmails = new Set<string>();
    const ownEmail = safeEmail(facts.writerEmail);
    if (ownEmail) writerEmails.add(ownEmail);
    if (facts.writerUserId) {
      const [account] = await tx.select({ email: users.email }).from(users).where(eq(users.id, facts.writerUserId));
      const accountEmail = safeEmail(account?.email ?? null);
      if (accountEmail) writerEmails.add(accountEmail);
    }

    const audience = facts.parentSubmissionId
      ? or(
          and(eq(subscriptions.kind, "replies"), eq(subscriptions.submissionId, facts.parentSubmissionId)),
          and(eq(subscriptions.kind, "post"), eq(subscriptions.postSlug, facts.postSlug)),
        )
      : and(eq(subscriptions.kind, "post"), eq(subscriptions.postSlug, facts.postSlug));
    const rows = await tx
      .select({
        id: subscriptions.id,
        kind: subscriptions.kind,
        token: subscriptions.token,
        userId: subscriptions.userId,
        email: sql<string>`coalesce(${users.email}, ${subscriptions.email})`,
      })
      .from(subscriptions)
      .leftJoin(users, eq(users.id, subscriptions.userId))
      .where(and(isNull(subscriptions.unsubscribedAt), audience))
      .orderBy(sql`case when ${subscriptions.kind} = 'replies' then 0 else 1 end`, asc(subscriptions.id));

    const done = new Set<string>();
    let queued = 0;
    for (const row of rows) {
      const email = safeEmail(row.email);
      if (!email || done.has(email) || writerEmails.has(email)) continue;
      if (facts.writerUserId && row.userId === facts.writerUserId) continue;
      done.add(email);
      const unsubscribeUrl = `${siteUrl}${unsubscribePath(row.token)}`;
      await enqueueEmail(
        tx,
        {
          to: email,
          ...newCommentEmail(row.kind, facts, unsubscribeUrl),
          headers: {
            "List-Unsubscribe": `<${unsubscribeUrl}>`,
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
          },
        },
        now,
      );
      queued++;
    }
    return { queued };
  });
}

/** The subject and text of one notification about a new comment. */
function newCommentEmail(kind: SubscriptionKind, facts: NewCommentFacts, unsubscribeUrl: string) {
  // Names and titles set apart, so a right-to-left override in one cannot flip our words.
  const name = isolated(shorten(oneLine(facts.writerName), NAME_MAX) || "Someone");
  const title = isolated(shorten(oneLine(facts.postTitle), NAME_MAX * 2));
  const site = oneLine(facts.siteTitle);
  const quote = quoteText(facts.excerpt);
  if (kind === "replies") {
    return {
      subject: `${name} replied to your comment on "${title}"`,
      text: [
        `${name} replied to your comment on "${title}":`,
        "",
        quote,
        "",
        "Read the reply and answer it:",
        facts.commentUrl,
        "",
        "-- ",
        `You asked ${site} to email you replies to your comment on "${title}".`,
        "Stop these emails with one click (no sign-in needed):",
        unsubscribeUrl,
        "",
      ].join("\n"),
    };
  }
  return {
    subject: `New comment on "${title}" by ${name}`,
    text: [
      `${name} commented on "${title}":`,
      "",
      quote,
      "",
      "Read it in the discussion:",
      facts.commentUrl,
      "",
      "-- ",
      `You follow "${title}" on ${site}, so you get an email for each new comment.`,
      "Stop these emails with one click (no sign-in needed):",
      unsubscribeUrl,
      "",
    ].join("\n"),
  };
}

/**
 * Tells a post's coach that a comment on it is held for moderation: one
 * email to `to`, with the moderation queue's URL. Transactional mail (no
 * subscription, so no unsubscribe link); `Auto-Submitted: auto-generated`.
 *
 * @returns how many emails were queued: 1, or 0 when `to` is not an address.
 */
export async function notifyHeldComment(
  db: Executor,
  input: { to: string; postTitle: string; writerName: string; excerpt: string; queueUrl: string; siteTitle: string },
  now: Date = new Date(),
): Promise<{ queued: number }> {
  const to = safeEmail(input.to);
  if (!to) return { queued: 0 };
  const name = isolated(shorten(oneLine(input.writerName), NAME_MAX) || "Someone");
  const title = isolated(shorten(oneLine(input.postTitle), NAME_MAX * 2));
  const site = oneLine(input.siteTitle);
  await enqueueEmail(
    db,
    {
      to,
      subject: `Comment held for review on "${title}"`,
      text: [
        `A comment by ${name} on "${title}" is waiting for your review:`,
        "",
        quoteText(input.excerpt),
        "",
        "Approve or remove it in the moderation queue:",
        input.queueUrl,
        "",
        "-- ",
        `You get this email because you write "${title}" on ${site}.`,
        "",
      ].join("\n"),
      headers: { "Auto-Submitted": "auto-generated" },
    },
    now,
  );
  return { queued: 1 };
}

function safeEmail(email: string | null | undefined): string | null {
  if (!email) return null;
  try {
    return normalizeEmail(email);
  } catch {
    return null;
  }
}

/** C0 controls except tab and newline, and DEL: never useful in an email's text. */
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F]/g;

function oneLine(value: string): string {
  return (value ?? "")
    .replace(/[\r\n\t]+/g, " ")
    .replace(CONTROL, "")
    .replace(/\s+/g, " ")
    .trim();
}

function shorten(value: string, max: number): string {
  const chars = Array.from(value);
  return chars.length <= max
    ? value
    : `${chars
        .slice(0, max - 1)
        .join("")
        .trimEnd()}…`;
}

/** The excerpt, shortened, each line quoted with "> " (RFC 3676 §4.5 style). */
function quoteText(excerpt: string): string {
  const clean = (excerpt ?? "").replace(/\r\n?/g, "\n").replace(CONTROL, "").trim();
  const short = shorten(clean, EXCERPT_MAX);
  return (short || "(no text)")
    .split("\n")
    .map((line) => (line ? `> ${line}` : ">"))
    .join("\n");
}
