import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { commentNumberExists, pageOfNumber } from "~/comments/numbering.server";
import { getDatabase } from "~/database.server";
import { anchorFor, parseCommentNumber } from "~/comments/thread";
import { postPagePath } from "~/discovery/paths";
import { getRequestUser } from "~/http/session.server";
import { getPostForViewer } from "~/posts/posts.server";

// A readable permalink by number: /posts/<slug>/comments/9.2 → the page of
// the thread holding comment 9.2, at its anchor. A post readers may not see
// (a draft, a scheduled post) has no comments for them: 404.
export async function loader({ params, request }: LoaderFunctionArgs) {
  const number = parseCommentNumber(params.number ?? "");
  const { user, headers } = await getRequestUser(request);
  const found = params.slug ? await getPostForViewer(params.slug, user) : null;
  const post = found && found.kind !== "not-found" ? found.post : null;
  if (!number || !post || !(await commentNumberExists(await getDatabase(), post.slug, number))) {
    throw new Response("There is no comment at this address.", { status: 404, headers });
  }
  return redirect(postPagePath(post.slug, pageOfNumber(number), anchorFor(number)), { headers });
}
