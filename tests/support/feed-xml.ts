import { SaxesParser } from "saxes";

/**
 * Reading a feed as a strict XML 1.0 processor does: saxes refuses anything
 * not well-formed (a forbidden character, an unescaped `&` or `<`, a broken
 * CDATA section, an undeclared namespace prefix) where lenient feed parsers
 * would guess. The tree keeps namespace URIs, so a test checks that
 * `creativeCommons:license` is really in the CC RSS module's namespace, not
 * only that some element has that name.
 */

export interface XmlElement {
  /** Namespace URI ("" when none). */
  ns: string;
  local: string;
  /** Attributes by local name (feeds' attributes carry no namespace, except xmlns ones, left out). */
  attrs: Record<string, string>;
  children: (XmlElement | string)[];
}

export const ATOM_NS = "http://www.w3.org/2005/Atom";
export const CC_RSS_NS = "http://backend.userland.com/creativeCommonsRssModule";
export const DC_NS = "http://purl.org/dc/elements/1.1/";
export const CONTENT_NS = "http://purl.org/rss/1.0/modules/content/";

/** Parses `xml` strictly; throws the parser's first error (with line and column). */
export function parseStrictXml(xml: string): XmlElement {
  const parser = new SaxesParser({ xmlns: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  let error: Error | null = null;
  parser.on("error", (e) => {
    error ??= e;
  });
  parser.on("opentag", (tag) => {
    const attrs: Record<string, string> = {};
    for (const attr of Object.values(tag.attributes)) {
      if (attr.prefix === "xmlns" || attr.name === "xmlns") continue;
      attrs[attr.local] = attr.value;
    }
    const element: XmlElement = { ns: tag.uri, local: tag.local, attrs, children: [] };
    stack.at(-1)?.children.push(element);
    root ??= element;
    stack.push(element);
  });
  parser.on("closetag", () => {
    stack.pop();
  });
  parser.on("text", (text) => stack.at(-1)?.children.push(text));
  parser.on("cdata", (text) => stack.at(-1)?.children.push(text));
  parser.write(xml).close();
  if (error) throw error;
  if (!root) throw new Error("no root element");
  return root;
}

/** Direct children of `element` with that namespace and local name. */
export function children(element: XmlElement, ns: string, local: string): XmlElement[] {
  return element.children.filter((c): c is XmlElement => typeof c !== "string" && c.ns === ns && c.local === local);
}

/** The one direct child with that name; throws when there is none or several. */
export function child(element: XmlElement, ns: string, local: string): XmlElement {
  const found = children(element, ns, local);
  if (found.length !== 1) throw new Error(`expected one <${local}> in <${element.local}>, found ${found.length}`);
  return found[0];
}

/** All text inside `element` (CDATA sections joined with the text around them), untrimmed. */
export function textOf(element: XmlElement): string {
  return element.children.map((c) => (typeof c === "string" ? c : textOf(c))).join("");
}

/** Characters outside XML 1.0's Char production (§2.2). */
export const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
