import type { Node } from "@markdoc/markdoc";

/**
 * A post body as plain text, for site search and its excerpts: the words a
 * reader sees, without Markdown or Markdoc syntax. Paragraphs, headings, list
 * items, table cells and code blocks each end with a line break; inline code
 * keeps its text; a Markdoc tag contributes its children and its `caption`
 * (e.g. `creditedImage`), not its other attributes.
 *
 * Pure: walks a Markdoc AST (as Keystatic's reader gives it, `entry.body()`).
 */

// Markdoc's inline node types: they join without a break.
const INLINE = new Set(["inline", "text", "code", "em", "strong", "s", "link", "image", "softbreak", "hardbreak"]);

export function markdocPlainText(root: Node): string {
  const parts: string[] = [];
  const visit = (node: Node) => {
    const attributes = node.attributes ?? {};
    switch (node.type) {
      case "text":
      case "code":
        if (typeof attributes.content === "string") parts.push(attributes.content);
        return;
      case "fence":
        if (typeof attributes.content === "string") parts.push(attributes.content.trimEnd(), "\n");
        return;
      case "softbreak":
        parts.push(" ");
        return;
      case "hardbreak":
        parts.push("\n");
        return;
      case "comment":
      case "error":
        return;
    }
    if (node.type === "tag" && typeof attributes.caption === "string" && attributes.caption.trim()) {
      parts.push(attributes.caption, "\n");
    }
    for (const child of node.children) visit(child);
    if (!INLINE.has(node.type) && parts.length > 0 && parts[parts.length - 1] !== "\n") parts.push("\n");
  };
  visit(root);
  return parts
    .join("")
    .replace(/[ \t]*\n\s*/g, "\n")
    .trim();
}
