import { makePage } from "@keystatic/remix/ui";
import keystaticConfig from "../../keystatic.config";
import { requireEditorOpen } from "~/editor/access.server";

export function loader() {
  requireEditorOpen();
  return null;
}

export default makePage(keystaticConfig);
