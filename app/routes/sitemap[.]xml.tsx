import type { LoaderFunctionArgs } from "@remix-run/node";
import { siteSitemap } from "~/discovery/sitemap.server";

// /sitemap.xml (sitemaps.org 0.9): home, posts, tags, the archive and its months.
export async function loader({ request }: LoaderFunctionArgs) {
  return new Response(await siteSitemap(request.url), {
    headers: {
      "Content-Type": "application/xml; charset=utf-8",
      "Cache-Control": "public, max-age=300",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
