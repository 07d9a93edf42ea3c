import type { LoaderFunctionArgs } from "@remix-run/node";
import { siteFeedResponse } from "~/feeds/responses.server";

// /authors/<slug>/feed.rss: the author's newest posts (404 for an unknown author).
// A resource route: nested under authors.$slug.tsx by its name, but only this
// loader runs, not the author page's.
export function loader({ request, params }: LoaderFunctionArgs) {
  return siteFeedResponse(request, "rss", { kind: "author", slug: params.slug ?? "" });
}
