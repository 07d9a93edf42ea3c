/**
 * Whether a comment body shows anything once rendered (issue 12, "What readers see").
 *
 * The form's blank check (`isBlank` in ./characters.ts) reads the Markdown source, so a body
 * such as `**\u200B**`, `&nbsp;`, `[](https://example.org)` or `![](x.png)` passes it although
 * the page would show nothing where the comment stands. This check renders the body with the
 * same pipeline that draws comments (`renderCommentMarkdown`), takes the text a reader would
 * see (the rendered HTML's text content, entities decoded) and asks `isBlank` of that: white
 * space (`\p{White_Space}`), default-ignorable code points (`\p{Default_Ignorable_Code_Point}`),
 * format characters (`\p{Cf}`) and the Hangul fillers and braille blank that those properties
 * miss all count as nothing.
 *
 * Raw HTML in a comment is drawn as literal text, so a body of only `<!-- a note -->` shows
 * that text and is not blank. A rule (`---`) or an empty list item draws a line or a bullet
 * but no words; such bodies say nothing and count as blank.
 */
import { isBlank } from "./characters";
import { commentPlainText } from "./markdown.server";

/**
 * True when the body, rendered as comments are rendered, shows no visible character.
 *
 * @param markdown a comment body (Markdown as the writer typed it, normally after `normalizeText`).
 * @returns true for bodies that render to nothing visible (`""`, `"&nbsp;"`, `"**\u200B**"`,
 *   `"[](x)"`, `"![](x)"`, `"---"`); false as soon as one visible character is drawn. Never throws.
 */
export function showsNothing(markdown: string): boolean {
  return isBlank(commentPlainText(markdown));
}
