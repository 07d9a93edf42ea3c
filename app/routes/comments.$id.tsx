import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { locateComment, pageOfNumber } from "~/comments/numbering.server";
import { anchorFor } from "~/comments/thread";
import { commentIdSchema } from "~/comments/validation";
import { getDatabase } from "~/database.server";
import { postPagePath } from "~/discovery/paths";

// A comment's stable permalink: /comments/<id> → its post, on the page of the
// thread that holds it, at its anchor (docs/architecture.md §3).
export async function loader({ params }: LoaderFunctionArgs) {
  const id = commentIdSchema.safeParse(params.id);
  const found = id.success ? await locateComment(await getDatabase(), id.data) : null;
  if (!found) throw new Response("There is no comment at this address.", { status: 404 });
  return redirect(postPagePath(found.postSlug, pageOfNumber(found.number), anchorFor(found.number)));
}
