import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { COMMENT_LINK_REL, commentPlainText, renderCommentMarkdown } from "~/comments/markdown.server";

const REL = "ugc nofollow noopener";

// ---------------------------------------------------------------------------
// A small, strict reader for the sanitizer's output. sanitize-html escapes
// `<`, `>` and `"` inside attribute values and text, so every `<` left in the
// output must start a well-formed tag; anything else is a failure in itself.
// ---------------------------------------------------------------------------
interface Tag {
  name: string;
  closing: boolean;
  attrs: Record<string, string>;
}

const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[^\s"'<>/=]+(?:="[^"<>]*")?)*)\s*(\/?)>/g;
const ATTR = /\s+([^\s"'<>/=]+)(?:="([^"<>]*)")?/g;

function decodeAttr(value: string): string {
  return value
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");
}

function readTags(html: string): Tag[] {
  const tags: Tag[] = [];
  const leftover = html.replace(TAG, (_m, slash: string, name: string, attrText: string) => {
    const attrs: Record<string, string> = {};
    for (const [, attrName, value] of attrText.matchAll(ATTR)) {
      if (attrName.toLowerCase() in attrs) throw new Error(`duplicate attribute ${attrName} in ${html}`);
      attrs[attrName.toLowerCase()] = decodeAttr(value ?? "");
    }
    tags.push({ name: name.toLowerCase(), closing: slash === "/", attrs });
    return "";
  });
  if (leftover.includes("<") || leftover.includes(">")) {
    throw new Error(`unescaped < or > outside a tag in ${JSON.stringify(html)}`);
  }
  return tags;
}

const ALLOWED: Record<string, string[]> = {
  p: [],
  br: [],
  hr: [],
  strong: [],
  em: [],
  del: [],
  code: ["class"],
  pre: [],
  blockquote: [],
  ul: [],
  ol: ["start"],
  li: [],
  a: ["href", "title", "rel"],
  table: [],
  thead: [],
  tbody: [],
  tr: [],
  th: ["align"],
  td: ["align"],
};

/** What a browser would make of the href's scheme (it ignores C0 controls and spaces). */
function hrefIsSafe(href: string): boolean {
  const cleaned = href.replace(/[\u0000-\u0020]+/g, "");
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(cleaned);
  if (scheme) return ["http", "https", "mailto"].includes(scheme[1].toLowerCase());
  return !/^[\\/]{2}/.test(cleaned); // relative, but not protocol-relative
}

/** Asserts every structural safety property of one rendering. */
function assertSafe(html: string): void {
  expect(typeof html).toBe("string");
  expect(html.toLowerCase()).not.toContain("<script");
  for (const tag of readTags(html)) {
    expect(Object.keys(ALLOWED), `tag <${tag.name}> in ${html}`).toContain(tag.name);
    if (tag.closing) continue;
    for (const [name, value] of Object.entries(tag.attrs)) {
      expect(name).not.toMatch(/^on/i);
      expect(ALLOWED[tag.name], `attribute ${name} on <${tag.name}> in ${html}`).toContain(name);
      if (name === "href") expect(hrefIsSafe(value), `href ${JSON.stringify(value)}`).toBe(true);
      if (name === "class") expect(value).toMatch(/^language-[\w-]+$/);
      if (name === "start") expect(value).toMatch(/^\d+$/);
      if (name === "align") expect(["left", "center", "right"]).toContain(value);
    }
    if (tag.name === "a") {
      expect(tag.attrs.rel).toBe(REL);
      expect(tag.attrs.href).toBeDefined();
    }
  }
  // Belt and braces, on the tags only (text may legitimately say "onerror="),
  // with attribute values blanked out.
  const tagsOnly = (html.match(TAG) ?? []).join("").replace(/="[^"]*"/g, '=""');
  expect(tagsOnly).not.toMatch(/\son\w+\s*=/i);
  expect((html.match(TAG) ?? []).join("")).not.toMatch(/href="\s*(javascript|data|vbscript):/i);
}

function anchors(html: string): Record<string, string>[] {
  return readTags(html)
    .filter((t) => t.name === "a" && !t.closing)
    .map((t) => t.attrs);
}

const render = (md: string) => {
  const html = renderCommentMarkdown(md);
  assertSafe(html);
  return html;
};

describe("renderCommentMarkdown: formatting is preserved", () => {
  it.each([
    ["**bold**", "<p><strong>bold</strong></p>\n"],
    ["*em* and _em_", "<p><em>em</em> and <em>em</em></p>\n"],
    ["~~gone~~", "<p><del>gone</del></p>\n"],
    ["use `a < b` here", "<p>use <code>a &lt; b</code> here</p>\n"],
    ["- one\n- two", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"],
    ["1. one\n2. two", "<ol>\n<li>one</li>\n<li>two</li>\n</ol>\n"],
    ["3. three\n4. four", '<ol start="3">\n<li>three</li>\n<li>four</li>\n</ol>\n'],
    ["> quoted\n> text", "<blockquote>\n<p>quoted\ntext</p>\n</blockquote>\n"],
    [
      "```ts\nconst x: number = 1 < 2 ? 1 : 2;\n```",
      '<pre><code class="language-ts">const x: number = 1 &lt; 2 ? 1 : 2;\n</code></pre>\n',
    ],
    ["```\nplain\n```", "<pre><code>plain\n</code></pre>\n"],
    ["    indented code", "<pre><code>indented code\n</code></pre>\n"],
    ["a\n\n---\n\nb", "<p>a</p>\n<hr />\n<p>b</p>\n"],
    ["line one  \nline two", "<p>line one<br />line two</p>\n"],
    // breaks: false — a single newline is not a <br>
    ["line one\nline two", "<p>line one\nline two</p>\n"],
    ["", ""],
    ["   \n\n  ", ""],
  ])("%j", (md, expected) => {
    expect(render(md)).toBe(expected);
  });

  it("renders GFM tables, keeping column alignment", () => {
    expect(render("| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |")).toBe(
      "<table>\n<thead>\n<tr>\n" +
        '<th align="left">a</th>\n<th align="center">b</th>\n<th align="right">c</th>\n' +
        "</tr>\n</thead>\n<tbody><tr>\n" +
        '<td align="left">1</td>\n<td align="center">2</td>\n<td align="right">3</td>\n' +
        "</tr>\n</tbody></table>\n",
    );
  });

  it("keeps a fenced-code language class with hyphens and digits", () => {
    expect(render("```objective-c2\nx\n```")).toContain('<code class="language-objective-c2">');
  });

  it("drops a fenced-code class that is not a plain language name", () => {
    const html = render('```ts" onclick="alert(1)\nx\n```');
    expect(html).toBe("<pre><code>x\n</code></pre>\n");
  });
});

describe("renderCommentMarkdown: decisions", () => {
  it("renders headings of every level as a bold paragraph (no outline entries)", () => {
    expect(render("# One\n\n## Two\n\n### Three\n\n###### Six\n\nSetext\n===")).toBe(
      "<p><strong>One</strong></p>\n<p><strong>Two</strong></p>\n<p><strong>Three</strong></p>\n" +
        "<p><strong>Six</strong></p>\n<p><strong>Setext</strong></p>\n",
    );
  });

  it("keeps inline formatting inside a heading", () => {
    expect(render("## a *b* `c`")).toBe("<p><strong>a <em>b</em> <code>c</code></strong></p>\n");
  });

  it("replaces an image by its alt text (plain text, no <img>, no link)", () => {
    expect(render("see ![a *cat* & dog](https://example.com/cat.png) here")).toBe("<p>see a cat &amp; dog here</p>\n");
    expect(render("![](https://tracker.example/pixel.gif)")).toBe("");
  });

  it("an image inside a link leaves just the link with the alt text", () => {
    expect(render("[![badge](https://x.example/b.svg)](https://x.example/)")).toBe(
      `<p><a href="https://x.example/" rel="${REL}">badge</a></p>\n`,
    );
  });

  it("an image's alt text cannot smuggle markup", () => {
    expect(render('![<img src=x onerror=alert(1)>"](x.png)')).toBe('<p>&lt;img src=x onerror=alert(1)&gt;"</p>\n');
  });

  it("renders task-list boxes as text", () => {
    expect(render("- [ ] todo\n- [x] done")).toBe("<ul>\n<li>[ ] todo</li>\n<li>[x] done</li>\n</ul>\n");
  });

  it("unwraps protocol-relative links (they would leave the site while looking relative)", () => {
    expect(render("[x](//evil.example/path)")).toBe("<p>x</p>\n");
  });

  it("backslash tricks do not produce a protocol-relative link", () => {
    for (const md of ["[x](/\\evil.example)", "[x](\\\\evil.example)", "[x](\\/evil.example)"]) {
      const html = render(md);
      for (const a of anchors(html)) expect(a.href).not.toMatch(/^[\\/]{2}/);
    }
  });
});

describe("renderCommentMarkdown: links", () => {
  it('gives every link exactly rel="ugc nofollow noopener" and no target', () => {
    const html = render(
      "[a](https://example.com/) [b](http://example.com) [c](/posts/x) [d](mailto:x@example.com) " +
        "<https://auto.example> https://bare.example/ www.example.org me@example.net",
    );
    const links = anchors(html);
    expect(links).toHaveLength(8);
    for (const a of links) {
      expect(a.rel).toBe(REL);
      expect(a).not.toHaveProperty("target");
    }
    expect(COMMENT_LINK_REL).toBe(REL);
  });

  it.each([
    [
      "[a](https://example.com/x?y=1&z=2#f)",
      `<p><a href="https://example.com/x?y=1&amp;z=2#f" rel="${REL}">a</a></p>\n`,
    ],
    ["[a](http://example.com)", `<p><a href="http://example.com" rel="${REL}">a</a></p>\n`],
    ["[write](mailto:someone@example.com)", `<p><a href="mailto:someone@example.com" rel="${REL}">write</a></p>\n`],
    ["[rel](/posts/hello#comment-3)", `<p><a href="/posts/hello#comment-3" rel="${REL}">rel</a></p>\n`],
    ["[rel](../other)", `<p><a href="../other" rel="${REL}">rel</a></p>\n`],
    ["[frag](#top)", `<p><a href="#top" rel="${REL}">frag</a></p>\n`],
    ["[q](?page=2)", `<p><a href="?page=2" rel="${REL}">q</a></p>\n`],
    ['[t](https://example.com "A title")', `<p><a href="https://example.com" title="A title" rel="${REL}">t</a></p>\n`],
    ["<https://example.com>", `<p><a href="https://example.com" rel="${REL}">https://example.com</a></p>\n`],
    [
      "see https://example.com/a?b=c&d=e now",
      `<p>see <a href="https://example.com/a?b=c&amp;d=e" rel="${REL}">https://example.com/a?b=c&amp;d=e</a> now</p>\n`,
    ],
    ["ref [x][1]\n\n[1]: https://example.com/ref", `<p>ref <a href="https://example.com/ref" rel="${REL}">x</a></p>\n`],
  ])("%j", (md, expected) => {
    expect(render(md)).toBe(expected);
  });

  it.each([
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](javas&#99;ript:alert(1))",
    "[x](javas&#x63;ript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x]( javascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](file:///etc/passwd)",
    "[x](ftp://example.com/)",
    "[x](tel:+15555550100)",
    "[x](//evil.example)",
    "[x][r]\n\n[r]: javascript:alert(1)",
  ])("unsafe link %j keeps its text but loses the link", (md) => {
    const html = render(md);
    expect(anchors(html)).toEqual([]);
    expect(html.toLowerCase()).not.toContain("href");
    expect(commentPlainText(md)).toBe("x");
  });

  it("a percent-encoded scheme is not decoded: it stays a harmless relative link", () => {
    const [a] = anchors(render("[x](java%73cript:alert(1))"));
    expect(a.href).toBe("java%73cript:alert(1)");
    expect(new URL(a.href, "https://staffroom.example/posts/p").protocol).toBe("https:");
  });

  it("drops paragraphs left empty", () => {
    expect(render("![](https://x.example/a.png) ![](https://x.example/b.png)\n\ntext")).toBe("<p>text</p>\n");
  });

  it("a link title cannot inject attributes", () => {
    const html = render('[x](https://example.com "t\\" onmouseover=\\"alert(1)")');
    const [a] = anchors(html);
    expect(Object.keys(a).sort()).toEqual(["href", "rel", "title"]);
    expect(a.title).toBe('t" onmouseover="alert(1)');
    expect(html).toContain('title="t&quot; onmouseover=&quot;alert(1)"');
  });

  it("a link URL cannot inject attributes", () => {
    const html = render('[x](https://example.com/"onmouseover="alert(1))');
    for (const a of anchors(html)) expect(Object.keys(a).sort()).toEqual(["href", "rel"]);
  });
});

describe("renderCommentMarkdown: raw HTML never survives as markup", () => {
  it.each([
    ["<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"],
    ["hi <script>alert(1)</script> there", "<p>hi &lt;script&gt;alert(1)&lt;/script&gt; there</p>\n"],
    ["<img src=x onerror=alert(1)>", "<p>&lt;img src=x onerror=alert(1)&gt;</p>\n"],
    ["an <img src=x onerror=alert(1)> inline", "<p>an &lt;img src=x onerror=alert(1)&gt; inline</p>\n"],
    ['<a href="javascript:alert(1)">x</a>', '<p>&lt;a href="javascript:alert(1)"&gt;x&lt;/a&gt;</p>\n'],
    [
      '<iframe src="https://evil.example"></iframe>',
      '<p>&lt;iframe src="https://evil.example"&gt;&lt;/iframe&gt;</p>\n',
    ],
    ["<style>body{display:none}</style>", "<p>&lt;style&gt;body{display:none}&lt;/style&gt;</p>\n"],
    ["<svg onload=alert(1)>", "<p>&lt;svg onload=alert(1)&gt;</p>\n"],
    ["<svg><script>alert(1)</script></svg>", "<p>&lt;svg&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;/svg&gt;</p>\n"],
    ["<details open ontoggle=alert(1)>", "<p>&lt;details open ontoggle=alert(1)&gt;</p>\n"],
    ["<!-- hidden -->", "<p>&lt;!-- hidden --&gt;</p>\n"],
    ['<p style="color:red">x</p>', '<p>&lt;p style="color:red"&gt;x&lt;/p&gt;</p>\n'],
    [
      '<a href="https://x.example" target="_blank" rel="opener">x</a>',
      '<p>&lt;a href="https://x.example" target="_blank" rel="opener"&gt;x&lt;/a&gt;</p>\n',
    ],
    ["&lt;script&gt;", "<p>&lt;script&gt;</p>\n"],
  ])("%j is shown as text", (md, expected) => {
    expect(render(md)).toBe(expected);
  });

  it("an HTML-looking tag inside a link text is text", () => {
    expect(render("[<b>x</b>](https://example.com)")).toBe(
      `<p><a href="https://example.com" rel="${REL}">&lt;b&gt;x&lt;/b&gt;</a></p>\n`,
    );
  });

  it("markup inside code stays escaped", () => {
    expect(render("`<script>`\n\n```html\n<script>alert(1)</script>\n```")).toBe(
      "<p><code>&lt;script&gt;</code></p>\n" +
        '<pre><code class="language-html">&lt;script&gt;alert(1)&lt;/script&gt;\n</code></pre>\n',
    );
  });
});

// Fragments that exercise the dangerous paths when mixed with random text.
const FRAGMENTS = [
  "<script>",
  "</script>",
  "<img src=x onerror=alert(1)>",
  '<a href="javascript:alert(1)">',
  "</a>",
  "[x](",
  ")",
  "](",
  "[",
  "]",
  "(",
  "javascript:",
  "JaVaScRiPt:",
  "javas&#99;ript:",
  "&#106;",
  "data:",
  "vbscript:",
  "//evil.example",
  "/\\evil.example",
  "\\\\",
  "<iframe>",
  "<style>",
  "<svg onload=alert(1)>",
  "<details open ontoggle=alert(1)>",
  '"',
  "'",
  " onmouseover=alert(1) ",
  "<",
  ">",
  "&",
  "&amp;",
  "&lt;",
  "`",
  "```",
  "```js\n",
  "\n",
  "\n\n",
  "    ",
  "\t",
  "*",
  "**",
  "_",
  "~~",
  "#",
  "> ",
  "- ",
  "1. ",
  "| a | b |\n|---|---|\n",
  "<https://example.com>",
  "https://example.com/a?b=c&d=e",
  "www.example.com",
  "me@example.com",
  "mailto:",
  "![alt](",
  "[ref]: ",
  "\u0000",
  "\u2028",
  "\uD83D\uDE00",
  "\uD800",
];

const markdownish = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: "binary", maxLength: 200 }),
  fc
    .array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 8 })), { maxLength: 40 })
    .map((parts) => parts.join("")),
);

describe("renderCommentMarkdown / commentPlainText: any input", () => {
  it("never throws and always produces allow-listed, safe markup", () => {
    fc.assert(
      fc.property(markdownish, (md) => {
        const html = renderCommentMarkdown(md);
        assertSafe(html);
        for (const a of anchors(html)) expect(hrefIsSafe(a.href)).toBe(true);
        const text = commentPlainText(md, 50);
        expect(typeof text).toBe("string");
        expect(Array.from(text).length).toBeLessThanOrEqual(50);
      }),
      { numRuns: 1500 },
    );
  });

  it("does not throw on non-string input reaching it at runtime", () => {
    expect(renderCommentMarkdown(undefined as unknown as string)).toBe("");
    expect(renderCommentMarkdown(null as unknown as string)).toBe("");
    expect(renderCommentMarkdown(42 as unknown as string)).toBe("<p>42</p>\n");
    expect(commentPlainText(undefined as unknown as string)).toBe("");
  });

  it("copes with a long, deeply nested input", () => {
    const md = "> ".repeat(500) + "deep\n\n" + "- ".repeat(200) + "x\n\n" + "[".repeat(2000) + "*".repeat(2000);
    const html = renderCommentMarkdown(md);
    assertSafe(html);
  });
});

describe("commentPlainText", () => {
  it("returns the text content with whitespace collapsed", () => {
    expect(
      commentPlainText(
        "# Title\n\nSome **bold** and [a link](https://example.com).\n\n- one\n- two\n\n> quoted\n\n```\ncode  block\n```",
      ),
    ).toBe("Title Some bold and a link. one two quoted code block");
  });

  it("separates blocks, table cells and hard breaks with a space", () => {
    expect(commentPlainText("para one\n\npara two")).toBe("para one para two");
    expect(commentPlainText("a  \nb")).toBe("a b");
    expect(commentPlainText("a\\\nb")).toBe("a b");
    expect(commentPlainText("| h1 | h2 |\n|---|---|\n| c1 | c2 |")).toBe("h1 h2 c1 c2");
    expect(commentPlainText("a\n\n***\n\nb")).toBe("a b");
  });

  it("returns text, not HTML: characters are not escaped", () => {
    expect(commentPlainText("AT&T says 1 < 2 & \"quotes\" 'ok'")).toBe("AT&T says 1 < 2 & \"quotes\" 'ok'");
    expect(commentPlainText("&amp; &lt;b&gt;")).toBe("& <b>");
    expect(commentPlainText("<script>alert(1)</script>")).toBe("<script>alert(1)</script>");
  });

  it("uses image alt text and link text, not URLs", () => {
    expect(commentPlainText("![a cat](https://x/cat.png) [home](https://example.com)")).toBe("a cat home");
    expect(commentPlainText("[x](javascript:alert(1))")).toBe("x");
  });

  it("returns the text unchanged when it fits", () => {
    expect(commentPlainText("short text", 10)).toBe("short text");
    expect(commentPlainText("short text", 100)).toBe("short text");
  });

  it("truncates at a word boundary with an ellipsis, within maxChars", () => {
    expect(commentPlainText("The quick brown fox jumps over the lazy dog", 20)).toBe("The quick brown fox…");
    expect(commentPlainText("The quick brown fox jumps over the lazy dog", 18)).toBe("The quick brown…");
    expect(commentPlainText("Supercalifragilisticexpialidocious", 10)).toBe("Supercali…");
    for (let n = 1; n <= 45; n++) {
      const out = commentPlainText("The quick brown fox jumps over the lazy dog", n);
      expect(Array.from(out).length).toBeLessThanOrEqual(n);
    }
  });

  it("never splits a surrogate pair", () => {
    const out = commentPlainText("😀😀😀😀😀😀", 4);
    expect(out).toBe("😀😀😀…");
    expect(out).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it("handles degenerate limits", () => {
    expect(commentPlainText("hello world", 1)).toBe("…");
    expect(commentPlainText("hello world", 0)).toBe("");
    expect(commentPlainText("hello world", -5)).toBe("");
    expect(commentPlainText("hello world", Number.NaN)).toBe("");
    expect(commentPlainText("hello world", 7.9)).toBe("hello…");
    expect(commentPlainText("", 10)).toBe("");
  });
});
