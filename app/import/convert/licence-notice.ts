/**
 * A licence notice from the old site (the Creative Commons chooser's HTML in a
 * Blogger sidebar gadget, a WordPress footer, or its words alone) read as a
 * licence of the catalogue (app/licences/catalogue.ts). Pure.
 */
import { findLicenseByUrl, LICENSES, type LicenseId } from "../../licences/catalogue";

const HREFS = /\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi;
const REL_LICENSE = /<a\b[^>]*\brel\s*=\s*(?:"[^"]*\blicense\b[^"]*"|'[^']*\blicense\b[^']*'|license\b)[^>]*>/gi;
const CC_URL = /https?:\/\/(?:www\.)?creativecommons\.org\/(?:licenses|publicdomain)\/[\w./-]*/gi;

function hrefOf(tag: string): string | null {
  for (const match of tag.matchAll(HREFS)) return (match[1] ?? match[2] ?? match[3] ?? "").replace(/&amp;/g, "&");
  return null;
}

/** Tags out, entities that matter decoded, whitespace collapsed. */
function plainText(html: string): string {
  return html
    .replace(/<[^>]*>/g, " ")
    .replace(/&nbsp;|&#160;/gi, " ")
    .replace(/&amp;/g, "&")
    .replace(/&copy;|&#169;/gi, "©")
    .replace(/\s+/g, " ")
    .trim();
}

const ELEMENT_CODES: [RegExp, string][] = [
  [/attribution[\s-]+(?:non-?commercial)[\s-]+(?:no[\s-]?deriv(?:s|atives|ative works))/i, "by-nc-nd"],
  [/attribution[\s-]+(?:non-?commercial)[\s-]+share[\s-]?alike/i, "by-nc-sa"],
  [/attribution[\s-]+(?:no[\s-]?deriv(?:s|atives|ative works))/i, "by-nd"],
  [/attribution[\s-]+share[\s-]?alike/i, "by-sa"],
  [/attribution[\s-]+non-?commercial/i, "by-nc"],
  [/attribution/i, "by"],
];

/** "Creative Commons Attribution-NonCommercial-ShareAlike 3.0 Unported License" and "CC BY-NC-SA 3.0" in words. */
function fromWords(text: string): LicenseId | null {
  if (/\bCC0\b|public\s+domain\s+dedication/i.test(text)) return "cc0-1.0";
  const short = /\bCC[\s-]+(BY(?:-(?:NC|SA|ND)){0,2})[\s-]+([34])\.0\b/i.exec(text);
  const long =
    /creative\s+commons\s+((?:attribution|non-?commercial|share[\s-]?alike|no[\s-]?deriv\w*|[\s-])+?)\s*([34])\.0/i.exec(
      text,
    );
  let code: string | null = null;
  let version: string | null = null;
  if (short) {
    code = short[1].toLowerCase();
    version = short[2];
  } else if (long) {
    code = ELEMENT_CODES.find(([pattern]) => pattern.test(long[1]))?.[1] ?? null;
    version = long[2];
  }
  if (code && version) {
    // A ported licence ("3.0 United States") is not in the catalogue.
    const after = text.slice((short ?? long)!.index + (short ?? long)![0].length);
    if (/^\s*(?![Uu]nported|[Ii]nternational|[Ll]icen[cs]e)[A-Z][A-Za-z]+/.test(after)) return null;
    const id = `cc-${code}-${version}.0`;
    return LICENSES.some((license) => license.id === id) ? (id as LicenseId) : null;
  }
  if (/all\s+rights\s+reserved/i.test(text)) return "all-rights-reserved";
  return null;
}

/**
 * The catalogue licence a notice names, or null when it names none the
 * catalogue has (a ported licence such as CC BY 3.0 US, a 2.0 licence, or no
 * licence at all). Read in this order: the link marked `rel="license"` (the
 * CC chooser's markup), then any creativecommons.org licence URL, then the
 * words ("Creative Commons Attribution-NonCommercial-ShareAlike 3.0 Unported
 * License", "CC BY-SA 4.0", "CC0", "All rights reserved").
 */
export function licenseFromNotice(notice: string): LicenseId | null {
  if (!notice.trim()) return null;
  for (const tag of notice.matchAll(REL_LICENSE)) {
    const href = hrefOf(tag[0]);
    if (href) return findLicenseByUrl(href)?.id ?? null;
  }
  for (const url of notice.matchAll(CC_URL)) {
    const license = findLicenseByUrl(url[0]);
    if (license) return license.id;
  }
  // A deed the catalogue lacks (2.0, a ported licence) is not overridden by looser words.
  if (new RegExp(CC_URL.source, "i").test(notice)) return null;
  return fromWords(plainText(notice));
}
