import type { LoaderFunctionArgs } from "@remix-run/node";
import { robotsTxt } from "~/discovery/robots";
import { absoluteUrl } from "~/site/urls.server";

// /robots.txt (RFC 9309): the public site open, private and action pages not, and where the sitemap is.
export async function loader({ request }: LoaderFunctionArgs) {
  return new Response(robotsTxt({ sitemapUrl: absoluteUrl("/sitemap.xml", request.url) }), {
    headers: {
      "Content-Type": "text/plain; charset=utf-8",
      "Cache-Control": "public, max-age=3600",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
