/**
 * Cross-site request forgery defence for every state-changing request
 * (docs/architecture.md §6): a POST is accepted only when the browser says it came from this
 * site. Browsers send `Origin` on every cross-origin POST (Fetch standard,
 * "Origin header" §3.2) and `Sec-Fetch-Site` (Fetch Metadata) on all requests;
 * a request with neither comes from a non-browser client, which cannot carry
 * a victim's cookies, so it is allowed (OWASP CSRF Prevention Cheat Sheet,
 * "Verifying Origin With Standard Headers").
 */

/** The request facts the check needs, as plain values. */
export interface OriginFacts {
  /** This site's origin as the server sees the request, e.g. "http://localhost:3000". */
  siteOrigin: string;
  origin: string | null;
  referer: string | null;
  secFetchSite: string | null;
}

/** True when a state-changing request may proceed. Never throws. */
export function isSameOriginRequest(facts: OriginFacts): boolean {
  if (facts.secFetchSite && facts.secFetchSite !== "same-origin" && facts.secFetchSite !== "none") {
    return false;
  }
  if (facts.origin !== null) {
    // "null" is sent by sandboxed frames and some privacy modes: not us.
    return facts.origin === facts.siteOrigin;
  }
  if (facts.referer) {
    try {
      return new URL(facts.referer).origin === facts.siteOrigin;
    } catch {
      return false;
    }
  }
  return true;
}
