/**
 * Replies a writer cut by hand because the old platform refused their length
 * (Blogger took 4,096 characters), recognised so the import can join them
 * into one split submission shown as "Part k of n", as if Staffroom had split
 * it. Pure: comments in, groups out; the texts are never changed.
 */
import type { ImportedComment } from "../model";

/** Longest gap between one part and the next, in milliseconds (24 hours). */
export const MAX_PART_GAP_MS = 24 * 60 * 60 * 1000;

/** A comment as the recogniser reads it: the model's fields and its converted Markdown. */
export interface SplitCandidate
  extends Pick<ImportedComment, "sourceId" | "parentSourceId" | "authorName" | "authorEmail" | "published" | "type"> {
  /** The comment's text as converted (comment Markdown). */
  markdown: string;
}

/** Comments to join, in order, and why, for the import report. */
export interface HandSplitGroup {
  /** Source ids, first part first: at least two. */
  sourceIds: string[];
  /** e.g. `3 comments by "Jane" (ids a, b, c): later ones open with "Part 2", "Part 3"`. */
  reason: string;
}

/**
 * What a continued part opens with, after leading whitespace and markup:
 * "Part 2", "Part II", "pt. 2", "(continued)", "cont.", "cont'd",
 * "continued from above", "…continued", "2/3", "[2 of 3]", "(2 of 3)".
 * The match must start the text: "Part 2" in the middle is not a marker.
 */
const CONTINUATION =
  /^(?:part|pt\.?)\s*(?:[2-9]|[1-9]\d|ii|iii|iv|v|vi|vii|viii|ix|x|two|three|four|five)\b|^(?:\.{3}|…)?\s*\(?\s*(?:continued|cont(?:'|’)?d|cont\.)(?![a-z])|^\[?\(?\s*(?:[2-9]|[1-9]\d)\s*(?:\/|of)\s*(?:[2-9]|[1-9]\d)\s*[\])]?/i;

/** The text's opening without leading whitespace and Markdown markup (emphasis, quote marks, brackets of links). */
function opening(markdown: string): string {
  return markdown.replace(/^(?:\s|[*_>#~`]|\\(?=[[(*_.]))+/, "").slice(0, 60);
}

/** The continuation marker a comment opens with, as written, or null. */
export function continuationMarker(markdown: string): string | null {
  const match = CONTINUATION.exec(opening(markdown));
  return match ? match[0].trim() : null;
}

/** Names the old platforms give a writer who gave none: two of them may be two strangers. */
const ANONYMOUS_NAMES = new Set(["", "anonymous", "anon", "guest", "unknown"]);

/** The same writer: same name (case and spacing aside, never an anonymous one) and, when both give one, the same email. */
function sameWriter(a: SplitCandidate, b: SplitCandidate): boolean {
  const name = (c: SplitCandidate) => (c.authorName ?? "").trim().replace(/\s+/g, " ").toLowerCase();
  if (ANONYMOUS_NAMES.has(name(a)) || name(a) !== name(b)) return false;
  if (a.authorEmail && b.authorEmail && a.authorEmail.trim().toLowerCase() !== b.authorEmail.trim().toLowerCase()) {
    return false;
  }
  return true;
}

function follows(previous: SplitCandidate, next: SplitCandidate): boolean {
  const gap = Date.parse(next.published) - Date.parse(previous.published);
  return (
    next.type === "comment" &&
    sameWriter(previous, next) &&
    (previous.parentSourceId ?? null) === (next.parentSourceId ?? null) &&
    Number.isFinite(gap) &&
    gap >= 0 &&
    gap <= MAX_PART_GAP_MS &&
    continuationMarker(next.markdown) !== null
  );
}

/**
 * Finds hand-split replies among one post's comments, given in file order:
 * runs of consecutive comments (consecutive among the comments under the same
 * parent) by the same named writer, each later one opening with a
 * continuation marker (see continuationMarker) and published at most
 * MAX_PART_GAP_MS after the one before. Anonymous comments are never joined
 * (two strangers may both be "Anonymous"), nor are different writers,
 * different parents, pingbacks or trackbacks. Returns the groups in the order
 * their first parts appear.
 */
export function findHandSplitReplies(comments: readonly SplitCandidate[]): HandSplitGroup[] {
  const groups: HandSplitGroup[] = [];
  // The last comment seen under each parent, and the group it ends, if any.
  const lastUnder = new Map<string, { comment: SplitCandidate; group: SplitCandidate[] | null }>();
  const open: SplitCandidate[][] = [];
  for (const comment of comments) {
    const key = comment.parentSourceId ?? "";
    const last = lastUnder.get(key);
    if (last && last.comment.type === "comment" && follows(last.comment, comment)) {
      const group = last.group ?? [last.comment];
      if (!last.group) open.push(group);
      group.push(comment);
      lastUnder.set(key, { comment, group });
    } else {
      lastUnder.set(key, { comment, group: null });
    }
  }
  const position = new Map(comments.map((c, i) => [c, i]));
  open.sort((a, b) => (position.get(a[0]) ?? 0) - (position.get(b[0]) ?? 0));
  for (const group of open) {
    const markers = group.slice(1).map((c) => `"${continuationMarker(c.markdown)}"`);
    groups.push({
      sourceIds: group.map((c) => c.sourceId),
      reason: `${group.length} comments by "${group[0].authorName?.trim()}" (ids ${group
        .map((c) => c.sourceId)
        .join(", ")}) under the same parent within 24 hours: the later ones open with ${markers.join(", ")}`,
    });
  }
  return groups;
}
