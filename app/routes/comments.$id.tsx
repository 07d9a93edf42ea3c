import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { locateComment } from "~/comments/comments.server";
import { anchorFor } from "~/comments/thread";
import { getDatabase } from "~/database.server";

// A comment's stable permalink: /comments/<id> → the post, at the comment's anchor.
export async function loader({ params }: LoaderFunctionArgs) {
  const id = /^\d{1,9}$/.test(params.id ?? "") ? Number(params.id) : null;
  const found = id === null ? null : await locateComment(await getDatabase(), id);
  if (!found) throw new Response("There is no comment at this address.", { status: 404 });
  return redirect(`/posts/${found.postSlug}#${anchorFor(found.number)}`);
}
