import sanitizeHtml from "sanitize-html";
import type { ImportedComment, ImportedPost } from "./model";

/**
 * The conversions an import needs from app/import/convert/ (HTML to
 * Markdown, slugs, hand-split detection), handed to `applyImport` so the
 * writer does not depend on how they are done. `plainConverters` is a
 * deliberately simple stand-in (text only, no Markdown structure) used until
 * the real converters are plugged in, and by tests of the writer.
 */
export interface ImportConverters {
  /**
   * A post body (export HTML) as the Markdoc the editor writes, and notes on
   * anything it could not convert. With `links.href`, each link's address is
   * passed through it (links between imported posts, app/import/links.ts).
   */
  postBody(html: string, links?: LinkOptions): { markdown: string; notes: string[] };
  /** A comment body (export HTML) as comment Markdown; `links` as for `postBody`. */
  commentBody(html: string, links?: LinkOptions): string;
  /**
   * The slug for a post, given a test for slugs already taken (existing
   * files and this run's posts): never a taken one.
   */
  slugFor(post: ImportedPost, taken: (slug: string) => boolean): string;
  /**
   * Runs of comments one writer cut by hand ("Part 2", "(continued)"), as
   * lists of source ids in order, from one post's comments in file order.
   */
  handSplitGroups(comments: readonly ImportedComment[]): string[][];
}

/** How a conversion treats links: `href` gives each link's new address (or the same one). */
export interface LinkOptions {
  href?: (href: string) => string;
}

/** HTML as plain text: paragraphs and line breaks kept as blank lines and newlines, every tag dropped. */
export function htmlToPlainText(html: string): string {
  const marked = html.replace(/<br\s*\/?>/gi, "\n").replace(/<\/(p|div|li|h[1-6]|blockquote)>/gi, "\n\n");
  const text = sanitizeHtml(marked, { allowedTags: [], allowedAttributes: {} })
    .replace(/&nbsp;/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
  return text
    .replace(/[ \t]+\n/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** A slug from words: lower-case ASCII letters and digits joined by hyphens ("" when none). */
export function slugOfWords(words: string): string {
  return words
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80)
    .replace(/-+$/, "");
}

/** The last path segment of a post's old permalink, without `.html` (Blogger, WordPress), or "". */
function slugOfPermalink(url: string | undefined): string {
  if (!url) return "";
  try {
    const segments = new URL(url).pathname.split("/").filter(Boolean);
    return slugOfWords((segments.at(-1) ?? "").replace(/\.html?$/i, ""));
  } catch {
    return "";
  }
}

/** The stand-in converters: plain text bodies, slugs from the old permalink or title, no hand-split joins. */
export const plainConverters: ImportConverters = {
  postBody: (html) => ({ markdown: htmlToPlainText(html), notes: [] }),
  commentBody: (html) => htmlToPlainText(html),
  slugFor(post, taken) {
    const base =
      slugOfWords(post.slugHint ?? "") || slugOfPermalink(post.oldUrls[0]) || slugOfWords(post.title) || "post";
    let slug = base;
    for (let n = 2; taken(slug); n++) slug = `${base}-${n}`;
    return slug;
  },
  handSplitGroups: () => [],
};
