import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { locateComment, pageOfNumber } from "~/comments/numbering.server";
import { anchorFor } from "~/comments/thread";
import { getDatabase } from "~/database.server";

// A comment's stable permalink: /comments/<id> → its post, on the page of the
// thread that holds it, at its anchor (docs/architecture.md §3).
export async function loader({ params }: LoaderFunctionArgs) {
  const id = /^\d{1,9}$/.test(params.id ?? "") ? Number(params.id) : null;
  const found = id === null ? null : await locateComment(await getDatabase(), id);
  if (!found) throw new Response("There is no comment at this address.", { status: 404 });
  const page = pageOfNumber(found.number);
  return redirect(`/posts/${found.postSlug}${page > 1 ? `?page=${page}` : ""}#${anchorFor(found.number)}`);
}
