import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { locateComment, pageOfNumber } from "~/comments/numbering.server";
import { anchorFor } from "~/comments/thread";
import { commentIdSchema } from "~/comments/validation";
import { getDatabase } from "~/database.server";
import { postPagePath } from "~/discovery/paths";
import { getRequestUser } from "~/http/session.server";
import { getPostForViewer } from "~/posts/posts.server";

// A comment's stable permalink: /comments/<id> → its post, on the page of the
// thread that holds it, at its anchor (docs/architecture.md §3). A comment on
// a post readers may not see (a draft, a scheduled post) is a 404 for them.
export async function loader({ params, request }: LoaderFunctionArgs) {
  const id = commentIdSchema.safeParse(params.id);
  const found = id.success ? await locateComment(await getDatabase(), id.data) : null;
  const { user, headers } = await getRequestUser(request);
  const visible = found && (await getPostForViewer(found.postSlug, user)).kind !== "not-found";
  if (!found || !visible) throw new Response("There is no comment at this address.", { status: 404, headers });
  return redirect(postPagePath(found.postSlug, pageOfNumber(found.number), anchorFor(found.number)), { headers });
}
