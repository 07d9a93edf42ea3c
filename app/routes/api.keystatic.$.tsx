import { handleLoader } from "@keystatic/remix/api";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import keystaticConfig from "../../keystatic.config";
import { requireSameOrigin } from "~/http/same-origin.server";
import { requireEditorApi } from "~/http/editor-gate.server";
import { requireKeystaticWriteAllowed } from "~/http/keystatic-write-gate.server";
import { withSessionCookies } from "~/http/session.server";

// Keystatic's reads are GETs and its one write is `POST /api/keystatic/update`
// (shared/STACK-NOTES.md). Both need a coach or admin; a write also needs
// this site's origin, a JSON body, and rights over every path it touches.
// Every answer, Keystatic's own and our refusals, carries the session cookie
// the gate refreshed, so an editor working all day stays signed in.
export async function loader(args: LoaderFunctionArgs) {
  const { headers } = await requireEditorApi(args.request);
  return withSessionCookies(await handleLoader({ config: keystaticConfig }, args), headers);
}

export async function action(args: ActionFunctionArgs) {
  requireSameOrigin(args.request);
  const { actor, headers } = await requireEditorApi(args.request);
  try {
    const contentType = args.request.headers.get("content-type") ?? "";
    if (contentType.split(";")[0].trim().toLowerCase() !== "application/json") {
      throw new Response("The editor's API takes application/json.", { status: 415 });
    }
    await requireKeystaticWriteAllowed(args.request, actor);
    return withSessionCookies(await handleLoader({ config: keystaticConfig }, args), headers);
  } catch (error) {
    if (error instanceof Response) throw withSessionCookies(error, headers);
    throw error;
  }
}
