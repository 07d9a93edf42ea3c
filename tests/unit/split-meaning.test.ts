import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { countCharacters, normalizeText } from "~/comments/characters";
import { commentPlainText, renderCommentMarkdown } from "~/comments/markdown.server";
import { type CommentPart, joinParts, splitComment } from "~/comments/split";

// The splitter keeps meaning, not only characters: every part, rendered alone
// by the renderer pages use, shows what the same stretch of the comment shows
// when the whole comment is rendered at once.

function split(input: string, limit: number): CommentPart[] {
  const result = splitComment(input, { limit, maxParts: 10_000 });
  if (!result.ok) throw new Error("unexpected refusal");
  return result.parts;
}

/** What a reader sees of some Markdown, white space removed (block breaks, wrapping). */
function visible(markdown: string): string {
  return commentPlainText(markdown).replace(/\s+/g, "");
}

/**
 * Checks that the parts, each rendered alone, show the consecutive slices of
 * what the whole comment shows; a repeated table header (`prefix`) is
 * shown on top of the slice. Returns a description of the first mismatch.
 */
function meaningMismatch(input: string, parts: CommentPart[]): string | null {
  const whole = visible(normalizeText(input));
  let at = 0;
  for (const [k, part] of parts.entries()) {
    const shown = visible(part.text);
    const added = visible(part.prefix);
    const own = shown.startsWith(added) ? shown.slice(added.length) : shown;
    if (!whole.startsWith(own, at)) {
      return `part ${k + 1} of ${parts.length} shows ${JSON.stringify(shown)} but the whole shows ${JSON.stringify(whole.slice(at, at + own.length + 20))} there (part text ${JSON.stringify(part.text)})`;
    }
    at += own.length;
  }
  return at === whole.length
    ? null
    : `the parts show less than the whole: ${JSON.stringify(whole.slice(at))} is missing`;
}

function expectSameMeaning(input: string, limit: number): CommentPart[] {
  const parts = split(input, limit);
  expect(joinParts(parts)).toBe(normalizeText(input));
  expect(meaningMismatch(input, parts)).toBeNull();
  return parts;
}

// ---------------------------------------------------------------------------
// Examples: each failed before the splitter kept meaning.
// ---------------------------------------------------------------------------

describe("splitComment keeps what Markdown syntax meant", () => {
  it("does not let a ``` from the middle of a line open a code block in the next part", () => {
    const input =
      "To show code, type ``` then the language on a line of its own, and close it the same way.\n" +
      "Everything after that stays ordinary text for the reader of the comment.";
    for (let l = 16; l <= 100; l++) {
      const parts = expectSameMeaning(input, l);
      for (const part of parts) expect(renderCommentMarkdown(part.text)).not.toContain("<pre>");
    }
  });

  it("keeps list, quote, heading, ordered-list, rule, table, HTML and definition syntax from mid-line as text", () => {
    const cases = [
      "- a dash",
      "+ a plus",
      "* a star",
      "> an arrow",
      "# a hash",
      "### three hashes",
      "1. a number",
      "12) a number",
      "--- a rule",
      "***",
      "| a pipe | and another |",
      "<div> an HTML start",
      "[note]: https://example.org a definition",
      "~~~ tildes",
    ];
    for (const syntax of cases) {
      // The syntax lands right after a space cut: the part before is full.
      const input = `${"word ".repeat(7)}${syntax} and then the end of the sentence.`;
      const limit = countCharacters("word ".repeat(7).trim());
      if (limit < 16) throw new Error("test setup");
      expectSameMeaning(input, Math.max(limit, 16));
      for (let l = 16; l <= 70; l++) expectSameMeaning(input, l);
    }
  });

  it("keeps a paragraph's continuation line that looks like a list or code a continuation", () => {
    const input = `${"The workshop began in ".repeat(3)}\n1999. It was the first one.\n    Indented continuation of the same paragraph.`;
    for (let l = 16; l <= 120; l++) expectSameMeaning(input, l);
  });

  it("does not cut between a line and its setext underline", () => {
    const input =
      "Some opening words here.\n\nA heading line\n---\n\nA second heading\n===\n\nAnd the closing paragraph.";
    // From 24 characters on, each heading fits in a part with its underline.
    for (let l = 24; l <= 90; l++) {
      const parts = expectSameMeaning(input, l);
      for (const part of parts) {
        expect(/^(?:---|===)/.test(part.text)).toBe(false);
      }
    }
  });

  it("keeps a table's rows as table rows, repeating its header in the next part", () => {
    const rows = Array.from({ length: 12 }, (_, i) => `| teacher ${i} | visit ${i} |`);
    const input = `Our visits:\n\n| who | what |\n| --- | --- |\n${rows.join("\n")}\n\nThat is all.`;
    const parts = expectSameMeaning(input, 120);
    expect(parts.length).toBeGreaterThan(2);
    for (const part of parts) expect(part.text).not.toMatch(/^\| teacher/);
    // Every part holding rows renders them as a table, not as text with pipes.
    for (const part of parts) expect(commentPlainText(part.text)).not.toContain("|");
  });
});

describe("splitComment never shows an invisible part", () => {
  it("merges a part made only of invisible characters into its neighbour", () => {
    for (const invisible of ["\u200D", "\uFEFF", "\u200B", "\u2060", "\u00A0"]) {
      const input = `${"A sentence to fill the part. ".repeat(3)}${invisible.repeat(40)} ${"And more words after it. ".repeat(3)}`;
      for (let l = 16; l <= 100; l += 7) {
        const parts = split(input, l);
        expect(joinParts(parts)).toBe(normalizeText(input));
        for (const part of parts) {
          expect(commentPlainText(part.text).replace(/[\s\u200B-\u200D\u2060\uFEFF]/g, "")).not.toBe("");
          expect(countCharacters(part.text)).toBeLessThanOrEqual(l);
        }
      }
    }
  });
});

describe("splitComment closes code blocks", () => {
  it("never leaves a part holding a closing fence line without its block (an info string too long to repeat)", () => {
    const code = Array.from({ length: 3 }, (_, i) => `line number ${i}`).join("\n");
    const input = `Intro words here.\n\n\`\`\`a-very-long-info-string-here\n${code}\n\`\`\`\nText after the fence, then more words.`;
    for (let l = 16; l <= 60; l++) {
      for (const part of split(input, l)) {
        const html = renderCommentMarkdown(part.text);
        // A code line is shown as code, and a closing fence never opens an empty block.
        expect(html.replace(/<pre>[\s\S]*?<\/pre>/g, ""), `limit ${l}: ${JSON.stringify(part.text)}`).not.toMatch(
          /line number|<pre>/,
        );
        expect(html, `limit ${l}: ${JSON.stringify(part.text)}`).not.toMatch(/<pre><code>\s*<\/code><\/pre>/);
        expect(html.match(/<pre>[\s\S]*<\/pre>/)?.[0] ?? "").not.toContain("Text after");
      }
    }
  });
});

// ---------------------------------------------------------------------------
// Property: random Markdown keeps its visible text part by part.
// ---------------------------------------------------------------------------

/** The smallest limit tried: above the longest construct the generator writes (a link, a table's header and row). */
const MIN_LIMIT = 100;

const chars = (alphabet: string) => fc.constantFrom(...[...alphabet]);
const plainWord = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom("coach", "lesson", "the", "a", "naïve", "café", "日本語", "e\u0301t\u0301e\u0301"),
  },
  {
    weight: 2,
    arbitrary: fc.string({ unit: chars("abcdefghijklmnopqrstuvwxyz0123456789"), minLength: 1, maxLength: 8 }),
  },
  { weight: 1, arbitrary: fc.constantFrom("👩‍👩‍👧‍👦", "🇳🇿", "👍🏽", "❤️‍🔥", "🧑🏾‍🏫") },
);
const plainWords = (max: number) => fc.array(plainWord, { minLength: 1, maxLength: max }).map((ws) => ws.join(" "));
const invisible = fc.constantFrom("\u200D", "\uFEFF", "\u200B", "\u2060", "\u200D\u200D\u200D");
/** Line-start syntax written in the middle of a line. */
const strayMarker = fc.constantFrom(
  "```",
  "~~~",
  "-",
  "+",
  "*",
  ">",
  "#",
  "##",
  "1.",
  "2)",
  "|",
  "---",
  "***",
  "===",
  "<div>",
  "<p>",
  "[note]:",
);
const inline = fc.oneof(
  { weight: 8, arbitrary: plainWord },
  { weight: 2, arbitrary: plainWords(3).map((w) => `*${w}*`) },
  { weight: 1, arbitrary: plainWords(3).map((w) => `**${w}**`) },
  { weight: 1, arbitrary: plainWords(2).map((w) => `_${w}_`) },
  { weight: 1, arbitrary: plainWords(2).map((w) => `~~${w}~~`) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(plainWords(3), fc.string({ unit: chars("abcxyz0123456789-/"), maxLength: 12 }))
      .map(([t, p]) => `[${t}](https://x.y/${p})`),
  },
  { weight: 1, arbitrary: plainWords(3).map((w) => `\`${w}\``) },
  { weight: 1, arbitrary: invisible },
  { weight: 2, arbitrary: strayMarker },
);
// A line starts with a word: line-start syntax comes from the block generators
// (a stray ``` starting a list item's line would be a code block in the list,
// which the splitter does not look into). It ends with one too: marked reads
// a list item line ending in " \uFEFF" as ending the list, and the next
// line as a paragraph's, however the comment is cut.
const inlineLine = fc
  .tuple(plainWord, fc.array(inline, { maxLength: 10 }), plainWord)
  .map(([first, rest, last]) => [first, ...rest, last].join(" "));
const paragraph = fc.array(inlineLine, { minLength: 1, maxLength: 4 }).map((lines) => lines.join("\n"));
const heading = fc.tuple(fc.constantFrom("#", "##", "###"), inlineLine).map(([h, l]) => `${h} ${l}`);
const setext = fc.tuple(inlineLine, fc.constantFrom("---", "===", "-----")).map(([l, u]) => `${l}\n${u}`);
const list = fc
  .tuple(
    fc.constantFrom("-", "*", "1.", "1)"),
    fc.array(fc.tuple(inlineLine, fc.boolean()), { minLength: 1, maxLength: 5 }),
  )
  .map(([marker, items]) =>
    items
      .map(([line, nested], i) => {
        const m = /\d/.test(marker) ? `${i + 1}${marker.slice(1)}` : marker;
        return nested ? `${m} ${line}\n   - ${line}` : `${m} ${line}`;
      })
      .join("\n"),
  );
const quote = fc
  .array(inlineLine, { minLength: 1, maxLength: 4 })
  .map((lines) => lines.map((l) => `> ${l}`).join("\n"));
const tableCell = fc
  .array(
    fc.oneof(
      plainWord,
      plainWords(2).map((w) => `*${w}*`),
    ),
    { minLength: 1, maxLength: 3 },
  )
  .map((xs) => xs.join(" "));
const table = fc
  .tuple(
    fc.integer({ min: 2, max: 3 }),
    fc.array(fc.array(tableCell, { minLength: 3, maxLength: 3 }), { minLength: 2, maxLength: 8 }),
  )
  .map(([columns, rows]) =>
    [
      `| ${rows[0].slice(0, columns).join(" | ")} |`,
      `| ${Array.from({ length: columns }, () => "---").join(" | ")} |`,
      ...rows.slice(1).map((r) => `| ${r.slice(0, columns).join(" | ")} |`),
    ].join("\n"),
  )
  // Its header and any one row fit in a part together, so the header can be repeated.
  .filter((t) => {
    const [header, delimiter, ...rows] = t.split("\n");
    const longestRow = Math.max(...rows.map(countCharacters));
    return countCharacters(`${header}\n${delimiter}\n`) + longestRow < MIN_LIMIT;
  });
const codeBlock = fc
  .tuple(
    fc.constantFrom("```", "~~~", "````"),
    fc.constantFrom("", "ts", "py"),
    fc.array(plainWords(6), { maxLength: 12 }),
  )
  .map(([fence, info, lines]) => [`${fence}${info}`, ...lines, fence].join("\n"));
const rule = fc.constantFrom("---", "***", "___");
const block = fc.oneof(
  { weight: 6, arbitrary: paragraph },
  { weight: 1, arbitrary: heading },
  { weight: 1, arbitrary: setext },
  { weight: 2, arbitrary: list },
  { weight: 2, arbitrary: quote },
  { weight: 1, arbitrary: table },
  { weight: 2, arbitrary: codeBlock },
  { weight: 1, arbitrary: rule },
);
const markdown = fc
  .tuple(
    fc.array(block, { minLength: 1, maxLength: 10 }),
    fc.array(fc.constantFrom("\n\n", "\n\n\n", "\n \n"), { minLength: 10, maxLength: 10 }),
  )
  .map(([blocks, separators]) => blocks.map((b, i) => (i === 0 ? b : separators[i] + b)).join(""));

/**
 * Characters of the longest code span (CommonMark §6.1: a backtick run up to
 * the next run of the same length, within a paragraph). Stray backticks the
 * generator writes can pair up into one longer than a part, which can only be
 * cut as a last resort.
 */
function longestCodeSpan(markdown: string): number {
  let longest = 0;
  // Inlines stop at a blank line and at a line starting a list item.
  for (const paragraph of markdown.split(/\n[ \t]*\n|\n(?= {0,3}(?:[-+*]|\d{1,9}[.)])[ \t])/)) {
    const runs = [...paragraph.matchAll(/`+/g)];
    for (let k = 0; k < runs.length; k++) {
      const closer = runs.findIndex((r, j) => j > k && r[0].length === runs[k][0].length);
      if (closer === -1) continue;
      // A span opened by ``` mid-line stays with what comes before it on its
      // line (alone at a part's start it would read as a fence): count from there.
      const from = runs[k][0].length >= 3 ? paragraph.lastIndexOf("\n", runs[k].index) + 1 : runs[k].index;
      longest = Math.max(longest, countCharacters(paragraph.slice(from, runs[closer].index + runs[closer][0].length)));
      k = closer;
    }
  }
  return longest;
}

describe("splitComment — meaning properties", () => {
  it("shows, part by part, what the whole comment shows, within the limit", () => {
    // The limit stays above the longest construct the generator writes (a
    // link of three long words, a table row), so no construct needs the last-resort cut.
    fc.assert(
      fc.property(markdown, fc.integer({ min: MIN_LIMIT, max: 400 }), (input, limit) => {
        fc.pre(longestCodeSpan(input) <= limit);
        const parts = split(input, limit);
        expect(joinParts(parts)).toBe(normalizeText(input));
        for (const part of parts) expect(countCharacters(part.text)).toBeLessThanOrEqual(limit);
        const mismatch = meaningMismatch(input, parts);
        if (mismatch !== null) throw new Error(`${mismatch}\ninput: ${JSON.stringify(input)}\nlimit: ${limit}`);
      }),
      { numRuns: Number(process.env.SPLIT_RUNS ?? 150), verbose: 1 },
    );
  });
});
