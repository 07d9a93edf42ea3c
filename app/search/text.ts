/**
 * Words as site search sees them. One tokenizer and one folding rule serve
 * the index, the query and the highlighter, so a word that matched is always
 * a word that gets marked.
 *
 * - A word is a run of letters, digits and combining marks (Unicode `\p{L}`,
 *   `\p{N}`, `\p{M}`): punctuation, apostrophes, hyphens and symbols separate
 *   words ("professional-development" is two words, "teacher’s" is
 *   "teacher" + "s").
 * - Folding makes matching case- and accent-insensitive: lower case, then
 *   compatibility decomposition (NFKD) with the combining marks dropped, and
 *   "ß" as "ss". "Éducation", "EDUCATION" and "education" fold alike; so do
 *   "ﬁle" and "file".
 *
 * Pure: no Node or DOM APIs, runs in both.
 */

const WORD = /[\p{L}\p{N}\p{M}]+/gu;
const MARKS = /\p{M}/gu;

/** A word of a text and where it sits: `text.slice(start, end) === word` (UTF-16 offsets). */
export interface WordSpan {
  word: string;
  start: number;
  end: number;
}

/** The words of a text in order, with their UTF-16 offsets. */
export function wordSpans(text: string): WordSpan[] {
  const spans: WordSpan[] = [];
  for (const match of text.matchAll(WORD)) {
    spans.push({ word: match[0], start: match.index!, end: match.index! + match[0].length });
  }
  return spans;
}

/** The words of a text in order, unfolded. */
export function tokenize(text: string): string[] {
  return text.match(WORD) ?? [];
}

const PLAIN = /^[a-z0-9]*$/;

/** One word folded for matching: "Éducation" → "education", "Straße" → "strasse". */
export function foldWord(word: string): string {
  if (PLAIN.test(word)) return word; // most words of English prose: nothing to fold
  return word.toLowerCase().normalize("NFKD").replace(MARKS, "").replace(/ß/g, "ss");
}

/**
 * Common English words a query may drop (when it has other words): they are
 * in nearly every post, so requiring them ranks nothing and only hides posts.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    "a an and are as at be but by for from had has have he her his i if in into is it its " +
    "me my no not of on or our she so than that the their them then there these they this " +
    "to was we were what when which who will with you your"
  ).split(" "),
);
