import { handleLoader } from "@keystatic/remix/api";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import keystaticConfig from "../../keystatic.config";
import { requireSameOrigin } from "~/http/same-origin.server";
import { requireEditorApi } from "~/http/editor-gate.server";
import { requireKeystaticWriteAllowed } from "~/http/keystatic-write-gate.server";

// Keystatic's reads are GETs and its one write is `POST /api/keystatic/update`
// (shared/STACK-NOTES.md). Both need a coach or admin; a write also needs
// this site's origin, a JSON body, and rights over every path it touches.
export async function loader(args: LoaderFunctionArgs) {
  await requireEditorApi(args.request);
  return handleLoader({ config: keystaticConfig }, args);
}

export async function action(args: ActionFunctionArgs) {
  requireSameOrigin(args.request);
  const { actor } = await requireEditorApi(args.request);
  const contentType = args.request.headers.get("content-type") ?? "";
  if (contentType.split(";")[0].trim().toLowerCase() !== "application/json") {
    throw new Response("The editor's API takes application/json.", { status: 415 });
  }
  await requireKeystaticWriteAllowed(args.request, actor);
  return handleLoader({ config: keystaticConfig }, args);
}
