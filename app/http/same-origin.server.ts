import { isSameOriginRequest } from "../auth/origin";

/**
 * Refuses a state-changing request that did not come from this site
 * (docs/architecture.md §6) with 403 Forbidden. Call first in every action.
 */
export function requireSameOrigin(request: Request): void {
  const allowed = isSameOriginRequest({
    siteOrigin: new URL(request.url).origin,
    origin: request.headers.get("origin"),
    referer: request.headers.get("referer"),
    secFetchSite: request.headers.get("sec-fetch-site"),
  });
  if (!allowed) {
    throw new Response("This form was sent from another site, so it was refused. Please post from this site's page.", {
      status: 403,
    });
  }
}
