import { z } from "zod";
import { countCharacters, formatCount, isBlank, normalizeText } from "./characters";
import { nestingProblem } from "./markdown-nesting";
import { splitComment } from "./split";

/** The site settings that decide what a comment form accepts. */
export interface CommentRules {
  /** Characters (grapheme clusters) per part; the site's comment limit. */
  limit: number;
  /** Most parts one submission may be split into. */
  maxParts: number;
  allowAnonymous: boolean;
}

/**
 * The comment rules a site's settings give (its per-part limit in
 * characters, most parts, and whether anonymous comments are allowed).
 */
export function commentRulesOf(settings: {
  commentMaxChars: number;
  commentMaxParts: number;
  allowAnonymous: boolean;
}): CommentRules {
  return {
    limit: settings.commentMaxChars,
    maxParts: settings.commentMaxParts,
    allowAnonymous: settings.allowAnonymous,
  };
}

/** The message for a body that shows nothing: empty, white space, or (judged on the server after rendering) invisible. */
export const BLANK_BODY_MESSAGE = "Write a comment before posting.";

const NAME_MAX_CHARACTERS = 80;
const EMAIL_MAX_LENGTH = 254; // RFC 5321 §4.5.3.1.3 path limit
const WEBSITE_MAX_LENGTH = 2000;

/**
 * Normalizes a website as people type it: "example.org/me" becomes
 * "https://example.org/me". Returns null when it is not an http(s) URL with a
 * dotted host name (or localhost), so the form can say so.
 */
export function normalizeWebsite(input: string): string | null {
  const trimmed = input.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  if (url.username || url.password) return null;
  if (!url.hostname.includes(".") && url.hostname !== "localhost") return null;
  return url.href;
}

/** A single-line field: control characters and surrounding white space removed. */
function cleanLine(value: string): string {
  return normalizeText(value).replace(/\s+/g, " ").trim();
}

/**
 * The comment form's schema, used by the browser (conform), the route action
 * and the comment service alike. Field names: `parentId` (optional, the
 * comment replied to), `anonymous` (checkbox), `name`, `email`, `website`,
 * `body`. Parsed output: body normalized (NFC, `\n`, control characters
 * stripped; docs/architecture.md §4), website with a scheme, name and email trimmed.
 * Messages are written for the person at the form. With `signedIn`, the
 * name comes from the account, so the guest fields are not required.
 */
export function commentFormSchema(rules: CommentRules, options: { signedIn?: boolean } = {}) {
  return z
    .object({
      parentId: z.coerce
        .number({ error: "That comment cannot be replied to." })
        .int({ error: "That comment cannot be replied to." })
        .positive({ error: "That comment cannot be replied to." })
        .max(2_147_483_647, { error: "That comment cannot be replied to." })
        .optional(),
      anonymous: z.boolean().optional(),
      /** "Email me replies to my comment". */
      notify: z.boolean().optional(),
      name: z
        .string()
        .transform(cleanLine)
        .refine((name) => countCharacters(name) <= NAME_MAX_CHARACTERS, {
          error: `Names can be at most ${NAME_MAX_CHARACTERS} characters.`,
        })
        .optional(),
      email: z
        .string()
        .trim()
        .max(EMAIL_MAX_LENGTH, { error: "That email address is too long." })
        .pipe(z.email({ error: "Enter an email address like name@example.org, or leave it empty." }))
        .optional(),
      website: z
        .string()
        .max(WEBSITE_MAX_LENGTH, { error: "That web address is too long." })
        .transform((value, ctx) => {
          const url = normalizeWebsite(value);
          if (url === null) {
            ctx.addIssue({
              code: "custom",
              message: "Enter a web address like https://example.org, or leave it empty.",
            });
            return z.NEVER;
          }
          return url;
        })
        .optional(),
      body: z
        .string({ error: BLANK_BODY_MESSAGE })
        .transform(normalizeText)
        .refine((body) => !isBlank(body), { error: BLANK_BODY_MESSAGE })
        .superRefine((body, ctx) => {
          // Before anything parses it: text nested thousands of levels deep would overflow marked's stack.
          const tooDeep = nestingProblem(body);
          if (tooDeep !== null) {
            ctx.addIssue({ code: "custom", message: tooDeep });
            return;
          }
          const plan = splitComment(body, { limit: rules.limit, maxParts: rules.maxParts });
          if (!plan.ok) {
            ctx.addIssue({ code: "custom", message: plan.message });
          }
        }),
    })
    .superRefine(
      (value, ctx) => {
        if (options.signedIn) return;
        const anonymous = value.anonymous === true;
        if (anonymous && !rules.allowAnonymous) {
          ctx.addIssue({
            code: "custom",
            path: ["anonymous"],
            message: "This site does not accept anonymous comments. Please give your name.",
          });
        }
        if (value.notify === true && !value.email) {
          ctx.addIssue({
            code: "custom",
            path: ["email"],
            message: "Enter your email address to be told of replies (it is never shown).",
          });
        }
        const name = typeof value.name === "string" ? value.name : "";
        if (!anonymous && isBlank(name)) {
          ctx.addIssue({
            code: "custom",
            path: ["name"],
            message: rules.allowAnonymous ? "Enter your name, or tick “Post anonymously”." : "Enter your name.",
          });
        }
      },
      // Also when another field is wrong, so every problem shows in one go.
      { when: () => true },
    );
}

export type CommentFormValue = z.output<ReturnType<typeof commentFormSchema>>;

/** A comment id as addresses carry it (`/comments/<id>`): 1 to 9 digits; anything else names no comment. */
export const commentIdSchema = z
  .string()
  .regex(/^\d{1,9}$/)
  .transform(Number);
