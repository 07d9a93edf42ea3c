import { parseWithZod } from "@conform-to/zod/v4";
import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { clientAddress } from "~/http/client-address.server";
import { requireSameOrigin } from "~/http/same-origin.server";
import { getRequestUser } from "~/http/session.server";
import { anchorFor } from "~/comments/thread";
import { commentIdSchema } from "~/comments/validation";
import { getDatabase } from "~/database.server";
import { postPagePath } from "~/discovery/paths";
import { reportToModerators } from "~/moderation/report-comment.server";
import { readFormBody } from "~/http/form-body.server";

/** The report form: its reason, which may be left empty. */
const reportSchema = z.object({ reason: z.string().catch("") });

// A reader reports a comment to the moderators (POST from the comment's
// "Report" form); they return to the comment with a thank-you.
export async function action({ params, request, context }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const id = commentIdSchema.safeParse(params.id);
  if (!id.success) throw new Response("There is no comment at this address.", { status: 404 });
  const { user, headers } = await getRequestUser(request);
  const form = parseWithZod(await readFormBody(request), { schema: reportSchema });
  const outcome = await reportToModerators(await getDatabase(), {
    commentId: id.data,
    reason: form.status === "success" ? form.value.reason : "",
    reporterUserId: user?.id ?? null,
    reporterRole: user?.role ?? null,
    clientAddress: clientAddress(context),
  });
  if (outcome.kind === "not-found")
    throw new Response("There is no comment at this address.", { status: 404, headers });
  if (outcome.kind === "rate-limited") {
    headers.set("Retry-After", String(outcome.retryAfterSeconds));
    throw new Response("Too many reports from your network. Please try again later.", { status: 429, headers });
  }
  // Back to the page holding the comment, at it, with the thank-you beside it (issue 11).
  const back = postPagePath(outcome.postSlug, outcome.page, anchorFor(outcome.number), {
    reported: String(outcome.commentId),
  });
  return redirect(back, { status: 303, headers });
}

export function loader() {
  throw new Response("Not found", { status: 404 });
}
