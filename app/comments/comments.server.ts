import { and, asc, count, eq, gt, inArray, isNotNull, isNull, max, ne, or, sql } from "drizzle-orm";
import { queryRows, type Database } from "../../db/client";
import { commentSubmissions, comments, trustedGuests, type Comment } from "../../db/schema";
import { digest } from "../auth/signing.server";
import { countLinks, decideHold, isPostAuthorAccount, type ModerationSettings } from "../moderation/rules";
import { EDIT_WINDOW_MINUTES } from "./edit-window";
import { renderCommentMarkdown } from "./markdown.server";
import { splitComment } from "./split";
import { buildThread, type ThreadNode } from "./thread";
import { commentFormSchema, type CommentFormValue, type CommentRules } from "./validation";

/**
 * The comment service (docs/architecture.md §3, §4): business rules and data access for a
 * post's discussion, with no knowledge of HTTP. The web form and the demo
 * loader both post through `submitComment`.
 */

/** The facts about a post that decide whether it takes comments. */
export interface CommentTarget {
  slug: string;
  commentsOpen: boolean;
}

/**
 * Who is writing, decided by server code from the session, never from a form
 * field (docs/architecture.md §6): a guest (name from the form, or "Anonymous"), a signed-in
 * member, or the post's own author (a coach whose account is linked to the
 * post's author entry), whose comments carry the "Author" badge.
 */
export type CommentIdentity =
  | { kind: "guest-form" }
  | { kind: "member"; userId: string; name: string }
  | { kind: "post-author"; userId: string; name: string };

/**
 * The identity a signed-in user (or a guest, for null) writes with on a
 * post: the post's author when the user is a coach or admin whose email is
 * the author entry's account email, otherwise a member.
 */
export function commentIdentityFor(
  user: { id: string; email: string; displayName: string; role: string } | null,
  postAuthor: { accountEmail: string | null } | null,
): CommentIdentity {
  if (!user) return { kind: "guest-form" };
  const kind = isPostAuthorAccount(user, postAuthor) ? "post-author" : "member";
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

/** A stored comment with its rendered body, ready for the page. */
export interface DisplayComment {
  id: number;
  parentId: number | null;
  /** Null while held for moderation. */
  position: number | null;
  /** Held for moderation: shown to its writer only, "awaiting moderation". */
  pending: boolean;
  /** What a tombstone says in place of the comment. */
  tombstone: string;
  /** Its writer edited it (the "edited" label). */
  edited: boolean;
  /** The reader wrote it (by account or guest token): they may remove it. */
  own: boolean;
  /** ...and may still edit it (within the edit window). */
  editable: boolean;
  authorKind: Comment["authorKind"];
  /** The writer's account, for a link to their profile; null for guests and tombstones. */
  userId: string | null;
  displayName: string;
  website: string | null;
  /** Sanitized HTML; empty for a tombstone. */
  html: string;
  removed: boolean;
  submissionId: string;
  partIndex: number;
  partCount: number;
  /** UTC ISO-8601. */
  createdAt: string;
  /** The licence stated when it was submitted (catalogue id), or null when not recorded. */
  license: string | null;
}

export const ANONYMOUS_NAME = "Anonymous";

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
  db: Database,
  target: CommentTarget,
  rules: CommentRules,
  value: CommentFormValue,
  options: SubmitOptions = {},
): Promise<SubmitResult> {
  const identity = options.identity ?? { kind: "guest-form" };
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
  if (!target.commentsOpen) {
    return { ok: false, fieldErrors: { "": ["Comments are closed on this post."] } };
  }
  const split = splitComment(input.body, { limit: rules.limit, maxParts: rules.maxParts });
  if (!split.ok) {
    // The schema refuses this too; kept so the invariant holds without it.
    return { ok: false, fieldErrors: { body: ["This comment has too many parts."] } };
  }

  const guest = identity.kind === "guest-form";
  const anonymous = guest && input.anonymous === true;
  const authorKind: Comment["authorKind"] =
    identity.kind === "post-author"
      ? "author"
      : identity.kind === "member"
        ? "member"
        : anonymous
          ? "anonymous"
          : "guest";
  const displayName = !guest ? identity.name : anonymous ? ANONYMOUS_NAME : input.name!;
  const at = options.at ?? new Date();
  const guestTokenHash = guest && options.guestToken ? digest(options.guestToken) : null;
  const email = guest ? (input.email ?? null) : null;

  return db.transaction(async (tx): Promise<SubmitResult> => {
    const txDb = tx as unknown as Database;
    // One writer per post at a time, so sibling positions are handed out once.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`comments:${target.slug}`}))`);
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
            eq(commentSubmissions.body, split.normalized),
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
    let parentId = input.parentId ?? null;
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
    const decision = options.moderation
      ? decideHold({
          writer: identity.kind === "post-author" ? "staff" : identity.kind === "member" ? "member" : "guest",
          trustedGuest: guest && (await isTrustedGuest(txDb, { email, guestTokenHash })),
          links: countLinks(split.normalized),
          honeypot: options.honeypot ?? false,
          tooFast: options.tooFast ?? false,
          settings: options.moderation,
        })
      : ({ status: "published", reason: null } as const);

    const [submission] = await tx
      .insert(commentSubmissions)
      .values({
        postSlug: target.slug,
        body: split.normalized,
        partCount: split.parts.length,
        idempotencyKey: options.idempotencyKey ?? null,
        guestTokenHash,
        heldReason: decision.reason,
        createdAt: at,
      })
      .returning({ id: commentSubmissions.id });
    const first = decision.status === "published" ? await nextPosition(txDb, target.slug, parentId) : null;
    await tx.insert(comments).values(
      split.parts.map((part, i) => ({
        postSlug: target.slug,
        parentId,
        position: first === null ? null : first + i,
        authorKind,
        userId: guest ? null : identity.userId,
        displayName,
        // An account's contact details live on the account, not the comment.
        website: guest && !anonymous ? (input.website ?? null) : null,
        email,
        body: part.text,
        status: decision.status,
        submissionId: submission.id,
        license: options.license ?? null,
        partIndex: i + 1,
        partCount: split.parts.length,
        // Parts share the moment of submission; ids keep their order.
        createdAt: at,
        updatedAt: at,
      })),
    );
    return { ...(await resultOfSubmission(txDb, submission.id))!, fresh: true };
  });
}

/** The next free sibling position under `parentId` (null: top level); call under the post's lock. */
export async function nextPosition(db: Database, postSlug: string, parentId: number | null): Promise<number> {
  const [{ last }] = await db
    .select({ last: max(comments.position) })
    .from(comments)
    .where(
      and(
        eq(comments.postSlug, postSlug),
        parentId === null ? isNull(comments.parentId) : eq(comments.parentId, parentId),
      ),
    );
  return (last ?? 0) + 1;
}

/** A stored submission's result, by its id or its idempotency key; null when there is none. */
async function resultOfSubmission(db: Database, idOrKey: string): Promise<(SubmitResult & { ok: true }) | null> {
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

/** Whether a guest (by email or browser token) has had a comment approved before. */
async function isTrustedGuest(
  db: Database,
  guest: { email: string | null; guestTokenHash: string | null },
): Promise<boolean> {
  const keys = trustKeys(guest);
  if (keys.length === 0) return false;
  const [row] = await db
    .select({ key: trustedGuests.key })
    .from(trustedGuests)
    .where(inArray(trustedGuests.key, keys))
    .limit(1);
  return row !== undefined;
}

function trustKeys(guest: { email: string | null; guestTokenHash: string | null }): string[] {
  return [
    ...(guest.email ? [`email:${digest(guest.email.trim().toLowerCase())}`] : []),
    ...(guest.guestTokenHash ? [`token:${guest.guestTokenHash}`] : []),
  ];
}

/** The post a comment (numbered or held) belongs to, or null for an unknown id. */
export async function postOfComment(db: Database, id: number): Promise<string | null> {
  const [row] = await db.select({ postSlug: comments.postSlug }).from(comments).where(eq(comments.id, id));
  return row?.postSlug ?? null;
}

/** Where a numbered comment lives: its post and public number, or null for an unknown or held one. */
export async function locateComment(db: Database, id: number): Promise<{ postSlug: string; number: string } | null> {
  const [row] = await db
    .select({ postSlug: comments.postSlug, position: comments.position })
    .from(comments)
    .where(eq(comments.id, id));
  if (!row || row.position === null) return null;
  return { postSlug: row.postSlug, number: await numberOf(db, id) };
}

/**
 * Whether a post has a comment with this public number ("9.2"): a published
 * comment or a tombstone, which keeps its number. Held comments have no
 * number yet. One query per level of the number.
 */
export async function commentNumberExists(db: Database, postSlug: string, number: string): Promise<boolean> {
  let parentId: number | null = null;
  for (const position of number.split(".").map(Number)) {
    const [row]: { id: number }[] = await db
      .select({ id: comments.id })
      .from(comments)
      .where(
        and(
          eq(comments.postSlug, postSlug),
          parentId === null ? isNull(comments.parentId) : eq(comments.parentId, parentId),
          eq(comments.position, position),
        ),
      )
      .limit(1);
    if (!row) return false;
    parentId = row.id;
  }
  return true;
}

/** The public number of a stored comment ("9.2"), read through its ancestors. */
async function numberOf(db: Database, id: number): Promise<string> {
  const positions: number[] = [];
  let current: number | null = id;
  while (current !== null) {
    const [row] = await db
      .select({ parentId: comments.parentId, position: comments.position })
      .from(comments)
      .where(eq(comments.id, current));
    if (!row || row.position === null) break;
    positions.unshift(row.position);
    current = row.parentId;
  }
  return positions.join(".");
}

// Rendered bodies by their Markdown: rendering and sanitizing is most of a
// thread's cost, and a body's HTML depends on nothing else. Bounded (oldest
// entries go first) so a huge site cannot grow it without limit.
const renderedBodies = new Map<string, string>();
const RENDERED_BODIES_MAX = 5000;

function renderCached(markdown: string): string {
  let html = renderedBodies.get(markdown);
  if (html === undefined) {
    html = renderCommentMarkdown(markdown);
    if (renderedBodies.size >= RENDERED_BODIES_MAX) {
      renderedBodies.delete(renderedBodies.keys().next().value!);
    }
    renderedBodies.set(markdown, html);
  }
  return html;
}

/** Whose held comments a reader may see: their own (docs/architecture.md: visible to its writer, to nobody else). */
export interface ThreadViewer {
  userId?: string | null;
  /** The guest's browser token (unsigned value of its cookie). */
  guestToken?: string | null;
}

/**
 * A post's whole thread, numbered and nested for display (docs/architecture.md §3), with
 * bodies rendered to sanitized HTML. Tombstones (removed, or spam that was
 * once published) keep their place and number but carry no name, website or
 * body. Held comments appear only to their own writer, marked pending and
 * without a number; spam never published is never shown.
 *
 * @param maxDepth the site's maximum display depth (at least 2).
 */
export async function listThread(
  db: Database,
  postSlug: string,
  maxDepth: number,
  viewer: ThreadViewer = {},
): Promise<ThreadNode<DisplayComment>[]> {
  const rows = await db.select().from(comments).where(eq(comments.postSlug, postSlug)).orderBy(asc(comments.id));
  return buildThread(toDisplay(await visibleTo(db, postSlug, rows, viewer)), maxDepth);
}

/** Top-level comments per page of a long thread (docs/architecture.md §3; issue: default 50). */
export const TOP_LEVEL_PER_PAGE = 50;

/** One page of a thread: whole threads under a range of top-level comments. */
export interface ThreadPage {
  nodes: ThreadNode<DisplayComment>[];
  /** 1-based. */
  page: number;
  pageCount: number;
}

/**
 * One page of a post's thread (docs/architecture.md §3): the top-level comments numbered
 * (page-1)·perPage+1 … page·perPage with all their replies, so a thread is
 * never split across pages and a page's content never shifts as comments
 * arrive (numbers are fixed). Two bounded queries whatever the thread's size:
 * the page's range through the sibling-position index, and its replies
 * through a recursive walk down the parent index. A writer's own held
 * top-level comments show on the last page. Pages past the end are empty
 * with the right `pageCount`.
 */
export async function listThreadPage(
  db: Database,
  postSlug: string,
  maxDepth: number,
  viewer: ThreadViewer,
  page: number,
  perPage: number = TOP_LEVEL_PER_PAGE,
): Promise<ThreadPage> {
  const [{ last }] = await db
    .select({ last: max(comments.position) })
    .from(comments)
    .where(and(eq(comments.postSlug, postSlug), isNull(comments.parentId), isNotNull(comments.position)));
  const pageCount = Math.max(1, Math.ceil((last ?? 0) / perPage));
  const from = (page - 1) * perPage + 1;
  const to = page * perPage;
  // The lateral step (with "offset 0" so the planner cannot flatten it)
  // walks each reply level through the parent index whatever the table
  // statistics say: PGlite never gathers any, and without this it chose a
  // full-table hash join at every level (scripts/explain.ts).
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`with recursive tree as (
          select * from ${comments}
           where post_slug = ${postSlug} and coalesce(parent_id, 0) = 0
             and position between ${from} and ${to}
          union all
          select c.* from tree t
            cross join lateral (select * from ${comments} r where r.parent_id = t.id offset 0) c
        )
        select * from tree`,
  );
  const own = page === pageCount ? await ownHeldTopLevel(db, postSlug, viewer) : [];
  const stored = [...rows.map(fromRawRow), ...own].sort((a, b) => a.id - b.id);
  return { nodes: buildThread(toDisplay(await visibleTo(db, postSlug, stored, viewer)), maxDepth), page, pageCount };
}

/** The page holding a comment, from its number's first segment (the top-level position). */
export function pageOfNumber(number: string, perPage: number = TOP_LEVEL_PER_PAGE): number {
  return Math.max(1, Math.ceil(Number(number.split(".")[0]) / perPage));
}

async function ownHeldTopLevel(db: Database, postSlug: string, viewer: ThreadViewer): Promise<Comment[]> {
  const own = ownership(db, viewer);
  if (own.length === 0) return [];
  return db
    .select()
    .from(comments)
    .where(and(eq(comments.postSlug, postSlug), isNull(comments.parentId), eq(comments.status, "pending"), or(...own)));
}

function ownership(db: Database, viewer: ThreadViewer) {
  return [
    ...(viewer.userId ? [eq(comments.userId, viewer.userId)] : []),
    ...(viewer.guestToken
      ? [
          inArray(
            comments.submissionId,
            db
              .select({ id: commentSubmissions.id })
              .from(commentSubmissions)
              .where(eq(commentSubmissions.guestTokenHash, digest(viewer.guestToken))),
          ),
        ]
      : []),
  ];
}

/** A raw row of `comments` (snake_case, as SQL returns it) as drizzle's Comment. */
function fromRawRow(row: Record<string, unknown>): Comment {
  const date = (value: unknown) => (value === null || value === undefined ? null : new Date(value as string));
  return {
    id: Number(row.id),
    postSlug: row.post_slug as string,
    parentId: row.parent_id === null ? null : Number(row.parent_id),
    position: row.position === null ? null : Number(row.position),
    authorKind: row.author_kind as Comment["authorKind"],
    userId: (row.user_id as string | null) ?? null,
    displayName: row.display_name as string,
    website: (row.website as string | null) ?? null,
    email: (row.email as string | null) ?? null,
    body: row.body as string,
    status: row.status as Comment["status"],
    submissionId: row.submission_id as string,
    partIndex: Number(row.part_index),
    partCount: Number(row.part_count),
    createdAt: date(row.created_at)!,
    updatedAt: date(row.updated_at)!,
    removedAt: date(row.removed_at),
    editedAt: date(row.edited_at),
    license: (row.license as string | null) ?? null,
  };
}

/**
 * What a reader may see: numbered comments (published, or tombstones), and
 * their own held ones (by account, or by the guest's browser token); never
 * anyone else's held comments or unpublished spam.
 */
async function visibleTo(
  db: Database,
  postSlug: string,
  rows: Comment[],
  viewer: ThreadViewer,
): Promise<(Comment & { heldEdit?: boolean; own?: boolean })[]> {
  let ownSubmissions = new Set<string>();
  if (viewer.guestToken) {
    const mine = await db
      .select({ id: commentSubmissions.id })
      .from(commentSubmissions)
      .where(
        and(
          eq(commentSubmissions.postSlug, postSlug),
          eq(commentSubmissions.guestTokenHash, digest(viewer.guestToken)),
        ),
      );
    ownSubmissions = new Set(mine.map((row) => row.id));
  }
  return (
    rows
      .filter((row) => {
        if (row.position !== null) return true;
        if (row.status !== "pending") return false;
        return isOwn(row);
      })
      // An edit held for moderation keeps its number and replies; others see a
      // placeholder until a moderator approves it.
      .map((row) =>
        row.status === "pending" && row.position !== null && !isOwn(row)
          ? { ...row, status: "removed" as const, heldEdit: true }
          : { ...row, own: isOwn(row) },
      )
  );

  function isOwn(row: Comment): boolean {
    return (!!viewer.userId && row.userId === viewer.userId) || ownSubmissions.has(row.submissionId);
  }
}

/** Stored rows as the page shows them: rendered bodies, tombstones emptied. */
function toDisplay(
  rows: (Comment & { heldEdit?: boolean; own?: boolean })[],
  now: Date = new Date(),
): DisplayComment[] {
  return rows.map((row) => {
    const removed = row.status === "removed" || row.status === "spam";
    const own = !removed && row.own === true;
    return {
      own,
      editable: own && now.getTime() - row.createdAt.getTime() <= EDIT_WINDOW_MINUTES * 60_000,
      tombstone: row.heldEdit ? "This comment was edited and awaits a moderator." : "This comment was removed.",
      edited: row.editedAt !== null,
      id: row.id,
      parentId: row.parentId,
      position: row.position,
      pending: row.status === "pending",
      authorKind: row.authorKind,
      userId: removed ? null : row.userId,
      displayName: removed ? "" : row.displayName,
      website: removed ? null : row.website,
      html: removed ? "" : renderCached(row.body),
      removed,
      submissionId: row.submissionId,
      partIndex: row.partIndex,
      partCount: row.partCount,
      createdAt: row.createdAt.toISOString(),
      license: row.license,
    };
  });
}

/**
 * Published (not removed) comments per post slug, for post lists. Slugs with
 * no comments map to 0. Each part of a split submission counts as a comment,
 * as readers see it.
 */
export async function countComments(db: Database, postSlugs: readonly string[]): Promise<Map<string, number>> {
  const counts = new Map(postSlugs.map((slug) => [slug, 0]));
  if (postSlugs.length === 0) return counts;
  const rows = await db
    .select({ postSlug: comments.postSlug, n: count() })
    .from(comments)
    .where(and(inArray(comments.postSlug, [...postSlugs]), eq(comments.status, "published")))
    .groupBy(comments.postSlug);
  for (const row of rows) counts.set(row.postSlug, Number(row.n));
  return counts;
}

/**
 * Removes a comment, leaving a tombstone ("This comment was removed") that
 * keeps its number and its replies (docs/architecture.md §3). Removal acts on every part of
 * the comment's submission (docs/architecture.md §4). Returns how many comments changed
 * (0 when the id is unknown or already removed).
 */
export async function removeComment(db: Database, id: number, at: Date = new Date()): Promise<number> {
  const [row] = await db.select({ submissionId: comments.submissionId }).from(comments).where(eq(comments.id, id));
  if (!row) return 0;
  const changed = await db
    .update(comments)
    .set({ status: "removed", removedAt: at, updatedAt: at })
    .where(and(eq(comments.submissionId, row.submissionId), ne(comments.status, "removed")))
    .returning({ id: comments.id });
  return changed.length;
}

/** Whether the database holds any comment at all (the demo loader fills empty databases only). */
export async function hasAnyComment(db: Database): Promise<boolean> {
  const [row] = await db.select({ id: comments.id }).from(comments).limit(1);
  return row !== undefined;
}
