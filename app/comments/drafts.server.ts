import { randomBytes } from "node:crypto";
import { and, eq, gt, lt } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { commentDrafts } from "../../db/schema";

/**
 * Comments kept while their writer signs in again: a member whose session
 * expired as they wrote is never posted as a guest; their text waits here
 * under an unguessable id until they are back (issue: "never lost").
 */

/** How long a kept draft waits, in milliseconds. */
const DRAFT_LIFETIME_MS = 24 * 60 * 60 * 1000;

export interface Draft {
  id: string;
  postSlug: string;
  parentId: number | null;
  body: string;
}

/** Keeps a draft; returns its id (URL-safe, 128 bits of randomness). */
export async function saveDraft(db: Executor, draft: Omit<Draft, "id">, now = new Date()): Promise<string> {
  const id = randomBytes(16).toString("base64url");
  await db.delete(commentDrafts).where(lt(commentDrafts.createdAt, new Date(now.getTime() - DRAFT_LIFETIME_MS)));
  await db.insert(commentDrafts).values({ id, ...draft, createdAt: now });
  return id;
}

/** A kept draft of this post, or null when unknown, expired or for another post. */
export async function readDraft(db: Executor, id: string, postSlug: string, now = new Date()): Promise<Draft | null> {
  if (!/^[A-Za-z0-9_-]{22}$/.test(id)) return null;
  const [row] = await db
    .select()
    .from(commentDrafts)
    .where(
      and(
        eq(commentDrafts.id, id),
        eq(commentDrafts.postSlug, postSlug),
        gt(commentDrafts.createdAt, new Date(now.getTime() - DRAFT_LIFETIME_MS)),
      ),
    );
  return row ? { id: row.id, postSlug: row.postSlug, parentId: row.parentId, body: row.body } : null;
}

/** Forgets a draft once its comment is posted. */
export async function deleteDraft(db: Executor, id: string): Promise<void> {
  await db.delete(commentDrafts).where(eq(commentDrafts.id, id));
}
