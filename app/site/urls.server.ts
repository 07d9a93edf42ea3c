import { postPath } from "../discovery/paths";
import { getEnv } from "../env.server";

/**
 * The site's public addresses, as readers and machines should use them
 * (canonical links, feeds, sitemap, JSON-LD, share links). SITE_URL, when
 * set, is the one true origin (a site behind a proxy is reached at its public
 * name, never at the address the proxy used); otherwise the origin the request
 * came to, so `npm start` on localhost links to itself.
 */

/**
 * The public origin, e.g. "https://staffroom.example.org" (no trailing slash):
 * SITE_URL when set; otherwise the origin of `requestUrl`; otherwise (email
 * and other work outside a request) `http://localhost:$PORT`. The one place
 * the site's own address is decided.
 * @param requestUrl the URL the request came to (`request.url`), when there is a request.
 */
export function publicOrigin(requestUrl?: string): string {
  const { SITE_URL, PORT } = getEnv();
  return new URL(SITE_URL ?? requestUrl ?? `http://localhost:${PORT}`).origin;
}

/**
 * An absolute public URL for a site path: `absoluteUrl("/posts/x", request.url)`
 * → "https://staffroom.example.org/posts/x". A path that is already absolute
 * (an image hosted elsewhere) is returned as it is.
 */
export function absoluteUrl(pathOrUrl: string, requestUrl?: string): string {
  return new URL(pathOrUrl, `${publicOrigin(requestUrl)}/`).href;
}

/** The canonical address of a post: `${origin}/posts/<slug>`. */
export function postUrl(slug: string, requestUrl?: string): string {
  return absoluteUrl(postPath(slug), requestUrl);
}
