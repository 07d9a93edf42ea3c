/**
 * An imported comment's HTML (Blogger and WXR comments, Disqus `message`) →
 * the comment Markdown Staffroom stores and app/comments/markdown.server.ts
 * renders with marked. Pure.
 */
import { importTurndown, newlinesToParagraphs, sanitizeImportedHtml } from "./imported-html";
import { videoPageUrl } from "./html-to-markdown";

export interface CommentTextOptions {
  /** The HTML is WXR `comment_content`, which keeps paragraphs as blank lines and breaks as newlines. */
  newlineParagraphs?: boolean;
  /** Each link's address passed through this first (links to imported posts, app/import/links.ts). */
  href?: (href: string) => string;
}

/**
 * Converts a comment's HTML to comment Markdown: sanitized with the comment
 * allow-list first, then Turndown. The words are kept exactly (Markdown
 * characters in them escaped, so `*` stays a star), links kept as links,
 * one `<br>` a hard break (backslash-newline), a run of them or a `<div>`/`<p>`
 * a new paragraph. Comments have no images or headings (the renderer shows
 * neither): an image becomes its alt text, a heading a bold line, a video
 * frame a link to the video. Returns "" for an empty comment; never throws.
 */
export function commentHtmlToMarkdown(html: string, options: CommentTextOptions = {}): string {
  const source = options.newlineParagraphs ? newlinesToParagraphs(html) : html;
  const { html: clean } = sanitizeImportedHtml(source, { href: options.href });
  const service = importTurndown();
  service.addRule("imageAsText", {
    filter: "img",
    replacement: (_content, node) => service.escape((node as Element).getAttribute("alt") ?? ""),
  });
  service.addRule("headingAsBold", {
    filter: ["h1", "h2", "h3", "h4", "h5", "h6"],
    replacement: (content) => (content.trim() ? `\n\n**${content.trim()}**\n\n` : ""),
  });
  service.addRule("embedAsLink", {
    filter: ["iframe", "embed"],
    replacement: (_content, node) => {
      const src = (node as Element).getAttribute("src") ?? "";
      const page = videoPageUrl(src) ?? (/^https?:\/\//i.test(src) ? src : null);
      return page ? `\n\n[${page}](${page})\n\n` : "";
    },
  });
  // A link whose text is its own address is what the renderer makes of a bare
  // URL (GFM autolink): written back as the bare URL, so a Staffroom comment
  // exported and imported again keeps its text exactly.
  service.addRule("bareUrl", {
    filter: (node) => {
      const href = node.nodeName === "A" ? node.getAttribute("href") : null;
      return !!href && /^https?:\/\/\S+$/i.test(href) && node.textContent === href;
    },
    replacement: (_content, node) => (node as Element).getAttribute("href") ?? "",
  });
  return service.turndown(clean).trim();
}
