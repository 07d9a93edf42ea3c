import { describe, expect, it } from "vitest";
import { MAX_TAG_NESTING, assertMarkdocWithinLimits, markdocTagDepth } from "~/posts/markdoc-limits";

// A post nesting 100 tags on one line makes Markdoc.parse loop for ever; the
// limit keeps such a post from reaching the parser.

describe("markdocTagDepth", () => {
  it("counts nesting, not tags", () => {
    expect(markdocTagDepth("Plain text")).toBe(0);
    expect(markdocTagDepth('{% creditedImage src="/a.png" /%}\n{% creditedImage src="/b.png" /%}')).toBe(0);
    expect(markdocTagDepth("{% table %}\n* a\n---\n* b\n{% /table %}")).toBe(1);
    expect(markdocTagDepth("{% if $a %}x{% else /%}y{% if $b %}z{% /if %}{% /if %}")).toBe(2);
    expect(markdocTagDepth("{% if true %}".repeat(100) + "x" + "{% /if %}".repeat(100))).toBe(100);
  });

  it("refuses a body deeper than the limit, with the reason, and accepts one at the limit", () => {
    const nested = (n: number) => "{% if true %}".repeat(n) + "x" + "{% /if %}".repeat(n);
    expect(() => assertMarkdocWithinLimits(nested(MAX_TAG_NESTING))).not.toThrow();
    expect(() => assertMarkdocWithinLimits(nested(100))).toThrow(/nests Markdoc tags 100 deep/);
  });
});
