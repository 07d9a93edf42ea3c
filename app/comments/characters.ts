/**
 * Character counting for comments (docs/architecture.md §4).
 *
 * One unit everywhere: a "character" is an extended grapheme cluster as
 * defined by Unicode Standard Annex #29 (UAX #29, "Unicode Text
 * Segmentation"), computed with `Intl.Segmenter` (granularity "grapheme")
 * over the Markdown source after `normalizeText`. The browser's live counter
 * and the server use these same functions, so they always agree.
 *
 * Pure TypeScript: no Node or DOM APIs beyond `Intl`, runs in both.
 */

/** CRLF or a lone CR: both become LF (docs/architecture.md §4). */
const LINE_ENDINGS = /\r\n?/g;

/**
 * C0 controls other than LF and TAB, plus DEL. They are invisible, can break
 * Markdown rendering and databases (NUL), and no keyboard produces them on
 * purpose, so they are removed rather than counted.
 */
const STRAY_CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/**
 * With the `u` flag, `\p{Surrogate}` only matches *unpaired* surrogate code
 * units: a valid pair is read as one astral code point. Removing them makes
 * the string well-formed UTF-16 (so it can be encoded as UTF-8 losslessly).
 */
const LONE_SURROGATES = /\p{Surrogate}/gu;

/**
 * Segments are found in chunks of about this many UTF-16 code units: V8's
 * `Intl.Segmenter` gets slower per segment as the string grows (quadratic
 * overall), so long texts are never handed to it whole.
 */
const CHUNK = 512;
const MERGE_GAP = 48;
/**
 * Code points that show nothing on their own: white space, default-ignorable
 * code points (ZWSP, ZWNJ, ZWJ, word joiner, BOM, variation selectors, Hangul
 * fillers U+115F U+1160 U+3164 U+FFA0, Mongolian vowel separator U+180E, tag
 * characters, ...), format characters (soft hyphen, bidi controls, ...), and
 * the braille blank U+2800, which is a visible-width blank that is in none of
 * those properties.
 */
const INVISIBLE = /^[\p{White_Space}\p{Default_Ignorable_Code_Point}\p{Cf}\u115F\u1160\u3164\uFFA0\u2800]*$/u;

/**
 * Format characters (`\p{Cf}`) that *are* visible: the prepended
 * concatenation marks (Arabic number sign and friends) render a glyph.
 */
const VISIBLE_FORMAT = /[\u0600-\u0605\u06DD\u070F\u0890\u0891\u08E2\u{110BD}\u{110CD}]/u;

let graphemeSegmenter: Intl.Segmenter | undefined;

/** One shared segmenter: constructing one per call is the slow part. */
function segmenter(): Intl.Segmenter {
  graphemeSegmenter ??= new Intl.Segmenter(undefined, { granularity: "grapheme" });
  return graphemeSegmenter;
}

let countFormat: Intl.NumberFormat | undefined;

/**
 * Normalizes submitted text before it is counted, split or stored
 * (docs/architecture.md §4). Steps, in this order:
 *
 * 1. line endings: CRLF and lone CR become LF (`\n`);
 * 2. C0 control characters other than `\n` and `\t` (U+0000–U+0008, U+000B,
 *    U+000C, U+000E–U+001F) and DEL (U+007F) are removed;
 * 3. unpaired surrogate code units are removed, so the result is well-formed
 *    Unicode;
 * 4. Unicode Normalization Form C (NFC, UAX #15).
 *
 * Idempotent: `normalizeText(normalizeText(s)) === normalizeText(s)`.
 * Never throws.
 *
 * @param input any string, possibly ill-formed UTF-16.
 * @returns the normalized text.
 */
export function normalizeText(input: string): string {
  return input.replace(LINE_ENDINGS, "\n").replace(STRAY_CONTROLS, "").replace(LONE_SURROGATES, "").normalize("NFC");
}

/**
 * UTF-16 offsets of the extended grapheme cluster boundaries of `text`
 * (UAX #29), ascending, always starting with 0 and ending with
 * `text.length`. A text of n characters yields n + 1 offsets; "" yields [0].
 *
 * Cutting a string only at these offsets never splits a character: an
 * emoji ZWJ sequence, flag, skin-tone modifier or combining accent stays
 * whole (docs/architecture.md §4). Linear time: runs of "simple" characters (see
 * `isSimple`) need no segmenter, and the rest is segmented in chunks.
 *
 * @param text normally the output of `normalizeText`.
 */
export function graphemeBoundaries(text: string): Int32Array {
  const n = text.length;
  const out = new Int32Array(n + 1);
  let count = 1; // out[0] = 0
  let i = 0; // always a boundary
  while (i < n) {
    const length = simpleAt(text, i);
    if (length > 0 && (i + length === n || simpleAt(text, i + length) > 0)) {
      i += length;
      out[count++] = i;
      continue;
    }
    const j = stretchEnd(text, i);
    count = segmentStretch(text, i, j, out, count);
    i = j;
  }
  return out.slice(0, count);
}

/**
 * End of the stretch starting at `start` that needs the segmenter: the next
 * certain boundary, i.e. between two simple code points. Stretches separated
 * by fewer than MERGE_GAP code units of simple text are merged, since a
 * segmenter call costs as much as segmenting a few dozen characters.
 */
function stretchEnd(text: string, start: number): number {
  const n = text.length;
  let previousSimple = simpleAt(text, start) > 0;
  let k = start + (simpleAt(text, start) || 1);
  while (k < n) {
    const length = simpleAt(text, k);
    if (previousSimple && length > 0) {
      const complex = nextComplex(text, k, Math.min(n, k + MERGE_GAP));
      if (complex === -1) return k;
      k = complex; // the code point before it is simple
      continue;
    }
    previousSimple = length > 0;
    k += length || 1;
  }
  return n;
}

/** First position in [from, stop) where a non-simple code point starts, or -1. */
function nextComplex(text: string, from: number, stop: number): number {
  let k = from;
  while (k < stop) {
    const length = simpleAt(text, k);
    if (length === 0) return k;
    k += length;
  }
  return -1;
}

/**
 * Length in code units (1 or 2) of the code point at `i` if it is "simple",
 * else 0. Simple code points are whole characters that always have a
 * grapheme boundary between them and another simple one under UAX #29: none
 * is CR, a control other than LF and TAB, Extend, ZWJ, SpacingMark,
 * Prepend, a regional indicator, an emoji modifier, a conjoining Hangul jamo
 * or an Indic letter, so rules GB3–GB13 cannot join two of them. Pictographs
 * (☕, 😀) are included: they only join a neighbour through ZWJ, a variation
 * selector or a modifier, none of which is simple.
 */
function simpleAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 0xd800 || c > 0xdfff) return isSimpleBmp(c) ? 1 : 0;
  if (c > 0xdbff || i + 1 >= text.length) return 0;
  const d = text.charCodeAt(i + 1);
  if (d < 0xdc00 || d > 0xdfff) return 0;
  return isSimpleAstral(((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000) ? 2 : 0;
}

/**
 * ASCII but CR and controls; Latin-1 and Latin Extended-A/B; Greek and
 * Cyrillic letters; general punctuation; letterlike symbols through
 * miscellaneous symbols and arrows; CJK punctuation, kana, ideographs and
 * precomposed Hangul syllables.
 */
function isSimpleBmp(c: number): boolean {
  if (c < 0x80) return c >= 0x20 ? c !== 0x7f : c === 0x0a || c === 0x09;
  return (
    (c >= 0xa0 && c <= 0x24f && c !== 0xad) ||
    (c >= 0x370 && c <= 0x482) ||
    (c >= 0x48a && c <= 0x52f) ||
    (c >= 0x2010 && c <= 0x2027) ||
    (c >= 0x2030 && c <= 0x205e) ||
    (c >= 0x2100 && c <= 0x2bff) ||
    (c >= 0x3000 && c <= 0x3029) ||
    (c >= 0x3041 && c <= 0x3096) ||
    (c >= 0x30a1 && c <= 0x30fa) ||
    (c >= 0x4e00 && c <= 0x9fff) ||
    (c >= 0xac00 && c <= 0xd7a3)
  );
}

/**
 * Pictographs U+1F000–U+1FAFF without the regional indicators
 * (U+1F1E6–U+1F1FF, they pair into flags) and the skin-tone modifiers
 * (U+1F3FB–U+1F3FF, Extend); CJK ideographs in the supplementary planes.
 */
function isSimpleAstral(cp: number): boolean {
  return (
    (cp >= 0x1f000 && cp <= 0x1f1e5) ||
    (cp >= 0x1f200 && cp <= 0x1f3fa) ||
    (cp >= 0x1f400 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3134f)
  );
}

/**
 * Writes the boundaries in (start, end] of `text` to `out` from `count`, and
 * returns the new count. `start` and `end` must be boundaries.
 *
 * Chunked: within a chunk that starts at a boundary, every boundary the
 * segmenter reports before the chunk's end is right (UAX #29 rules look only
 * one code point ahead, and the context they look back at never crosses a
 * boundary: GB11 sequences are one cluster, regional indicators pair from an
 * even count). Only the chunk's end itself is uncertain, so the next chunk
 * starts at the last boundary found.
 */
function segmentStretch(text: string, start: number, end: number, out: Int32Array, count: number): number {
  let from = start;
  let size = CHUNK;
  while (from < end) {
    let to = Math.min(end, from + size);
    // Never end a chunk between the halves of a surrogate pair.
    if (to < end && isHighSurrogate(text.charCodeAt(to - 1))) to--;
    let last = from;
    for (const { index } of segmenter().segment(text.slice(from, to))) {
      if (index === 0) continue;
      last = from + index;
      out[count++] = last;
    }
    if (to === end) {
      out[count++] = end;
      return count;
    }
    if (last === from) {
      size *= 2; // a single cluster longer than the chunk (e.g. stacked marks)
    } else {
      from = last; // already written; the next chunk skips its index 0
      size = CHUNK;
    }
  }
  return count;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/**
 * Number of characters in `text`, where a character is an extended grapheme
 * cluster (UAX #29; docs/architecture.md §4). "👩‍👩‍👧‍👦", "🇳🇿" and "e\u0301" each count as 1.
 *
 * Callers pass normalized text (`normalizeText`); un-normalized text is
 * counted as is (so "\r\n" counts 1, as UAX #29 makes it one cluster).
 * Linear time (about 10 ms for 100,000 characters of prose).
 *
 * @returns a non-negative integer. Never throws.
 */
export function countCharacters(text: string): number {
  return graphemeBoundaries(text).length - 1;
}

/**
 * True when `text` has no visible character: it is empty or made only of
 * white space (`\p{White_Space}`), default-ignorable code points
 * (`\p{Default_Ignorable_Code_Point}`: ZWSP U+200B, ZWNJ U+200C, ZWJ
 * U+200D, word joiner U+2060, BOM U+FEFF, variation selectors, Hangul
 * fillers, ...), format characters (`\p{Cf}`, e.g. soft hyphen U+00AD,
 * U+180E) and the braille blank U+2800. The visible prepended concatenation
 * marks (e.g. U+0600 ARABIC NUMBER SIGN) are not blank.
 *
 * Used to refuse empty comments and names (docs/architecture.md §4). Never throws.
 */
export function isBlank(text: string): boolean {
  return INVISIBLE.test(text) && !VISIBLE_FORMAT.test(text);
}

/**
 * Formats a count for people, with en-GB digit grouping: 1234 → "1,234",
 * 4096 → "4,096". Never throws.
 */
export function formatCount(n: number): string {
  countFormat ??= new Intl.NumberFormat("en-GB", { maximumFractionDigits: 0 });
  return countFormat.format(n);
}
