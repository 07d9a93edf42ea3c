import { commentHtmlToMarkdown } from "./convert/comment-text";
import { extractCredit, type ImportedCredit } from "./convert/credits";
import { findHandSplitReplies } from "./convert/hand-split";
import { htmlToMarkdown } from "./convert/html-to-markdown";
import { postSlug, resolveSlug } from "./convert/slugs";
import type { ImportConverters } from "./converters";
import type { ExportFormat } from "./model";

/**
 * The converters an import of `format` uses (app/import/convert/): post
 * bodies to the Markdoc the editor keeps, a typed photo credit made the
 * structured credit of the image it describes, comment HTML to comment
 * Markdown, slugs from the old permalinks, and hand-split replies found.
 * WordPress keeps paragraphs as blank lines in `post_content` and
 * `comment_content`, so its text is read that way. Staffroom's own JSON
 * export holds Markdoc and comment Markdown already: see `staffroomJsonConverters`.
 */
export function siteConverters(format: ExportFormat): ImportConverters {
  if (format === "staffroom-json") return staffroomJsonConverters;
  const newlineParagraphs = format === "wxr";
  return {
    postBody(html, links) {
      const converted = htmlToMarkdown(html, { newlineParagraphs, href: links?.href });
      const credited = creditFirstImage(converted.markdown);
      return { markdown: credited ?? converted.markdown, notes: converted.notes };
    },
    commentBody: (html, links) => commentHtmlToMarkdown(html, { newlineParagraphs, href: links?.href }),
    slugFor: (post, taken) => resolveSlug(postSlug(post), { has: taken }).slug,
    handSplitGroups(comments) {
      const candidates = comments.map((c) => ({
        ...c,
        markdown: commentHtmlToMarkdown(c.html, { newlineParagraphs }),
      }));
      return findHandSplitReplies(candidates).map((group) => group.sourceIds);
    },
  };
}

/** A Markdown image, `![alt](src)` or `![alt](src "title")`, alone or in a paragraph. */
const PLAIN_IMAGE = /!\[([^\]\n]*)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"\n]*")?\s*\)/;

/**
 * A body whose typed credit line ("Photo Credit: NAME via SITE cc") becomes
 * the credit of its first uncredited image: the line is taken out and the
 * image becomes an "Image with credit" block (creator, source, licence), as
 * if the coach had used the editor's block. Null when the body has no credit
 * line or no plain image to give it to (the line then stays as it was typed).
 */
function creditFirstImage(markdown: string): string | null {
  const extracted = extractCredit(markdown);
  if (!extracted) return null;
  const match = PLAIN_IMAGE.exec(extracted.markdown);
  if (!match) return null;
  const block = creditedImageBlock(match[2], match[1], extracted.credit);
  const before = extracted.markdown.slice(0, match.index);
  const after = extracted.markdown.slice(match.index + match[0].length);
  return `${before}\n\n${block}\n\n${after}`.replace(/\n{3,}/g, "\n\n").replace(/^\n+/, "");
}

/**
 * `{% creditedImage … /%}` as the editor writes it (app/posts/content-components.ts),
 * with the credit's fields when there is one (null: the image only).
 */
export function creditedImageBlock(src: string, alt: string, credit: ImportedCredit | null): string {
  const attributes: [string, string][] = [
    ["src", src],
    ["alt", alt],
  ];
  if (credit) attributes.push(["creator", credit.creator], ["sourceName", credit.sourceName]);
  if (credit?.sourceUrl) attributes.push(["sourceUrl", credit.sourceUrl]);
  if (credit?.licenseUrl) attributes.push(["licenseUrl", credit.licenseUrl]);
  return `{% creditedImage ${attributes.map(([name, value]) => `${name}=${JSON.stringify(value)}`).join(" ")} /%}`;
}

/**
 * The conversions for Staffroom's own JSON export: none. Post bodies are the
 * Markdoc the editor wrote and comment bodies the Markdown the comment form
 * stored, handed on byte for byte (never through the HTML converters, which
 * would mangle them); the slug is the post's own (made free if this site has
 * it already); and a split submission's parts, as the export records them
 * (`ImportedComment.submission`), are grouped again in part order: the
 * applier stores each group as one split submission with the same parts.
 */
export const staffroomJsonConverters: ImportConverters = {
  postBody: (markdown) => ({ markdown, notes: [] }),
  commentBody: (markdown) => markdown,
  slugFor: (post, taken) => resolveSlug(post.slugHint || postSlug(post), { has: taken }).slug,
  handSplitGroups(comments) {
    const groups = new Map<string, { index: number; sourceId: string }[]>();
    for (const c of comments) {
      if (!c.submission || c.submission.partCount < 2) continue;
      const group = groups.get(c.submission.id) ?? [];
      group.push({ index: c.submission.partIndex, sourceId: c.sourceId });
      groups.set(c.submission.id, group);
    }
    return [...groups.values()].map((group) => group.sort((a, b) => a.index - b.index).map((part) => part.sourceId));
  },
};
