import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { countCharacters, formatCount, graphemeBoundaries, isBlank, normalizeText } from "~/comments/characters";

const FAMILY = "👩‍👩‍👧‍👦";
const FLAG_NZ = "🇳🇿";
const THUMBS_UP_MEDIUM = "👍🏽";
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe("countCharacters (grapheme clusters, docs/architecture.md §4 / UAX #29)", () => {
  it("counts emoji ZWJ sequences, flags and skin tones as one character each", () => {
    expect(countCharacters(FAMILY)).toBe(1);
    expect(countCharacters(FLAG_NZ)).toBe(1);
    expect(countCharacters(THUMBS_UP_MEDIUM)).toBe(1);
    expect(countCharacters(`${FAMILY}${FLAG_NZ}a`)).toBe(3);
    expect(countCharacters("🇳🇿🇬🇧🇫")).toBe(3); // two flags and a lone regional indicator
  });

  it("counts a letter with a combining accent as one, before and after NFC", () => {
    expect(countCharacters("e\u0301")).toBe(1);
    expect(normalizeText("e\u0301")).toBe("é");
    expect(countCharacters(normalizeText("e\u0301"))).toBe(1);
    expect(countCharacters("각")).toBe(1);
    expect(countCharacters("\u1100\u1161\u11A8")).toBe(1); // conjoining jamo
  });

  it("counts CRLF as one line feed after normalization", () => {
    expect(normalizeText("a\r\nb\rc")).toBe("a\nb\nc");
    expect(countCharacters(normalizeText("a\r\nb"))).toBe(3);
    expect(countCharacters("a\r\nb")).toBe(3); // CR LF is one cluster anyway
  });

  it("counts ASCII by length and empty text as zero", () => {
    expect(countCharacters("")).toBe(0);
    expect(countCharacters("Hello, staff room!")).toBe(18);
  });

  // Speed is measured by `npm run bench` (scripts/bench-text.ts), not here.
  it("counts 100,000 characters of mixed text as the segmenter does, piece by piece", () => {
    const piece = `Coaching conversations ☕ naïve café e\u0301 🇳🇿 ${FAMILY}\n`;
    const perPiece = [...new Intl.Segmenter("en", { granularity: "grapheme" }).segment(piece)].length;
    const repeats = Math.ceil(100_000 / piece.length);
    // Pieces end in "\n", a grapheme boundary, so counts add up.
    expect(countCharacters(piece.repeat(repeats))).toBe(perPiece * repeats);
  });
});

describe("graphemeBoundaries", () => {
  it("lists UTF-16 offsets from 0 to the length", () => {
    expect([...graphemeBoundaries("")]).toEqual([0]);
    expect([...graphemeBoundaries("ab")]).toEqual([0, 1, 2]);
    expect([...graphemeBoundaries(`a${FAMILY}é`)]).toEqual([0, 1, 1 + FAMILY.length, 2 + FAMILY.length]);
  });

  it("has one more boundary than characters", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 60 }), (s) => {
        expect(graphemeBoundaries(s).length).toBe(countCharacters(s) + 1);
      }),
      { numRuns: 200 },
    );
  });
});

describe("normalizeText", () => {
  it("removes stray control characters but keeps tabs and line feeds", () => {
    expect(normalizeText("a\u0000b\u0007c\u000Bd\u000Ce\u001Ff\u007Fg\th\ni")).toBe("abcdefg\th\ni");
  });

  it("removes unpaired surrogates and keeps pairs", () => {
    expect(normalizeText("a\uD800b\uDC00c😀")).toBe("abc😀");
    expect(normalizeText("\uD83D\u0000\uDE00")).toBe("😀"); // a pair rejoined once NUL is gone
  });

  it("is idempotent and produces well-formed NFC text without CR", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.string({ unit: "binary", maxLength: 8 }),
            fc.constantFrom("\r", "\n", "\r\n", "\uD800", "\uDC00", "\u0000", "e\u0301"),
          ),
          { maxLength: 20 },
        ),
        (pieces) => {
          const once = normalizeText(pieces.join(""));
          expect(normalizeText(once)).toBe(once);
          expect(once).not.toContain("\r");
          expect(LONE_SURROGATE.test(once)).toBe(false);
          expect(once.normalize("NFC")).toBe(once);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("isBlank", () => {
  it.each([
    "",
    "   ",
    "\u200B\u200D\n",
    "\u3164",
    "\t\n \u00A0",
    "\uFEFF\u2060\u00AD",
    "\u115F\u1160\uFFA0\u2800\u180E",
    "\uFE0F",
  ])("is true for invisible text %j", (text) => {
    expect(isBlank(text)).toBe(true);
  });

  it.each(["a", "😀", " . ", "\u200Bx", "e\u0301", "\u0600"])("is false for visible text %j", (text) => {
    expect(isBlank(text)).toBe(false);
  });
});

describe("formatCount", () => {
  it("groups thousands the en-GB way", () => {
    expect(formatCount(0)).toBe("0");
    expect(formatCount(999)).toBe("999");
    expect(formatCount(1234)).toBe("1,234");
    expect(formatCount(4096)).toBe("4,096");
    expect(formatCount(1_234_567)).toBe("1,234,567");
  });
});
