/**
 * Comment Markdown → safe HTML.
 *
 * Comment bodies are Markdown written by strangers. docs/architecture.md §6: "Sanitize on
 * output with an allow-list; links from users get rel="ugc nofollow
 * noopener"; only http(s), mailto and relative URLs survive".
 *
 * Pipeline: marked (GFM, `breaks: false`, a private instance with a few
 * renderer overrides) → sanitize-html with a short allow-list. marked does
 * not sanitize anything by itself; the sanitizer is the security boundary,
 * and the renderer overrides only make the result nicer (raw HTML shown as
 * text instead of silently vanishing, no document-outline headings, no
 * remote images).
 */
import escapeHtml from "escape-html";
import { Marked, type Tokens } from "marked";
import sanitizeHtml from "sanitize-html";
import { isNestingWithinBounds } from "./markdown-nesting";

/** The only `rel` value a comment link can have; set by us, never by users. */
export const COMMENT_LINK_REL = "ugc nofollow noopener";

const marked = new Marked({
  gfm: true,
  breaks: false,
  async: false,
  renderer: {
    // Raw HTML (block or inline) is shown as literal text, not interpreted.
    // A block of HTML becomes its own paragraph.
    html({ text, block }: Tokens.HTML | Tokens.Tag): string {
      if (!block) return escapeHtml(text);
      const trimmed = text.trim();
      return trimmed === "" ? "" : `<p>${escapeHtml(trimmed)}</p>\n`;
    },
    // Headings of any level become a bold paragraph: a comment lives inside
    // an article and must not add entries to the page's heading outline
    // (screen-reader heading navigation, the table of contents).
    heading({ tokens }: Tokens.Heading): string {
      return `<p><strong>${this.parser.parseInline(tokens)}</strong></p>\n`;
    },
    // No images from strangers (tracking pixels, shock images, layout
    // breakage): an image is replaced by its alt text, as plain text.
    image({ text, tokens }: Tokens.Image): string {
      const alt = tokens ? this.parser.parseInline(tokens, this.parser.textRenderer) : text;
      return escapeHtml(alt);
    },
    // GFM task-list boxes would be <input> elements; keep them as text.
    checkbox({ checked }: Tokens.Checkbox): string {
      return checked ? "[x] " : "[ ] ";
    },
  },
});

const CODE_LANGUAGE_CLASS = /^language-[\w-]+$/;

export const SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
  ],
  allowedAttributes: {
    a: ["href", "title", "rel"],
    code: ["class"],
    ol: ["start"],
    th: [{ name: "align", multiple: false, values: ["left", "center", "right"] }],
    td: [{ name: "align", multiple: false, values: ["left", "center", "right"] }],
  },
  allowedClasses: { code: [CODE_LANGUAGE_CLASS] },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesByTag: {},
  allowedSchemesAppliedToAttributes: ["href"],
  // `//host/path` (and `/\host`, `\\host`) would leave the site while looking
  // relative; users can write the scheme if they mean an external link.
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  // Content of these is dropped entirely, not kept as text.
  nonTextTags: [
    "script",
    "style",
    "textarea",
    "option",
    "noscript",
    "iframe",
    "template",
    "xmp",
    "noembed",
    "noframes",
  ],
  transformTags: {
    a: (tagName, attribs) => {
      const { href, title } = attribs;
      const out: sanitizeHtml.Attributes = {};
      if (href !== undefined) out.href = href;
      if (title !== undefined && title !== "") out.title = title;
      out.rel = COMMENT_LINK_REL;
      return { tagName, attribs: out };
    },
    ol: (tagName, attribs) => {
      const out: sanitizeHtml.Attributes = {};
      if (attribs.start !== undefined && /^\d{1,9}$/.test(attribs.start)) out.start = attribs.start;
      return { tagName, attribs: out };
    },
  },
  // A link whose href was removed (unsafe scheme) is unwrapped: its text stays.
  exclusiveFilter: (frame) => (frame.tag === "a" && !frame.attribs.href ? "excludeTag" : false),
};

const EMPTY_PARAGRAPH = /<p>\s*<\/p>\n?/g;

function markdownToHtml(markdown: string): string {
  return marked.parse(markdown, { async: false });
}

function toText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === null || value === undefined) return "";
  try {
    return String(value);
  } catch {
    return "";
  }
}

/**
 * Renders a comment body (untrusted Markdown, GFM) to safe HTML.
 *
 * The result is safe to use with `dangerouslySetInnerHTML` (docs/architecture.md §6:
 * sanitized on output with an allow-list):
 * - tags: p, br, hr, strong, em, del, code, pre, blockquote, ul, ol, li, a,
 *   table, thead, tbody, tr, th, td; nothing else (no images, no headings,
 *   no raw HTML — raw HTML in the Markdown is rendered as visible text);
 * - attributes: `a[href|title|rel]`, `code[class=language-*]`, `ol[start]`,
 *   `th|td[align=left|center|right]`; no `style`, no event handlers;
 * - URLs: only `http:`, `https:`, `mailto:` and relative URLs survive
 *   (protocol-relative `//host` does not); a link with any other URL loses
 *   its `<a>` and keeps its text;
 * - every link gets exactly `rel="ugc nofollow noopener"` and no `target`.
 *
 * Headings (`#` … `######`) render as `<p><strong>…</strong></p>`; images
 * (`![alt](src)`) render as their alt text; task-list boxes as `[x] ` / `[ ] `.
 *
 * Never throws: should marked fail on some input, or the text nest quotes
 * or lists deeper than `MAX_MARKDOWN_NESTING` (markdown-nesting.ts; marked
 * is then not run at all), the text is escaped and returned as a single
 * paragraph.
 *
 * @param markdown The comment body as submitted.
 * @returns HTML, e.g. `"<p><strong>hi</strong></p>\n"`; `""` for empty input.
 */
export function renderCommentMarkdown(markdown: string): string {
  const source = toText(markdown);
  let html: string;
  try {
    // Never parsed when nested too deeply for marked's recursion: shown as the text it is.
    if (!isNestingWithinBounds(source)) throw new RangeError("nested too deeply");
    html = markdownToHtml(source);
  } catch {
    html = source.trim() === "" ? "" : `<p>${escapeHtml(source)}</p>`;
  }
  try {
    // Paragraphs left empty (e.g. by an image without alt text) are dropped.
    return sanitizeHtml(html, SANITIZE_OPTIONS).replace(EMPTY_PARAGRAPH, "");
  } catch {
    return source.trim() === "" ? "" : `<p>${escapeHtml(source)}</p>`;
  }
}

/** Closing tags / void elements after which text from two blocks must not run together. */
const BLOCK_BOUNDARY = /<(?:br|hr)\b[^>]*>|<\/(?:p|li|blockquote|pre|tr|th|td|table|ul|ol)>/gi;

function decodeSanitizedText(text: string): string {
  // sanitize-html re-escapes text with exactly these entities.
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

/**
 * Plain-text content of a comment body, for excerpts ("in reply to"
 * previews, feeds, notification e-mails).
 *
 * The Markdown is rendered the same way as {@link renderCommentMarkdown},
 * then all markup is dropped: link text stays (not the URL), images become
 * their alt text, raw HTML stays as the literal text the reader sees. Runs of
 * whitespace (including line and block breaks) collapse to one space and the
 * result is trimmed.
 *
 * The result is TEXT, not HTML (`&`, `<` are literal characters): escape it
 * when writing it into markup (React does that for you).
 *
 * @param markdown The comment body.
 * @param maxChars If given, the result is at most this many characters
 *   (Unicode code points), ending in "…" when cut; the cut is made at a word
 *   boundary when one is reasonably close. Values below 1 give `""`.
 */
export function commentPlainText(markdown: string, maxChars?: number): string {
  const html = renderCommentMarkdown(markdown).replace(BLOCK_BOUNDARY, "$& ");
  let text: string;
  try {
    text = decodeSanitizedText(sanitizeHtml(html, { allowedTags: [], allowedAttributes: {} }));
  } catch {
    text = "";
  }
  text = text.replace(/\s+/g, " ").trim();
  if (maxChars === undefined || maxChars === null) return text;
  return truncate(text, maxChars);
}

function truncate(text: string, maxChars: number): string {
  const limit = Math.floor(Number(maxChars));
  if (!(limit >= 1)) return "";
  const chars = Array.from(text);
  if (chars.length <= limit) return text;
  if (limit === 1) return "…";
  let cut = chars.slice(0, limit - 1).join("");
  // Prefer ending on a word boundary if that keeps at least 2/3 of the budget.
  const nextIsSpace = /\s/.test(chars[limit - 1]);
  if (!nextIsSpace) {
    const lastSpace = cut.lastIndexOf(" ");
    if (lastSpace > 0 && Array.from(cut.slice(0, lastSpace)).length >= ((limit - 1) * 2) / 3) {
      cut = cut.slice(0, lastSpace);
    }
  }
  return `${cut.trimEnd()}…`;
}
