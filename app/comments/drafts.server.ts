import { randomBytes } from "node:crypto";
import { and, eq, gt, lt } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { commentDrafts } from "../../db/schema";
import { sign, unsign } from "../auth/signing.server";

/**
 * Comments kept while their writer signs in again: a member whose session
 * expired as they wrote is never posted as a guest; their text waits here
 * under an unguessable id until they are back (issue: "never lost"). A kept
 * draft belongs to the account that wrote it, known from the signed member
 * field of the form it was written in (the session itself has ended), and
 * only that account reads or forgets it: an id seen in a shared link, a
 * browser history or a proxy log gives nobody else the text.
 */

/** How long a kept draft waits, in milliseconds. */
const DRAFT_LIFETIME_MS = 24 * 60 * 60 * 1000;

/** What the signed member field of the comment form signs. */
const MEMBER_FIELD_PREFIX = "comment-form-member:";

export interface Draft {
  id: string;
  /** The account that wrote it. */
  userId: string;
  postSlug: string;
  parentId: number | null;
  body: string;
}

/** The value of the comment form's signed member field for an account: its id, signed with the site's secret. */
export function memberFormField(userId: string): string {
  return sign(`${MEMBER_FIELD_PREFIX}${userId}`);
}

/** The account id a signed member field names, or null when absent, forged or not a member field. */
export function memberOfFormField(value: string | null | undefined): string | null {
  const unsigned = unsign(value);
  return unsigned?.startsWith(MEMBER_FIELD_PREFIX) ? unsigned.slice(MEMBER_FIELD_PREFIX.length) || null : null;
}

/** Keeps a draft for its writer; returns its id (URL-safe, 128 bits of randomness). */
export async function saveDraft(db: Executor, draft: Omit<Draft, "id">, now = new Date()): Promise<string> {
  const id = randomBytes(16).toString("base64url");
  await db.delete(commentDrafts).where(lt(commentDrafts.createdAt, new Date(now.getTime() - DRAFT_LIFETIME_MS)));
  await db.insert(commentDrafts).values({ id, ...draft, createdAt: now });
  return id;
}

/**
 * A kept draft of this post written by `userId`, or null when unknown,
 * expired, for another post or another account's (the same answer for each,
 * so an id reveals nothing).
 */
export async function readDraft(
  db: Executor,
  id: string,
  postSlug: string,
  userId: string,
  now = new Date(),
): Promise<Draft | null> {
  if (!/^[A-Za-z0-9_-]{22}$/.test(id)) return null;
  const [row] = await db
    .select()
    .from(commentDrafts)
    .where(
      and(
        eq(commentDrafts.id, id),
        eq(commentDrafts.userId, userId),
        eq(commentDrafts.postSlug, postSlug),
        gt(commentDrafts.createdAt, new Date(now.getTime() - DRAFT_LIFETIME_MS)),
      ),
    );
  return row?.userId
    ? { id: row.id, userId: row.userId, postSlug: row.postSlug, parentId: row.parentId, body: row.body }
    : null;
}

/** Forgets `userId`'s draft once its comment is posted (another account's draft is left alone). */
export async function deleteDraft(db: Executor, id: string, userId: string): Promise<void> {
  await db.delete(commentDrafts).where(and(eq(commentDrafts.id, id), eq(commentDrafts.userId, userId)));
}
