import { handleLoader } from "@keystatic/remix/api";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import keystaticConfig from "../../keystatic.config";
import { requireEditorOpen } from "~/editor/access.server";
import { requireSameOrigin } from "~/auth/request.server";

// Keystatic's reads are GETs and its saves are `POST /api/keystatic/update`:
// both pass the same gate (shared/STACK-NOTES.md).
export function loader(args: LoaderFunctionArgs) {
  requireEditorOpen();
  return handleLoader({ config: keystaticConfig }, args);
}

export function action(args: ActionFunctionArgs) {
  requireEditorOpen();
  requireSameOrigin(args.request);
  return handleLoader({ config: keystaticConfig }, args);
}
