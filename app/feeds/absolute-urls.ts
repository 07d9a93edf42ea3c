import sanitizeHtml from "sanitize-html";

/**
 * A feed entry's HTML is read away from the site, where a relative URL has
 * nothing to resolve against (Atom's xml:base is widely ignored and RSS and
 * JSON Feed have none), so images and links would break. Every URL attribute
 * is made absolute against the entry's own page.
 */

/** Attributes that hold one URL. */
const URL_ATTRIBUTES = ["href", "src", "poster", "cite"] as const;

/**
 * `html` with every relative URL (in `href`, `src`, `poster`, `cite` and
 * each candidate of `srcset`) resolved against `baseUrl`, e.g. "/images/a.png"
 * → "https://staffroom.example.org/images/a.png" and "#notes" →
 * "<baseUrl>#notes". Absolute and mailto URLs are kept; a value that is not a
 * URL at all is left as it is. Expects HTML that is already sanitized (a post
 * body from `renderPostBody`): it keeps every tag and attribute but `script`
 * and `style` elements, and drops URLs outside http(s)/mailto, as the post
 * page's sanitizer does.
 * @param baseUrl an absolute URL, the entry's permalink; throws TypeError otherwise.
 */
export function absolutizeUrls(html: string, baseUrl: string): string {
  const base = new URL(baseUrl);
  return sanitizeHtml(html, {
    // Every tag and attribute of the already-sanitized body is kept, except
    // that a feed never carries script or style, whatever a body held.
    allowedTags: false,
    allowedAttributes: false,
    allowVulnerableTags: true,
    exclusiveFilter: (frame) => frame.tag === "script" || frame.tag === "style",
    allowedSchemes: ["http", "https", "mailto"],
    allowProtocolRelative: false,
    transformTags: {
      "*": (tagName, attribs) => {
        const out: Record<string, string> = { ...attribs };
        for (const name of URL_ATTRIBUTES) {
          if (out[name] !== undefined) out[name] = resolve(out[name], base);
        }
        if (out.srcset !== undefined) out.srcset = resolveSrcset(out.srcset, base);
        return { tagName, attribs: out };
      },
    },
  });
}

function resolve(value: string, base: URL): string {
  const trimmed = value.trim();
  if (trimmed === "") return value;
  try {
    return new URL(trimmed, base).href;
  } catch {
    return value;
  }
}

/** "a.png 1x, /b.png 2x": each candidate's URL resolved, descriptors kept (HTML's srcset syntax). */
function resolveSrcset(value: string, base: URL): string {
  return value
    .split(",")
    .map((candidate) => {
      const [url, ...descriptors] = candidate.trim().split(/\s+/);
      return [resolve(url ?? "", base), ...descriptors].join(" ");
    })
    .join(", ");
}
