import type { LoaderFunctionArgs } from "@remix-run/node";
import { siteFeedResponse } from "~/feeds/responses.server";

// /tags/<tag>/feed.rss: the newest posts carrying the tag (404 for a tag no post
// carries). A resource route: nested under tags.$tag.tsx by its name, but
// only this loader runs, not the tag page's.
export function loader({ request, params }: LoaderFunctionArgs) {
  return siteFeedResponse(request, "rss", { kind: "tag", tag: params.tag ?? "" });
}
