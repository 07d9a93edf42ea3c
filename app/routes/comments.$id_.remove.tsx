import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { requireSameOrigin } from "~/http/same-origin.server";
import { getRequestUser } from "~/http/session.server";
import { locateComment, postOfComment, removeComment } from "~/comments/comments.server";
import { ownSubmission } from "~/comments/edits.server";
import { readGuestToken } from "~/comments/guest-token.server";
import { anchorFor } from "~/comments/thread";
import { getDatabase } from "~/database.server";
import { moderatesPost } from "~/moderation/rules";
import { getPost } from "~/posts/posts.server";

// Removing a comment (POST): its writer (by account or guest browser token),
// the post's coach, or an admin. It leaves a tombstone that keeps its number
// and replies (docs/architecture.md §3); every part of a split comment goes together.
export async function action({ params, request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const id = /^\d{1,9}$/.test(params.id ?? "") ? Number(params.id) : null;
  const { user, headers } = await getRequestUser(request);
  const db = await getDatabase();
  const postSlug = id === null ? null : await postOfComment(db, id);
  if (id === null || !postSlug) throw new Response("There is no comment at this address.", { status: 404, headers });
  const own = await ownSubmission(db, id, {
    userId: user?.id ?? null,
    guestToken: user ? null : readGuestToken(request.headers.get("cookie")),
  });
  const post = await getPost(postSlug);
  const staff = moderatesPost(user, post?.author ?? null);
  if (!own && !staff) throw new Response("You can remove only your own comments.", { status: 403, headers });
  await removeComment(db, id);
  // A held comment had no number: back to the thread.
  const found = await locateComment(db, id);
  return redirect(`/posts/${postSlug}#${found ? anchorFor(found.number) : "comments"}`, { status: 303, headers });
}

export function loader() {
  throw new Response("Not found", { status: 404 });
}
