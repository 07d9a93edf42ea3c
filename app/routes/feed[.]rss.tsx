import type { LoaderFunctionArgs } from "@remix-run/node";
import { siteFeedResponse } from "~/feeds/responses.server";

// /feed.rss: the site's newest posts, whole, each with its licence (app/feeds/).
// A resource route: a loader and no component.
export function loader({ request }: LoaderFunctionArgs) {
  return siteFeedResponse(request, "rss", { kind: "site" });
}
