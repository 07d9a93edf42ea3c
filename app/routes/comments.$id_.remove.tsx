import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { requireSameOrigin } from "~/http/same-origin.server";
import { getRequestUser } from "~/http/session.server";
import { readGuestToken } from "~/comments/guest-token.server";
import { removeOwnOrModeratedComment } from "~/comments/remove-comment.server";
import { anchorFor } from "~/comments/thread";
import { commentIdSchema } from "~/comments/validation";
import { getDatabase } from "~/database.server";
import { postPagePath } from "~/discovery/paths";

// Removing a comment (POST): its writer (by account or guest browser token),
// the post's coach, or an admin. It leaves a tombstone that keeps its number
// and replies (docs/architecture.md §3); every part of a split comment goes together.
export async function action({ params, request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const id = commentIdSchema.safeParse(params.id);
  const { user, headers } = await getRequestUser(request);
  const outcome = id.success
    ? await removeOwnOrModeratedComment(await getDatabase(), {
        commentId: id.data,
        account: user,
        guestToken: user ? null : readGuestToken(request.headers.get("cookie")),
      })
    : ({ kind: "not-found" } as const);
  if (outcome.kind === "not-found")
    throw new Response("There is no comment at this address.", { status: 404, headers });
  if (outcome.kind === "forbidden")
    throw new Response("You can remove only your own comments.", { status: 403, headers });
  // A held comment had no number: back to the thread.
  const hash = outcome.number === null ? "comments" : anchorFor(outcome.number);
  return redirect(postPagePath(outcome.postSlug, 1, hash), { status: 303, headers });
}

export function loader() {
  throw new Response("Not found", { status: 404 });
}
