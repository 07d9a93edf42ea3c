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
 * Limitations (documented choices):
 * - Only fences at top level (indented 0–3 spaces) are recognized; fences
 *   inside block quotes (`> ```…`) or deeper list items are ordinary text to
 *   the splitter (it still prefers line and paragraph breaks).
 * - If a block's opening line is so long that reopening it would leave no
 *   room in a part, the block is split without adding fence lines.
 * - An unclosed fence (runs to the end of the submission, per CommonMark)
 *   stays unclosed in the last part; earlier parts get a closing fence.
 * - Link titles containing unbalanced parentheses inside quotes are not
 *   recognized as links (so they are not protected). A bare URL too long to
 *   protect is not searched for shorter constructs inside it.
 * - White space costs nothing at a cut, so a part never consists of white
 *   space only: such a stretch is given to the previous part (whose text is
 *   unchanged, being trimmed), or, at the very start, to the next one.
 */
import { formatCount, graphemeBoundaries, normalizeText } from "./characters";

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
  /** Fence line + "\n" the splitter added before `source`, or "". */
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
   * trailing white space). At most `limit` characters.
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
  };
  forbidAtomicConstructs(layout, graphemeAt, limit);
  markFences(layout, graphemeAt, limit);
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
    const prefixLength = graphemeSpan(graphemeAt, block.openStart, openLineEnd) + 1;
    layout.prefixLengths.push(prefixLength);
    const blockEnd =
      block.closeEnd > block.closeStart && text[block.closeEnd - 1] === "\n" ? block.closeEnd - 1 : block.closeEnd;
    const fits = graphemeSpan(graphemeAt, block.openStart, blockEnd) <= limit;
    // Worst case: prefix + one character + "\n" + closing fence.
    const reopenable = prefixLength + 1 + 1 + block.closeLine.length <= limit;

    markInside(layout, graphemeAt, block.openStart, block.closeEnd, FORBIDDEN);
    if (reopenable) {
      // Cutting inside a fence line would leave a fence that cannot be closed.
      markInside(layout, graphemeAt, block.openStart, block.openEnd, NEVER);
      markInside(layout, graphemeAt, block.closeStart, block.closeEnd, NEVER);
      const first = graphemeAt[block.openEnd];
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

/** Inline constructs never cross a blank line, so scan paragraph by paragraph. */
function forEachParagraph(text: string, start: number, end: number, visit: (start: number, end: number) => void): void {
  let paragraphStart = start;
  let lineStart = start;
  while (lineStart < end) {
    let lineEnd = text.indexOf("\n", lineStart);
    if (lineEnd === -1 || lineEnd > end) lineEnd = end;
    if (isBlankLine(text, lineStart, lineEnd)) {
      if (lineStart > paragraphStart) visit(paragraphStart, lineStart);
      paragraphStart = lineEnd + 1;
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
  let span = 0;
  let i = start;
  while (i < end) {
    while (span < codeSpans.length && codeSpans[span].start < i) span++;
    if (span < codeSpans.length && codeSpans[span].start === i) {
      protect(i, codeSpans[span].end);
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

/** Characters added before a part starting at boundary `a`. */
function prefixLength(layout: Layout, a: number): number {
  const block = layout.insideFence[a];
  return a === 0 || block < 0 ? 0 : layout.prefixLengths[block];
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

/** Characters of the displayed text of the part [a, c). */
function partLength(layout: Layout, a: number, from: number, c: number): number {
  return prefixLength(layout, a) + (visibleStop(layout, from, c) - from) + suffixLength(layout, c);
}

/**
 * End boundary of the part starting at `a` (see the module comment for the
 * rules). Always > a, so splitting terminates.
 */
function chooseEnd(layout: Layout, a: number, limit: number): number {
  const from = visibleStart(layout, a);
  if (partLength(layout, a, from, layout.count) <= limit) return layout.count;

  const prefix = prefixLength(layout, a);
  const lastOfKind = new Int32Array(KINDS).fill(-1); // last candidate with a non-empty part
  const fullness = new Int32Array(KINDS); // its length
  let lastAllowed = -1; // any allowed candidate, even an empty part
  let lastResort = -1; // any boundary that fits, atomic or not
  for (let c = a + 1; c < layout.count; c++) {
    // Lower bound of the length, non-decreasing in c: stop once it is over.
    if (prefix + Math.max(from, layout.visibleEnd[c]) - from > limit) break;
    const kind = layout.kinds[c];
    if (kind === NEVER) continue;
    const length = partLength(layout, a, from, c);
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
  const opening = prefixLength(layout, a) > 0 ? fences[layout.insideFence[a]].openLine + "\n" : "";
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
    text: opening + text.slice(offsets[from], offsets[to]) + closing,
  };
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
    if (part.text === "" && parts.length > 1) {
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
