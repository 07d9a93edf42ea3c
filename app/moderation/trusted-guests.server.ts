import { inArray } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { trustedGuests } from "../../db/schema";
import { digest } from "../auth/signing.server";

/**
 * Trusted guests (docs/architecture.md §3, moderation): once a moderator
 * approves a guest's comment, the guest (by their email, and by their
 * browser token) is trusted, so their later comments are not held for being
 * first-time. Only digests are stored, never the email or token themselves.
 */

/** A guest as the trust rule knows them: their email (as typed) and their browser token's digest, either may be absent. */
export interface GuestKeys {
  email: string | null;
  guestTokenHash: string | null;
}

/**
 * The keys a guest is trusted by: `email:<digest of the trimmed, lower-cased
 * email>` and `token:<token digest>`, for those they have.
 */
function trustKeys(guest: GuestKeys): string[] {
  return [
    ...(guest.email ? [`email:${digest(guest.email.trim().toLowerCase())}`] : []),
    ...(guest.guestTokenHash ? [`token:${guest.guestTokenHash}`] : []),
  ];
}

/** Whether a guest (by email or browser token) has had a comment approved before; false with neither. */
export async function isTrustedGuest(db: Executor, guest: GuestKeys): Promise<boolean> {
  const keys = trustKeys(guest);
  if (keys.length === 0) return false;
  const [row] = await db
    .select({ key: trustedGuests.key })
    .from(trustedGuests)
    .where(inArray(trustedGuests.key, keys))
    .limit(1);
  return row !== undefined;
}

/**
 * Trusts a guest whose comment a moderator approved (at `at`, UTC), by each
 * key they have; trusting one already trusted changes nothing. Pass a null
 * email for a member's comment: members are not guests.
 */
export async function trustGuest(db: Executor, guest: GuestKeys, at: Date): Promise<void> {
  const keys = trustKeys(guest);
  if (keys.length === 0) return;
  await db
    .insert(trustedGuests)
    .values(keys.map((key) => ({ key, approvedAt: at })))
    .onConflictDoNothing();
}
