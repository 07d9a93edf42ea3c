import { and, asc, eq, gt, ne, sql } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { commentSubmissions, comments, type Comment, type NewComment } from "../../db/schema";
import { digest } from "../auth/signing.server";
import {
  countLinks,
  decideHold,
  isPostAuthorAccount,
  isStaffAccount,
  type ModerationSettings,
} from "../moderation/rules";
import { isTrustedGuest } from "../moderation/trusted-guests.server";
import { nextPosition, numberOf } from "./numbering.server";
import { splitComment } from "./split";
import { BLANK_BODY_MESSAGE, commentFormSchema, type CommentFormValue, type CommentRules } from "./validation";
import { showsNothing } from "./visible-body.server";
import { failForTest } from "./test-fault.server";

/**
 * Writing a post's discussion (docs/architecture.md §3, §4): storing a
 * submission and its parts, screened and numbered, and removing one, with no
 * knowledge of HTTP. The web form (through ./post-comment.server.ts) and the
 * demo loader both post through `submitComment`.
 */

/** The facts about a post that decide whether it takes comments. */
export interface CommentTarget {
  slug: string;
  commentsOpen: boolean;
}

/**
 * Who is writing, decided by server code from the session, never from a form
 * field (docs/architecture.md §6): a guest (name from the form, or "Anonymous"), a signed-in
 * member, another member of staff (a coach or admin writing on someone else's
 * post: trusted like the author, no badge), or the post's own author (a coach
 * whose account is linked to the post's author entry), whose comments carry
 * the "Author" badge.
 */
export type CommentIdentity =
  | { kind: "guest-form" }
  /** `unverified`: a member whose email address is not verified yet; moderation treats them as a guest. */
  | { kind: "member"; userId: string; name: string; unverified?: true }
  | { kind: "staff"; userId: string; name: string }
  | { kind: "post-author"; userId: string; name: string };

/**
 * The identity a signed-in user (or a guest, for null) writes with on a
 * post: the post's author when the user is a coach or admin whose email is
 * the author entry's account email, staff for any other coach or admin
 * (`isStaffAccount`), otherwise a member (`unverified` when the account has
 * the member role and `emailVerified` is false).
 */
export function commentIdentityFor(
  user: { id: string; email: string; displayName: string; role: string; emailVerified?: boolean } | null,
  postAuthor: { accountEmail: string | null } | null,
): CommentIdentity {
  if (!user) return { kind: "guest-form" };
  const kind = isPostAuthorAccount(user, postAuthor) ? "post-author" : isStaffAccount(user) ? "staff" : "member";
  if (kind === "member" && user.role === "member" && user.emailVerified === false) {
    return { kind, userId: user.id, name: user.displayName, unverified: true };
  }
  return { kind, userId: user.id, name: user.displayName };
}

/** Field errors keyed by form field name ("" for the form as a whole). */
export type FieldErrors = Record<string, string[]>;

export type SubmitResult =
  | {
      ok: true;
      comments: Comment[];
      status: Comment["status"];
      /** Why it was held (shown to the writer), or null. */
      heldReason: string | null;
      /** The first part's number, or null while it awaits moderation. */
      anchorNumber: string | null;
      /** False when an idempotency key found an earlier submission (nothing new was stored). */
      fresh: boolean;
    }
  | { ok: false; fieldErrors: FieldErrors };

const ANONYMOUS_NAME = "Anonymous";

/** The same text on the same post within this many seconds is a duplicate. */
export const DUPLICATE_WINDOW_SECONDS = 10 * 60;

/** How a submission is screened before it is stored (docs/architecture.md §3, moderation). */
export interface SubmitOptions {
  identity?: CommentIdentity;
  /** When it was written (UTC); defaults to now. The demo loader passes the fixture's times. */
  at?: Date;
  /** The form's one-time key: the same key again returns the first result. */
  idempotencyKey?: string | null;
  /** The guest's browser token (from its signed cookie), to recognise them later. */
  guestToken?: string | null;
  /** Moderation settings; omitted: nothing is held (trusted callers such as the demo loader). */
  moderation?: ModerationSettings;
  /** A field people never see was filled in. */
  honeypot?: boolean;
  /** Sent sooner after the form was drawn than a person can write. */
  tooFast?: boolean;
  /** The same body on the same post within this many seconds is refused as a duplicate. */
  duplicateWindowSeconds?: number;
  /** The licence the form stated (a catalogue id), recorded on every part; omitted: not recorded. */
  license?: string | null;
  /**
   * For an import only (app/import/apply.server.ts): the status the comment
   * had on the old platform, stored as is (a removed one as a tombstone that
   * keeps its number, removed at `at`), and, for a reply someone cut by hand
   * into several comments, those original texts as the parts (the body is
   * then their join). Never set from a form.
   */
  imported?: { status: Comment["status"]; parts?: string[] };
}

/**
 * A submission ready to be stored, whoever stores it (the form through
 * `submitComment`, an import through app/comments/import-comments.server.ts):
 * validated by the form's schema, its body normalized (NFC, `\n`, control
 * characters stripped; docs/architecture.md §4) and split into parts, and its
 * writer's name, kind and contact details decided.
 */
export interface PreparedSubmission {
  /** The whole submission, normalized, as `comment_submissions.body` keeps it. */
  body: string;
  /** The parts' Markdown, in order (one part when it fits the site's limit). */
  parts: string[];
  authorKind: Comment["authorKind"];
  displayName: string;
  /** The account writing it, or null for a guest. */
  userId: string | null;
  /** A guest's website (not for anonymous writers or accounts), or null. */
  website: string | null;
  /** A guest's email (never shown), or null. */
  email: string | null;
  /** The comment replied to, as the form gave it (checked against the post when stored), or null. */
  parentId: number | null;
}

/**
 * The rules every stored submission goes through, in one place: the form's
 * schema (`commentFormSchema`: required name or "Anonymous", email and
 * website shapes, body not blank and within `rules.maxParts` parts), the
 * split into parts of at most `rules.limit` characters (grapheme clusters;
 * ./split.ts), or, for an import only, `importedParts` (a reply someone cut
 * by hand into several comments: those texts are the parts, kept exactly,
 * and the body their join), and who the writer is shown as.
 *
 * @returns the prepared submission, or field errors keyed by form field name
 *   ("" for the form as a whole). Pure: no database.
 */
export function prepareSubmission(
  rules: CommentRules,
  value: CommentFormValue,
  identity: CommentIdentity,
  importedParts?: string[],
): { ok: true; submission: PreparedSubmission } | { ok: false; fieldErrors: FieldErrors } {
  const parsed = commentFormSchema(rules, { signedIn: identity.kind !== "guest-form" }).safeParse(value);
  if (!parsed.success) {
    const fieldErrors: FieldErrors = {};
    for (const issue of parsed.error.issues) {
      const key = issue.path.join(".");
      fieldErrors[key] = [...(fieldErrors[key] ?? []), issue.message];
    }
    return { ok: false, fieldErrors };
  }
  const input = parsed.data;
  const split = importedParts
    ? ({ ok: true, normalized: input.body, parts: importedParts.map((text) => ({ text })) } as const)
    : splitComment(input.body, { limit: rules.limit, maxParts: rules.maxParts });
  if (!split.ok) {
    // The schema refuses this too; kept so the invariant holds without it.
    return { ok: false, fieldErrors: { body: ["This comment has too many parts."] } };
  }
  const guest = identity.kind === "guest-form";
  const anonymous = guest && input.anonymous === true;
  const authorKind: Comment["authorKind"] =
    identity.kind === "post-author"
      ? "author"
      : identity.kind === "member" || identity.kind === "staff"
        ? "member"
        : anonymous
          ? "anonymous"
          : "guest";
  return {
    ok: true,
    submission: {
      body: split.normalized,
      parts: split.parts.map((p) => p.text),
      authorKind,
      displayName: !guest ? identity.name : anonymous ? ANONYMOUS_NAME : input.name!,
      userId: guest ? null : identity.userId,
      // An account's contact details live on the account, not the comment.
      website: guest && !anonymous ? (input.website ?? null) : null,
      email: guest ? (input.email ?? null) : null,
      parentId: input.parentId ?? null,
    },
  };
}

/** Whether a comment with this status holds a number: published ones and tombstones (which keep theirs); held ones get one when approved. */
export function isNumbered(status: Comment["status"]): boolean {
  return status === "published" || status === "removed";
}

/**
 * One writer per post at a time (a transaction-scoped advisory lock on the
 * post's slug), so sibling positions are handed out once; call inside a
 * transaction before reading the next position.
 */
export async function lockThread(tx: Executor, postSlug: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`comments:${postSlug}`}))`);
}

/**
 * The comment rows of a prepared submission's parts: consecutive positions
 * from `firstPosition` under `parentId` when numbered (null: none yet), the
 * moment of submission `at` (UTC) on every part (ids keep their order), and a
 * tombstone's removal time.
 */
export function commentRowsOf(
  submission: PreparedSubmission,
  place: {
    postSlug: string;
    parentId: number | null;
    firstPosition: number | null;
    status: Comment["status"];
    submissionId: string;
    at: Date;
    license: string | null;
  },
): NewComment[] {
  return submission.parts.map((text, i) => ({
    postSlug: place.postSlug,
    parentId: place.parentId,
    position: place.firstPosition === null ? null : place.firstPosition + i,
    authorKind: submission.authorKind,
    userId: submission.userId,
    displayName: submission.displayName,
    website: submission.website,
    email: submission.email,
    body: text,
    status: place.status,
    submissionId: place.submissionId,
    license: place.license,
    partIndex: i + 1,
    partCount: submission.parts.length,
    createdAt: place.at,
    updatedAt: place.at,
    removedAt: place.status === "removed" ? place.at : null,
  }));
}

/**
 * Stores a submission: validates it against the site's rules, checks the
 * post and parent, screens it (moderation settings, honeypot, timing,
 * duplicates), splits it into parts when longer than `rules.limit`, and
 * writes the submission and all its parts in one transaction. Published
 * parts are numbered consecutively among their siblings (9.1 and 9.2 for a
 * two-part reply to 9); held ones get their numbers when approved.
 *
 * @param value the parsed form value (as from `commentFormSchema`); it is
 *   validated again here so every caller meets the same rules.
 * @returns the stored parts, their status and the number of the first (null
 *   while held), or field errors for input the writer can fix. A repeated
 *   idempotency key returns the first submission's result. Throws only for
 *   database failures.
 */
export async function submitComment(
  db: Executor,
  target: CommentTarget,
  rules: CommentRules,
  value: CommentFormValue,
  options: SubmitOptions = {},
): Promise<SubmitResult> {
  const identity = options.identity ?? { kind: "guest-form" };
  const prepared = prepareSubmission(rules, value, identity, options.imported?.parts);
  if (!prepared.ok) return prepared;
  const { submission: input } = prepared;
  // What the page would draw, not only the source: an import keeps what the old site held.
  if (!options.imported && showsNothing(input.body)) {
    return { ok: false, fieldErrors: { body: [BLANK_BODY_MESSAGE] } };
  }
  if (!target.commentsOpen) {
    return { ok: false, fieldErrors: { "": ["Comments are closed on this post."] } };
  }
  const guest = identity.kind === "guest-form";
  const at = options.at ?? new Date();
  const guestTokenHash = guest && options.guestToken ? digest(options.guestToken) : null;
  const email = input.email;

  failForTest("comment-write", input.body);
  return db.transaction(async (tx): Promise<SubmitResult> => {
    const txDb = tx;
    // One writer per post at a time, so sibling positions are handed out once.
    await lockThread(tx, target.slug);
    if (options.idempotencyKey) {
      const again = await resultOfSubmission(txDb, options.idempotencyKey);
      if (again) return { ...again, fresh: false };
    }
    if (options.duplicateWindowSeconds) {
      const since = new Date(at.getTime() - options.duplicateWindowSeconds * 1000);
      const [duplicate] = await tx
        .select({ id: commentSubmissions.id })
        .from(commentSubmissions)
        .where(
          and(
            eq(commentSubmissions.postSlug, target.slug),
            eq(commentSubmissions.body, input.body),
            gt(commentSubmissions.createdAt, since),
          ),
        )
        .limit(1);
      if (duplicate) {
        return {
          ok: false,
          fieldErrors: {
            body: ["This exact comment was just posted here. If it isn't showing yet, it is awaiting moderation."],
          },
        };
      }
    }
    let parentId = input.parentId;
    if (parentId !== null) {
      const [parent] = await tx
        .select({
          postSlug: comments.postSlug,
          submissionId: comments.submissionId,
          partCount: comments.partCount,
          position: comments.position,
        })
        .from(comments)
        .where(eq(comments.id, parentId));
      if (!parent || parent.postSlug !== target.slug || parent.position === null) {
        return { ok: false, fieldErrors: { parentId: ["The comment you replied to is not on this post."] } };
      }
      if (parent.partCount > 1) {
        // A reply to any part of a split comment follows the whole comment:
        // it hangs under the last part, never between the parts.
        const [last] = await tx
          .select({ id: comments.id })
          .from(comments)
          .where(and(eq(comments.submissionId, parent.submissionId), eq(comments.partIndex, parent.partCount)));
        parentId = last.id;
      }
    }
    const decision = options.imported
      ? ({ status: options.imported.status, reason: null } as const)
      : options.moderation
        ? decideHold({
            writer:
              identity.kind === "post-author" || identity.kind === "staff"
                ? "staff"
                : identity.kind === "member"
                  ? identity.unverified
                    ? "unverified-member"
                    : "member"
                  : "guest",
            trustedGuest: guest && (await isTrustedGuest(txDb, { guestTokenHash })),
            links: countLinks(input.body),
            honeypot: options.honeypot ?? false,
            tooFast: options.tooFast ?? false,
            settings: options.moderation,
          })
        : ({ status: "published", reason: null } as const);

    const [submission] = await tx
      .insert(commentSubmissions)
      .values({
        postSlug: target.slug,
        body: input.body,
        partCount: input.parts.length,
        idempotencyKey: options.idempotencyKey ?? null,
        guestTokenHash,
        heldReason: decision.reason,
        createdAt: at,
      })
      .returning({ id: commentSubmissions.id });
    const first = isNumbered(decision.status) ? await nextPosition(txDb, target.slug, parentId) : null;
    await tx.insert(comments).values(
      commentRowsOf(input, {
        postSlug: target.slug,
        parentId,
        firstPosition: first,
        status: decision.status,
        submissionId: submission.id,
        at,
        license: options.license ?? null,
      }),
    );
    return { ...(await resultOfSubmission(txDb, submission.id))!, fresh: true };
  });
}

/** A stored submission's result, by its id or its idempotency key; null when there is none. */
async function resultOfSubmission(db: Executor, idOrKey: string): Promise<(SubmitResult & { ok: true }) | null> {
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrKey);
  const [submission] = await db
    .select({ id: commentSubmissions.id, heldReason: commentSubmissions.heldReason })
    .from(commentSubmissions)
    .where(isUuid ? eq(commentSubmissions.id, idOrKey) : eq(commentSubmissions.idempotencyKey, idOrKey));
  if (!submission) return null;
  const parts = await db
    .select()
    .from(comments)
    .where(eq(comments.submissionId, submission.id))
    .orderBy(asc(comments.partIndex));
  const status = parts[0].status;
  return {
    ok: true,
    comments: parts,
    status,
    heldReason: submission.heldReason,
    anchorNumber: parts[0].position === null ? null : await numberOf(db, parts[0].id),
    fresh: true,
  };
}

/**
 * Removes a comment, leaving a tombstone ("This comment was removed") that
 * keeps its number and its replies (docs/architecture.md §3). Removal acts on every part of
 * the comment's submission (docs/architecture.md §4). Returns how many comments changed
 * (0 when the id is unknown or already removed).
 */
export async function removeComment(db: Executor, id: number, at: Date = new Date()): Promise<number> {
  const [row] = await db.select({ submissionId: comments.submissionId }).from(comments).where(eq(comments.id, id));
  if (!row) return 0;
  const changed = await db
    .update(comments)
    .set({ status: "removed", removedAt: at, updatedAt: at })
    .where(and(eq(comments.submissionId, row.submissionId), ne(comments.status, "removed")))
    .returning({ id: comments.id });
  return changed.length;
}
