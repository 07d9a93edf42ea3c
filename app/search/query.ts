import { countCharacters, normalizeText } from "../comments/characters";
import { STOP_WORDS, foldWord, tokenize } from "./text";

/**
 * What a reader typed into the search box, read into the words to look for.
 *
 * Nothing the reader types is ever used as a pattern: it is only cut into
 * words (see `text.ts`), so `(*+?[`, `<script>` or a backslash are simply not
 * words. Limits keep one request cheap whatever arrives.
 *
 * Pure: no Node or DOM APIs.
 */

/** Longest query accepted, in characters (grapheme clusters, docs/architecture.md §4). */
export const MAX_QUERY_CHARACTERS = 200;
/** Words looked for at most; later words are ignored (and the reader told). */
export const MAX_QUERY_WORDS = 10;
/** The last word also matches longer words it begins ("coach" finds "coaching") from this length on. */
const MIN_PREFIX_LENGTH = 3;

export type ParsedQuery =
  /** Nothing typed (missing, empty or only spaces). */
  | { kind: "empty" }
  /** Longer than MAX_QUERY_CHARACTERS; `characters` is its length in characters. */
  | { kind: "too-long"; characters: number; limit: number }
  /** Something typed, but not one letter or digit in it (e.g. "(*+?["). */
  | { kind: "no-words"; text: string }
  | {
      kind: "words";
      /** The query as typed, tidied (NFC, single spaces, trimmed): for showing back. */
      text: string;
      /** Folded words to look for, distinct, in typed order; common words dropped when others remain. */
      words: string[];
      /** Whether the last word also matches as a prefix. */
      prefixLast: boolean;
      /** Words beyond MAX_QUERY_WORDS that were ignored. */
      ignoredWords: number;
    };

/**
 * Reads a raw `q` parameter. Never throws: every input gives one of the kinds
 * above. Cost is bounded by the input's length (one pass to count characters).
 */
export function parseQuery(raw: string | null | undefined): ParsedQuery {
  const text = normalizeText(raw ?? "")
    .replace(/\s+/g, " ")
    .trim();
  if (text === "") return { kind: "empty" };
  // Grapheme clusters are never more than UTF-16 units, so short input skips the count.
  if (text.length > MAX_QUERY_CHARACTERS) {
    const characters = countCharacters(text);
    if (characters > MAX_QUERY_CHARACTERS) return { kind: "too-long", characters, limit: MAX_QUERY_CHARACTERS };
  }
  const folded = [
    ...new Set(
      tokenize(text)
        .map(foldWord)
        .filter((word) => word !== ""),
    ),
  ];
  if (folded.length === 0) return { kind: "no-words", text };
  const meaningful = folded.filter((word) => !STOP_WORDS.has(word));
  // "to be or not to be" is all common words: then they are what was asked for.
  const words = meaningful.length > 0 ? meaningful : folded;
  const kept = words.slice(0, MAX_QUERY_WORDS);
  return {
    kind: "words",
    text,
    words: kept,
    prefixLast: kept[kept.length - 1].length >= MIN_PREFIX_LENGTH,
    ignoredWords: words.length - kept.length,
  };
}
