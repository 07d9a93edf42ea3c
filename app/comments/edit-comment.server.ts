import type { Executor } from "../../db/client";
import { commentRateLimit } from "../moderation/limits.server";
import { isStaffAccount } from "../moderation/rules";
import { announceSubmission } from "../notifications/announce.server";
import { getSiteSettings } from "../settings/site-settings.server";
import { findContactDetails } from "./contact-details";
import { editSubmission, ownSubmission } from "./edits.server";
import { placeOfComment } from "./numbering.server";
import type { FieldErrors } from "./submission.server";
import { commentRulesOf } from "./validation";

/**
 * A writer editing their own comment (issue: "Editing and removing"; the
 * rules in ./edits.server.ts), from the edit form: with no knowledge of
 * HTTP. The writer is recognised by their account or, for a guest, by the
 * browser token the comment was posted with.
 */

/** Who is asking: their account, or (a guest) their browser token. */
export interface CommentWriter {
  /** The signed-in account, or null for a guest. */
  account: { id: string; email: string; displayName: string; role: string } | null;
  /** The guest's browser token from its signed cookie; null when absent, forged, or signed in. */
  guestToken: string | null;
}

/** What became of an edit: the route maps each to its response. */
export type EditCommentOutcome =
  /** Not a comment this writer may edit (unknown, removed, or someone else's). */
  | { kind: "not-found" }
  | { kind: "rate-limited"; retryAfterSeconds: number }
  /** Contact details found: the writer is asked before they are published (the text found in each). */
  | { kind: "needs-confirmation"; contactDetails: string[] }
  /** Refused for reasons the writer can fix: messages by field, "" for the form as a whole. */
  | { kind: "refused"; errors: FieldErrors }
  /**
   * Saved: published, or held for a moderator. `number` is the first part's
   * public number, or null while it has none (held before it was ever
   * published); `page` is the page of the thread holding it.
   */
  | { kind: "saved"; postSlug: string; commentId: number; number: string | null; page: number };

/**
 * Edits comment `commentId` (any part of its submission) for its writer:
 * rate-limited like new comments, asks before publishing contact details
 * unless `contactChoice` is "publish", then re-splits and screens it
 * (`editSubmission`) and, if the edit is held, tells the post's coach.
 * Throws only for database failures.
 *
 * @param input.body the new text as typed (Markdown).
 * @param input.clientAddress the client's address, for the rate limit.
 */
export async function editComment(
  db: Executor,
  input: CommentWriter & {
    commentId: number;
    body: string;
    contactChoice: "publish" | null;
    clientAddress: string;
  },
): Promise<EditCommentOutcome> {
  const { account } = input;
  const own = await ownSubmission(db, input.commentId, { userId: account?.id ?? null, guestToken: input.guestToken });
  if (!own) return { kind: "not-found" };
  const limited = await commentRateLimit(db, input.clientAddress, account?.id ?? null);
  if (limited) return { kind: "rate-limited", retryAfterSeconds: limited };
  const site = await getSiteSettings();
  const details = findContactDetails(input.body, { phoneRegion: site.phoneRegion });
  if (details.length > 0 && input.contactChoice !== "publish") {
    return { kind: "needs-confirmation", contactDetails: details.map((d) => d.text) };
  }
  const result = await editSubmission(db, own, commentRulesOf(site), input.body, {
    moderation: { holdFirstTimeGuests: site.holdFirstTimeGuests, maxLinks: site.maxLinks },
    writer: isStaffAccount(account) ? "staff" : account ? "member" : "guest",
  });
  if (!result.ok) return { kind: "refused", errors: result.fieldErrors };
  if (result.held) await announceSubmission(db, own.submissionId);
  const found = await placeOfComment(db, own.first.id);
  return {
    kind: "saved",
    postSlug: own.postSlug,
    commentId: own.first.id,
    number: found?.number ?? null,
    page: found?.page ?? 1,
  };
}
