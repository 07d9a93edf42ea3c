/**
 * The first step for every piece of HTML an import brings in (post bodies and
 * comments): sanitize it with the comment allow-list (the security boundary,
 * docs/architecture.md §6), widened only by the structural tags a converter
 * needs to read (headings, images, figures, `div` paragraphs, `b`/`i`, embeds),
 * and the Turndown rules post bodies and comments share (Blogger's `<br />`
 * runs). Scripts, styles, event handlers and `javascript:` URLs never survive.
 */
import sanitizeHtml from "sanitize-html";
import TurndownService from "turndown";
import { SANITIZE_OPTIONS } from "../../comments/markdown.server";

/** Tags read by the converters on top of the comment allow-list; anything else is unwrapped (its text kept). */
const STRUCTURAL_TAGS = [
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "img",
  "figure",
  "figcaption",
  "caption",
  "tfoot",
  "div",
  "span",
  "b",
  "i",
  "u",
  "s",
  "strike",
  "sub",
  "sup",
  "iframe",
  "embed",
];

/** Tags whose removal is worth telling the user about (they held content, not just formatting). */
const REPORTED_TAGS = new Set([
  "script",
  "style",
  "object",
  "form",
  "input",
  "textarea",
  "select",
  "video",
  "audio",
  "svg",
  "math",
  "canvas",
]);

const BASE_ATTRIBUTES = SANITIZE_OPTIONS.allowedAttributes as Record<string, sanitizeHtml.AllowedAttribute[]>;

const IMPORT_OPTIONS: sanitizeHtml.IOptions = {
  ...SANITIZE_OPTIONS,
  allowedTags: [...(SANITIZE_OPTIONS.allowedTags as string[]), ...STRUCTURAL_TAGS],
  allowedAttributes: {
    ...BASE_ATTRIBUTES,
    a: ["href", "title"],
    img: ["src", "alt", "title"],
    iframe: ["src"],
    embed: ["src"],
    pre: ["class"],
    table: ["class"],
    td: [...(BASE_ATTRIBUTES.td ?? []), "class", "colspan", "rowspan"],
    th: [...(BASE_ATTRIBUTES.th ?? []), "colspan", "rowspan"],
  },
  allowedClasses: {
    code: [/^language-[\w-]+$/, /^lang-[\w-]+$/],
    pre: [/^language-[\w-]+$/, /^lang-[\w-]+$/],
    // Blogger draws a captioned image as a two-row table of these classes.
    table: ["tr-caption-container"],
    td: ["tr-caption"],
  },
  allowedSchemesAppliedToAttributes: ["href", "src"],
  // The comment rule sets rel="ugc …" on links; the converters drop rel anyway.
  transformTags: { ol: (SANITIZE_OPTIONS.transformTags as Record<string, sanitizeHtml.Transformer>).ol },
  exclusiveFilter: (frame) => {
    // A link whose URL was unsafe keeps its text; an image or frame without a safe source goes.
    if (frame.tag === "a" && !frame.attribs.href) return "excludeTag";
    return (frame.tag === "img" || frame.tag === "iframe" || frame.tag === "embed") && !frame.attribs.src;
  },
};

/**
 * Sanitizes imported HTML with the import allow-list (the comment allow-list
 * plus structural tags) and says what it removed that held content: one note
 * per kind of removed element (`<script>`, `<style>`, `<object>`, …) and one
 * for event-handler attributes. Protocol-relative sources and links
 * (`//host/…`) are read as https. With `href`, every link's address is
 * passed through it first (an import rewrites links between its posts,
 * app/import/links.ts); the result is still checked like any address.
 * Never throws; "" for empty input.
 */
export function sanitizeImportedHtml(
  html: string,
  options: { href?: (href: string) => string } = {},
): { html: string; notes: string[] } {
  const removed = new Set<string>();
  let handlers = false;
  const allowed = new Set(IMPORT_OPTIONS.allowedTags as string[]);
  // Older Blogger posts link images protocol-relative (`//1.bp.blogspot.com/…`),
  // which the allow-list refuses: read them as https, so no image is lost.
  const absolute = html.replace(/(\s(?:src|href)\s*=\s*["']?)\/\/(?=[a-z0-9])/gi, "$1https://");
  const { href } = options;
  const clean = sanitizeHtml(absolute, {
    ...IMPORT_OPTIONS,
    transformTags: href
      ? {
          ...IMPORT_OPTIONS.transformTags,
          a: (tagName, attribs) => ({
            tagName,
            attribs: attribs.href ? { ...attribs, href: href(attribs.href) } : attribs,
          }),
        }
      : IMPORT_OPTIONS.transformTags,
    // Called for every opening tag before the allow-list is applied: only records what goes.
    onOpenTag: (name, attribs) => {
      if (!allowed.has(name) && REPORTED_TAGS.has(name)) removed.add(name);
      if (Object.keys(attribs).some((key) => /^on/i.test(key))) handlers = true;
    },
  });
  const notes = [...removed].map((name) => `removed a <${name}> element`);
  if (handlers) notes.push("removed event-handler attributes (on…)");
  return { html: clean, notes };
}

const BLOCK_START =
  /^<(?:p|div|h[1-6]|ul|ol|li|table|thead|tbody|tr|td|th|blockquote|pre|figure|hr|iframe|dl|dt|dd)\b/i;

/**
 * WordPress's wpautop in brief, for `post_content` and `comment_content`, which
 * keep paragraphs as blank lines and breaks as newlines: blank lines split
 * paragraphs, a lone newline becomes `<br />`, a chunk opening with a block
 * tag stands as it is.
 */
export function newlinesToParagraphs(html: string): string {
  return html
    .replace(/\r\n?/g, "\n")
    .split(/\n\s*\n/)
    .map((chunk) => chunk.trim())
    .filter((chunk) => chunk !== "")
    .map((chunk) => {
      if (BLOCK_START.test(chunk)) return chunk;
      return `<p>${chunk.replace(/\n/g, "<br />\n")}</p>`;
    })
    .join("\n");
}

/** Elements that start a new block in Turndown's output: a break just before one adds nothing. */
const BLOCKS = new Set(
  "ADDRESS ARTICLE ASIDE BLOCKQUOTE CENTER DD DIV DL DT FIGCAPTION FIGURE H1 H2 H3 H4 H5 H6 HR LI OL P PRE SECTION TABLE TBODY TD TFOOT TH THEAD TR UL IFRAME".split(
    " ",
  ),
);

/** Whether a node shows nothing: whitespace text, or an element without text or image. */
function blank(node: Node): boolean {
  if (node.nodeType === 3) return !(node.textContent ?? "").trim();
  if (node.nodeType !== 1) return true;
  const element = node as Element;
  return (
    element.nodeName !== "BR" &&
    element.nodeName !== "IMG" &&
    !element.querySelector("img, iframe, embed") &&
    !(element.textContent ?? "").trim()
  );
}

/** The element's next or previous sibling, skipping nodes that show nothing. */
function sibling(node: HTMLElement, direction: "next" | "previous"): Node | null {
  let current = direction === "next" ? node.nextSibling : node.previousSibling;
  while (current && blank(current)) {
    current = direction === "next" ? current.nextSibling : current.previousSibling;
  }
  return current;
}

const isBr = (node: Node | null) => node !== null && node.nodeName === "BR";

/**
 * Turndown rule for Blogger's line breaks: one `<br>` is a hard line break
 * (backslash-newline, which both Markdoc and marked read), a run of two or
 * more ends the paragraph, and a `<br>` that ends a block or comes just
 * before one adds nothing (a backslash there would show as a character).
 */
export function addLineBreakRule(service: TurndownService): void {
  service.addRule("lineBreaks", {
    filter: "br",
    replacement(_content, node) {
      const element = node as HTMLElement;
      if (isBr(sibling(element, "previous"))) return "";
      if (isBr(sibling(element, "next"))) return "\n\n";
      const next = sibling(element, "next");
      if (next === null || BLOCKS.has(next.nodeName)) return "";
      return "\\\n";
    },
  });
}

/** A Turndown instance with the settings every import conversion shares. */
export function importTurndown(): TurndownService {
  const service = new TurndownService({
    headingStyle: "atx",
    hr: "---",
    bulletListMarker: "-",
    codeBlockStyle: "fenced",
    emDelimiter: "*",
    strongDelimiter: "**",
    linkStyle: "inlined",
  });
  addLineBreakRule(service);
  // As Markdoc's formatter (the editor's serializer) writes list items: "- item", "1. item".
  service.addRule("listItem", {
    filter: "li",
    replacement(content, node) {
      const parent = node.parentNode as Element | null;
      let prefix = "- ";
      if (parent?.nodeName === "OL") {
        const start = Number(parent.getAttribute("start") ?? 1);
        prefix = `${start + Array.prototype.indexOf.call(parent.children, node)}. `;
      }
      const paragraph = /\n$/.test(content);
      const text = content.replace(/^\n+|\n+$/g, "") + (paragraph ? "\n" : "");
      const indented = text.replace(/\n/g, `\n${" ".repeat(prefix.length)}`).replace(/^ +$/gm, "");
      return prefix + indented + (node.nextSibling ? "\n" : "");
    },
  });
  service.addRule("underline", { filter: ["u"], replacement: (content) => content });
  service.addRule("strikethrough", {
    filter: (node) => ["S", "STRIKE", "DEL"].includes(node.nodeName),
    replacement: (content) => (content.trim() ? `~~${content}~~` : content),
  });
  return service;
}
