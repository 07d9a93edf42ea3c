import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { clientAddress } from "~/http/client-address.server";
import { hitRateLimit } from "~/auth/rate-limit.server";
import { requireSameOrigin } from "~/http/same-origin.server";
import { getRequestUser } from "~/http/session.server";
import { locateComment } from "~/comments/comments.server";
import { anchorFor } from "~/comments/thread";
import { getDatabase } from "~/database.server";
import { reportComment } from "~/moderation/queue.server";

// A reader reports a comment to the moderators (POST from the comment's
// "Report" form); they return to the comment with a thank-you.
export async function action({ params, request, context }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const id = /^\d{1,9}$/.test(params.id ?? "") ? Number(params.id) : null;
  const db = await getDatabase();
  const found = id === null ? null : await locateComment(db, id);
  if (!found || id === null) throw new Response("There is no comment at this address.", { status: 404 });
  const { user, headers } = await getRequestUser(request);
  const limit = await hitRateLimit(db, `report:ip:${clientAddress(context)}`, 20, 3600);
  if (!limit.allowed) {
    throw new Response("Too many reports from your network. Please try again later.", {
      status: 429,
      headers: { "Retry-After": String(limit.retryAfterSeconds) },
    });
  }
  const form = await request.formData();
  const reason = String(form.get("reason") ?? "").trim() || "No reason given";
  await reportComment(db, { commentId: id, reason, reporterUserId: user?.id ?? null });
  return redirect(`/posts/${found.postSlug}?reported=1#${anchorFor(found.number)}`, { status: 303, headers });
}

export function loader() {
  throw new Response("Not found", { status: 404 });
}
