/**
 * Limits on a post body's Markdoc source, checked before it is parsed.
 *
 * @markdoc/markdoc 0.4.0 never returns from `Markdoc.parse` when 100 or more
 * tags are nested inside one another on one line (`{% if true %}` × 100 …):
 * one such post would hang the server for every request. No real post nests
 * tags deeply (Keystatic's own blocks nest two or three deep), so a post
 * deeper than MAX_TAG_NESTING is refused before the parser sees it.
 */

/** Deepest nesting of `{% tag %}…{% /tag %}` a post body may have. */
export const MAX_TAG_NESTING = 32;

const TAG = /\{%\s*(\/)?\s*([A-Za-z_$][\w.-]*)?[^%]*?(\/)?\s*%\}/g;

/**
 * The deepest nesting of Markdoc tags in `source` (a post file's text):
 * `{% name … %}` opens a level, `{% /name %}` closes one, and self-closing
 * tags (`{% name … /%}`) and `{% else /%}` leave it unchanged. Pure; linear.
 */
export function markdocTagDepth(source: string): number {
  let depth = 0;
  let deepest = 0;
  for (const match of source.matchAll(TAG)) {
    const [, closing, , selfClosing] = match;
    if (closing) depth = Math.max(0, depth - 1);
    else if (!selfClosing) deepest = Math.max(deepest, ++depth);
  }
  return deepest;
}

/**
 * Throws an Error saying why when a post body nests tags deeper than
 * MAX_TAG_NESTING; returns nothing otherwise.
 */
export function assertMarkdocWithinLimits(source: string): void {
  const depth = markdocTagDepth(source);
  if (depth > MAX_TAG_NESTING) {
    throw new Error(`it nests Markdoc tags ${depth} deep; at most ${MAX_TAG_NESTING} are allowed`);
  }
}
