import { z } from "zod";

/**
 * A query parameter's first value, as `URLSearchParams.get` reads it: conform's
 * `parseWithZod` gives an array for a repeated parameter and an object for
 * `name.key=`, and a page must still answer. Undefined when missing or not text.
 * Use with `disableAutoCoercion: true`, so an empty value stays "" rather than missing.
 */
export const firstParam = z.preprocess(
  (value) => (Array.isArray(value) ? value[0] : value),
  z.string().optional().catch(undefined),
);
