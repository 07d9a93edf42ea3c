/**
 * Text that every feed format can carry. XML 1.0 (§2.2, the "Char"
 * production) forbids some characters outright: no escaping makes them legal,
 * so a feed that holds one is not XML and strict readers reject the whole
 * feed. They are dropped before any value reaches a feed generator; the JSON
 * feed drops the same ones, so all three formats carry the same text.
 */

/**
 * C0 controls other than tab and line feed (carriage return too: the site's
 * text uses \n line endings), U+FFFE, U+FFFF and unpaired surrogates.
 */
const NOT_XML =
  /[\u0000-\u0008\u000B-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `value` with every character XML 1.0 forbids removed; nothing else changes. */
export function xmlSafe(value: string): string {
  return value.replace(NOT_XML, "");
}

/**
 * A copy of `value` with `xmlSafe` applied to every string in it (object
 * values and array items, at any depth). Dates, numbers, booleans, null and
 * undefined are kept as they are. Meant for a feed generator's whole input,
 * so no field (attributes and URLs included) can let a forbidden character in.
 */
export function xmlSafeDeep<T>(value: T): T {
  if (typeof value === "string") return xmlSafe(value) as T;
  if (Array.isArray(value)) return value.map((item) => xmlSafeDeep(item)) as T;
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, xmlSafeDeep(item)])) as T;
  }
  return value;
}

/**
 * `value` made safe (`xmlSafe`) and trimmed, or "" when nothing visible is
 * left: only Unicode White_Space (U+0085 and U+2028 included, which
 * `String.prototype.trim` keeps) and U+FEFF. feedsmith leaves such a value
 * out altogether, so a required element (an entry's title, an author's name)
 * would go missing: callers put a fallback in its place.
 */
export function feedText(value: string): string {
  const text = xmlSafe(value).trim();
  return /^[\p{White_Space}\uFEFF]*$/u.test(text) ? "" : text;
}
