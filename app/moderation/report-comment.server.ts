import type { Executor } from "../../db/client";
import type { Role } from "../../db/schema";
import { hitRateLimit } from "../auth/rate-limit.server";
import { locateComment, pageOfNumber } from "../comments/numbering.server";
import { getPostForViewer } from "../posts/posts.server";
import { reportComment } from "./queue.server";

/**
 * A reader reporting a comment to the moderators (the "Report" form under a
 * comment), for the moderation queue. No knowledge of HTTP.
 */

/** Reports allowed per client address per hour. */
const REPORTS_PER_HOUR = 20;

/** What became of a report: the route maps each to its response. */
export type ReportOutcome =
  /** No numbered comment with that id (unknown, or held), or one on a post the reporter may not see (a draft, a scheduled post). */
  | { kind: "not-found" }
  | { kind: "rate-limited"; retryAfterSeconds: number }
  /** Filed (or, for a comment no longer published, quietly dropped): where the comment is, to return to it. */
  /** `commentId` and `page` (the page of the thread holding it) are where the reader returns. */
  | { kind: "reported"; postSlug: string; number: string; commentId: number; page: number };

/**
 * Files a reader's report of comment `commentId`, limited per client
 * address; an empty reason is recorded as "No reason given".
 * Throws only for database failures.
 *
 * @param input.reporterUserId the signed-in reader's account, or null.
 * @param input.reporterRole that account's role, or null: only staff may see (and so report) comments on posts
 *   readers cannot see yet (app/posts/visibility.ts).
 */
export async function reportToModerators(
  db: Executor,
  input: {
    commentId: number;
    reason: string;
    reporterUserId: string | null;
    reporterRole: Role | null;
    clientAddress: string;
  },
): Promise<ReportOutcome> {
  const found = await locateComment(db, input.commentId);
  if (!found) return { kind: "not-found" };
  const reporter = input.reporterRole ? { role: input.reporterRole } : null;
  if ((await getPostForViewer(found.postSlug, reporter)).kind === "not-found") return { kind: "not-found" };
  const limit = await hitRateLimit(db, `report:ip:${input.clientAddress}`, REPORTS_PER_HOUR, 3600);
  if (!limit.allowed) return { kind: "rate-limited", retryAfterSeconds: limit.retryAfterSeconds };
  await reportComment(db, {
    commentId: input.commentId,
    reason: input.reason.trim() || "No reason given",
    reporterUserId: input.reporterUserId,
  });
  return {
    kind: "reported",
    postSlug: found.postSlug,
    number: found.number,
    commentId: input.commentId,
    page: pageOfNumber(found.number),
  };
}
