import path from "node:path";
import { z } from "zod";

/**
 * Environment variables, parsed once at start-up so a bad setting fails
 * loudly instead of half-working. Every variable is documented in the README.
 */
const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** Folder of the embedded PGlite database (and later uploads, outbox). */
  DATA_DIR: z.string().min(1).default(".data"),
  /** postgres://… selects a PostgreSQL server instead of PGlite. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { error: "DATABASE_URL must start with postgres:// or postgresql://" })
    .optional()
    .or(z.literal("").transform(() => undefined)),
  /** Load the demo post's discussion into an empty database (default on). */
  DEMO_CONTENT: z
    .enum(["on", "off", "1", "0", "true", "false", ""])
    .optional()
    .transform((value) => !(value === "off" || value === "0" || value === "false")),
});

export type Env = z.output<typeof schema>;

let cached: Env | undefined;

/** The parsed environment. Throws an Error naming each bad variable. */
export function getEnv(): Env {
  if (cached) return cached;
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid environment:\n  ${problems.join("\n  ")}`);
  }
  cached = { ...parsed.data, DATA_DIR: path.resolve(parsed.data.DATA_DIR) };
  return cached;
}
