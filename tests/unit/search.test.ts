import Markdoc from "@markdoc/markdoc";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Highlighted } from "~/components/Highlighted";
import { markdocPlainText } from "~/posts/body-text";
import { excerpt, highlight, type Segment } from "~/search/highlight";
import { MAX_QUERY_CHARACTERS, MAX_QUERY_WORDS, parseQuery } from "~/search/query";
import { SearchIndex, type SearchDocument } from "~/search/search-index";
import { foldWord } from "~/search/text";

// Site search: what a reader notices is the order of results, that accents and
// case do not matter, which words are marked, and that no input breaks the page.

function doc(id: string, fields: Partial<Omit<SearchDocument, "id">>): SearchDocument {
  return { id, title: "", tags: [], summary: "", body: "", ...fields };
}

const filler =
  "Teachers met on Tuesday to plan the next unit together, share what had worked in their classrooms, and agree on " +
  "what to try before the holidays. ";

function search(index: SearchIndex, q: string) {
  const parsed = parseQuery(q);
  if (parsed.kind !== "words") throw new Error(`not a word query: ${q}`);
  return index.search(parsed.words, { prefixLast: parsed.prefixLast });
}

const marked = (segments: Segment[]) => segments.filter((s) => s.mark).map((s) => s.text);

describe("ranking", () => {
  it("puts a post with the word in its title above a post with it only in the body", () => {
    const index = new SearchIndex([
      // The body-only post mentions the word three times, and comes first in the input.
      doc("body-only", {
        title: "Notes from a long week",
        body: `${filler}Mentoring mattered. ${filler}Mentoring again, mentoring always.`,
      }),
      doc("in-title", { title: "Mentoring new teachers", body: filler }),
      doc("unrelated", { title: "Planning units", body: filler }),
    ]);
    expect(search(index, "mentoring").hits.map((h) => h.id)).toEqual(["in-title", "body-only"]);
  });

  it("ranks title and tag matches above summary matches above body matches", () => {
    const index = new SearchIndex([
      doc("body", {
        title: "Week one",
        summary: "What happened.",
        body: `${filler}We talked about feedback. ${filler}`,
      }),
      doc("summary", { title: "Week two", summary: "A week about feedback.", body: filler }),
      doc("tag", { title: "Week three", tags: ["feedback"], summary: "What happened.", body: filler }),
      doc("title", { title: "Feedback that helps", summary: "What happened.", body: filler }),
    ]);
    const order = search(index, "feedback").hits.map((h) => h.id);
    expect(order.slice(2)).toEqual(["summary", "body"]);
    expect(order.slice(0, 2).sort()).toEqual(["tag", "title"]);
  });

  it("needs every word; falls back to posts with some of them, then to similar spellings", () => {
    const index = new SearchIndex([
      doc("both", { title: "Coaching and feedback", body: filler }),
      doc("one", { title: "Coaching alone", body: filler }),
      doc("other", { title: "Mentoring programmes", body: filler }),
    ]);
    expect(search(index, "feedback coaching")).toMatchObject({ mode: "all", hits: [{ id: "both" }] });
    const some = search(index, "coaching zzzz");
    expect(some.mode).toBe("some");
    expect(some.hits.map((h) => h.id).sort()).toEqual(["both", "one"]);
    const similar = search(index, "mentorng");
    expect(similar.mode).toBe("similar");
    expect(similar.hits.map((h) => h.id)).toEqual(["other"]);
    expect(search(index, "qwxz").hits).toEqual([]);
  });

  it("lets the last word match longer words it begins (coach → coaching), not earlier words", () => {
    const index = new SearchIndex([doc("a", { title: "Coaching cycles" }), doc("b", { title: "A coach speaks" })]);
    expect(
      search(index, "coach")
        .hits.map((h) => h.id)
        .sort(),
    ).toEqual(["a", "b"]);
    expect(search(index, "coach").hits.find((h) => h.id === "a")!.terms).toEqual(["coaching"]);
    expect(search(index, "coach speaks").hits.map((h) => h.id)).toEqual(["b"]);
  });

  it("ignores case and accents both ways", () => {
    const index = new SearchIndex([
      doc("fr", { title: "L’Éducation numérique à l’école" }),
      doc("en", { title: "Cafe culture in education" }),
      doc("de", { title: "Die Straße der Lehrer" }),
    ]);
    expect(search(index, "education numerique").hits.map((h) => h.id)).toEqual(["fr"]);
    expect(
      search(index, "ÉDUCATION")
        .hits.map((h) => h.id)
        .sort(),
    ).toEqual(["en", "fr"]);
    expect(search(index, "café").hits.map((h) => h.id)).toEqual(["en"]);
    expect(search(index, "strasse").hits.map((h) => h.id)).toEqual(["de"]);
    expect(foldWord("Éducation")).toBe("education");
  });

  it("finds words in tags with spaces, & and Unicode", () => {
    const index = new SearchIndex([doc("t", { title: "A post", tags: ["R&D planning", "Évaluation"] })]);
    expect(search(index, "planning").hits.map((h) => h.id)).toEqual(["t"]);
    expect(search(index, "evaluation").hits[0].fields).toEqual(["tags"]);
  });

  it("follows edits: a changed document is re-indexed, a removed one disappears", () => {
    const first = doc("p", { title: "Old title about rubrics" });
    const other = doc("q", { title: "Something else" });
    const index = new SearchIndex([first, other]);
    expect(search(index, "rubrics").hits.map((h) => h.id)).toEqual(["p"]);
    index.sync([doc("p", { title: "New title about portfolios" }), other]);
    expect(search(index, "rubrics").hits).toEqual([]);
    expect(search(index, "portfolios").hits.map((h) => h.id)).toEqual(["p"]);
    index.sync([other]);
    expect(search(index, "portfolios").hits).toEqual([]);
    expect(index.size).toBe(1);
    expect(() => index.sync([other, other])).toThrow(/twice|two/i);
  });
});

describe("queries", () => {
  it("treats missing, empty and blank queries as empty", () => {
    for (const q of [null, undefined, "", "   ", "\t\n"]) expect(parseQuery(q)).toEqual({ kind: "empty" });
  });

  it("refuses queries longer than the limit, counting characters as people see them", () => {
    expect(parseQuery("a".repeat(10_000))).toEqual({
      kind: "too-long",
      characters: 10_000,
      limit: MAX_QUERY_CHARACTERS,
    });
    // A family emoji is 11 UTF-16 units but one character.
    const family = "👩‍👩‍👧‍👦";
    expect(parseQuery(family.repeat(MAX_QUERY_CHARACTERS)).kind).toBe("no-words");
    expect(parseQuery(family.repeat(MAX_QUERY_CHARACTERS + 1))).toMatchObject({
      kind: "too-long",
      characters: MAX_QUERY_CHARACTERS + 1,
    });
    expect(parseQuery("é".repeat(MAX_QUERY_CHARACTERS)).kind).toBe("words");
  });

  it("reads punctuation and regex metacharacters as separators, never as patterns", () => {
    expect(parseQuery("(*+?[")).toEqual({ kind: "no-words", text: "(*+?[" });
    expect(parseQuery("\\+.*$^{}|()")).toMatchObject({ kind: "no-words" });
    expect(parseQuery("<script>alert(1)</script>")).toMatchObject({ kind: "words", words: ["script", "alert", "1"] });
    expect(parseQuery("c++ (coaching)[")).toMatchObject({ kind: "words", words: ["c", "coaching"], prefixLast: true });
  });

  it("drops common words unless they are all there is, and keeps at most the first words", () => {
    expect(parseQuery("The role of a Coach")).toMatchObject({ words: ["role", "coach"], text: "The role of a Coach" });
    expect(parseQuery("the")).toMatchObject({ words: ["the"] });
    const many = Array.from({ length: MAX_QUERY_WORDS + 5 }, (_, i) => `word${i}`).join(" ");
    expect(parseQuery(many)).toMatchObject({ ignoredWords: 5, words: expect.arrayContaining(["word0", "word9"]) });
    expect((parseQuery(many) as { words: string[] }).words).toHaveLength(MAX_QUERY_WORDS);
    expect(parseQuery("coach coach COACH")).toMatchObject({ words: ["coach"] });
  });

  it("does not use short last words as prefixes", () => {
    expect(parseQuery("ab")).toMatchObject({ prefixLast: false });
    expect(parseQuery("abc")).toMatchObject({ prefixLast: true });
  });

  it("never makes the index throw, whatever was typed", () => {
    const index = new SearchIndex([doc("a", { title: "Coaching (and) [brackets] *stars*", body: filler })]);
    for (const q of [
      "(*+?[",
      "[",
      "\\",
      "a".repeat(199),
      "<script>",
      "%00",
      "🙂",
      "x".repeat(200),
      "a b c d e f g h i j k l",
    ]) {
      const parsed = parseQuery(q);
      if (parsed.kind === "words")
        expect(() => index.search(parsed.words, { prefixLast: parsed.prefixLast })).not.toThrow();
    }
    expect(search(index, "brackets stars").hits.map((h) => h.id)).toEqual(["a"]);
  });
});

describe("highlighting", () => {
  it("marks exactly the matched words, whole, and gives the text back unchanged", () => {
    const text = "Coaching coaches coach, the coach’s coachable COACH.";
    const segments = highlight(text, new Set(["coach"]));
    expect(segments.map((s) => s.text).join("")).toBe(text);
    expect(marked(segments)).toEqual(["coach", "coach", "COACH"]);
    expect(segments).toContainEqual({ text: "Coaching coaches " });
  });

  it("marks accented words matched by unaccented terms", () => {
    expect(marked(highlight("L’Éducation numérique, éducation.", new Set(["education"])))).toEqual([
      "Éducation",
      "éducation",
    ]);
  });

  it("keeps hostile text as text: React escapes it around the marks", () => {
    const text = `<script>alert("x")</script> & <img src=x onerror=alert(1)> script`;
    const html = renderToStaticMarkup(
      createElement(Highlighted, { segments: highlight(text, new Set(["script", "img"])) }),
    );
    expect(html).toBe(
      "&lt;<mark>script</mark>&gt;alert(&quot;x&quot;)&lt;/<mark>script</mark>&gt; &amp; &lt;<mark>img</mark> src=x onerror=alert(1)&gt; <mark>script</mark>",
    );
    expect(html).not.toMatch(/<script|<img/);
  });

  it("builds no pattern from the terms: metacharacters in a term match nothing and break nothing", () => {
    expect(highlight("a (b) [c] a.*", new Set([".*", "(", "[c]"]))).toEqual([{ text: "a (b) [c] a.*" }]);
  });

  it("chooses the excerpt around the matched words, marked, with cuts shown", () => {
    const text = `${filler.repeat(5)}Here the portfolio review changed everything for us. ${filler.repeat(5)}`;
    const result = excerpt(text, new Set(["portfolio"]), 20);
    const joined = result.segments.map((s) => s.text).join("");
    expect(joined).toContain("portfolio review");
    expect(marked(result.segments)).toEqual(["portfolio"]);
    expect(result).toMatchObject({ cutBefore: true, cutAfter: true, matchedWords: 1 });
    expect(joined.split(/\s+/).length).toBeLessThanOrEqual(20);
  });

  it("prefers the window with the most different matched words", () => {
    const text = `rubric ${filler.repeat(3)} rubric ${filler.repeat(3)} rubric and portfolio together ${filler}`;
    const result = excerpt(text, new Set(["rubric", "portfolio"]), 12);
    expect(marked(result.segments)).toEqual(["rubric", "portfolio"]);
  });

  it("shows every match of the chosen window, even when they sit at its two ends", () => {
    const words = Array.from({ length: 60 }, (_, i) => `w${i}`);
    words[10] = "rubric";
    words[27] = "rubric";
    const result = excerpt(words.join(" "), new Set(["rubric"]), 20);
    expect(marked(result.segments)).toEqual(["rubric", "rubric"]);
    // 18 words from the first match to the last leave room for two words of context.
    expect(result.segments[0].text).toBe("w8 w9 ");
    expect(result).toMatchObject({ cutBefore: true, cutAfter: true });
  });

  it("starts at the beginning when nothing matched, and handles short and empty text", () => {
    expect(excerpt("Short text.", new Set(["x"]))).toEqual({
      segments: [{ text: "Short text." }],
      matchedWords: 0,
      cutBefore: false,
      cutAfter: false,
    });
    expect(excerpt("", new Set(["x"])).segments).toEqual([]);
    const long = excerpt(filler.repeat(3), new Set(), 5);
    expect(long.segments.map((s) => s.text).join("")).toBe("Teachers met on Tuesday to");
    expect(long).toMatchObject({ cutBefore: false, cutAfter: true });
  });
});

describe("a post body as plain text", () => {
  it("keeps the words and drops the markup", () => {
    const source = [
      "## A heading",
      "",
      "Some **bold** and *em* text with `code` and a [link](https://example.org).",
      "Next line.",
      "",
      "- one",
      "- two",
      "",
      "```js",
      "const x = 1;",
      "```",
      "",
      '{% creditedImage src="/x.png" alt="hidden alt" caption="A caption" creator="Someone" /%}',
    ].join("\n");
    expect(markdocPlainText(Markdoc.parse(source))).toBe(
      "A heading\nSome bold and em text with code and a link. Next line.\none\ntwo\nconst x = 1;\nA caption",
    );
  });
});
