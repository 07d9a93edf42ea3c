import { foldWord, wordSpans, type WordSpan } from "./text";

/**
 * Marking matched words in a text, and choosing the excerpt of a post that
 * best shows why it matched.
 *
 * The output is a list of plain-text segments, some flagged `mark`: the page
 * renders each as a React text node (escaped by React) or a `<mark>` around
 * one, so a post's or a query's `<script>` stays text. No HTML is built here
 * and no pattern is made from what a reader typed: words are compared after
 * folding (`text.ts`), so exactly the words that matched are marked, whole.
 *
 * Pure: no Node or DOM APIs.
 */

/** A piece of text; `mark` when it is a matched word. */
export interface Segment {
  text: string;
  mark?: true;
}

/**
 * Cuts `text` into segments, marking each word whose folded form is in
 * `terms` (folded words, as `foldWord` gives them). Joining the segments'
 * texts gives `text` back exactly. Adjacent unmarked text is one segment.
 */
export function highlight(text: string, terms: ReadonlySet<string>): Segment[] {
  return markSpans(text, 0, text.length, wordSpans(text), terms);
}

function markSpans(text: string, from: number, to: number, spans: WordSpan[], terms: ReadonlySet<string>): Segment[] {
  const segments: Segment[] = [];
  let at = from;
  for (const span of spans) {
    if (span.start < from || span.end > to || !terms.has(foldWord(span.word))) continue;
    if (span.start > at) segments.push({ text: text.slice(at, span.start) });
    segments.push({ text: span.word, mark: true });
    at = span.end;
  }
  if (at < to) segments.push({ text: text.slice(at, to) });
  return segments;
}

/** An excerpt: its segments, and whether text was left out before or after it. */
export interface Excerpt {
  segments: Segment[];
  /** Count of distinct matched words the excerpt shows (0 when none). */
  matchedWords: number;
  cutBefore: boolean;
  cutAfter: boolean;
}

/**
 * The window of at most `maxWords` words of `text` that holds the most
 * distinct matched words (then the most matches; then the earliest), starting
 * a few words before its first match so the reader sees some context, with
 * those words marked and white space runs made single spaces. With no match
 * it is the text's first `maxWords` words.
 * Linear in the text's length.
 */
export function excerpt(text: string, terms: ReadonlySet<string>, maxWords = 36): Excerpt {
  const spans = wordSpans(text);
  if (spans.length === 0)
    return { segments: text.trim() ? [{ text: text.trim() }] : [], matchedWords: 0, cutBefore: false, cutAfter: false };
  const matchTerm = spans.map((span) => {
    const folded = foldWord(span.word);
    return terms.has(folded) ? folded : null;
  });

  // Sliding window over word indexes [left, right]: counts of each matched term inside.
  let best = { start: 0, end: 0, distinct: 0, hits: 0 };
  const inWindow = new Map<string, number>();
  let hits = 0;
  let left = 0;
  for (let right = 0; right < spans.length; right++) {
    const term = matchTerm[right];
    if (term) {
      inWindow.set(term, (inWindow.get(term) ?? 0) + 1);
      hits++;
    }
    if (right - left + 1 > maxWords) {
      const leaving = matchTerm[left];
      if (leaving) {
        const n = inWindow.get(leaving)! - 1;
        if (n === 0) inWindow.delete(leaving);
        else inWindow.set(leaving, n);
        hits--;
      }
      left++;
    }
    if (inWindow.size > best.distinct || (inWindow.size === best.distinct && hits > best.hits)) {
      best = { start: left, end: right, distinct: inWindow.size, hits };
    }
  }

  let start = 0;
  if (best.distinct > 0) {
    let firstMatch = best.start;
    while (matchTerm[firstMatch] === null) firstMatch++;
    let lastMatch = best.end;
    while (matchTerm[lastMatch] === null) lastMatch--;
    // Up to six words of context before the first match, keeping the last one in;
    // and no short window at the end of the text.
    const slack = maxWords - (lastMatch - firstMatch + 1);
    start = Math.max(0, Math.min(firstMatch - Math.min(6, slack), spans.length - maxWords));
  }
  const end = Math.min(spans.length, start + maxWords) - 1;
  const from = start === 0 ? 0 : spans[start].start;
  const to = end === spans.length - 1 ? text.length : spans[end].end;
  const segments = trimSegments(markSpans(text, from, to, spans, terms));
  return { segments, matchedWords: best.distinct, cutBefore: start > 0, cutAfter: end < spans.length - 1 };
}

/** Makes runs of white space (line breaks between paragraphs) one space; trims the ends; drops empty segments. */
function trimSegments(segments: Segment[]): Segment[] {
  if (segments.length === 0) return segments;
  segments = segments.map((segment) => (segment.mark ? segment : { text: segment.text.replace(/\s+/g, " ") }));
  const first = segments[0];
  if (!first.mark) segments[0] = { text: first.text.trimStart() };
  const last = segments[segments.length - 1];
  if (!last.mark) segments[segments.length - 1] = { text: last.text.trimEnd() };
  return segments.filter((segment) => segment.text !== "");
}
