import { pageQuerySchema } from "../posts/page-query";
import { firstParam } from "../site/query-params";
import { parseQuery } from "./query";

/**
 * The search page's query (/search?q=…&page=n), read with zod and conform's
 * `parseWithZod(searchParams, { schema: searchQuerySchema, disableAutoCoercion: true })`
 * (automatic coercion would read an empty `page=` as no page at all).
 * Never refused: every query becomes one of parseQuery's kinds
 * (./query.ts) and every page one of pageQuerySchema's answers
 * (app/posts/page-query.ts), which the page turns into a 200, 400 or 404.
 */

export const searchQuerySchema = pageQuerySchema.extend({
  /** The query as typed (for showing back) and as parsed into words. */
  q: firstParam.transform((raw) => ({ raw: raw ?? "", parsed: parseQuery(raw) })),
});
