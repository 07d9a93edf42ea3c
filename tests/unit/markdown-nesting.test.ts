import { describe, expect, it } from "vitest";
import { commentPlainText, renderCommentMarkdown } from "~/comments/markdown.server";
import { commentFormSchema, type CommentRules } from "~/comments/validation";
import { countLinks } from "~/moderation/rules";

/**
 * Deeply nested Markdown (issue 12, "No 5xx for any input"): quotes or lists
 * some thousands of levels deep, a few thousand characters long, overflowed
 * marked's recursion in the link counter (a 500 for the comment), and a list
 * item running on for thousands of lines took marked seconds. Every walk of
 * comment Markdown is bounded; the form refuses such text with a message
 * that says what to change. Expected values come from the issue and the
 * decision record (docs/decisions/0056-no-5xx-for-any-input.md): at most 50
 * levels, at most 200 lines in one list item.
 */

const RULES: CommentRules = { limit: 4096, maxParts: 10, allowAnonymous: true };

const HOSTILE: [string, string][] = [
  ["3,000 quote marks", `${">".repeat(3000)} deep`],
  ["3,000 quote marks with spaces", `${"> ".repeat(3000)}deep`],
  ["3,000 list markers on one line", `${"- ".repeat(3000)}deep`],
  ["2,000 ordered list markers", `${"1. ".repeat(2000)}deep`],
  ["2,000 quotes and lists mixed", `${"> - ".repeat(2000)}deep https://a.example.org`],
  ["3,000 quote marks after a fence an HTML block ends", `<pre>\n\`\`\`\n</pre>\n${">".repeat(3000)} deep`],
  [
    "a list 150 levels deep by indentation",
    Array.from({ length: 150 }, (_, i) => `${"  ".repeat(i)}- deep`).join("\n"),
  ],
];

/** A list item followed by 20,000 lazy continuation lines (40,000 characters). */
const LONG_ITEM = `- item\n${"b\n".repeat(20_000)}`;

function bodyMessages(body: string): string[] {
  const result = commentFormSchema(RULES).safeParse({ name: "Ann", body });
  if (result.success) return [];
  return result.error.issues.filter((issue) => issue.path[0] === "body").map((issue) => issue.message);
}

describe("deeply nested Markdown", () => {
  it.each(HOSTILE)("%s: the link counter answers instead of throwing", (_label, markdown) => {
    expect(() => countLinks(markdown)).not.toThrow();
  });

  it("the link counter still counts the links in text too deep to parse", () => {
    const markdown = `${">".repeat(3000)} see https://one.example.org and [two](https://two.example.org)`;
    expect(countLinks(markdown)).toBeGreaterThanOrEqual(2);
  });

  it.each(HOSTILE)("%s: the comment form refuses it, saying how deep it may nest", (_label, markdown) => {
    const messages = bodyMessages(markdown);
    expect(messages.length).toBe(1);
    expect(messages[0]).toMatch(/at most 50 levels/);
    expect(messages[0]).toMatch(/Remove some of the “>” quote marks or list markers/);
  });

  it.each(HOSTILE)("%s: rendering shows the text instead of failing", (_label, markdown) => {
    const html = renderCommentMarkdown(markdown);
    expect(html).toContain("deep");
    expect(html).not.toMatch(/<blockquote|<ul|<ol/);
    expect(commentPlainText(markdown)).toContain("deep");
  });

  it("a list item of 20,000 lines is refused, saying how long an item may be", () => {
    const messages = bodyMessages(LONG_ITEM);
    expect(messages.length).toBe(1);
    expect(messages[0]).toMatch(/at most 200/);
    expect(messages[0]).toMatch(/blank line between the list and the text after it/);
    expect(countLinks(`${LONG_ITEM}https://a.example.org`)).toBe(1);
  });

  it("a list item of 20,000 lines after a fence an HTML block ends is refused too", () => {
    expect(bodyMessages(`<pre>\n\`\`\`\n</pre>\n${LONG_ITEM}`)).toHaveLength(1);
  });

  it("code in a fenced block keeps its own indentation: 150 columns deep is accepted", () => {
    const code = `\`\`\`\n${Array.from({ length: 76 }, (_, i) => `${"  ".repeat(i)}{`).join("\n")}\n\`\`\`\n`;
    expect(bodyMessages(code)).toEqual([]);
  });

  it("ordinary nesting is accepted and rendered: a quote in a quote, a list three levels deep", () => {
    const markdown = "> > quoted twice\n\n- one\n  - two\n    - three\n\nAfter the list.";
    expect(bodyMessages(markdown)).toEqual([]);
    const html = renderCommentMarkdown(markdown);
    expect(html.match(/<blockquote>/g)?.length).toBe(2);
    expect(html.match(/<ul>/g)?.length).toBe(3);
  });

  it("50 levels of quotes are accepted; 51 are refused", () => {
    expect(bodyMessages(`${">".repeat(50)} fifty`)).toEqual([]);
    expect(bodyMessages(`${">".repeat(51)} fifty-one`)).toHaveLength(1);
  });

  it("a long list of short items, a long paragraph after a list, 150 lines of code in an item and 1,000 after a list are accepted", () => {
    expect(bodyMessages("- item\n".repeat(2000))).toEqual([]);
    expect(bodyMessages(`- a\n- b\n\n${"A line of a paragraph.\n".repeat(500)}`)).toEqual([]);
    expect(bodyMessages(`1. Run this:\n\n   \`\`\`\n${"   print('x')\n".repeat(150)}   \`\`\`\n`)).toEqual([]);
    expect(bodyMessages(`1. Run this:\n\n\`\`\`\n${"- print('x')\n  y\n".repeat(500)}\`\`\`\n`)).toEqual([]);
  });
});
