/**
 * Which export a file is, told from its content (for XML, the root element and
 * the namespaces it declares; for JSON, its first member), never from the
 * file's name: people rename exports ("blog-06-14-2013.xml", "feed.atom",
 * "export.xml", "site.json") and a name proves nothing.
 */
import { type ExportFormat, ImportFileError } from "../model";
import type { XmlRoot } from "./xml";

/** Namespaces the formats are recognised by. */
export const NS = {
  atom: "http://www.w3.org/2005/Atom",
  thread: "http://purl.org/syndication/thread/1.0",
  gdata: "http://schemas.google.com/g/2005",
  blogger2018: "http://schemas.google.com/blogger/2018",
  /** Atom category scheme of a classic Blogger entry's kind. */
  bloggerKind: "http://schemas.google.com/g/2005#kind",
  /** Atom category scheme of a classic Blogger post's labels. */
  bloggerLabel: "http://www.blogger.com/atom/ns#",
  content: "http://purl.org/rss/1.0/modules/content/",
  dc: "http://purl.org/dc/elements/1.1/",
  disqus: "http://disqus.com",
  disqusInternals: "http://disqus.com/disqus-internals",
} as const;

/** WXR's `wp:` namespace for the versions an import reads (1.0 exports are read the same way). */
const WXR_NAMESPACE = /^https?:\/\/wordpress\.org\/export\/1\.[0-2]\/$/;

/** Whether a namespace URI is WXR's `wp:` (any version) or its `excerpt:`. */
export function isWxrNamespace(uri: string): boolean {
  return WXR_NAMESPACE.test(uri);
}

/** The sentence every "not an export" message ends with. */
export const ACCEPTED_FORMATS =
  "an import accepts a Blogger export (the classic Atom export, or feed.atom from Google Takeout), a WordPress export (WXR 1.1 or 1.2), a Disqus export or a Staffroom JSON export (npm run export -- --format json)";

/** The first member of a Staffroom JSON export, which the format is recognised by (app/export/json-format.ts). */
export const STAFFROOM_JSON_MARK = { key: "format", value: "staffroom-export" } as const;

/**
 * Whether a file's first characters (leading white space and byte-order
 * mark removed) begin JSON (RFC 8259: an object or an array) rather than XML.
 */
export function isJsonStart(start: string): boolean {
  return start.startsWith("{") || start.startsWith("[");
}

/**
 * The export format a JSON document announces by its first member: a
 * Staffroom export (app/export/json-export.server.ts) begins
 * `{"format":"staffroom-export"`, and no other JSON is an export an import
 * reads.
 * @param first the root's kind and, for an object, its first member's key and
 *   value (the value null when it is not a string), or null for `{}`.
 * @throws ImportFileError naming what the JSON is and the accepted formats.
 */
export function detectJsonFormat(
  root: "object" | "array",
  first: { key: string; value: string | null } | null,
): ExportFormat {
  if (root === "object" && first?.key === STAFFROOM_JSON_MARK.key && first.value === STAFFROOM_JSON_MARK.value) {
    return "staffroom-json";
  }
  const what =
    root === "array"
      ? "a JSON array"
      : first === null
        ? "an empty JSON object"
        : first.key === STAFFROOM_JSON_MARK.key
          ? `JSON whose "format" is ${first.value === null ? "not a string" : JSON.stringify(first.value)}`
          : `JSON whose first member is ${JSON.stringify(first.key)}`;
  throw new ImportFileError(
    `this is ${what}, not a Staffroom export (which begins with "format": "staffroom-export"); ${ACCEPTED_FORMATS}`,
    1,
    null,
  );
}

/**
 * Refuses a file whose first characters cannot begin an XML document.
 * @param start the file's first characters, leading white space removed.
 * @throws ImportFileError (line 1) naming the accepted formats.
 */
export function assertXmlStart(start: string): void {
  if (!start.startsWith("<")) {
    throw new ImportFileError(`this file is not XML (it begins "${start.slice(0, 20)}…"); ${ACCEPTED_FORMATS}`, 1, 1);
  }
}

/**
 * The export format a document's root element announces:
 * - `<feed>` in the Atom namespace declaring `http://schemas.google.com/blogger/2018` → "blogger-takeout";
 * - any other Atom `<feed>` → "blogger-atom" (its reader checks the entries carry Blogger's kind categories);
 * - `<rss>` declaring a `http://wordpress.org/export/1.x/` namespace → "wxr";
 * - `<disqus>` in the `http://disqus.com` namespace → "disqus".
 * @throws ImportFileError naming the root it found and the accepted formats.
 */
export function detectFormat(root: XmlRoot): Exclude<ExportFormat, "staffroom-json"> {
  const declared = Object.values(root.namespaces);
  if (root.local === "feed" && root.uri === NS.atom) {
    return declared.includes(NS.blogger2018) ? "blogger-takeout" : "blogger-atom";
  }
  if (root.local === "rss" && root.uri === "" && declared.some(isWxrNamespace)) return "wxr";
  if (root.local === "disqus" && root.uri === NS.disqus) return "disqus";
  const what =
    root.local === "rss"
      ? "an RSS feed without WordPress's export namespace"
      : root.local === "feed"
        ? "a feed outside the Atom namespace"
        : `an XML document whose root is <${root.local}>`;
  throw new ImportFileError(`this is ${what}, not an export an import reads; ${ACCEPTED_FORMATS}`, root.line, null);
}
