import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { commentNumberExists, pageOfNumber } from "~/comments/numbering.server";
import { getDatabase } from "~/database.server";
import { anchorFor, parseCommentNumber } from "~/comments/thread";
import { postPagePath } from "~/discovery/paths";
import { getPost } from "~/posts/posts.server";

// A readable permalink by number: /posts/<slug>/comments/9.2 → the page of
// the thread holding comment 9.2, at its anchor.
export async function loader({ params }: LoaderFunctionArgs) {
  const number = parseCommentNumber(params.number ?? "");
  const post = params.slug ? await getPost(params.slug) : null;
  if (!number || !post || !(await commentNumberExists(await getDatabase(), post.slug, number))) {
    throw new Response("There is no comment at this address.", { status: 404 });
  }
  return redirect(postPagePath(post.slug, pageOfNumber(number), anchorFor(number)));
}
