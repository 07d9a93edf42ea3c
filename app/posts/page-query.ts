import { z } from "zod";
import { firstParam } from "../site/query-params";
import { parsePageParam } from "./paging";

/**
 * `?page=n` of a paged list (home page, tag, archive month, search), read with
 * `parseWithZod(searchParams, { schema: pageQuerySchema, disableAutoCoercion: true })`.
 * Never refused: `page` is parsePageParam's answer (./paging.ts): page 1 when
 * missing, `ok: false` for anything but a whole number 1–1,000,000 (an empty
 * `page=` included), which the page answers with a 400 or 404.
 */
export const pageQuerySchema = z.object({
  page: firstParam.transform((raw) => parsePageParam(raw ?? null)),
});
