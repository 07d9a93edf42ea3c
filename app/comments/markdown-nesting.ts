/**
 * How deeply a comment's Markdown nests, measured before any Markdown parser
 * sees it.
 *
 * marked parses block quotes and list items by recursion: a quote or list
 * some thousands of levels deep (a few thousand characters: `>>>>…` or
 * `- - - …`) overflows the call stack, and deep lists cost time that grows
 * with the depth times the length; one list item running on for thousands of
 * lines costs marked time that grows with its lines times its length (a
 * 40,000-character item took seconds). Every walk of comment Markdown (rendering
 * in `markdown.server.ts`, the link counter in `moderation/rules.ts`) is
 * therefore only run on text whose nesting this linear scan has bounded, and
 * the comment form refuses deeper text with a message saying what to change
 * (docs/decisions/0056-no-5xx-for-any-input.md). Pure: the browser runs it too.
 */

/**
 * The deepest nesting of quotes and lists a comment may have, in levels. Real
 * comments rarely go past five (a long email quote chain, an outline); the
 * bound keeps marked's recursion far from the stack's limit and its work
 * close to linear in the comment's length.
 */
export const MAX_MARKDOWN_NESTING = 50;

/**
 * The most lines one list item may run on for (its first line, continuation
 * and lazy lines, code in it included). Real list items are a few lines
 * long; at this bound marked's cost for a whole comment stays within a few
 * hundred milliseconds (its cost grows with an item's lines times its length).
 */
export const MAX_LIST_ITEM_LINES = 200;

/** Columns one level of list nesting needs at least: a `-` marker and its space (CommonMark §5.2). */
const COLUMNS_PER_LIST_LEVEL = 2;
/** A tab advances to the next multiple of 4 columns (CommonMark §2.2). */
const TAB_STOP = 4;

const FENCE = /^(`{3,}|~{3,})/;

/**
 * An upper bound of how deeply `markdown` nests block quotes and list items,
 * in levels, found in one pass over the text (time linear in its length).
 *
 * Per line: every `>` quote marker and every list marker (`-`, `+`, `*`, or
 * 1-9 digits then `.` or `)`, followed by a space, a tab or the line's end)
 * at the start of the line, one after another, is a level; so is every 2
 * columns of white space before or between them (the least indentation a
 * nested list item needs, CommonMark §5.2), except inside a fenced code block
 * opened at the start of a line (code keeps its own indentation; nesting by
 * indentation alone costs a quadratic number of characters, so it stays
 * shallow within a comment's length). The result is the largest per-line
 * count. It can overstate the depth (indented code, a list item's
 * continuation text), never understate it by a marker.
 *
 * @param markdown a comment body (any string).
 * @returns levels, 0 for text without quotes, lists or indentation.
 */
export function markdownNestingDepth(markdown: string): number {
  return markdownShape(markdown).depth;
}

/** What {@link markdownShape} measures. */
export interface MarkdownShape {
  /** An upper bound of the nesting of quotes and lists, in levels (see {@link markdownNestingDepth}). */
  depth: number;
  /** An upper bound of the lines the longest list item runs on for (see {@link markdownShape}). */
  listItemLines: number;
}

/**
 * The depth of {@link markdownNestingDepth} and, in the same pass, the
 * longest list item in lines: counted from a line holding a list marker
 * to the line before the next one, or before the first unindented line
 * without a marker that follows a blank line, or a fence opening at the
 * start of a line (where a list ends). An upper bound, as the depth is.
 *
 * @param markdown a comment body (any string).
 */
export function markdownShape(markdown: string): MarkdownShape {
  let deepest = 0;
  let longestItem = 0;
  let itemLines = 0;
  let inItem = false;
  let afterBlank = false;
  let fence: string | null = null;
  let lineStart = 0;
  const length = markdown.length;
  while (lineStart <= length) {
    let lineEnd = markdown.indexOf("\n", lineStart);
    if (lineEnd === -1) lineEnd = length;
    let i = lineStart;
    let indentLevels = 0;
    let markerLevels = 0;
    let columns = 0;
    let markers = 0;
    for (;;) {
      let spaces = 0;
      while (i < lineEnd) {
        const c = markdown[i];
        if (c === " ") spaces += 1;
        else if (c === "\t") spaces += TAB_STOP - ((columns + spaces) % TAB_STOP);
        else if (c !== "\r") break;
        i++;
      }
      columns += spaces;
      indentLevels += Math.floor(spaces / COLUMNS_PER_LIST_LEVEL);
      if (i >= lineEnd) break;
      const c = markdown[i];
      if (c === ">") {
        markerLevels++;
        i++;
        columns++;
        continue;
      }
      const marker = listMarkerLength(markdown, i, lineEnd);
      if (marker > 0) {
        markerLevels++;
        markers++;
        i += marker;
        columns += marker;
        continue;
      }
      break;
    }
    const rest = markdown.slice(i, Math.min(lineEnd, i + 1_000));
    const fenceMark = FENCE.exec(rest)?.[1] ?? null;
    // A fence that opens at the line's very start is outside every quote and list (it ends them).
    const opens =
      fence === null &&
      fenceMark !== null &&
      i === lineStart &&
      !(fenceMark[0] === "`" && rest.slice(fenceMark.length).includes("`"));
    // In fenced code, indentation is the code's own; quote and list markers still count,
    // since other Markdown (an HTML block) can end a fence early for marked.
    const levels = markerLevels + (fence === null ? indentLevels : 0);
    if (levels > deepest) deepest = levels;
    const blank = i >= lineEnd && markers === 0;
    if (markers > 0) {
      inItem = true;
      itemLines = 0;
    } else if (opens || (afterBlank && !blank && markdown[lineStart] !== " " && markdown[lineStart] !== "\t")) {
      inItem = false;
    }
    if (inItem) {
      itemLines++;
      if (itemLines > longestItem) longestItem = itemLines;
    }
    afterBlank = blank;
    if (opens) fence = fenceMark;
    else if (fence !== null && fenceMark !== null && fenceMark[0] === fence[0] && fenceMark.length >= fence.length) {
      fence = null;
    }
    lineStart = lineEnd + 1;
  }
  return { depth: deepest, listItemLines: longestItem };
}

/** Length of a list marker at `i` (with the one space or tab after it), or 0 when none starts there. */
function listMarkerLength(text: string, i: number, lineEnd: number): number {
  const c = text[i];
  let end = i;
  if (c === "-" || c === "+" || c === "*") {
    end = i + 1;
  } else {
    while (end < lineEnd && end - i < 9 && text[end] >= "0" && text[end] <= "9") end++;
    if (end === i || (text[end] !== "." && text[end] !== ")")) return 0;
    end++;
  }
  if (end === lineEnd) return end - i;
  const after = text[end];
  return after === " " || after === "\t" ? end - i + 1 : 0;
}

/**
 * Whether `markdown` nests no deeper than {@link MAX_MARKDOWN_NESTING} and
 * has no list item longer than {@link MAX_LIST_ITEM_LINES} lines: the
 * condition for handing it to a Markdown parser.
 */
export function isNestingWithinBounds(markdown: string): boolean {
  const shape = markdownShape(markdown);
  return shape.depth <= MAX_MARKDOWN_NESTING && shape.listItemLines <= MAX_LIST_ITEM_LINES;
}

/**
 * The comment form's message for text nested too deeply or with a list item
 * too long, or null when it is within the bounds: what was found and what to
 * change.
 */
export function nestingProblem(markdown: string): string | null {
  const { depth, listItemLines } = markdownShape(markdown);
  if (depth <= MAX_MARKDOWN_NESTING) {
    if (listItemLines <= MAX_LIST_ITEM_LINES) return null;
    return (
      `A list item in your comment runs on for about ${listItemLines} lines; a list item here can have at most ` +
      `${MAX_LIST_ITEM_LINES}. Leave a blank line between the list and the text after it (or put long code in a ` +
      "``` fenced block), then post it again. Your text is below."
    );
  }
  return (
    `Your comment nests quotes or lists about ${depth} levels deep; comments here can nest at most ` +
    `${MAX_MARKDOWN_NESTING} levels. Remove some of the “>” quote marks or list markers at the start of ` +
    "lines (or some indentation), then post it again. Your text is below."
  );
}
