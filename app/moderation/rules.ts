import { Marked, type Token } from "marked";
import { isNestingWithinBounds } from "../comments/markdown-nesting";

/**
 * Moderation rules that need no database (pure; shared by server and tests).
 */

const lexer = new Marked({ gfm: true });

/** What looks like the start of a link in text not parsed as Markdown: a URL scheme, `www.`, or `](`. */
const LINK_LIKE = /\b(?:https?:\/\/|mailto:|www\.)|\]\(/gi;

/**
 * How many links a comment's Markdown contains, as marked (GFM) reads it:
 * inline and reference links, autolinks and bare URLs each count once;
 * images count too (they are links a reader may follow).
 *
 * Text nested deeper than `MAX_MARKDOWN_NESTING` (comments/markdown-nesting.ts)
 * is never given to marked, whose recursion it would overflow: its links are
 * counted by what looks like one (`http://`, `https://`, `mailto:`, `www.`,
 * `](`), which counts every link at least once. Never throws.
 */
export function countLinks(markdown: string): number {
  const linkLike = () => markdown.match(LINK_LIKE)?.length ?? 0;
  if (!isNestingWithinBounds(markdown)) return linkLike();
  let links = 0;
  try {
    lexer.walkTokens(lexer.lexer(markdown), (token: Token) => {
      if (token.type === "link" || token.type === "image") links++;
    });
  } catch {
    // Should marked still fail on some text within the bounds, the count falls back the same way.
    return linkLike();
  }
  return links;
}

/** The site settings moderation applies. */
export interface ModerationSettings {
  /** Hold a guest's comments until a moderator approves their first. */
  holdFirstTimeGuests: boolean;
  /** Hold comments with more links than this. */
  maxLinks: number;
}

/** What the moderation rules decide for a new submission, and why. */
export type HoldDecision = { status: "published"; reason: null } | { status: "pending" | "spam"; reason: string };

/**
 * Decides whether a new submission is published at once, held for a
 * moderator, or filed as spam. Staff (the post's author, coaches, admins)
 * are never held; members are held only for links; guests also for being
 * new, and so are members whose email address is not verified yet
 * (`unverified-member`: the guest rules, never trusted until they verify).
 * `honeypot` (a field people never see was filled in) files it as spam;
 * `tooFast` (sent sooner after the form was drawn than a person can write)
 * holds it. Nothing is dropped: every outcome is stored and reviewable.
 */
export function decideHold(facts: {
  writer: "guest" | "unverified-member" | "member" | "staff";
  trustedGuest: boolean;
  links: number;
  honeypot: boolean;
  tooFast: boolean;
  settings: ModerationSettings;
}): HoldDecision {
  if (facts.honeypot) return { status: "spam", reason: "filled in the hidden field" };
  if (facts.writer === "staff") return { status: "published", reason: null };
  if (facts.tooFast) return { status: "pending", reason: "sent within seconds of opening the page" };
  if (facts.links > facts.settings.maxLinks) {
    return { status: "pending", reason: `${facts.links} links (more than ${facts.settings.maxLinks})` };
  }
  if (facts.writer === "guest" && facts.settings.holdFirstTimeGuests && !facts.trustedGuest) {
    return { status: "pending", reason: "first comment from this guest" };
  }
  if (facts.writer === "unverified-member" && facts.settings.holdFirstTimeGuests) {
    return { status: "pending", reason: "email address not confirmed yet" };
  }
  return { status: "published", reason: null };
}

/** An account as these rules need it. */
export interface Account {
  email: string;
  role: string;
}

/**
 * Whether an account is staff: a coach or an admin. Staff are trusted by the
 * moderation rules (`decideHold`) on every post, their own or not.
 */
export function isStaffAccount(user: Account | null): boolean {
  return !!user && (user.role === "coach" || user.role === "admin");
}

/**
 * Whether an account is the post's author: a coach (or admin) whose email is
 * the author entry's account email (compared without case). Their comments
 * carry the Author badge; they may edit the post and moderate its discussion.
 */
export function isPostAuthorAccount(user: Account | null, postAuthor: { accountEmail: string | null } | null): boolean {
  return (
    !!user &&
    (user.role === "coach" || user.role === "admin") &&
    !!postAuthor?.accountEmail &&
    postAuthor.accountEmail.trim().toLowerCase() === user.email.toLowerCase()
  );
}

/** Whether an account moderates a post's discussion: an admin, or the post's own coach. */
export function moderatesPost(user: Account | null, postAuthor: { accountEmail: string | null } | null): boolean {
  return !!user && (user.role === "admin" || isPostAuthorAccount(user, postAuthor));
}
