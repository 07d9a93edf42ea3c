import type { LoaderFunctionArgs } from "@remix-run/node";
import { feedResponse, notFound } from "~/feeds/responses.server";
import { commentsFeedXml } from "~/feeds/comments-feed.server";
import { publicOrigin } from "~/site/urls.server";

// /posts/<slug>/comments.atom: the post's published comments as Atom 1.0
// (RFC 4287), newest 50. A resource route (no component): only this loader
// runs, not the post page's.
export async function loader({ params, request }: LoaderFunctionArgs) {
  const xml = await commentsFeedXml(params.slug ?? "", publicOrigin(request.url));
  if (xml === null) throw notFound("There is no post at this address, so it has no comments feed.");
  return feedResponse(request, { body: xml, contentType: "application/atom+xml; charset=utf-8", maxAgeSeconds: 60 });
}
