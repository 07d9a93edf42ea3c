import { describe, expect, it } from "vitest";
import { showsNothing } from "~/comments/visible-body.server";

/**
 * A body is blank when the page would show nothing where it stands (issue 12, "What readers
 * see"): judged on what the comment pipeline draws, not only on the Markdown source.
 */
describe("showsNothing: bodies that draw no visible character", () => {
  const blank: [string, string][] = [
    ["bold around a zero-width space", "**\u200B**"],
    ["a non-breaking space entity", "&nbsp;"],
    ["several invisible entities", "&nbsp;&ZeroWidthSpace;&#8203;&shy;"],
    ["a link with no text", "[](https://example.org)"],
    ["a link whose text is a zero-width joiner", "[\u200D](https://example.org)"],
    ["an image with an empty alt text", "![](https://example.org/pixel.png)"],
    ["emphasis around a braille blank", "_\u2800_"],
    ["a word joiner and a byte-order mark in a quote", "> \u2060\uFEFF"],
    ["a rule and nothing else", "---"],
    ["an empty list item", "- "],
    ["a code block of spaces", "```\n   \n```"],
    ["a table of empty cells", "| |\n|-|"],
    ["a right-to-left override alone", "\u202E"],
    ["Hangul fillers", "\u3164\u115F"],
  ];
  for (const [what, body] of blank) {
    it(`refuses ${what}`, () => {
      expect(showsNothing(body)).toBe(true);
    });
  }

  const visible: [string, string][] = [
    ["a word", "Thanks!"],
    ["one emoji", "👍"],
    ["a link with text", "[our rubric](https://example.org)"],
    ["an image with alt text", "![a seating chart](https://example.org/chart.png)"],
    ["an HTML comment, which comments draw as literal text", "<!-- a note -->"],
    ["a task-list box", "- [ ] "],
    ["an Arabic number sign (a visible format character)", "\u0600"],
    ["a zero-width space next to a word", "\u200Bhello"],
  ];
  for (const [what, body] of visible) {
    it(`accepts ${what}`, () => {
      expect(showsNothing(body)).toBe(false);
    });
  }
});
