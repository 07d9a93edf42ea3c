/**
 * Splitting long comments into parts (docs/architecture.md §4).
 *
 * Units: every length and limit here is counted in characters = extended
 * grapheme clusters (UAX #29) of the normalized Markdown source (see
 * `./characters`). Internally positions are grapheme indices; they are only
 * turned into UTF-16 offsets when slicing, so a cut can never fall inside a
 * character (an emoji sequence, a flag, a combining accent).
 *
 * How a part's end is chosen (greedy fill, docs/architecture.md §4):
 *
 * - Candidate cut positions have a kind, best first: paragraph (after a
 *   blank line), line (after a line break), sentence (after white space that
 *   follows sentence-ending punctuation, `\p{Sentence_Terminal}`, or straight
 *   after a CJK full stop), white space (after a run of spaces), grapheme
 *   (anywhere else). Cuts at white space are placed *after* the white space
 *   (and after the line break, before any indentation), so the next part
 *   starts with its first word and keeps its indentation.
 * - A part's size is the character count of its displayed `text`: the fence
 *   lines the splitter adds count; the white space at the cut (trailing
 *   blanks, leading blank lines) does not, since it is trimmed.
 * - Of the candidates whose part fits the limit, take the LAST one of the
 *   best kind whose part is at least half the limit. If no kind gets there,
 *   take the last candidate of the best kind that leaves a non-empty part.
 * - Never a cut strictly inside an atomic construct (CommonMark inline
 *   links and images `[t](u "x")`, `![a](s)`, full/collapsed reference links
 *   `[t][r]`, autolinks `<https://…>`, inline code spans with matching
 *   backtick runs, GFM-style bare URLs `http://`, `https://`, `www.`) —
 *   unless the construct alone is longer than the limit: then it is plain
 *   text for the splitter, cut like any word (last resort).
 * - A fenced code block (CommonMark: ``` or ~~~, 3+, optional info string,
 *   closed by a fence of the same character at least as long) that fits in a
 *   part is never cut. A longer one is cut between its lines (after a blank
 *   code line by preference), the part is closed with the fence and the next
 *   part reopens it with the exact opening line (info string included). The
 *   added lines count towards the limit. A single code line too long for a
 *   part is cut mid-line (last resort).
 * - If nothing above fits (only possible after a last-resort situation),
 *   cut at the last grapheme boundary that fits.
 *
 * Meaning, not only characters (docs/decisions/0058): each part is rendered
 * alone, so it must show what its stretch of the comment shows when the
 * whole is rendered (the property test renders both with the pages'
 * renderer, marked GFM). The stored source stays exact; only `text` changes:
 * - A part starting mid-line, or on a line that continued a top-level
 *   paragraph, escapes the line-start syntax it begins with (CommonMark §2.4
 *   backslash escapes): a ``` or ~~~ run, `#`, `>`, `-`/`+`/`*` list markers,
 *   `1.`/`1)` numbers, `---`/`***` rules, an HTML block start `<div`, a
 *   definition `[x]:`; leading indentation (an indented code block) is
 *   dropped. Mid-line in a quote or list item, the line's markers (`> `,
 *   `- `, `2) `) are repeated in front, and a blank line is shown before a
 *   next line that began its own list item, so it is not read as a
 *   continuation. A ``` code span that would read as a fence at a part's
 *   start is never cut before.
 * - Never a cut between a paragraph line and its setext underline, inside
 *   a heading's closing `#`s, or just after `#`s, `===` or `---` that would
 *   close or underline the part's last line.
 * - Emphasis, strong emphasis and strikethrough spans (`*a b*`, `**a**`,
 *   `_a_`, `~~a~~`) are atomic like links.
 * - A GFM table that fits is atomic; a longer one is cut between body rows
 *   and the next part repeats its header and delimiter rows (`prefix`),
 *   when they and the longest row fit in a part.
 * - A fenced block whose opening line and closing fence would take more
 *   than half a part is reopened with its fence alone (the info string only
 *   names a language), so it is always closed and reopened.
 * - A part that shows nothing (white space, zero-width characters, a byte
 *   order mark: `isBlank`) is merged into its neighbour's source.
 *
 * Limitations (documented choices):
 * - Only fences at top level (indented 0–3 spaces) are recognized; fences
 *   inside block quotes (`> ```…`) or deeper list items are ordinary text to
 *   the splitter (it still prefers line and paragraph breaks).
 * - If even the bare fence cannot be repeated in a part (a fence of dozens
 *   of backticks), the block is split without adding fence lines.
 * - Meaning is kept only where constructs fit in a part: a link, emphasis,
 *   code span, table row or heading longer than the limit is cut as plain
 *   text (last resort) and may show its syntax. Block structure is read
 *   line by line, not by a full CommonMark parser: HTML blocks longer than a
 *   part, and nested containers several levels deep, may read differently
 *   in a part than in the whole. A repeated list marker shows a new bullet
 *   (or number) for the continued item.
 * - An unclosed fence (runs to the end of the submission, per CommonMark)
 *   stays unclosed in the last part; earlier parts get a closing fence.
 * - Link titles containing unbalanced parentheses inside quotes are not
 *   recognized as links (so they are not protected). A bare URL too long to
 *   protect is not searched for shorter constructs inside it.
 * - White space costs nothing at a cut, so a part never consists of white
 *   space only: such a stretch is given to the previous part (whose text is
 *   unchanged, being trimmed), or, at the very start, to the next one.
 */
import { formatCount, graphemeBoundaries, isBlank, normalizeText } from "./characters";

/** Smallest accepted `limit`: leaves room for a reopened fence and content. */
const MIN_LIMIT = 16;
/** Site defaults (docs/architecture.md §4); the real values are site settings. */
const DEFAULT_LIMIT = 4096;
const DEFAULT_MAX_PARTS = 10;

/** One part of a split comment. */
export interface CommentPart {
  /**
   * Exact slice of the normalized input. The sources of all parts, in order,
   * concatenate to the normalized input (`joinParts`).
   */
  source: string;
  /**
   * What the splitter added before `source`, or "": a reopened fence line +
   * "\n", or a repeated table header + delimiter row, each ending in "\n".
   */
  prefix: string;
  /**
   * Closing fence line the splitter added after `source`, or "". It starts
   * with "\n" only when `source` does not already end with one (a code line
   * cut in the middle as a last resort).
   */
  suffix: string;
  /**
   * The Markdown displayed and stored for this part: prefix + source +
   * suffix, without the white space at the cuts (leading blank lines,
   * trailing white space), with line-start syntax escaped where a cut moved
   * it to the part's start (see the module comment). At most `limit`
   * characters. Rendered alone, it shows what `source` shows in the whole.
   */
  text: string;
}

/** Site settings for splitting (docs/architecture.md §4). */
export interface SplitOptions {
  /** Most characters (grapheme clusters) per part, an integer ≥ 16. */
  limit: number;
  /** Most parts a submission may be posted in, an integer ≥ 1. */
  maxParts: number;
}

export type SplitResult =
  | { ok: true; normalized: string; parts: CommentPart[] }
  | {
      ok: false;
      normalized: string;
      reason: "too-many-parts";
      /** Parts the submission would need (> maxParts). */
      partsNeeded: number;
      /**
       * Characters (grapheme clusters) to cut at least, at the end, for the
       * rest to fit in `maxParts` parts: what follows the last allowed part.
       */
      charactersToCut: number;
      /** A sentence to show the author. */
      message: string;
    };

/** What the live counter shows while typing. */
export interface SplitPlan {
  /** Characters (grapheme clusters) of the normalized text. */
  characters: number;
  limit: number;
  maxParts: number;
  /** Parts the text would be posted in (same splitter as the server). */
  parts: number;
  /** True when `parts > maxParts`: the server would refuse it. */
  tooLong: boolean;
  /** When `tooLong`: characters to cut at least for it to fit (as `splitComment`'s); else 0. */
  charactersToCut: number;
}

/**
 * Splits a comment submission into parts of at most `limit` characters
 * (docs/architecture.md §4; characters are UAX #29 grapheme clusters of the normalized
 * text). See the module comment for the boundary rules.
 *
 * - Text whose trimmed character count is within `limit` → one part whose
 *   `text` is the normalized input without leading blank lines and trailing
 *   white space (indentation of the first line is kept: it is Markdown).
 * - Needing more than `maxParts` parts → `{ ok: false, reason:
 *   "too-many-parts", partsNeeded, message }`.
 *
 * Invariants: `joinParts(parts) === normalized`; every cut is at a grapheme
 * boundary; every `text` has at most `limit` characters.
 * Runs in linear time in practice (about 10 ms for 40,000 characters).
 *
 * @throws RangeError when `limit` is not an integer ≥ 16 (`MIN_LIMIT`) or
 *   `maxParts` is not an integer ≥ 1.
 */
export function splitComment(input: string, options: SplitOptions): SplitResult {
  // The form's schema splits a body to check it, and the comment service splits it again to store
  // it: the same call twice in a row is answered from the last result (a pure function's).
  if (
    lastSplit &&
    lastSplit.input === input &&
    lastSplit.limit === options.limit &&
    lastSplit.maxParts === options.maxParts
  ) {
    return lastSplit.result;
  }
  const result = splitUncached(input, options);
  lastSplit = { input, limit: options.limit, maxParts: options.maxParts, result };
  return result;
}

/** The last `splitComment` call and its result. */
let lastSplit: { input: string; limit: number; maxParts: number; result: SplitResult } | null = null;

function splitUncached(input: string, options: SplitOptions): SplitResult {
  checkOptions(options);
  const normalized = normalizeText(input);
  const { parts, charactersAfter } = splitNormalized(normalized, options.limit, options.maxParts);
  if (parts.length > options.maxParts) {
    return {
      ok: false,
      normalized,
      reason: "too-many-parts",
      partsNeeded: parts.length,
      charactersToCut: charactersAfter,
      message: tooManyPartsMessage(parts.length, charactersAfter, options),
    };
  }
  return { ok: true, normalized, parts };
}

/**
 * The submission back from its parts: the concatenation of each part's
 * `source` (the fence lines the splitter added are not included). Equals the
 * normalized submission (docs/architecture.md §4). Never throws.
 */
export function joinParts(parts: readonly CommentPart[]): string {
  return parts.map((part) => part.source).join("");
}

/**
 * Cheap summary for the browser's live counter: the character count
 * (grapheme clusters of the normalized text, docs/architecture.md §4) and the number of
 * parts, computed with the real splitter so browser and server agree.
 * `characters` counts the whole normalized text; `parts` may still be 1 when
 * `characters` exceeds `limit` only by white space around the text, which is
 * trimmed from the displayed part. About 10 ms for 40,000 characters.
 *
 * @throws RangeError for invalid options, as `splitComment`.
 */
export function planSplit(input: string, options: SplitOptions): SplitPlan {
  checkOptions(options);
  const normalized = normalizeText(input);
  const characters = graphemeBoundaries(normalized).length - 1;
  const split = splitNormalized(normalized, options.limit, options.maxParts);
  const parts = split.parts.length;
  return {
    characters,
    limit: options.limit,
    maxParts: options.maxParts,
    parts,
    tooLong: parts > options.maxParts,
    charactersToCut: parts > options.maxParts ? split.charactersAfter : 0,
  };
}

function checkOptions({ limit, maxParts }: SplitOptions): void {
  if (!Number.isInteger(limit) || limit < MIN_LIMIT) {
    throw new RangeError(`limit must be an integer of at least ${MIN_LIMIT} characters, got ${limit}`);
  }
  if (!Number.isInteger(maxParts) || maxParts < 1) {
    throw new RangeError(`maxParts must be an integer of at least 1, got ${maxParts}`);
  }
}

/**
 * The sentence for a submission over `maxParts` parts: how many parts it
 * needs, how many are allowed, and how many characters (grapheme clusters)
 * to cut at least. Shared by the server's refusal and the live counter.
 */
export function tooManyPartsMessage(
  partsNeeded: number,
  charactersToCut: number,
  { limit, maxParts }: SplitOptions,
): string {
  return (
    `This comment would need ${formatCount(partsNeeded)} parts of up to ${formatCount(limit)} characters; ` +
    `at most ${formatCount(maxParts)} are allowed. Please cut at least ${formatCount(charactersToCut)} ` +
    `character${charactersToCut === 1 ? "" : "s"}, or post the rest as a second comment.`
  );
}

// ---------------------------------------------------------------------------
// Layout: what is known about every grapheme and every boundary.
// ---------------------------------------------------------------------------

/** Cut kinds, best first. Also indices into per-kind arrays. */
const PARAGRAPH = 0;
const LINE = 1;
const SENTENCE = 2;
const SPACE = 3;
const GRAPHEME = 4;
const KINDS = 5;
/** Inside an atomic construct or a code block that fits: last resort only. */
const FORBIDDEN = -1;
/** Inside a fence line of a reopenable block: never (no way to reopen it). */
const NEVER = -2;

/** Grapheme classes for trimming and gap detection. */
const OTHER = 0;
const BLANK = 1; // white space other than a line feed
const NEWLINE = 2;

/**
 * White space the splitter may cut after and trims at cuts. Not the
 * no-break spaces (U+00A0, U+2007, U+202F): authors use them to keep
 * things together.
 */
const CUTTABLE_SPACE = /^[ \t\u1680\u2000-\u2006\u2008-\u200A\u2028\u2029\u205F\u3000]$/;
const SENTENCE_END = /^\p{Sentence_Terminal}$/u;
/** Closing punctuation that may follow a sentence end: `end." Next`. */
const CLOSER = /^[)\]"'’”»›」』）】*_~]$/;
/** CJK full stops end a sentence without a following space. */
const CJK_SENTENCE_END = /[。！？｡]/;

interface FenceBlock {
  /** UTF-16 offsets: opening line start, content start (after its "\n"). */
  openStart: number;
  openEnd: number;
  /** Closing line start and end (after its "\n"); both text.length if unclosed. */
  closeStart: number;
  closeEnd: number;
  /** The opening line as written (indentation, fence, info string). */
  openLine: string;
  /**
   * The line a part starting inside the block reopens it with: `openLine`,
   * or, when that and the closing fence would take more than half a part,
   * the fence alone (the info string only names the language).
   */
  reopenLine: string;
  /** Indentation + fence characters, as long as the opening fence. */
  closeLine: string;
}

interface Layout {
  text: string;
  /** Grapheme count. Boundaries are indexed 0..count. */
  count: number;
  /** UTF-16 offset of each boundary. */
  offsets: Int32Array;
  /** Class of each grapheme (OTHER, BLANK, NEWLINE). */
  classes: Uint8Array;
  /** Best cut kind at each boundary, or FORBIDDEN / NEVER. */
  kinds: Int8Array;
  /**
   * For each boundary p: the largest q ≤ p with q = 0 or grapheme q - 1 not
   * white space. A part ending at p displays its source up to q.
   */
  visibleEnd: Int32Array;
  /** For each boundary: index in `fences` of the reopenable block whose content it is in, or -1. */
  insideFence: Int32Array;
  fences: FenceBlock[];
  /** Characters of each block's reopening prefix (opening line + "\n"). */
  prefixLengths: number[];
  /** For each boundary: index in `tables` of the repeatable table whose body rows it is in, or -1. */
  insideTable: Int32Array;
  tables: TableBlock[];
  /**
   * UTF-16 offsets of line starts that continue a top-level paragraph: in
   * the whole comment they are paragraph text, whatever they look like.
   */
  continuations: Set<number>;
}

interface TableBlock {
  /** Header line + "\n" + delimiter row + "\n": repeated on top of a part that starts in the body. */
  head: string;
  /** Its characters (grapheme clusters). */
  headLength: number;
}

function buildLayout(text: string, limit: number): Layout {
  const offsets = graphemeBoundaries(text);
  const count = offsets.length - 1;
  const graphemeAt = graphemeIndexByOffset(offsets, text.length);
  const classes = classifyGraphemes(text, offsets);
  const kinds = new Int8Array(count + 1).fill(GRAPHEME);
  kinds[0] = NEVER; // a part is never empty of source
  markGaps(text, offsets, classes, kinds);

  const fences = findFences(text);
  const layout: Layout = {
    text,
    count,
    offsets,
    classes,
    kinds,
    visibleEnd: visibleEnds(classes),
    insideFence: new Int32Array(count + 1).fill(-1),
    fences,
    prefixLengths: [],
    insideTable: new Int32Array(count + 1).fill(-1),
    tables: [],
    continuations: new Set(),
  };
  forbidAtomicConstructs(layout, graphemeAt, limit);
  markFences(layout, graphemeAt, limit);
  markBlocks(layout, graphemeAt, limit);
  return layout;
}

/** For every UTF-16 offset, the index of the grapheme containing it (count at the end). */
function graphemeIndexByOffset(offsets: Int32Array, length: number): Int32Array {
  const index = new Int32Array(length + 1);
  for (let g = 0; g + 1 < offsets.length; g++) index.fill(g, offsets[g], offsets[g + 1]);
  index[length] = offsets.length - 1;
  return index;
}

function classifyGraphemes(text: string, offsets: Int32Array): Uint8Array {
  const classes = new Uint8Array(offsets.length - 1);
  for (let g = 0; g < classes.length; g++) {
    // White space graphemes are one code unit; "␠\u0301" is a visible mark.
    if (offsets[g + 1] - offsets[g] !== 1) continue;
    const ch = text[offsets[g]];
    classes[g] = ch === "\n" ? NEWLINE : CUTTABLE_SPACE.test(ch) ? BLANK : OTHER;
  }
  return classes;
}

function graphemeAtIndex(layout: Pick<Layout, "text" | "offsets">, g: number): string {
  return layout.text.slice(layout.offsets[g], layout.offsets[g + 1]);
}

/**
 * Marks the end of every white-space run as a candidate: paragraph or line
 * kind (placed just after the run's last line feed), else sentence or
 * white-space kind. Also CJK sentence ends that have no space after them.
 */
function markGaps(text: string, offsets: Int32Array, classes: Uint8Array, kinds: Int8Array): void {
  const count = classes.length;
  const layout = { text, offsets };
  let g = 0;
  while (g < count) {
    if (classes[g] === OTHER) {
      if (offsets[g + 1] - offsets[g] === 1 && CJK_SENTENCE_END.test(text[offsets[g]])) {
        let after = g + 1;
        while (after < count && CLOSER.test(graphemeAtIndex(layout, after))) after++;
        if (after < count && classes[after] === OTHER) improve(kinds, after, SENTENCE);
      }
      g++;
      continue;
    }
    const runStart = g;
    let newlines = 0;
    let afterLastNewline = -1;
    while (g < count && classes[g] !== OTHER) {
      if (classes[g] === NEWLINE) {
        newlines++;
        afterLastNewline = g + 1;
      }
      g++;
    }
    if (newlines > 0) {
      if (afterLastNewline < count) improve(kinds, afterLastNewline, newlines >= 2 ? PARAGRAPH : LINE);
    } else if (g < count && runStart > 0) {
      improve(kinds, g, endsSentence(layout, runStart) ? SENTENCE : SPACE);
    }
  }
}

function improve(kinds: Int8Array, p: number, kind: number): void {
  if (kinds[p] > kind) kinds[p] = kind;
}

/** Does the text before grapheme `end` end a sentence (allowing closers like `."`)? */
function endsSentence(layout: Pick<Layout, "text" | "offsets">, end: number): boolean {
  let g = end - 1;
  while (g >= 0 && CLOSER.test(graphemeAtIndex(layout, g))) g--;
  return g >= 0 && SENTENCE_END.test(graphemeAtIndex(layout, g));
}

/** visibleEnd[p]: the part [a, p) displays graphemes up to max(start, visibleEnd[p]). */
function visibleEnds(classes: Uint8Array): Int32Array {
  const ends = new Int32Array(classes.length + 1);
  for (let p = 1; p <= classes.length; p++) {
    ends[p] = classes[p - 1] === OTHER ? p : ends[p - 1];
  }
  return ends;
}

/** Sets `kind` on the boundaries strictly inside the UTF-16 range [start, end). */
function markInside(layout: Layout, graphemeAt: Int32Array, start: number, end: number, kind: number): void {
  if (end - start < 2) return;
  const first = graphemeAt[start] + 1;
  const last = graphemeAt[end - 1];
  for (let p = first; p <= last; p++) {
    if (layout.kinds[p] !== NEVER) layout.kinds[p] = kind;
  }
}

/** Characters (grapheme clusters) touched by the UTF-16 range [start, end). */
function graphemeSpan(graphemeAt: Int32Array, start: number, end: number): number {
  return end <= start ? 0 : graphemeAt[end - 1] - graphemeAt[start] + 1;
}

// ---------------------------------------------------------------------------
// Fenced code blocks (CommonMark 0.31 §4.5), top level only.
// ---------------------------------------------------------------------------

const OPENING_FENCE = /^( {0,3})(`{3,}|~{3,})(.*)$/;

function findFences(text: string): FenceBlock[] {
  const blocks: FenceBlock[] = [];
  let open: { start: number; end: number; line: string; indent: string; fence: string } | null = null;
  let lineStart = 0;
  for (;;) {
    const newline = text.indexOf("\n", lineStart);
    const lineEnd = newline === -1 ? text.length : newline;
    const next = newline === -1 ? text.length : newline + 1;
    const line = text.slice(lineStart, lineEnd);
    if (open === null) {
      const m = OPENING_FENCE.exec(line);
      // A backtick fence's info string may not contain backticks.
      if (m && !(m[2][0] === "`" && m[3].includes("`"))) {
        open = { start: lineStart, end: next, line, indent: m[1], fence: m[2] };
      }
    } else if (isClosingFence(line, open.fence)) {
      blocks.push(fenceBlock(open, lineStart, next));
      open = null;
    }
    if (newline === -1) break;
    lineStart = next;
  }
  if (open !== null) blocks.push(fenceBlock(open, text.length, text.length));
  return blocks;
}

function isClosingFence(line: string, fence: string): boolean {
  const m = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line);
  return m !== null && m[1][0] === fence[0] && m[1].length >= fence.length;
}

function fenceBlock(
  open: { start: number; end: number; line: string; indent: string; fence: string },
  closeStart: number,
  closeEnd: number,
): FenceBlock {
  return {
    openStart: open.start,
    openEnd: open.end,
    closeStart,
    closeEnd,
    openLine: open.line,
    reopenLine: open.line,
    closeLine: open.indent + open.fence,
  };
}

/**
 * Code blocks that fit in a part are atomic. Longer ones may be cut at
 * their line starts; if reopening is possible, boundaries in their content
 * are recorded in `insideFence` so parts get a closing/opening fence.
 */
function markFences(layout: Layout, graphemeAt: Int32Array, limit: number): void {
  const { text, offsets } = layout;
  layout.fences.forEach((block, index) => {
    const openLineEnd = block.openStart + block.openLine.length;
    const openLength = graphemeSpan(graphemeAt, block.openStart, openLineEnd) + 1;
    // Worst case: prefix + one character + "\n" + closing fence.
    const fitsWith = (prefix: number) => prefix + 1 + 1 + block.closeLine.length <= limit;
    // The info string is repeated while the fence lines take at most half a part.
    const fullReopen = 2 * (openLength + 1 + block.closeLine.length) <= limit;
    if (!fullReopen) block.reopenLine = block.closeLine;
    const prefixLength = fullReopen ? openLength : block.closeLine.length + 1;
    layout.prefixLengths.push(prefixLength);
    const blockEnd =
      block.closeEnd > block.closeStart && text[block.closeEnd - 1] === "\n" ? block.closeEnd - 1 : block.closeEnd;
    const fits = graphemeSpan(graphemeAt, block.openStart, blockEnd) <= limit;
    const reopenable = fitsWith(prefixLength);

    markInside(layout, graphemeAt, block.openStart, block.closeEnd, FORBIDDEN);
    if (reopenable) {
      // Cutting inside a fence line would leave a fence that cannot be closed
      // (an opening line longer than a part may still be cut, as a last resort).
      if (fullReopen) markInside(layout, graphemeAt, block.openStart, block.openEnd, NEVER);
      markInside(layout, graphemeAt, block.closeStart, block.closeEnd, NEVER);
      // A part starting in an opening line too long for a part (last resort) reopens the block too.
      const first = fullReopen ? graphemeAt[block.openEnd] : graphemeAt[block.openStart] + 1;
      const last = block.closeStart >= text.length ? layout.count - 1 : graphemeAt[block.closeStart];
      for (let p = first; p <= last; p++) layout.insideFence[p] = index;
    }
    if (fits) return;
    // Cut between code lines, strictly after the opening line and before the
    // closing one (a cut there would leave an empty block in one part).
    for (
      let at = text.indexOf("\n", block.openEnd);
      at !== -1 && at + 1 < block.closeStart;
      at = text.indexOf("\n", at + 1)
    ) {
      const p = graphemeAt[at + 1];
      if (offsets[p] !== at + 1) continue;
      const previousLine = text.slice(text.lastIndexOf("\n", at - 1) + 1, at);
      layout.kinds[p] = previousLine.trim() === "" ? PARAGRAPH : LINE;
    }
  });
}

// ---------------------------------------------------------------------------
// Line-start syntax (CommonMark 0.31 §4, GFM tables), as the comment renderer
// (marked, GFM) reads it. A part is rendered alone, so its first line is read
// as the start of a document: whatever was paragraph text in the whole
// comment must still read as text there (see `leadFix`).
// ---------------------------------------------------------------------------

const ATX_HEADING = /^ {0,3}#{1,6}(?:[ \t]|$)/;
const THEMATIC_BREAK = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const SETEXT_UNDERLINE = /^ {0,3}(?:=+|-+)[ \t]*$/;
const FENCE_START = /^ {0,3}(?:`{3,}(?!.*`)|~{3,})/;
const QUOTE_START = /^ {0,3}>/;
const LIST_START = /^ {0,3}(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)/;
/** List items that may interrupt a paragraph: not empty, and an ordered one starts at 1. */
const INTERRUPTING_LIST = /^ {0,3}(?:[-+*]|1[.)])[ \t]+\S/;
/** HTML blocks of kinds 1–6, the ones that may interrupt a paragraph (CommonMark §4.6). */
const HTML_BLOCK_START =
  /^ {0,3}<(?:(?:script|pre|style|textarea)(?:[\s>]|$)|!--|\?|![A-Za-z]|!\[CDATA\[|\/?(?:address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|h[1-6]|head|header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|optgroup|option|p|param|search|section|summary|table|tbody|td|tfoot|th|thead|title|tr|track|ul)(?:[\s>]|\/>|$))/i;
/** Any HTML block start, kind 7 included (a complete tag alone on its line). */
const ANY_HTML_START = /^ {0,3}<[A-Za-z/!?]/;
const TABLE_DELIMITER = /^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;
const INDENTED = /^(?: {4}| {0,3}\t)/;

function isEmptyLine(line: string): boolean {
  return line.trim() === "";
}

/** Cells of a table row: unescaped pipes, a leading and trailing one ignored (GFM §4.10). */
function tableCells(line: string): number {
  const inner = line
    .trim()
    .replace(/^\|/, "")
    .replace(/(?<!\\)\|$/, "");
  return inner.split(/(?<!\\)\|/).length;
}

/** Can this line begin a table (it has a pipe, and the next line is a delimiter row of as many cells)? */
function isTableHeader(line: string, next: string | undefined): boolean {
  return (
    next !== undefined &&
    line.includes("|") &&
    !INDENTED.test(line) &&
    TABLE_DELIMITER.test(next) &&
    next.includes("|") === true &&
    tableCells(line) === tableCells(next)
  );
}

/** Does a line end a table's body (marked: a blank line or another block's start)? */
function endsTable(line: string): boolean {
  return (
    isEmptyLine(line) ||
    ATX_HEADING.test(line) ||
    THEMATIC_BREAK.test(line) ||
    FENCE_START.test(line) ||
    QUOTE_START.test(line) ||
    LIST_START.test(line) ||
    ANY_HTML_START.test(line) ||
    INDENTED.test(line)
  );
}

/** Does a line start a block even right after paragraph text (so it is no continuation)? */
function interruptsParagraph(line: string): boolean {
  return (
    ATX_HEADING.test(line) ||
    THEMATIC_BREAK.test(line) ||
    FENCE_START.test(line) ||
    QUOTE_START.test(line) ||
    INTERRUPTING_LIST.test(line) ||
    HTML_BLOCK_START.test(line)
  );
}

/**
 * One pass over the lines outside fenced code: finds GFM tables (kept whole
 * when they fit, else cut between body rows with the header repeated on top
 * of the next part), setext underlines (never cut off from their line), and
 * the lines that continue a top-level paragraph (`continuations`).
 */
function markBlocks(layout: Layout, graphemeAt: Int32Array, limit: number): void {
  const { text } = layout;
  const lines: Array<{ start: number; end: number; text: string }> = [];
  for (let start = 0; start <= text.length; ) {
    const newline = text.indexOf("\n", start);
    const end = newline === -1 ? text.length : newline;
    lines.push({ start, end, text: text.slice(start, end) });
    if (newline === -1) break;
    start = newline + 1;
  }
  let fence = 0;
  /** What the previous line left open: nothing, a top-level paragraph, or a container (quote, list, HTML). */
  let open: "none" | "paragraph" | "container" = "none";
  const boundary = (offset: number): number => (offset >= text.length ? layout.count : graphemeAt[offset]);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    while (
      fence < layout.fences.length &&
      layout.fences[fence].closeEnd <= line.start &&
      layout.fences[fence].closeEnd < text.length
    )
      fence++;
    const block = layout.fences[fence];
    if (
      block !== undefined &&
      line.start >= block.openStart &&
      (line.start < block.closeEnd || block.closeEnd >= text.length)
    ) {
      open = "none";
      continue;
    }
    if (isEmptyLine(line.text)) {
      open = "none";
      continue;
    }
    // A line starting `=== ` or `--- ` cut after that run would end its part
    // in an underline or a rule: no cut there.
    const rule = /^ {0,3}(?:=+|(?:[-*_][ \t]*){3,}|-+)[ \t]+(?=\S)/.exec(line.text);
    if (rule !== null && !THEMATIC_BREAK.test(line.text)) {
      markInside(layout, graphemeAt, line.start, line.start + rule[0].length + 1, FORBIDDEN);
    }
    if (isTableHeader(line.text, lines[i + 1]?.text)) {
      let last = i + 1;
      while (last + 1 < lines.length && !endsTable(lines[last + 1].text) && !insideFence(layout, lines[last + 1].start))
        last++;
      markTable(layout, graphemeAt, boundary, lines.slice(i, last + 1), limit);
      i = last;
      open = "none";
      continue;
    }
    if (open === "paragraph") {
      if (SETEXT_UNDERLINE.test(line.text)) {
        // Cut off from its line, an underline would be a rule or text.
        markInside(layout, graphemeAt, line.start - 1, line.end, FORBIDDEN);
        open = "none";
        continue;
      }
      if (!interruptsParagraph(line.text)) {
        layout.continuations.add(line.start);
        continue;
      }
    }
    if (ATX_HEADING.test(line.text)) {
      // A heading's closing `#`s show nothing; alone at a part's start they would.
      const closing = /[ \t]+#+[ \t]*$/.exec(line.text);
      if (closing !== null) markInside(layout, graphemeAt, line.start + closing.index, line.end, FORBIDDEN);
      // Nor may a part end on `#`s from the middle of a heading: they would close it.
      for (const hashes of line.text.matchAll(/[ \t]#+[ \t]+(?=\S)/g)) {
        markInside(
          layout,
          graphemeAt,
          line.start + hashes.index,
          line.start + hashes.index + hashes[0].length + 1,
          FORBIDDEN,
        );
      }
      open = "none";
    } else if (THEMATIC_BREAK.test(line.text)) open = "none";
    else if (QUOTE_START.test(line.text) || LIST_START.test(line.text) || ANY_HTML_START.test(line.text))
      open = "container";
    else if (open === "container") open = "container";
    else if (INDENTED.test(line.text)) open = "none";
    else open = "paragraph";
  }
}

/** Is UTF-16 `offset` in a fenced code block (its fence lines included)? Binary search: blocks are in order. */
function insideFence(layout: Layout, offset: number): boolean {
  const { fences } = layout;
  let low = 0;
  let high = fences.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const block = fences[mid];
    if (offset < block.openStart) high = mid - 1;
    else if (offset >= block.closeEnd && block.closeEnd < layout.text.length) low = mid + 1;
    else return true;
  }
  return false;
}

/** The boundary at UTF-16 `offset`, or -1 when `offset` is inside a grapheme. */
function boundaryAt(layout: Layout, offset: number): number {
  const { offsets } = layout;
  let low = 0;
  let high = offsets.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (offsets[mid] < offset) low = mid + 1;
    else if (offsets[mid] > offset) high = mid - 1;
    else return mid;
  }
  return -1;
}

function markTable(
  layout: Layout,
  graphemeAt: Int32Array,
  boundary: (offset: number) => number,
  rows: Array<{ start: number; end: number; text: string }>,
  limit: number,
): void {
  const start = rows[0].start;
  const end = rows[rows.length - 1].end;
  markInside(layout, graphemeAt, start, end + 1 <= layout.text.length ? end + 1 : end, FORBIDDEN);
  if (graphemeSpan(graphemeAt, start, end) <= limit) return;
  const head = `${rows[0].text}\n${rows[1].text}\n`;
  const headLength = graphemeSpan(graphemeAt, start, rows[1].end) + 1;
  // Repeat the header when it fits on top of any one row.
  const longestRow = Math.max(...rows.slice(2).map((row) => graphemeSpan(graphemeAt, row.start, row.end)));
  const repeat = headLength + longestRow <= limit;
  const index = layout.tables.length;
  if (repeat) layout.tables.push({ head, headLength });
  for (const row of rows.slice(2)) {
    const p = boundary(row.start);
    if (layout.offsets[p] !== row.start) continue;
    layout.kinds[p] = LINE;
    if (repeat) for (let q = p; q < boundary(row.end); q++) layout.insideTable[q] = index;
  }
}

/**
 * How the first line of a part displayed from grapheme `from` must change
 * so it keeps its meaning when the part is rendered alone: `consumed`
 * UTF-16 code units of the source (all ASCII, one character each) are shown
 * as `replacement`, and when `breakAt` is not -1 a blank line is shown after
 * the line feed at that offset. Null when nothing changes.
 *
 * - A part starting mid-line, or on a line that continued a top-level
 *   paragraph, starts with paragraph text: line-start syntax there (a fence,
 *   list, quote or heading marker, an ordered-list number, a thematic break,
 *   an HTML block start, a link reference definition) is escaped with a
 *   backslash (CommonMark §2.4), and its indentation is dropped (it would
 *   make an indented code block).
 * - A part starting on an indented line right after another line (a nested
 *   list item, a continuation) loses the indentation only: alone, 4 spaces
 *   would make it code.
 */
function leadFix(layout: Layout, from: number): Lead {
  if (from === 0 || from >= layout.count || prefixLength(layout, from) > 0) return null;
  const { text } = layout;
  const offset = layout.offsets[from];
  const newline = text.indexOf("\n", offset);
  const line = text.slice(offset, newline === -1 ? text.length : newline);
  const midLine = text[offset - 1] !== "\n";
  const indentation = /^[ \t]*/.exec(line)![0];
  if (midLine || layout.continuations.has(offset)) {
    const container = midLine ? containerMarkers(layout, offset) : "";
    const escaped = escapeLineStart(line.slice(indentation.length), text, offset + indentation.length);
    const breakAt =
      newline !== -1 &&
      startsOwnBlock(layout, newline + 1) &&
      (container === "" || LIST_START.test(nextLine(text, newline)))
        ? newline
        : -1;
    const dropIndentation = INDENTED.test(line) || (midLine && indentation !== "");
    if (escaped === null && !dropIndentation && breakAt === -1 && container === "") return null;
    return {
      consumed: (escaped !== null || dropIndentation ? indentation.length : 0) + (escaped?.consumed ?? 0),
      replacement: container + (escaped?.replacement ?? ""),
      breakAt,
    };
  }
  if (INDENTED.test(line) && !insideFence(layout, offset)) {
    const previousStart = text.lastIndexOf("\n", offset - 2) + 1;
    const previous = text.slice(previousStart, offset - 1);
    if (!isEmptyLine(previous) && !INDENTED.test(previous))
      return { consumed: indentation.length, replacement: "", breakAt: -1 };
  }
  return null;
}

function nextLine(text: string, newline: number): string {
  const end = text.indexOf("\n", newline + 1);
  return text.slice(newline + 1, end === -1 ? text.length : end);
}

/** Quote and list markers a line starts with (`> `, `- `, `2) `, nested ones too). */
const CONTAINER_MARKERS = /^(?: {0,3}(?:>[ \t]?|(?:[-+*]|\d{1,9}[.)])[ \t]+))+/;

/**
 * The quote and list markers of the line a part starts in, when the part
 * starts after them, mid-line: repeated in front of the part, they keep its
 * first line in its quote or list item (and the lines after it, as in the
 * whole comment). "" when there are none.
 */
function containerMarkers(layout: Layout, offset: number): string {
  const { text } = layout;
  const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
  if (insideFence(layout, lineStart)) return "";
  const markers = CONTAINER_MARKERS.exec(text.slice(lineStart, offset));
  // Without its parent's line, a nested item's indentation would only confuse.
  return markers === null ? "" : markers[0].replace(/^[ \t]+/, "");
}

/**
 * Does the line at `offset` start a block of its own in the whole comment,
 * so that a part whose first line is paragraph text must show a blank line
 * before it (else it could be read as that paragraph's continuation)? Lines
 * indented as code are left alone (a blank line would make them code), and
 * so is an underline (the first line is its setext heading).
 */
function startsOwnBlock(layout: Layout, offset: number): boolean {
  if (layout.continuations.has(offset) || insideFence(layout, offset)) return false;
  // An inline construct (a code span, a link) runs on into that line.
  if (layout.kinds[boundaryAt(layout, offset)] === FORBIDDEN) return false;
  const newline = layout.text.indexOf("\n", offset);
  const line = layout.text.slice(offset, newline === -1 ? layout.text.length : newline);
  return !isEmptyLine(line) && !INDENTED.test(line) && !SETEXT_UNDERLINE.test(line);
}

/** Backslash-escapes the block syntax `line` starts with, or null when it starts none. */
function escapeLineStart(line: string, text: string, at: number): { consumed: number; replacement: string } | null {
  const run = (ch: string): number => {
    let n = 0;
    while (line[n] === ch) n++;
    return n;
  };
  const escapeRun = (n: number) => ({ consumed: n, replacement: `\\${line[0]}`.repeat(n) });
  const first = line[0];
  if (first === undefined) return null;
  if (FENCE_START.test(line)) return escapeRun(run(first));
  if (THEMATIC_BREAK.test(line)) return escapeRun(first === "-" ? 1 : run(first));
  if (ATX_HEADING.test(line) || first === ">") return { consumed: 1, replacement: `\\${first}` };
  if (/^[-+*](?:[ \t]|$)/.test(line)) return { consumed: 1, replacement: `\\${first}` };
  const ordered = /^(\d{1,9})[.)](?:[ \t]|$)/.exec(line);
  if (ordered) return { consumed: ordered[1].length + 1, replacement: `${ordered[1]}\\${line[ordered[1].length]}` };
  if (first === "<" && ANY_HTML_START.test(line) && matchAt(AUTOLINK, text, at, text.length) === -1) {
    return { consumed: 1, replacement: "\\<" };
  }
  if (/^\[(?:[^\]\\]|\\.)+\]:/.test(line)) return { consumed: 1, replacement: "\\[" };
  return null;
}

// ---------------------------------------------------------------------------
// Atomic inline constructs (CommonMark §6.1 code spans, §6.3 links, §6.4
// images, §6.5 autolinks; GFM extended autolinks for bare URLs).
// ---------------------------------------------------------------------------

const AUTOLINK =
  /<(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*|[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)>/y;
const BARE_URL = /(?:https?:\/\/|www\.)[^\s<]+/iy;
/** Characters after which a bare URL may start (GFM: start of line, white space, `*`, `_`, `~`, `(`). */
const URL_MAY_FOLLOW = /[\s*_~(["'>]/;

/**
 * Forbids cuts inside links, images, autolinks, bare URLs and code spans
 * that fit in a part. Code blocks are skipped: their content is literal.
 */
function forbidAtomicConstructs(layout: Layout, graphemeAt: Int32Array, limit: number): void {
  const protect = (start: number, end: number): boolean => {
    if (graphemeSpan(graphemeAt, start, end) > limit) return false;
    markInside(layout, graphemeAt, start, end, FORBIDDEN);
    return true;
  };
  let regionStart = 0;
  for (const block of layout.fences) {
    forEachParagraph(layout.text, regionStart, block.openStart, (s, e) => scanInlines(layout.text, s, e, protect));
    regionStart = block.closeEnd;
  }
  forEachParagraph(layout.text, regionStart, layout.text.length, (s, e) => scanInlines(layout.text, s, e, protect));
}

function startsInlineBlock(line: string): boolean {
  return LIST_START.test(line) || ATX_HEADING.test(line) || THEMATIC_BREAK.test(line);
}

/** Inline constructs never cross a blank line or a new list item, so scan paragraph by paragraph. */
function forEachParagraph(text: string, start: number, end: number, visit: (start: number, end: number) => void): void {
  let paragraphStart = start;
  let lineStart = start;
  while (lineStart < end) {
    let lineEnd = text.indexOf("\n", lineStart);
    if (lineEnd === -1 || lineEnd > end) lineEnd = end;
    if (isBlankLine(text, lineStart, lineEnd)) {
      if (lineStart > paragraphStart) visit(paragraphStart, lineStart);
      paragraphStart = lineEnd + 1;
    } else if (lineStart > paragraphStart && startsInlineBlock(text.slice(lineStart, lineEnd))) {
      // A list item or heading starts a new block: inlines do not run into it.
      visit(paragraphStart, lineStart);
      paragraphStart = lineStart;
    }
    lineStart = lineEnd + 1;
  }
  if (paragraphStart < end) visit(paragraphStart, end);
}

function isBlankLine(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    if (text[i] !== " " && text[i] !== "\t") return false;
  }
  return true;
}

interface Span {
  start: number;
  end: number;
}

/**
 * One linear pass over a paragraph: code spans first (they bind tighter
 * than links), then brackets and parentheses are matched with stacks, then
 * constructs are recognized left to right. A construct too long to protect
 * is scanned inside, so the shorter constructs in it are still protected.
 */
function scanInlines(text: string, start: number, end: number, protect: (start: number, end: number) => boolean): void {
  const codeSpans = findCodeSpans(text, start, end);
  const { brackets, parens } = matchBrackets(text, start, end, codeSpans);
  const emphasis = findEmphasis(text, start, end, codeSpans);
  let span = 0;
  let emphasisSpan = 0;
  let i = start;
  while (i < end) {
    while (emphasisSpan < emphasis.length && emphasis[emphasisSpan].start < i) emphasisSpan++;
    if (
      emphasisSpan < emphasis.length &&
      emphasis[emphasisSpan].start === i &&
      protect(i, emphasis[emphasisSpan].end)
    ) {
      i = emphasis[emphasisSpan].end;
      continue;
    }
    while (span < codeSpans.length && codeSpans[span].start < i) span++;
    if (span < codeSpans.length && codeSpans[span].start === i) {
      // "```" that opens a code span mid-line would open a code block at a
      // part's start (nothing else on its line has a backtick): no cut before it.
      const lineEnd = text.indexOf("\n", i);
      const looksLikeFence =
        i > start &&
        text[i - 1] !== "\n" &&
        text.startsWith("```", i) &&
        !/[^`]`/.test(text.slice(i, lineEnd === -1 ? end : lineEnd));
      let from = i;
      if (looksLikeFence) {
        while (from > start && (text[from - 1] === " " || text[from - 1] === "\t")) from--;
        from = Math.max(start, from - 1);
      }
      protect(from, codeSpans[span].end);
      i = codeSpans[span++].end;
      continue;
    }
    const ch = text[i];
    if (ch === "\\") {
      i += 2;
      continue;
    }
    const linkEnd =
      ch === "["
        ? linkAt(i, brackets, parens, text)
        : ch === "!" && text[i + 1] === "["
          ? linkAt(i + 1, brackets, parens, text)
          : -1;
    if (linkEnd > 0 && protect(i, linkEnd)) {
      i = linkEnd;
      continue;
    }
    if (ch === "<") {
      const autolinkEnd = matchAt(AUTOLINK, text, i, end);
      if (autolinkEnd > 0 && protect(i, autolinkEnd)) {
        i = autolinkEnd;
        continue;
      }
    } else if (startsBareUrl(text, i, start)) {
      const urlEnd = matchAt(BARE_URL, text, i, end);
      if (urlEnd > 0) {
        // Skipped even when too long to protect: a URL ends at white space,
        // so rescanning its tail would be quadratic for nothing.
        protect(i, urlEnd);
        i = urlEnd;
        continue;
      }
    }
    i++;
  }
}

const UNICODE_WHITESPACE = /\s/u;
const UNICODE_PUNCTUATION = /[\p{P}\p{S}]/u;

/**
 * Emphasis, strong emphasis and strikethrough: from each delimiter run that
 * can open (CommonMark §6.2 flanking rules; `~` as GFM strikethrough) to the
 * end of the next run of the same character that can close. An
 * approximation of the delimiter algorithm, good enough to keep `*a b*`
 * from being cut into `*a` and `b*` (which would show the stars). Spans run
 * from an opener to the end of its closer, in order of their start.
 */
function findEmphasis(text: string, start: number, end: number, codeSpans: Span[]): Span[] {
  const runs: Array<{ ch: string; start: number; end: number; opens: boolean; closes: boolean }> = [];
  let span = 0;
  for (let i = start; i < end; i++) {
    while (span < codeSpans.length && codeSpans[span].end <= i) span++;
    if (span < codeSpans.length && codeSpans[span].start <= i) {
      i = codeSpans[span].end - 1;
      continue;
    }
    const ch = text[i];
    if (ch === "\\") {
      i++;
      continue;
    }
    if (ch !== "*" && ch !== "_" && ch !== "~") continue;
    let j = i;
    while (j < end && text[j] === ch) j++;
    const before = i > start ? (text.codePointAt(i - 1 - (isLowSurrogate(text, i - 1) ? 1 : 0)) ?? 32) : 32;
    const after = j < end ? (text.codePointAt(j) ?? 32) : 32;
    const beforeSpace = isWhitespace(before);
    const afterSpace = isWhitespace(after);
    const beforePunct = isPunctuation(before);
    const afterPunct = isPunctuation(after);
    const left = !afterSpace && (!afterPunct || beforeSpace || beforePunct);
    const right = !beforeSpace && (!beforePunct || afterSpace || afterPunct);
    runs.push({
      ch,
      start: i,
      end: j,
      opens: ch === "_" ? left && (!right || beforePunct) : left,
      closes: ch === "_" ? right && (!left || afterPunct) : right,
    });
    i = j - 1;
  }
  const spans: Span[] = [];
  const nextCloser: Record<string, number> = {};
  for (let k = runs.length - 1; k >= 0; k--) {
    const run = runs[k];
    const closer = nextCloser[run.ch];
    if (run.opens && closer !== undefined) spans.push({ start: run.start, end: closer });
    if (run.closes) nextCloser[run.ch] = run.end;
  }
  return spans.reverse();
}

function isWhitespace(code: number): boolean {
  if (code < 128) return code === 32 || (code >= 9 && code <= 13);
  return UNICODE_WHITESPACE.test(String.fromCodePoint(code));
}

function isPunctuation(code: number): boolean {
  if (code < 128)
    return (code >= 33 && code <= 47) || (code >= 58 && code <= 64) || (code >= 91 && code <= 96) || code >= 123;
  return UNICODE_PUNCTUATION.test(String.fromCodePoint(code));
}

function isLowSurrogate(text: string, at: number): boolean {
  const code = text.charCodeAt(at);
  return code >= 0xdc00 && code <= 0xdfff;
}

/** End of the link or image whose text opens at `open` (`[`), or -1. */
function linkAt(open: number, brackets: Map<number, number>, parens: Map<number, number>, text: string): number {
  const close = brackets.get(open);
  if (close === undefined) return -1;
  const after = close + 1;
  if (text[after] === "(") {
    const destinationEnd = parens.get(after);
    return destinationEnd === undefined ? -1 : destinationEnd + 1;
  }
  if (text[after] === "[") {
    const labelEnd = brackets.get(after);
    return labelEnd === undefined ? -1 : labelEnd + 1;
  }
  return -1; // shortcut `[text]`: not protected (it is usually just brackets)
}

function startsBareUrl(text: string, i: number, paragraphStart: number): boolean {
  const ch = text[i];
  if (ch !== "h" && ch !== "H" && ch !== "w" && ch !== "W") return false;
  return i === paragraphStart || URL_MAY_FOLLOW.test(text[i - 1]);
}

function matchAt(pattern: RegExp, text: string, at: number, end: number): number {
  pattern.lastIndex = at;
  const m = pattern.exec(text);
  if (m === null) return -1;
  const matchEnd = at + m[0].length;
  return matchEnd <= end ? matchEnd : -1;
}

/**
 * Code spans: a backtick run closed by the next run of the same length
 * (CommonMark §6.1). A run right after a backslash cannot open one.
 */
function findCodeSpans(text: string, start: number, end: number): Span[] {
  const runs: Span[] = [];
  for (let i = start; i < end; i++) {
    if (text[i] !== "`") continue;
    let j = i;
    while (j < end && text[j] === "`") j++;
    runs.push({ start: i, end: j });
    i = j;
  }
  // nextSame[k]: the next run with the same length, found right to left.
  const nextSame = new Int32Array(runs.length).fill(-1);
  const lastByLength = new Map<number, number>();
  for (let k = runs.length - 1; k >= 0; k--) {
    const length = runs[k].end - runs[k].start;
    nextSame[k] = lastByLength.get(length) ?? -1;
    lastByLength.set(length, k);
  }
  const spans: Span[] = [];
  for (let k = 0; k < runs.length; ) {
    const closer = nextSame[k];
    if (closer === -1 || isEscaped(text, runs[k].start)) {
      k++;
      continue;
    }
    spans.push({ start: runs[k].start, end: runs[closer].end });
    k = closer + 1;
  }
  return spans;
}

function isEscaped(text: string, at: number): boolean {
  let backslashes = 0;
  while (at - backslashes - 1 >= 0 && text[at - backslashes - 1] === "\\") backslashes++;
  return backslashes % 2 === 1;
}

/** Matches `[`/`]` and `(`/`)` outside code spans, ignoring escaped ones. */
function matchBrackets(
  text: string,
  start: number,
  end: number,
  codeSpans: Span[],
): { brackets: Map<number, number>; parens: Map<number, number> } {
  const brackets = new Map<number, number>();
  const parens = new Map<number, number>();
  const openBrackets: number[] = [];
  const openParens: number[] = [];
  let span = 0;
  for (let i = start; i < end; i++) {
    if (span < codeSpans.length && codeSpans[span].start === i) {
      i = codeSpans[span++].end - 1;
      continue;
    }
    const ch = text[i];
    if (ch === "\\") i++;
    else if (ch === "[") openBrackets.push(i);
    else if (ch === "]" && openBrackets.length > 0) brackets.set(openBrackets.pop()!, i);
    else if (ch === "(") openParens.push(i);
    else if (ch === ")" && openParens.length > 0) parens.set(openParens.pop()!, i);
  }
  return { brackets, parens };
}

// ---------------------------------------------------------------------------
// Choosing the cuts.
// ---------------------------------------------------------------------------

/**
 * The parts of `text`, and the characters after part `maxParts` ends (0 when
 * the text fits in `maxParts` parts).
 */
function splitNormalized(
  text: string,
  limit: number,
  maxParts = Number.POSITIVE_INFINITY,
): { parts: CommentPart[]; charactersAfter: number } {
  const layout = buildLayout(text, limit);
  const cuts = [0];
  let start = 0;
  // Each part takes at least one grapheme, so this ends after ≤ count parts.
  while (start < layout.count) {
    start = chooseEnd(layout, start, limit);
    cuts.push(start);
  }
  if (cuts.length === 1) cuts.push(0); // "" is one empty part
  const parts: CommentPart[] = [];
  for (let k = 0; k + 1 < cuts.length; k++) parts.push(makePart(layout, cuts[k], cuts[k + 1]));
  const merged = mergeEmptyParts(parts);
  const kept =
    merged.length > maxParts
      ? merged
          .slice(0, maxParts)
          .map((part) => part.source)
          .join("")
      : null;
  const charactersAfter = kept === null ? 0 : layout.count - (graphemeBoundaries(kept).length - 1);
  return { parts: merged, charactersAfter };
}

/** Characters added before a part starting at boundary `a`: a reopened fence or a repeated table header. */
function prefixLength(layout: Layout, a: number): number {
  if (a === 0) return 0;
  const block = layout.insideFence[a];
  if (block >= 0) return layout.prefixLengths[block];
  const table = layout.insideTable[a];
  return table >= 0 ? layout.tables[table].headLength : 0;
}

/** The text added before a part starting at boundary `a` (see `prefixLength`). */
function prefixText(layout: Layout, a: number): string {
  if (a === 0) return "";
  const block = layout.insideFence[a];
  if (block >= 0) return layout.fences[block].reopenLine + "\n";
  const table = layout.insideTable[a];
  return table >= 0 ? layout.tables[table].head : "";
}

/** Characters added after a part ending at boundary `c`. */
function suffixLength(layout: Layout, c: number): number {
  const block = layout.insideFence[c];
  if (c === layout.count || block < 0) return 0;
  const endsWithNewline = layout.text[layout.offsets[c] - 1] === "\n";
  return layout.fences[block].closeLine.length + (endsWithNewline ? 0 : 1);
}

/** First displayed grapheme of a part starting at `a`: leading blank lines are dropped. */
function visibleStart(layout: Layout, a: number): number {
  if (prefixLength(layout, a) > 0) return a; // inside code every line counts
  let lineStart = a;
  for (;;) {
    let g = lineStart;
    while (g < layout.count && layout.classes[g] === BLANK) g++;
    if (g < layout.count && layout.classes[g] === NEWLINE) lineStart = g + 1;
    else return lineStart;
  }
}

/** Displayed end of the part [a, c) whose display starts at `from`. */
function visibleStop(layout: Layout, from: number, c: number): number {
  return suffixLength(layout, c) > 0 ? c : Math.max(from, layout.visibleEnd[c]);
}

/** Characters of the displayed text of the part [a, c); `lead` is `leadFix(layout, from)`. */
function partLength(layout: Layout, a: number, from: number, c: number, lead: Lead): number {
  const stop = visibleStop(layout, from, c);
  let fix = 0;
  if (lead !== null && stop - from >= lead.consumed) fix = lead.replacement.length - lead.consumed;
  if (lead !== null && lead.breakAt !== -1 && layout.offsets[stop] > lead.breakAt + 1) fix++;
  return prefixLength(layout, a) + fix + (stop - from) + suffixLength(layout, c);
}

type Lead = { consumed: number; replacement: string; breakAt: number } | null;

/**
 * End boundary of the part starting at `a` (see the module comment for the
 * rules). Always > a, so splitting terminates.
 */
function chooseEnd(layout: Layout, a: number, limit: number): number {
  const from = visibleStart(layout, a);
  const lead = leadFix(layout, from);
  if (partLength(layout, a, from, layout.count, lead) <= limit) return layout.count;

  // A lower bound of what is added before the source (escapes may shorten it).
  const prefix = prefixLength(layout, a) + Math.min(0, lead === null ? 0 : lead.replacement.length - lead.consumed);
  const lastOfKind = new Int32Array(KINDS).fill(-1); // last candidate with a non-empty part
  const fullness = new Int32Array(KINDS); // its length
  let lastAllowed = -1; // any allowed candidate, even an empty part
  let lastResort = -1; // any boundary that fits, atomic or not
  for (let c = a + 1; c < layout.count; c++) {
    // Lower bound of the length, non-decreasing in c: stop once it is over.
    if (prefix + Math.max(from, layout.visibleEnd[c]) - from > limit) break;
    const kind = layout.kinds[c];
    if (kind === NEVER) continue;
    const length = partLength(layout, a, from, c, lead);
    if (length > limit) continue;
    lastResort = c;
    if (kind === FORBIDDEN) continue;
    lastAllowed = c;
    if (length > 0) {
      lastOfKind[kind] = c;
      fullness[kind] = length;
    }
  }
  for (let kind = 0; kind < KINDS; kind++) {
    if (lastOfKind[kind] !== -1 && fullness[kind] * 2 >= limit) return lastOfKind[kind];
  }
  for (let kind = 0; kind < KINDS; kind++) {
    if (lastOfKind[kind] !== -1) return lastOfKind[kind];
  }
  if (lastAllowed !== -1) return lastAllowed;
  if (lastResort !== -1) return lastResort;
  // Unreachable when limit ≥ MIN_LIMIT; still make progress.
  let c = a + 1;
  while (c < layout.count && layout.kinds[c] === NEVER) c++;
  return c;
}

function makePart(layout: Layout, a: number, c: number): CommentPart {
  const { text, offsets, fences } = layout;
  const from = visibleStart(layout, a);
  const to = visibleStop(layout, from, c);
  const opening = prefixText(layout, a);
  const lead = leadFix(layout, from);
  const applied = lead !== null && to - from >= lead.consumed;
  const shownFrom = applied ? offsets[from] + lead.consumed : offsets[from];
  const replacement = applied ? lead.replacement : "";
  const suffixSize = suffixLength(layout, c);
  const closing =
    suffixSize > 0
      ? (suffixSize > fences[layout.insideFence[c]].closeLine.length ? "\n" : "") +
        fences[layout.insideFence[c]].closeLine
      : "";
  return {
    source: text.slice(offsets[a], offsets[c]),
    prefix: opening,
    suffix: closing,
    text: opening + replacement + showBreak(text.slice(shownFrom, offsets[to]), lead, shownFrom) + closing,
  };
}

/** `shown` (the source from UTF-16 offset `at`) with the blank line `lead` asks for, if it shows past it. */
function showBreak(shown: string, lead: Lead, at: number): string {
  if (lead === null || lead.breakAt === -1 || lead.breakAt + 1 >= at + shown.length) return shown;
  const cut = lead.breakAt + 1 - at;
  return `${shown.slice(0, cut)}\n${shown.slice(cut)}`;
}

/**
 * A part whose text is empty is white space only (a cut had no better
 * place). Its source joins the previous part, whose text does not change
 * (trailing white space is trimmed); a leading one joins the next part,
 * whose text then drops all leading white space so it cannot grow.
 */
function mergeEmptyParts(parts: CommentPart[]): CommentPart[] {
  const merged: CommentPart[] = [];
  let carried = "";
  for (const part of parts) {
    if (isBlank(part.text) && parts.length > 1) {
      if (merged.length > 0) merged[merged.length - 1].source += part.source;
      else carried += part.source;
      continue;
    }
    if (carried !== "") {
      merged.push({ ...part, source: carried + part.source, text: part.text.replace(/^[ \t\n]+/, "") });
      carried = "";
    } else merged.push(part);
  }
  if (carried !== "") merged.push({ source: carried, prefix: "", suffix: "", text: "" });
  return merged;
}
