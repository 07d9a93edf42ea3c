import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { requireSameOrigin } from "~/http/same-origin.server";
import { cookieHeaders, endSession } from "~/http/session.server";

// Signing out is a POST (a link could be triggered by any page); a GET goes home.
export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const cookie = await endSession(request);
  return redirect("/", { headers: cookieHeaders(new Headers(), cookie) });
}

export function loader() {
  return redirect("/");
}
