import type { Executor } from "../../db/client";
import { getEnv } from "../env.server";
import { resolveCommentLicense } from "../licences/metadata";
import { commentRateLimit } from "../moderation/limits.server";
import { announceSubmission } from "../notifications/announce.server";
import { sendPrivateMessage } from "../notifications/private-message.server";
import { subscribeToReplies } from "../notifications/subscriptions.server";
import type { SiteSettings } from "../settings/site-settings.server";
import { postUrl } from "../site/urls.server";
import { findContactDetails } from "./contact-details";
import { deleteDraft, saveDraft } from "./drafts.server";
import { newGuestToken } from "./guest-token.server";
import { placeOfComment } from "./numbering.server";
import { DUPLICATE_WINDOW_SECONDS, commentIdentityFor, submitComment, type FieldErrors } from "./submission.server";
import { commentRulesOf, type CommentFormValue } from "./validation";

/**
 * Posting a comment from the post page's form (docs/architecture.md §3, §4,
 * §6): the one use-case behind the form, with no knowledge of HTTP. It keeps
 * the text of a member whose session ended, limits the rate, asks before
 * publishing contact details (or sends them privately to the post's author),
 * recognises a guest by their browser token (issuing one when they have
 * none), screens and stores the comment through `submitComment`, forgets the
 * kept draft, subscribes the writer to replies, and queues the emails it
 * causes (`announceSubmission`).
 */

/** Why a member's text comes back when their session ended and the form did not say whose it was. */
const SESSION_ENDED_NO_DRAFT =
  "Your session ended while you were writing. Sign in again in another tab, then send your comment from here: your text is still here.";

/** The post commented on, as the use-case needs it. */
export interface CommentedPost {
  slug: string;
  title: string;
  commentsOpen: boolean;
  author: { accountEmail: string | null } | null;
}

/** The signed-in account writing, from the session (never from the form). */
export interface WritingAccount {
  id: string;
  email: string;
  displayName: string;
  role: string;
  /** False until the account's email address is verified: its comments follow the guest rules. */
  emailVerified?: boolean;
}

/** Everything the form and the request say, as plain values. */
export interface PostCommentInput {
  post: CommentedPost;
  site: SiteSettings;
  /** Null for a guest. */
  account: WritingAccount | null;
  /** The guest's browser token from its signed cookie; null when absent, forged, or signed in. */
  guestToken: string | null;
  /** The form as `commentFormSchema` parsed it, or null when it did not pass (the route shows why). */
  value: CommentFormValue | null;
  /** The comment's text as sent (kept as a draft if the writer's session ended), or null when absent. */
  body: string | null;
  /** The comment replied to, when the form's parentId is a comment id; null at the top level. */
  parentId: number | null;
  /** The form's one-time key when it looks like one the page issued, else null. */
  idempotencyKey: string | null;
  /** The hidden field people never see was filled in. */
  honeypot: boolean;
  /** When the form was drawn (milliseconds since the epoch, UTC), from its signed field; null when missing or forged. */
  renderedAt: number | null;
  /** The client's address, for the rate limit. */
  clientAddress: string;
  /** The writer's answer when asked about contact details: publish them, or send privately; null before asking. */
  contactChoice: "publish" | "private" | null;
  /** A kept draft the form was filled from, forgotten once posted. */
  draftId: string | null;
  /** The form was drawn for a signed-in member. */
  asMember: boolean;
  /** The account the form was drawn for, from its signed member field (`memberOfFormField`); null when absent or forged. */
  formMemberId: string | null;
  /** The URL the request came to: the origin of links when SITE_URL is not set. */
  requestUrl: string;
}

/** What became of a comment: the route maps each to its response. */
export type PostCommentOutcome =
  /**
   * Published: the first part's id and public number ("9.2"), and the page
   * of the thread holding it (1-based).
   */
  | { kind: "published"; commentId: number; number: string; page: number }
  /** Held: the first part's id (its "awaiting moderation" anchor), and the page its writer sees it on. */
  | { kind: "held"; commentId: number; page: number }
  /** Not shown (filed as spam, which its sender is not told). */
  | { kind: "spam" }
  /** The form did not pass `commentFormSchema`. */
  | { kind: "invalid" }
  /** Refused for reasons the writer can fix: messages by form field, "" for the form as a whole. */
  | { kind: "refused"; errors: FieldErrors }
  | { kind: "rate-limited"; retryAfterSeconds: number }
  /** Contact details found: the writer is asked before it is published (the text found in each). */
  | { kind: "needs-confirmation"; contactDetails: string[] }
  | { kind: "sent-privately" }
  /** A member's session ended as they wrote: their text is kept as a draft, to post once they sign in again. */
  /** `page` is the page of the thread holding the comment replied to (1 at the top level). */
  | { kind: "session-expired"; draftId: string; parentId: number | null; page: number };

/** The outcome, and the Set-Cookie value of a guest token issued on the way (null when none was). */
export type PostCommentResult = PostCommentOutcome & { setCookie: string | null };

/**
 * Posts a comment from the form (see the module's comment for the steps, in
 * order). Email is only queued, never sent here. Throws only for database
 * failures.
 */
export async function postComment(db: Executor, input: PostCommentInput): Promise<PostCommentResult> {
  const { post, site, account, value } = input;
  if (input.asMember && !account && input.body?.trim()) {
    // Never posted as a guest. A form that does not say (signed) whose it was
    // cannot keep a draft only its writer may read: the text comes back instead.
    if (!input.formMemberId) return { kind: "refused", errors: { "": [SESSION_ENDED_NO_DRAFT] }, setCookie: null };
    // Kept for its writer alone, and posted once they are back.
    const draftId = await saveDraft(db, {
      userId: input.formMemberId,
      postSlug: post.slug,
      parentId: input.parentId,
      body: input.body,
    });
    const page = input.parentId === null ? 1 : ((await placeOfComment(db, input.parentId))?.page ?? 1);
    return { kind: "session-expired", draftId, parentId: input.parentId, page, setCookie: null };
  }
  if (!value) return { kind: "invalid", setCookie: null };
  const limited = await commentRateLimit(db, input.clientAddress, account?.id ?? null);
  if (limited) return { kind: "rate-limited", retryAfterSeconds: limited, setCookie: null };
  const contactDetails = findContactDetails(value.body, { phoneRegion: site.phoneRegion });
  if (contactDetails.length > 0 && input.contactChoice !== "publish") {
    if (input.contactChoice === "private") return { ...(await sendPrivately(db, input, value)), setCookie: null };
    return { kind: "needs-confirmation", contactDetails: contactDetails.map((d) => d.text), setCookie: null };
  }
  let guestToken = account ? null : input.guestToken;
  let setCookie: string | null = null;
  if (!account && !guestToken) {
    // Derived from the form's one-time key, so a resent form (whose first
    // answer, with the cookie, was lost) gets the same token again.
    const fresh = newGuestToken(process.env.NODE_ENV === "production", input.idempotencyKey);
    guestToken = fresh.token;
    setCookie = fresh.setCookie;
  }
  const result = await submitComment(db, post, commentRulesOf(site), value, {
    identity: commentIdentityFor(account, post.author),
    idempotencyKey: input.idempotencyKey,
    guestToken,
    moderation: { holdFirstTimeGuests: site.holdFirstTimeGuests, maxLinks: site.maxLinks },
    honeypot: input.honeypot,
    tooFast: sentTooFast(input.renderedAt, getEnv().COMMENT_MIN_SECONDS),
    duplicateWindowSeconds: DUPLICATE_WINDOW_SECONDS,
    // The licence the form stated, recorded with the comment so a later change of setting never relabels it.
    license: resolveCommentLicense(site.commentLicense, site.defaultLicense).id,
  });
  if (!result.ok) {
    return { kind: "refused", errors: result.fieldErrors, setCookie };
  }
  if (input.draftId !== null && account) await deleteDraft(db, input.draftId, account.id);
  if (result.fresh) {
    const submissionId = result.comments[0].submissionId;
    const email = account ? account.email : (value.email ?? null);
    if (value.notify && email) {
      await subscribeToReplies(db, { submissionId, postSlug: post.slug, email, userId: account?.id ?? null });
    }
    await announceSubmission(db, submissionId);
  }
  const commentId = result.comments[0].id;
  // The page the writer lands on: the one holding the comment (issue 11).
  const page = (await placeOfComment(db, commentId))?.page ?? 1;
  if (result.anchorNumber !== null) {
    return { kind: "published", commentId, number: result.anchorNumber, page, setCookie };
  }
  if (result.status === "pending") return { kind: "held", commentId, page, setCookie };
  return { kind: "spam", setCookie };
}

/** The comment emailed to the post's author instead of published; refused when the author has no address. */
async function sendPrivately(
  db: Executor,
  input: PostCommentInput,
  value: CommentFormValue,
): Promise<PostCommentOutcome> {
  const { post, account } = input;
  if (!post.author?.accountEmail) {
    return {
      kind: "refused",
      errors: {
        "": [
          "This post's author has no email address on file, so it cannot be sent privately. Remove the details, or publish it.",
        ],
      },
    };
  }
  await sendPrivateMessage(db, {
    to: post.author.accountEmail,
    postTitle: post.title,
    // The public address (SITE_URL when set), never the one a proxy used.
    postUrl: postUrl(post.slug, input.requestUrl),
    senderName: account?.displayName ?? (value.anonymous ? "Anonymous" : (value.name ?? "A reader")),
    senderEmail: account?.email ?? value.email ?? null,
    body: value.body,
    siteTitle: input.site.title,
  });
  return { kind: "sent-privately" };
}

/**
 * Whether a form came back sooner than a person can write (or without the
 * signed time it was drawn at, as robots' forms do). 0 seconds turns it off.
 */
function sentTooFast(renderedAt: number | null, minSeconds: number): boolean {
  if (minSeconds === 0) return false;
  return !renderedAt || Date.now() - renderedAt < minSeconds * 1000;
}
