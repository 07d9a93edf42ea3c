import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireSameOrigin } from "~/http/same-origin.server";
import { getRequestUser } from "~/http/session.server";
import { readGuestToken } from "~/comments/guest-token.server";
import { checkRemoval, removeOwnOrModeratedComment } from "~/comments/remove-comment.server";
import { anchorFor } from "~/comments/thread";
import { commentIdSchema } from "~/comments/validation";
import { getDatabase } from "~/database.server";
import { removalQuestion } from "~/components/RemoveComment";
import { commentRemovePath, postPagePath } from "~/discovery/paths";

export const meta: MetaFunction = () => [{ title: "Remove a comment" }, { name: "robots", content: "noindex" }];

const NOT_FOUND = "There is no comment at this address.";
const FORBIDDEN = "You can remove only your own comments.";

/** Who is asking, from the request: their account, or a guest's browser token. */
async function writerOf(request: Request) {
  const { user, headers } = await getRequestUser(request);
  return {
    headers,
    writer: { account: user, guestToken: user ? null : readGuestToken(request.headers.get("cookie")) },
  };
}

// The second step of removing a comment (GET): "Remove comment 9? This
// cannot be undone." with Remove (a POST here) and Cancel (back to the
// comment). The "Remove" link under a comment comes here without
// JavaScript; with it, the same question is asked in place (CommentThread).
export async function loader({ params, request }: LoaderFunctionArgs) {
  const id = commentIdSchema.safeParse(params.id);
  const { headers, writer } = await writerOf(request);
  const check = id.success
    ? await checkRemoval(await getDatabase(), { ...writer, commentId: id.data })
    : ({ kind: "not-found" } as const);
  if (check.kind === "not-found") throw new Response(NOT_FOUND, { status: 404, headers });
  if (check.kind === "forbidden") throw new Response(FORBIDDEN, { status: 403, headers });
  const anchor = check.number === null ? `comment-held-${check.commentId}` : anchorFor(check.number);
  return json(
    {
      commentId: check.commentId,
      number: check.number,
      parts: check.parts,
      back: postPagePath(check.postSlug, check.page, anchor),
    },
    { headers },
  );
}

// Removing a comment (POST): its writer (by account or guest browser token),
// the post's coach, or an admin. It leaves a tombstone that keeps its number
// and replies (docs/architecture.md §3); every part of a split comment goes
// together. Back to the page holding it, at its tombstone.
export async function action({ params, request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const id = commentIdSchema.safeParse(params.id);
  const { headers, writer } = await writerOf(request);
  const outcome = id.success
    ? await removeOwnOrModeratedComment(await getDatabase(), { ...writer, commentId: id.data })
    : ({ kind: "not-found" } as const);
  if (outcome.kind === "not-found") throw new Response(NOT_FOUND, { status: 404, headers });
  if (outcome.kind === "forbidden") throw new Response(FORBIDDEN, { status: 403, headers });
  // A held comment had no number: back to the thread.
  const hash = outcome.number === null ? "comments" : anchorFor(outcome.number);
  return redirect(postPagePath(outcome.postSlug, outcome.page, hash), { status: 303, headers });
}

export default function RemoveComment() {
  const { commentId, number, parts, back } = useLoaderData<typeof loader>();
  return (
    <section className="narrow">
      <h1>{removalQuestion(number)}</h1>
      <p>
        This cannot be undone. {parts > 1 ? `All ${parts} parts of the comment are removed together. ` : ""}
        {number ? "Its number and any replies stay in the thread, under “This comment was removed.”" : null}
      </p>
      <form method="post" action={commentRemovePath(commentId)} className="inline-form">
        <button type="submit" className="button">
          Remove
        </button>
      </form>{" "}
      <Link to={back}>Cancel</Link>
    </section>
  );
}
