import { makePage } from "@keystatic/remix/ui";
import { json, type LoaderFunctionArgs } from "@remix-run/node";
import keystaticConfig from "../../keystatic.config";
import { requireEditorPage } from "~/http/editor-gate.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { headers } = await requireEditorPage(request);
  return json(null, { headers });
}

export default makePage(keystaticConfig);
