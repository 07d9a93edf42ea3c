/**
 * Reading the Atom (RFC 4287) parts both Blogger exports share: links,
 * authors, the blog's own address, and a slug from a Blogger permalink.
 */
import { NS } from "./detect";
import { type XmlElement, attribute, child, childText, childrenNamed } from "./xml";

/** The `href` of the first Atom `<link>` with this `rel` (and `type` when given), or null. */
export function atomLink(element: XmlElement, rel: string, type?: string): string | null {
  for (const link of childrenNamed(element, "link", NS.atom)) {
    if ((attribute(link, "rel") ?? "alternate") !== rel) continue;
    if (type !== undefined && attribute(link, "type") !== type) continue;
    const href = attribute(link, "href")?.trim();
    if (href) return href;
  }
  return null;
}

/** An Atom `<author>`: name, email and profile URI, each null when empty. */
export interface AtomAuthor {
  name: string | null;
  email: string | null;
  uri: string | null;
  /** The element itself, for format-specific children (Takeout's `blogger:type`). */
  element: XmlElement;
}

/**
 * The first `<author>` of an entry or feed, or null. Blogger writes
 * "noreply@blogger.com" for a hidden address; that is no address.
 */
export function atomAuthor(element: XmlElement): AtomAuthor | null {
  const author = child(element, "author", NS.atom);
  if (!author) return null;
  const email = childText(author, "email", NS.atom);
  return {
    name: childText(author, "name", NS.atom),
    email: email && email.toLowerCase() !== "noreply@blogger.com" ? email : null,
    uri: childText(author, "uri", NS.atom),
    element: author,
  };
}

/** An address without its trailing slashes ("https://coach.blogspot.com/" → "https://coach.blogspot.com"). */
export function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

/**
 * The slug of a Blogger permalink or file name: "/2013/06/first-day.html" →
 * "first-day", "https://x.blogspot.com/p/about.html" → "about"; null when the
 * path does not end in ".html".
 */
export function bloggerSlug(urlOrPath: string): string | null {
  const path = urlOrPath.replace(/^[a-z]+:\/\/[^/]+/i, "").replace(/[?#].*$/, "");
  const match = /\/([^/]+)\.html$/.exec(path);
  return match?.[1] ? decodeURIComponent(match[1]) : null;
}

/** The id Blogger gives an entry ("tag:blogger.com,1999:blog-123.post-456"): the part before ".post-", and the number after. */
export function bloggerEntryId(id: string): { blog: string; item: string } | null {
  const match = /^(.*)\.post-(\d+)$/.exec(id.trim());
  return match?.[1] && match[2] ? { blog: match[1], item: match[2] } : null;
}
