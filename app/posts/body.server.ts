import Markdoc, { type Node } from "@markdoc/markdoc";
import { fields } from "@keystatic/core";
import sanitizeHtml from "sanitize-html";

const markdocConfig = fields.markdoc.createMarkdocConfig({});

/**
 * Renders a post body (a Markdoc node from the Keystatic reader) to HTML and
 * sanitizes it: coaches are trusted to publish, not to run script, so the
 * same rule as comments applies (DESIGN §6) with a wider allow-list (images,
 * headings, tables). Only http(s), mailto and relative URLs survive.
 */
export function renderPostBody(node: Node): string {
  const tree = Markdoc.transform(node, markdocConfig);
  const html = Markdoc.renderers.html(tree);
  return sanitizeHtml(html, {
    allowedTags: [
      "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "strong", "em", "s", "del", "code", "pre",
      "blockquote", "ul", "ol", "li", "a", "img", "figure", "figcaption",
      "table", "thead", "tbody", "tr", "th", "td",
    ],
    allowedAttributes: {
      a: ["href", "title"],
      img: ["src", "alt", "title", "width", "height"],
      code: ["class"],
      ol: ["start"],
      th: ["align"],
      td: ["align"],
    },
    allowedSchemes: ["http", "https", "mailto"],
    allowProtocolRelative: false,
    transformTags: { h1: "h2" },
  });
}
