import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { countCharacters, graphemeBoundaries, normalizeText } from "~/comments/characters";
import { type CommentPart, joinParts, planSplit, splitComment } from "~/comments/split";

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

const FAMILY = "👩‍👩‍👧‍👦";
const FLAG_NZ = "🇳🇿";
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function isWellFormed(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

function split(input: string, limit: number, maxParts = 10_000): CommentPart[] {
  const result = splitComment(input, { limit, maxParts });
  if (!result.ok) throw new Error(`unexpected refusal: ${result.partsNeeded} parts`);
  return result.parts;
}

/** UTF-16 [start, end) of each part's source in the normalized text. */
function sourceRanges(parts: CommentPart[]): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let offset = 0;
  for (const part of parts) {
    ranges.push([offset, offset + part.source.length]);
    offset += part.source.length;
  }
  return ranges;
}

/** What the splitter trims from a single part (leading blank lines, trailing white space). */
function trimmedForDisplay(text: string): string {
  return text.replace(/^(?:[ \t]*\n)+/, "").replace(/[ \t\n]+$/, "");
}

interface FenceScan {
  openingLines: string[];
  /** true when a block is still open at the end */
  open: boolean;
}

/** CommonMark fenced code blocks at top level, scanned independently of the splitter. */
function scanFences(text: string): FenceScan {
  const openingLines: string[] = [];
  let fence: string | null = null;
  for (const line of text.split("\n")) {
    if (fence === null) {
      const m = /^( {0,3})(`{3,}|~{3,})(.*)$/.exec(line);
      if (m && !(m[2][0] === "`" && m[3].includes("`"))) {
        fence = m[2];
        openingLines.push(line);
      }
    } else {
      const m = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line);
      if (m && m[1][0] === fence[0] && m[1].length >= fence.length) fence = null;
    }
  }
  return { openingLines, open: fence !== null };
}

/** Invariants that hold for every input (docs/architecture.md §4). */
function checkInvariants(input: string, limit: number): CommentPart[] {
  const normalized = normalizeText(input);
  const result = splitComment(input, { limit, maxParts: 100_000 });
  expect(result.normalized).toBe(normalized);
  if (!result.ok) throw new Error("refused");
  const { parts } = result;
  expect(parts.length).toBeGreaterThanOrEqual(1);
  expect(joinParts(parts)).toBe(normalized);

  const boundaries = new Set(graphemeBoundaries(normalized));
  for (const [, end] of sourceRanges(parts)) expect(boundaries.has(end)).toBe(true);

  for (const part of parts) {
    expect(countCharacters(part.text)).toBeLessThanOrEqual(limit);
    expect(isWellFormed(part.text)).toBe(true);
    expect(isWellFormed(part.source)).toBe(true);
    if (parts.length > 1) expect(part.text).not.toBe("");
  }
  if (countCharacters(normalized) <= limit) expect(parts.length).toBe(1);
  expect(planSplit(input, { limit, maxParts: 10 }).parts).toBe(parts.length);
  return parts;
}

// ---------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------

const chars = (alphabet: string) => fc.constantFrom(...[...alphabet]);

/** One grapheme that has no Markdown meaning and is not white space. */
const plainGrapheme = fc.oneof(
  chars("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP0123456789"),
  fc.constantFrom("é", "e\u0301", "ß", "ø", "日", "本", "각", "न्", "ก", "😀", FAMILY, FLAG_NZ, "👍🏽", "❤️", "’", "—"),
  fc
    .string({ unit: "grapheme", minLength: 1, maxLength: 1 })
    // Tested after NFC: U+1FEF GREEK VARIA normalizes to a backtick.
    .filter((g) => !/[\s\p{Cc}[\]()`<>!\\*_~#|&:/.?-]/u.test(g.normalize("NFC"))),
);

const word = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "coaching",
      "students",
      "feedback",
      "lesson",
      "the",
      "a",
      "of",
      "naïve",
      "café",
      "日本語",
      "überlegt",
    ),
  },
  { weight: 2, arbitrary: fc.string({ unit: plainGrapheme, minLength: 1, maxLength: 10 }) },
);

const words = (max: number) => fc.array(word, { minLength: 1, maxLength: max }).map((ws) => ws.join(" "));
const urlPath = fc.string({ unit: chars("abcxyz0123456789-/"), maxLength: 40 });

/** Atomic constructs: each is recorded so the test can check that no cut fell inside it. */
const construct = fc.oneof(
  fc.tuple(words(4), urlPath).map(([t, p]) => `[${t}](https://x.y/${p})`),
  fc.tuple(word, urlPath, word).map(([alt, p, title]) => `![${alt}](https://x.y/${p}.png "${title}")`),
  fc.tuple(words(3), fc.constantFrom("r1", "ref")).map(([t, r]) => `[${t}][${r}]`),
  urlPath.map((p) => `<https://x.y/${p}>`),
  fc.tuple(fc.constantFrom("https://", "http://", "www."), urlPath).map(([s, p]) => `${s}x.y/${p}`),
  fc.string({ unit: chars("abc xyz=+;(){}[]"), minLength: 1, maxLength: 30 }).map((c) => `\`${c.trim() || "x"}\``),
  // Single backticks inside a double-backtick span (a run of two would close it).
  fc.string({ unit: chars("abc ` xyz"), minLength: 1, maxLength: 20 }).map((c) => `\`\` ${c.replace(/`+/g, "`")} \`\``),
);

const emoji = fc.constantFrom(FAMILY, FLAG_NZ, "🇬🇧", "👍🏽", "🧑🏾‍🏫", "❤️‍🔥");

type Token = { text: string; atomic: boolean };

const sentence = fc
  .tuple(
    fc.array(
      fc.oneof(
        { weight: 6, arbitrary: word.map((text): Token => ({ text, atomic: false })) },
        { weight: 2, arbitrary: construct.map((text): Token => ({ text, atomic: true })) },
        { weight: 1, arbitrary: emoji.map((text): Token => ({ text, atomic: false })) },
      ),
      { minLength: 1, maxLength: 14 },
    ),
    fc.constantFrom(".", "!", "?", "", "…"),
  )
  .map(([tokens, end]): Token[] => [
    ...tokens.flatMap((t) => [t, { text: " ", atomic: false }]).slice(0, -1),
    { text: end, atomic: false },
  ]);

const paragraph = fc
  .tuple(
    fc.array(sentence, { minLength: 1, maxLength: 6 }),
    fc.constantFrom("", "", "", "- ", "> ", "## "),
    fc.constantFrom(" ", " ", "\n"),
  )
  .map(([sentences, lead, join]): Token[] => [
    { text: lead, atomic: false },
    ...sentences.flatMap((s) => [...s, { text: join, atomic: false }]).slice(0, -1),
  ]);

const codeLine = fc.constantFrom(
  "const total = items.reduce((a, b) => a + b, 0);",
  "  return `${name}: ${total}`;",
  "",
  "if (a < b) {",
  "}",
  "print('hello [not](a link)')",
  "    deeply.indented(call);",
  "x = 1",
  "# comment with https://x.y/in-code",
  "~~ not a fence",
);

const codeBlock = fc
  .tuple(
    fc.constantFrom("```", "~~~", "````"),
    fc.constantFrom("", "ts", "js", "py", "sh"),
    fc.constantFrom("", " "),
    fc.array(codeLine, { maxLength: 40 }),
  )
  .map(([fence, info, indent, lines]): Token[] => [
    { text: [`${indent}${fence}${info}`, ...lines, `${indent}${fence}`].join("\n"), atomic: false },
  ]);

const blockSeparator = fc.constantFrom("\n\n", "\n\n", "\n", "\n\n\n", "\n  \n");

const markdownDocument = fc
  .tuple(
    fc.array(fc.oneof({ weight: 4, arbitrary: paragraph }, { weight: 1, arbitrary: codeBlock }), {
      minLength: 1,
      maxLength: 12,
    }),
    fc.array(blockSeparator, { minLength: 12, maxLength: 12 }),
    fc.boolean(),
  )
  .map(([blocks, separators, crlf]) => {
    const tokens = blocks.flatMap((block, i) => (i === 0 ? block : [{ text: separators[i], atomic: false }, ...block]));
    // Tokens are normalized one by one so the constructs' offsets are known.
    const atoms: Array<{ at: number; text: string }> = [];
    let text = "";
    for (const token of tokens) {
      const normalized = normalizeText(token.text);
      if (token.atomic) atoms.push({ at: text.length, text: normalized });
      text += normalized;
    }
    return { input: crlf ? text.replace(/\n/g, "\r\n") : text, text, atoms };
  });

const limitArb = fc.integer({ min: 16, max: 300 });

// ---------------------------------------------------------------------------
// Examples
// ---------------------------------------------------------------------------

const REFLECTIVE_REPLY = [
  "Thank you for writing this up so carefully. I read it twice, once on the train and once again after our Thursday planning meeting, and I keep coming back to your point about the difference between feedback that is heard and feedback that is used. In my first year as an instructional coach I assumed that if I was clear enough, teachers would act on what I said. It took me an embarrassingly long time to notice that the conversations I thought went best were often the ones that changed the least in the classroom.",
  "What shifted things for me was a small change in how I closed each debrief. Instead of summarising my observations, I started asking the teacher to name one thing they would try before we met again, and then I wrote it down in their words, not mine. It sounds trivial, but the ownership moved. When we met the following week, we began with their experiment rather than my notes, and the conversation became a shared investigation rather than a report card.",
  "I also want to push back, gently, on one part of the post. You describe the observation cycle as if it were a neutral tool, but in many schools it arrives with a history. Teachers who have been observed mainly for appraisal have learned, quite reasonably, to perform for the visitor at the back of the room. No protocol fixes that on its own. In my experience it takes months of low-stakes visits, where nothing is written down and nothing is reported upwards, before people believe that the coach is there to help rather than to judge.",
  "One practice that has helped our team is what we call “walking the work”. Before any formal observation, the coach and the teacher look at a small set of student work together, usually three pieces: one that met the goal, one that nearly did, and one that missed it. We talk about what the students were trying to do and where they got stuck. Only then do we decide what to look for in the lesson. The observation becomes a way of answering a question the teacher actually has, which makes the feedback far easier to hear.",
  "I would be curious how you handle disagreement when it does come up. Last term I worked with a very experienced colleague who was convinced that cold calling was unkind to anxious students. I had data from two lessons suggesting that the same four students answered almost every question, and I wanted to talk about participation. We went round in circles until we agreed to co-plan a single lesson using mini whiteboards instead. Everyone answered, nobody was singled out, and the anxious students were some of the most engaged. Neither of us had to win the argument; the lesson settled it.",
  "There is also the question of time. Every coach I know carries a list of teachers they meant to visit and did not. I have stopped pretending that I can see everyone every fortnight. Instead, each half term I agree with the leadership team on a small group of teachers who have asked for support, and I protect those visits as if they were lessons I was teaching myself. The others know they can book a conversation whenever they like, and a surprising number do once they see colleagues getting something useful out of it.",
  "The last thing I would add is that coaching changed my own teaching more than I expected. Watching dozens of lessons a term, you start to notice patterns you never saw from the front of your own room: how long a pause really lasts, how often the same hands go up, how much of the lesson is spent on instructions rather than on thinking. When I went back to teaching two groups this year, I planned differently, and I am far more forgiving of the colleagues I coach, because I now remember how hard it is.",
  "Finally, a practical note for anyone starting out. Keep your own notes short and keep them separate from anything you share. I use a simple template with three headings — what I saw, what I wondered, what we agreed — and I never send it without the teacher reading it first. That habit has saved me from more misunderstandings than any amount of careful wording. It also means that, over a year, each teacher has a record of their own growth that they recognise as theirs.",
  "Thanks again for starting this thread. I would love to hear from others about how they build trust in schools where coaching is new, and especially from anyone who has managed to protect coaching time when the timetable gets tight in the spring term. I will share our templates in the resources section next week. Please add your own ideas below, however small they seem.",
].join("\n\n");

describe("splitComment — examples (docs/architecture.md §4)", () => {
  it("keeps a text within the limit in one part", () => {
    const parts = split("\n\nA short reply with an emoji " + FAMILY + ".\n\n", 4096);
    expect(parts).toHaveLength(1);
    expect(parts[0].text).toBe("A short reply with an emoji " + FAMILY + ".");
    expect(parts[0].prefix).toBe("");
    expect(parts[0].suffix).toBe("");
  });

  it("keeps a text of exactly the limit in one part, and splits one character more", () => {
    const exact = "word ".repeat(20).slice(0, 99) + FAMILY; // 100 characters
    expect(countCharacters(exact)).toBe(100);
    expect(split(exact, 100)).toHaveLength(1);
    expect(split(exact + "!", 100)).toHaveLength(2);
  });

  it("splits a 4,505-character reflective reply into exactly 2 parts at a paragraph break", () => {
    expect(countCharacters(REFLECTIVE_REPLY)).toBe(4505);
    const parts = split(REFLECTIVE_REPLY, 4096);
    expect(parts).toHaveLength(2);
    expect(parts[0].source.endsWith(".\n\n")).toBe(true);
    expect(parts[0].text.endsWith(".")).toBe(true);
    expect(/^[A-Z]/.test(parts[1].text)).toBe(true);
    expect(countCharacters(parts[0].text)).toBeLessThanOrEqual(4096);
    expect(countCharacters(parts[0].text)).toBeGreaterThan(2048); // as full as possible
    expect(joinParts(parts)).toBe(REFLECTIVE_REPLY);
  });

  it("counts CRLF as one character and gives back LF text", () => {
    const input = "First line\r\nsecond line\r\rthird";
    const result = splitComment(input, { limit: 4096, maxParts: 10 });
    expect(result.normalized).toBe("First line\nsecond line\n\nthird");
    expect(planSplit(input, { limit: 4096, maxParts: 10 }).characters).toBe(29);
  });

  it("prefers a line break, then a sentence end, then white space", () => {
    const lines = "One two three four five six seven.\nEight nine ten eleven twelve.";
    expect(split(lines, 50)[0].text).toBe("One two three four five six seven.");
    const sentences = "One two three four five six seven. Eight nine ten eleven twelve.";
    expect(split(sentences, 50)[0].text).toBe("One two three four five six seven.");
    const plain = "one two three four five six seven eight nine ten eleven twelve";
    expect(split(plain, 20).map((p) => p.text)).toEqual([
      "one two three four",
      "five six seven eight",
      "nine ten eleven",
      "twelve",
    ]);
  });

  it("does not cut inside a link, an inline code span or a bare URL", () => {
    const text =
      "Read this [guide to questioning](https://example.org/questioning) before `npm run test -- --watch` and https://example.org/a/very/long/path ok";
    for (let limit = 16; limit <= 80; limit++) {
      const parts = split(text, limit);
      for (const atom of [
        "[guide to questioning](https://example.org/questioning)",
        "`npm run test -- --watch`",
        "https://example.org/a/very/long/path",
      ]) {
        if (countCharacters(atom) > limit) continue;
        expect(parts.some((p) => p.source.includes(atom))).toBe(true);
      }
    }
  });

  it("cuts an atomic construct longer than a part at grapheme boundaries (last resort)", () => {
    const url = "https://example.org/" + "x".repeat(100);
    const parts = split(`See ${url} now`, 40);
    expect(joinParts(parts)).toBe(`See ${url} now`);
    for (const part of parts) expect(countCharacters(part.text)).toBeLessThanOrEqual(40);
  });

  it("never splits an emoji sequence", () => {
    const input = (FAMILY + FLAG_NZ + "👍🏽").repeat(30);
    const parts = split(input, 16); // 90 characters, no white space: cut between graphemes
    expect(parts.map((p) => countCharacters(p.text))).toEqual([16, 16, 16, 16, 16, 10]);
    for (const part of parts) {
      // Each part is a whole number of intact sequences.
      expect(part.source.replace(/👩‍👩‍👧‍👦|🇳🇿|👍🏽/gu, "")).toBe("");
    }
  });

  it("moves a code block that fits to the next part instead of cutting it", () => {
    const block = "```ts\n" + Array.from({ length: 8 }, (_, i) => `const v${i} = ${i};`).join("\n") + "\n```";
    const text = "Some context first. ".repeat(5).trim() + "\n\n" + block + "\n\nAfter.";
    const parts = split(text, 160);
    expect(parts.some((p) => p.text.includes(block))).toBe(true);
    for (const part of parts) expect(part.prefix + part.suffix).toBe("");
  });

  it("splits a long fenced code block between lines, reopening the fence and info string", () => {
    const lines = Array.from({ length: 120 }, (_, i) => `  const value${i} = compute(${i}); // step ${i}`);
    const text = "Here is the script we used:\n\n```ts\n" + lines.join("\n") + "\n```\n\nIt runs in a second.";
    const parts = split(text, 500);
    expect(parts.length).toBeGreaterThan(3);
    expect(joinParts(parts)).toBe(text);
    for (const [i, part] of parts.entries()) {
      expect(countCharacters(part.text)).toBeLessThanOrEqual(500);
      expect(scanFences(part.text).open).toBe(false);
      if (i > 0 && i < parts.length - 1) {
        expect(part.prefix).toBe("```ts\n");
        expect(part.text.startsWith("```ts\n  const value")).toBe(true);
      }
      if (i < parts.length - 1) {
        expect(part.suffix).toBe("```");
        expect(part.text.endsWith("\n```")).toBe(true);
        expect(part.source.endsWith("\n")).toBe(true); // cut between lines
      }
    }
    expect(parts[0].prefix).toBe("");
    expect(parts[0].text.startsWith("Here is the script we used:\n\n```ts\n")).toBe(true);
    expect(parts.at(-1)!.text.endsWith("```\n\nIt runs in a second.")).toBe(true);
  });

  it("closes an unclosed fence in every part but the last", () => {
    const text = "~~~py\n" + Array.from({ length: 40 }, (_, i) => `print(${i})`).join("\n");
    const parts = split(text, 100);
    expect(parts.length).toBeGreaterThan(2);
    for (const part of parts.slice(0, -1)) expect(part.text.endsWith("\n~~~")).toBe(true);
    for (const part of parts.slice(1)) expect(part.text.startsWith("~~~py\n")).toBe(true);
    expect(scanFences(parts.at(-1)!.text).open).toBe(true);
  });

  it("refuses a submission needing more than maxParts parts", () => {
    const text = "A sentence that takes some room. ".repeat(200);
    const result = splitComment(text, { limit: 100, maxParts: 10 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe("too-many-parts");
    expect(result.partsNeeded).toBeGreaterThan(10);
    expect(result.partsNeeded).toBe(split(text, 100).length);
    expect(result.message).toContain("at most 10");
    const plan = planSplit(text, { limit: 100, maxParts: 10 });
    expect(plan).toEqual({
      characters: countCharacters(text),
      limit: 100,
      maxParts: 10,
      parts: result.partsNeeded,
      tooLong: true,
      charactersToCut: result.charactersToCut,
    });
  });

  it("says how many characters to cut: cutting that many from the end fits, a word fewer does not", () => {
    const sentences = [
      "Wir haben die Stunde gemeinsam geplant.",
      "生徒の発言を記録しました。",
      "Les élèves ont discuté en petits groupes 🧑🏽‍🏫.",
      "We met again after the lesson.",
    ];
    const text = Array.from({ length: 120 }, (_, i) => sentences[i % sentences.length]).join(" ");
    const options = { limit: 200, maxParts: 5 };
    const result = splitComment(text, options);
    if (result.ok) throw new Error("expected a refusal");
    expect(result.charactersToCut).toBeGreaterThan(0);
    expect(result.message).toContain(`cut at least ${result.charactersToCut.toLocaleString("en-US")} characters`);
    const boundaries = graphemeBoundaries(normalizeText(text));
    const keep = (characters: number) => normalizeText(text).slice(0, boundaries[characters]);
    const total = boundaries.length - 1;
    expect(splitComment(keep(total - result.charactersToCut), options).ok).toBe(true);
    expect(splitComment(keep(total - result.charactersToCut + 12), options).ok).toBe(false);
    expect(planSplit(text, options).charactersToCut).toBe(result.charactersToCut);
    expect(planSplit(keep(100), options).charactersToCut).toBe(0);
  });

  it("plans like it splits", () => {
    expect(planSplit("", { limit: 4096, maxParts: 10 })).toEqual({
      characters: 0,
      limit: 4096,
      maxParts: 10,
      parts: 1,
      tooLong: false,
      charactersToCut: 0,
    });
    expect(planSplit(REFLECTIVE_REPLY, { limit: 4096, maxParts: 10 })).toEqual({
      characters: 4505,
      limit: 4096,
      maxParts: 10,
      parts: 2,
      tooLong: false,
      charactersToCut: 0,
    });
  });

  it("gives one empty part for an empty submission", () => {
    expect(split("", 16)).toEqual([{ source: "", prefix: "", suffix: "", text: "" }]);
  });

  it("throws a RangeError for a limit below 16 or maxParts below 1", () => {
    expect(() => splitComment("x", { limit: 15, maxParts: 10 })).toThrow(RangeError);
    expect(() => splitComment("x", { limit: 16.5, maxParts: 10 })).toThrow(RangeError);
    expect(() => splitComment("x", { limit: 4096, maxParts: 0 })).toThrow(RangeError);
    expect(() => planSplit("x", { limit: Number.NaN, maxParts: 10 })).toThrow(RangeError);
  });

  // Speed is measured by `npm run bench` (scripts/bench-text.ts), not here.
  it("splits 40,000 characters of mixed Markdown into parts within the limit", () => {
    const chunk =
      REFLECTIVE_REPLY.slice(0, 1500) +
      ` See [the guide](https://example.org/guide) and \`code\` ${FAMILY}${FLAG_NZ}.\n\n` +
      "```ts\n" +
      Array.from({ length: 30 }, (_, i) => `const v${i} = ${i};`).join("\n") +
      "\n```\n\n";
    const text = chunk.repeat(Math.ceil(40_000 / chunk.length)).slice(0, 40_000);
    const parts = split(text, 4096);
    expect(parts.length).toBeGreaterThanOrEqual(10);
    for (const part of parts) expect(countCharacters(part.text)).toBeLessThanOrEqual(4096);
  });
});

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

describe("splitComment — properties", () => {
  it("holds its invariants for random Unicode", () => {
    const piece = fc.oneof(
      fc.string({ unit: "binary", maxLength: 30 }),
      fc.string({ unit: "grapheme", maxLength: 30 }),
      fc.constantFrom(
        "\r\n",
        "\n\n",
        "\r",
        " ",
        "```",
        "~~~ts\n",
        "`",
        "[a](b)",
        "https://x.y",
        "\uD800",
        "\uDC00",
        "\u0000",
        "e\u0301",
        FAMILY,
        FLAG_NZ,
        "🇳",
      ),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), limitArb, (pieces, limit) => {
        checkInvariants(pieces.join(""), limit);
      }),
      { numRuns: 300 },
    );
  });

  it("holds its invariants for Markdown and keeps constructs and fences whole", () => {
    fc.assert(
      fc.property(markdownDocument, limitArb, ({ input, text, atoms }, limit) => {
        const parts = checkInvariants(input, limit);
        const normalized = normalizeText(input);
        const ranges = sourceRanges(parts);

        // No cut inside a link, bare URL or code span that fits in a part.
        // (+1: a bare URL's protected range includes trailing punctuation.)
        // Skipped in the rare case where NFC joined two tokens.
        if (normalized === text) {
          for (const atom of atoms) {
            if (countCharacters(atom.text) + 1 >= limit) continue;
            const inOnePart = ranges.some(([start, end]) => start <= atom.at && atom.at + atom.text.length <= end);
            expect(inOnePart, `${JSON.stringify(atom.text)} cut`).toBe(true);
          }
        }

        // Balanced fences; reopened fences repeat an opening line of the input,
        // or only its fence when the line is too long to repeat.
        const openingLines = new Set(scanFences(normalized).openingLines);
        for (const line of [...openingLines]) openingLines.add(/^ {0,3}(?:`{3,}|~{3,})/.exec(line)![0]);
        for (const part of parts) {
          const scan = scanFences(part.text);
          expect(scan.open).toBe(false);
          for (const line of scan.openingLines) expect(openingLines.has(line)).toBe(true);
          if (part.prefix !== "") {
            expect(part.text.startsWith(part.prefix)).toBe(true);
            expect(openingLines.has(part.prefix.slice(0, -1))).toBe(true);
          }
        }

        if (countCharacters(normalized) <= limit) {
          expect(parts[0].text).toBe(trimmedForDisplay(normalized));
        }
      }),
      { numRuns: 300 },
    );
  });

  it("is one part whenever the text is within the limit", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 300 }), limitArb, (text, limit) => {
        fc.pre(countCharacters(normalizeText(text)) <= limit);
        expect(split(text, limit)).toHaveLength(1);
      }),
      { numRuns: 200 },
    );
  });
});
