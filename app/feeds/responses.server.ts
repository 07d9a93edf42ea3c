import { createHash } from "node:crypto";
import { publicOrigin } from "../site/urls.server";
import { FEED_CONTENT_TYPES, siteFeed, type FeedFormat, type FeedScope } from "./site-feeds.server";

/**
 * The HTTP edge of the feeds, shared by their resource routes: headers,
 * conditional requests (RFC 9110 §13) and the plain-text 404.
 */

export interface FeedBody {
  /** The feed document, UTF-8 text. */
  body: string;
  /** e.g. "application/atom+xml; charset=utf-8". */
  contentType: string;
  /** How long readers and caches may reuse it, in seconds (Cache-Control max-age). */
  maxAgeSeconds: number;
}

/**
 * 200 with the feed, or 304 (no body) when the request's `If-None-Match`
 * names its current ETag. The ETag is a hash of the body, so it changes with
 * any change a reader would see, an edited post included. No Last-Modified:
 * post dates are calendar dates and an edit does not change them, so a date
 * would answer 304 to a reader who has not seen the edit.
 */
export function feedResponse(request: Request, feed: FeedBody): Response {
  const etag = `"${createHash("sha256").update(feed.body).digest("base64url").slice(0, 32)}"`;
  const headers = {
    "Content-Type": feed.contentType,
    "Cache-Control": `public, max-age=${feed.maxAgeSeconds}`,
    "X-Content-Type-Options": "nosniff",
    ETag: etag,
  };
  if (matchesEtag(request.headers.get("If-None-Match"), etag)) {
    return new Response(null, { status: 304, headers });
  }
  return new Response(feed.body, { headers });
}

/** RFC 9110 §13.1.2: "*" or a list of (weak-compared) entity tags. */
function matchesEtag(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === "*") return true;
  return ifNoneMatch.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}

/** A 404 with a plain-text message, to throw from a feed route's loader. */
export function notFound(message: string): Response {
  return new Response(message, {
    status: 404,
    headers: { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" },
  });
}

/** Site and tag feeds may be reused for 5 minutes: a new post shows within that. */
const SITE_FEED_MAX_AGE_SECONDS = 300;

/**
 * The whole answer of a site, tag or author feed route: the feed (200 or
 * 304), or a plain-text 404 for a tag no post carries or an unknown author.
 * @param scope which posts (see `FeedScope`): a tag is the route's decoded `$tag` param.
 */
export async function siteFeedResponse(request: Request, format: FeedFormat, scope: FeedScope): Promise<Response> {
  const body = await siteFeed(format, publicOrigin(request.url), scope);
  if (body === null) {
    throw notFound(
      scope.kind === "author" ? "There is no author at this address." : "No post carries this tag, so it has no feed.",
    );
  }
  return feedResponse(request, {
    body,
    contentType: FEED_CONTENT_TYPES[format],
    maxAgeSeconds: SITE_FEED_MAX_AGE_SECONDS,
  });
}
