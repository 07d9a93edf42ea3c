import { z } from "zod";
import { parsePageParam } from "../posts/paging";
import { parseQuery } from "./query";

/**
 * The search page's query (/search?q=…&page=n), read with zod and conform's
 * `parseWithZod(searchParams, { schema: searchQuerySchema, disableAutoCoercion: true })`
 * (automatic coercion would read an empty `page=` as no page at all).
 * Never refused: every query becomes one of parseQuery's kinds
 * (./query.ts) and every page one of parsePageParam's answers
 * (app/posts/paging.ts), which the page turns into a 200, 400 or 404.
 */

/** A parameter's first value (as `URLSearchParams.get` reads it); undefined when missing or not text. */
const firstValue = z.preprocess(
  (value) => (Array.isArray(value) ? value[0] : value),
  z.string().optional().catch(undefined),
);

export const searchQuerySchema = z.object({
  /** The query as typed (for showing back) and as parsed into words. */
  q: firstValue.transform((raw) => ({ raw: raw ?? "", parsed: parseQuery(raw) })),
  /** The page of results asked for: 1 when missing, refused (`ok: false`) when not a whole number 1–1,000,000. */
  page: firstValue.transform((raw) => parsePageParam(raw ?? null)),
});
