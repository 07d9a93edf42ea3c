/**
 * An imported post body (Blogger or WordPress HTML) → the Markdoc the
 * Keystatic editor stores and round-trips (keystatic.config.ts `body`):
 * Markdown, `{% table %}` for tables, `{% creditedImage … /%}` for images
 * with a caption (app/posts/content-components.ts). Pure: a string in, a
 * string and notes out.
 */
import type TurndownService from "turndown";
import { parseCreditText } from "./credits";
import { importTurndown, newlinesToParagraphs, sanitizeImportedHtml } from "./imported-html";

/** A converted body and what the conversion could not carry over as Markdown. */
export interface ConvertedBody {
  /** Markdoc source, ending in one newline ("" for an empty body). */
  markdown: string;
  /** One line per thing kept as a fenced HTML note or removed by the sanitizer, for the import report. */
  notes: string[];
}

export interface HtmlToMarkdownOptions {
  /**
   * The HTML is WordPress `post_content`, which keeps paragraphs as blank
   * lines and line breaks as newlines (WordPress adds `<p>`/`<br />` only when
   * it shows the post): turn them into paragraphs and breaks first.
   */
  newlineParagraphs?: boolean;
  /** Each link's address passed through this first (links between imported posts, app/import/links.ts). */
  href?: (href: string) => string;
}

/** WordPress's `[caption]` shortcode around an image, as a `<figure>` the converter reads. */
function captionShortcodes(html: string): string {
  return html.replace(
    /\[caption\b[^\]]*\]\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*<\/a>)?)\s*([\s\S]*?)\[\/caption\]/gi,
    "<figure>$1<figcaption>$2</figcaption></figure>",
  );
}

/** A Markdoc attribute value: a double-quoted string with `\` and `"` escaped, on one line. */
function attributeValue(value: string): string {
  return `"${value.replace(/\s+/g, " ").trim().replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/**
 * A fenced code block whose fence is longer than any backtick run inside; a
 * fence holding `{%` is marked `process=false`, since Markdoc reads tags even
 * inside fences.
 */
function fence(code: string, language: string): string {
  const longestRun = Math.max(2, ...Array.from(code.matchAll(/`+/g), (m) => m[0].length));
  const ticks = "`".repeat(longestRun + 1);
  const info = [language, code.includes("{%") ? "{% process=false %}" : ""].filter(Boolean).join(" ");
  const body = code.endsWith("\n") ? code : `${code}\n`;
  return `\n\n${ticks}${info}\n${body}${ticks}\n\n`;
}

const VIDEO_PAGES: [RegExp, (id: string) => string][] = [
  [
    /^https?:\/\/(?:www\.)?youtube(?:-nocookie)?\.com\/(?:embed|v)\/([\w-]{6,})/i,
    (id) => `https://www.youtube.com/watch?v=${id}`,
  ],
  [/^https?:\/\/player\.vimeo\.com\/video\/(\d+)/i, (id) => `https://vimeo.com/${id}`],
];

/** The watch page of a YouTube or Vimeo player URL, or null. */
export function videoPageUrl(src: string): string | null {
  for (const [pattern, page] of VIDEO_PAGES) {
    const match = pattern.exec(src.trim());
    if (match) return page(match[1]);
  }
  return null;
}

function languageOf(element: Element): string {
  for (const candidate of [element.querySelector("code"), element]) {
    const match = /(?:^|\s)(?:language|lang)-([\w-]+)/.exec(candidate?.getAttribute("class") ?? "");
    if (match) return match[1];
  }
  return "";
}

function creditedImage(img: Element, caption: string): string {
  const credit = parseCreditText(caption);
  const attributes: [string, string][] = [
    ["src", img.getAttribute("src") ?? ""],
    ["alt", img.getAttribute("alt") ?? ""],
    ["caption", credit ? credit.rest : caption],
  ];
  if (credit) {
    attributes.push(["creator", credit.credit.creator], ["sourceName", credit.credit.sourceName]);
    if (credit.credit.sourceUrl) attributes.push(["sourceUrl", credit.credit.sourceUrl]);
    if (credit.credit.licenseUrl) attributes.push(["licenseUrl", credit.credit.licenseUrl]);
  }
  const list = attributes.map(([name, value]) => `${name}=${attributeValue(value)}`).join(" ");
  return `\n\n{% creditedImage ${list} /%}\n\n`;
}

const textOf = (node: Element | null) => (node?.textContent ?? "").replace(/\s+/g, " ").trim();

function rowsOf(table: Element): Element[] {
  return Array.from(table.querySelectorAll("tr")).filter((row) => row.closest("table") === table);
}

function cellsOf(row: Element): Element[] {
  return Array.from(row.children).filter((cell) => cell.nodeName === "TD" || cell.nodeName === "TH");
}

/** Blogger's captioned image: a table of class tr-caption-container, one image cell and one caption cell. */
function bloggerCaption(table: Element): { img: Element; caption: string } | null {
  const rows = rowsOf(table);
  if (!(table.getAttribute("class") ?? "").includes("tr-caption-container") && rows.length !== 2) return null;
  const cells = rows.flatMap(cellsOf);
  if (cells.length !== 2) return null;
  const img = cells[0].querySelector("img");
  if (!img || textOf(cells[0]) !== "" || cells[1].querySelector("img")) return null;
  return { img, caption: textOf(cells[1]) };
}

/** The HTML of a Markdoc list item's content: continuation lines indented under the marker. */
function listItem(markdown: string): string {
  const lines = markdown.trim().split("\n");
  return `- ${lines.map((line, i) => (i === 0 || line === "" ? line : `  ${line}`)).join("\n")}`;
}

/**
 * An image's alt text as Markdoc keeps it: taken as written between the
 * brackets (no escapes read, no tags), so it is written unescaped, on one
 * line, with brackets softened to parentheses only when unbalanced ones would
 * end it early.
 */
function imageAlt(alt: string): string {
  const text = alt.replace(/\s+/g, " ").trim();
  let depth = 0;
  for (const char of text) {
    if (char === "[") depth++;
    else if (char === "]" && --depth < 0) break;
  }
  return depth === 0 ? text : text.replace(/\[/g, "(").replace(/\]/g, ")");
}

function addBodyRules(service: TurndownService, notes: string[]): void {
  const note = (element: Element, why: string) => {
    notes.push(why);
    return fence(element.outerHTML, "html");
  };

  service.addRule("heading", {
    filter: ["h1", "h2", "h3", "h4", "h5", "h6"],
    // The post's title is its page's only h1: body headings start at h2.
    replacement: (content, node) => {
      const level = Math.max(2, Number(node.nodeName.charAt(1)));
      return content.trim() ? `\n\n${"#".repeat(level)} ${content.trim()}\n\n` : "";
    },
  });

  service.addRule("image", {
    filter: "img",
    replacement: (_content, node) => {
      const img = node as Element;
      const src = (img.getAttribute("src") ?? "").replace(
        /[\s<>()]/g,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`,
      );
      const alt = imageAlt(img.getAttribute("alt") ?? "");
      const title = (img.getAttribute("title") ?? "").replace(/\s+/g, " ").trim();
      return src ? `![${alt}](${src}${title ? ` "${title.replace(/"/g, '\\"')}"` : ""})` : "";
    },
  });

  service.addRule("codeBlock", {
    filter: "pre",
    replacement: (_content, node) => fence((node as Element).textContent ?? "", languageOf(node as Element)),
  });

  service.addRule("figure", {
    filter: (node) => node.nodeName === "FIGURE" && node.querySelector("img") !== null,
    replacement: (content, node) => {
      const figure = node as Element;
      const images = figure.querySelectorAll("img");
      if (images.length !== 1) return content;
      // Staffroom's own figures (its WXR export) end the credit with a "Reuse this image" link: not part of it.
      const caption = textOf(figure.querySelector("figcaption")).replace(/\s*·\s*Reuse this image$/, "");
      return creditedImage(images[0], caption);
    },
  });

  service.addRule("embed", {
    filter: ["iframe", "embed"],
    replacement: (_content, node) => {
      const src = (node as Element).getAttribute("src") ?? "";
      const page = videoPageUrl(src);
      if (page) return `\n\n[${page}](${page})\n\n`;
      return note(node as Element, `kept an embedded frame from ${src} as an HTML note`);
    },
  });

  service.addRule("table", {
    filter: "table",
    replacement: (_content, node) => {
      const table = node as Element;
      const captioned = bloggerCaption(table);
      if (captioned) return creditedImage(captioned.img, captioned.caption);
      const rows = rowsOf(table);
      const cells = rows.flatMap(cellsOf);
      const irregular =
        cells.some(
          (cell) => Number(cell.getAttribute("colspan") ?? 1) > 1 || Number(cell.getAttribute("rowspan") ?? 1) > 1,
        ) ||
        Array.from(table.querySelectorAll("table")).some((inner) => inner !== table) ||
        new Set(rows.map((row) => cellsOf(row).length)).size > 1;
      if (rows.length === 0 || irregular) {
        return note(table, "kept a table with merged cells, uneven rows or a nested table as an HTML note");
      }
      const header = cellsOf(rows[0]).every((cell) => cell.nodeName === "TH");
      const lines = ["{% table %}"];
      rows.forEach((row, i) => {
        if (i > 0 || !header) lines.push("---");
        for (const cell of cellsOf(row)) lines.push(listItem(service.turndown(cell.innerHTML) || " "));
      });
      lines.push("{% /table %}");
      return `\n\n${lines.join("\n")}\n\n`;
    },
  });
}

/**
 * Converts an imported post body to Markdoc: sanitized first (see
 * sanitizeImportedHtml), then Turndown with rules for headings (h1 → `##`),
 * code blocks (`<pre><code class="language-x">` → a fence with info `x`),
 * captioned images (`<figure>`/`<figcaption>`, WordPress `[caption]`,
 * Blogger's tr-caption-container table → `{% creditedImage %}`, its credit
 * read from the caption), tables (→ `{% table %}`, header row first when it
 * is all `<th>`), YouTube/Vimeo frames (→ a line linking the video's page)
 * and Blogger's `<br />` runs and `<div>` paragraphs. What cannot be
 * converted (a table with merged cells, another site's frame) is kept as a
 * fenced `html` note of its sanitized HTML and reported in `notes`. `{%` in
 * text is escaped (`\{%`) so the body parses. Never throws.
 */
export function htmlToMarkdown(html: string, options: HtmlToMarkdownOptions = {}): ConvertedBody {
  let source = captionShortcodes(html);
  if (options.newlineParagraphs) source = newlinesToParagraphs(source);
  const sanitized = sanitizeImportedHtml(source, { href: options.href });
  const notes = [...sanitized.notes];
  const service = importTurndown();
  const escapeMarkdown = service.escape.bind(service);
  service.escape = (text: string) => escapeMarkdown(text).replace(/\{%/g, "\\{%");
  addBodyRules(service, notes);
  const markdown = service.turndown(sanitized.html).trim();
  return { markdown: markdown ? `${markdown}\n` : "", notes };
}
