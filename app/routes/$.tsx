import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { getDatabase } from "~/database.server";
import { findRedirect } from "~/import/redirects.server";

// Any address no other route claims: an old address of an imported post or
// comment (Blogger's /2013/06/slug.html, WordPress's /2013/06/14/slug/)
// answers with a 301 to its permalink; anything else is a real 404, drawn
// (and titled) by the root ErrorBoundary.
export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const target = await findRedirect(await getDatabase(), url.pathname, url.searchParams);
  if (target) return redirect(target, 301);
  throw new Response("Not found", { status: 404 });
}

export default function NotFound() {
  return null;
}
