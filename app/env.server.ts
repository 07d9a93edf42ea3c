import path from "node:path";
import { z } from "zod";

/**
 * Environment variables, parsed once at start-up so a bad setting stops the
 * server with a message naming it instead of half-working. Every variable is
 * documented in the README.
 */
const onOff = (name: string, defaultValue: boolean) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      const v = (value ?? "").trim().toLowerCase();
      if (v === "") return defaultValue;
      if (["1", "true", "yes", "on"].includes(v)) return true;
      if (["0", "false", "no", "off"].includes(v)) return false;
      ctx.addIssue({ code: "custom", message: `${name} must be on or off (or true/false, yes/no, 1/0)` });
      return z.NEVER;
    });

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce
    .number({ error: "PORT must be a port number" })
    .int({ error: "PORT must be a whole number" })
    .min(1, { error: "PORT must be between 1 and 65535" })
    .max(65535, { error: "PORT must be between 1 and 65535" })
    .default(3000),
  /** Address to listen on; unset listens on every interface. */
  HOST: z.string().optional(),
  /** Comma-separated proxies whose X-Forwarded-* headers are believed (express `trust proxy` values). */
  TRUSTED_PROXIES: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const list = (value ?? "")
        .split(",")
        .map((part) => part.trim())
        .filter(Boolean);
      const valid = /^(loopback|linklocal|uniquelocal|[0-9a-f.:]+(\/\d{1,3})?)$/i;
      for (const entry of list) {
        if (!valid.test(entry)) {
          ctx.addIssue({
            code: "custom",
            message: `TRUSTED_PROXIES: "${entry}" is not an address, subnet, loopback, linklocal or uniquelocal`,
          });
        }
      }
      return list;
    }),
  /** Folder of the embedded PGlite database. */
  DATA_DIR: z.string().min(1).default(".data"),
  /** postgres://… selects a PostgreSQL server instead of PGlite. */
  DATABASE_URL: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (!value) return undefined;
      if (!/^postgres(ql)?:\/\//.test(value)) {
        ctx.addIssue({ code: "custom", message: "DATABASE_URL must start with postgres:// or postgresql://" });
        return z.NEVER;
      }
      return value;
    }),
  /** Key for signed cookies and form fields; unset: generated once into DATA_DIR/secret.key. */
  SESSION_SECRET: z
    .string()
    .optional()
    .refine((value) => !value || value.length >= 32, { error: "SESSION_SECRET must be at least 32 characters" }),
  /** Comments sent sooner than this many seconds after the form appeared are held (0: off). */
  COMMENT_MIN_SECONDS: z.coerce
    .number({ error: "COMMENT_MIN_SECONDS must be a number of seconds" })
    .min(0)
    .max(600)
    .default(3),
  /** Comments allowed per client address, and per account, in 10 minutes. */
  COMMENT_RATE_LIMIT: z.coerce
    .number({ error: "COMMENT_RATE_LIMIT must be a whole number" })
    .int()
    .min(1)
    .max(100000)
    .default(20),
  /**
   * How long a password-reset or sign-in link sent by email works, in minutes
   * (fractions allowed; at most a day). Verification links work for 7 days.
   */
  EMAIL_LINK_MINUTES: z.coerce
    .number({ error: "EMAIL_LINK_MINUTES must be a number of minutes" })
    .positive({ error: "EMAIL_LINK_MINUTES must be more than 0" })
    .max(24 * 60, { error: "EMAIL_LINK_MINUTES must be at most 1440 (a day)" })
    .default(30),
  /** Load the demo post's discussion into an empty database (default on). */
  DEMO_CONTENT: onOff("DEMO_CONTENT", true),
  /**
   * Outgoing mail server, smtp://user:pass@host:587 (STARTTLS when offered) or
   * smtps://…:465; unset writes each message as an .eml file under DATA_DIR/outbox.
   */
  SMTP_URL: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (!value) return undefined;
      if (!/^smtps?:\/\/[^/?#\s]+/.test(value)) {
        ctx.addIssue({
          code: "custom",
          message: "SMTP_URL must look like smtp://user:pass@host:587 or smtps://user:pass@host:465",
        });
        return z.NEVER;
      }
      return value;
    }),
  /** Sender of notification emails (RFC 5322 mailbox), e.g. `Staffroom <no-reply@example.org>`. */
  MAIL_FROM: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const v = (value ?? "").trim();
      if (v === "") return "Staffroom <no-reply@localhost>";
      if (/[\r\n]/.test(v) || !/^[^@\s<>]+@[^@\s<>]+$|<[^@\s<>]+@[^@\s<>]+>$/.test(v)) {
        ctx.addIssue({
          code: "custom",
          message: "MAIL_FROM must be an address, e.g. no-reply@example.org or Staffroom <no-reply@example.org>",
        });
        return z.NEVER;
      }
      return v;
    }),
  /** The site's public address for links in emails (no trailing slash); unset: http://localhost:PORT. */
  SITE_URL: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (!value) return undefined;
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        url = new URL("invalid:");
      }
      // The site is served at the root of its origin: a path (or credentials) would be kept in
      // email links but dropped everywhere else, so it is refused rather than half-used.
      if (
        (url.protocol !== "http:" && url.protocol !== "https:") ||
        url.search ||
        url.hash ||
        url.username ||
        url.password ||
        url.pathname !== "/"
      ) {
        ctx.addIssue({
          code: "custom",
          message: "SITE_URL must be the site's http(s) origin with no path, such as https://staffroom.example.org",
        });
        return z.NEVER;
      }
      return url.href.replace(/\/+$/, "");
    }),
});

export type Env = z.output<typeof schema>;

let cached: Env | undefined;

/** The parsed environment. Throws an Error naming each bad variable. */
export function getEnv(): Env {
  if (cached) return cached;
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${String(issue.path[0] ?? "")}: ${issue.message}`);
    throw new Error(`Invalid environment:\n  ${problems.join("\n  ")}`);
  }
  cached = { ...parsed.data, DATA_DIR: path.resolve(parsed.data.DATA_DIR) };
  return cached;
}
