import { inArray } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { trustedGuests } from "../../db/schema";

/**
 * Trusted guests (docs/architecture.md §3, moderation;
 * docs/decisions/0055-sign-in-throttling-and-guest-trust.md): once a
 * moderator approves a guest's comment, the browser it came from (its signed
 * guest cookie) is trusted, so later comments from that browser are not held
 * for being first-time. Only what nobody else can know vouches for a guest:
 * the signed cookie. A name or an email address is typed into a public form
 * and often shown or guessable, so it proves nothing: a known guest on a new
 * browser is held once more, and a moderator's approval trusts that browser
 * too. Only digests of the token are stored.
 */

/** A guest as the trust rule knows them: the digest of their browser token, absent when they have none. */
export interface GuestKeys {
  guestTokenHash: string | null;
}

/**
 * The key a guest is trusted by: `token:<token digest>`. (Older rows keyed
 * `email:<digest>` are no longer read: an email address is not proof.)
 */
function trustKeys(guest: GuestKeys): string[] {
  return guest.guestTokenHash ? [`token:${guest.guestTokenHash}`] : [];
}

/** Whether this guest's browser (by its signed token) has had a comment approved before; false without a token. */
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
 * Trusts the browser of a guest whose comment a moderator approved (at `at`,
 * UTC); trusting one already trusted changes nothing, and a comment with no
 * guest token (a member's, an imported one) trusts nobody.
 */
export async function trustGuest(db: Executor, guest: GuestKeys, at: Date): Promise<void> {
  const keys = trustKeys(guest);
  if (keys.length === 0) return;
  await db
    .insert(trustedGuests)
    .values(keys.map((key) => ({ key, approvedAt: at })))
    .onConflictDoNothing();
}
