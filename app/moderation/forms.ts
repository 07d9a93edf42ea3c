import { z } from "zod";
import type { ModerationAction, QueueList } from "./queue.server";

/**
 * The moderation queue page's query and form (/moderation), shared by the
 * page and its action: which list is shown, and which actions each list
 * offers (docs/architecture.md §1).
 */

/** The lists of the queue, in the order the page shows them. */
export const QUEUE_LISTS = ["pending", "reported", "spam", "removed"] as const satisfies readonly QueueList[];

/** The actions each list offers, with their buttons' labels, in the order shown. */
export const LIST_ACTIONS: Record<QueueList, readonly { action: ModerationAction; label: string }[]> = {
  pending: [
    { action: "approve", label: "Approve" },
    { action: "spam", label: "Spam" },
    { action: "remove", label: "Remove" },
  ],
  reported: [
    { action: "approve", label: "Keep (dismiss reports)" },
    { action: "spam", label: "Spam" },
    { action: "remove", label: "Remove" },
  ],
  spam: [
    { action: "restore", label: "Not spam: publish" },
    { action: "remove", label: "Remove" },
  ],
  removed: [{ action: "restore", label: "Restore" }],
};

/** Shown when a bulk or single action comes with no comment ticked. */
export const NOTHING_TICKED = "Tick at least one comment, then choose what to do with it.";
/** Shown when the action is not one the list offers (a stale page, or a forged form). */
export const ACTION_NOT_OFFERED = "That action does not apply to this list.";

/** A list's name from a query or form; anything else (missing, unknown, repeated) is the pending list. */
const queueList = z.enum(QUEUE_LISTS).catch("pending");

/**
 * A page number from a query or form: 1 to 1,000,000; anything else (missing, "0", "-1", "2.5",
 * "abc", repeated) is page 1. A page beyond the list's last is shown as its last page.
 */
const queuePageNumber = z.coerce.number().int().min(1).max(1_000_000).catch(1);

/** `/moderation?list=<list>&page=<n>`: the list and the page of it to show. */
export const queueQuerySchema = z.object({ list: queueList, page: queuePageNumber });

// A submission id is a UUID; anything else is dropped, as if not ticked.
const SUBMISSION_ID = /^[0-9a-f-]{36}$/i;

/**
 * The queue's form: `list` (the list it was drawn for), `page` (the page of it the form was on,
 * where the moderator goes back to), `action` (the button pressed) and one `submissionId` per
 * ticked comment: an action applies to exactly the comments ticked, whichever page they are on. Refused, with one
 * message for the whole form, when no valid id is ticked (`NOTHING_TICKED`)
 * or the action is not offered by the list (`ACTION_NOT_OFFERED`).
 */
export const moderationFormSchema = z
  .object({
    list: queueList,
    page: queuePageNumber,
    action: z.string().optional(),
    submissionId: z.array(z.string()),
  })
  .transform(({ list, page, action, submissionId }, ctx) => {
    const submissionIds = submissionId.filter((id) => SUBMISSION_ID.test(id));
    const offered = LIST_ACTIONS[list].find((a) => a.action === action);
    if (submissionIds.length === 0 || !offered) {
      ctx.issues.push({
        code: "custom",
        message: submissionIds.length === 0 ? NOTHING_TICKED : ACTION_NOT_OFFERED,
        input: action,
      });
      return z.NEVER;
    }
    return { list, page, action: offered.action, submissionIds };
  });
