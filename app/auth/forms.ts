import { z } from "zod";
import { countCharacters, isBlank, normalizeText } from "../comments/characters";
import { PASSWORD_MAX_LENGTH } from "./password-rules";
import { firstParam } from "../site/query-params";
import { safeRedirect } from "./redirect";

/**
 * Schemas of the account forms, shared by the browser (conform) and the
 * actions. Password strength is judged on the server (password.server.ts)
 * because it needs the account's email and name.
 */

const DISPLAY_NAME_MAX = 60;

const email = z
  .string({ error: "Enter your email address." })
  .trim()
  .max(254, { error: "That email address is too long." })
  .pipe(z.email({ error: "Enter an email address like name@example.org." }))
  .transform((value) => value.toLowerCase());

const displayName = z
  .string({ error: "Enter the name to show with your comments." })
  .transform((value) => normalizeText(value).replace(/\s+/g, " ").trim())
  .refine((value) => !isBlank(value), { error: "Enter the name to show with your comments." })
  .refine((value) => countCharacters(value) <= DISPLAY_NAME_MAX, {
    error: `Names can be at most ${DISPLAY_NAME_MAX} characters.`,
  });

const password = z
  .string({ error: "Enter a password." })
  .max(PASSWORD_MAX_LENGTH * 4, { error: `Use at most ${PASSWORD_MAX_LENGTH} characters.` });

const redirectTo = z.string().optional();

export const signUpSchema = z.object({ email, displayName, password, redirectTo });
export const signInSchema = z.object({
  email,
  password: z.string({ error: "Enter your password." }).max(PASSWORD_MAX_LENGTH * 4),
  redirectTo,
});
/** Name and email; the current password is needed only when the email changes (checked on the server). */
export const profileSchema = z.object({
  intent: z.literal("profile"),
  email,
  displayName,
  currentPassword: z
    .string()
    .max(PASSWORD_MAX_LENGTH * 4)
    .optional(),
});
export const changePasswordSchema = z.object({
  intent: z.literal("password"),
  currentPassword: z.string({ error: "Enter your current password." }),
  newPassword: password,
});
export const deleteAccountSchema = z.object({
  intent: z.literal("delete"),
  currentPassword: z.string({ error: "Enter your password to confirm." }),
});
/** "Sign out everywhere else": no fields but the intent. */
export const signOutEverywhereSchema = z.object({ intent: z.literal("signout-everywhere") });
/** "Send the verification email again": no fields but the intent. */
export const resendVerificationSchema = z.object({ intent: z.literal("resend-verification") });

/** "Forgot your password?" (/password-reset): the address to send a reset link to. */
export const passwordResetRequestSchema = z.object({ email });
/** The new password chosen through a reset link (/password-reset/<token>); its strength is judged on the server. */
export const newPasswordSchema = z.object({ password });
/** "Email me a sign-in link" (/signin/link): the address, and where to go after signing in. */
export const signInLinkRequestSchema = z.object({ email, redirectTo });

/** What the account page's forms can ask for; each form posts its own `intent`. */
export type AccountIntent = z.infer<typeof accountSettingsSchema>["intent"];

/**
 * Every form of the account page (/account), told apart by the hidden
 * `intent` field. A missing or unknown intent is refused on `intent` with a
 * message rather than treated as one of the forms.
 */
export const accountSettingsSchema = z.discriminatedUnion(
  "intent",
  [profileSchema, changePasswordSchema, deleteAccountSchema, signOutEverywhereSchema, resendVerificationSchema],
  { error: "That form is not one this page has. Reload the page and try again." },
);

/** The admins' role form (/admin/accounts): which account, and its new role. */
export const roleSchema = z.object({
  userId: z.string({ error: "Choose an account." }).min(1).max(64),
  role: z.enum(["member", "coach", "admin"], { error: "Choose member, coach or admin." }),
});

/**
 * The query of the sign-in and sign-up pages (`/signin?redirectTo=<path>&expired=1`,
 * built by `signinPath` in app/discovery/paths.ts). Never refused: a
 * `redirectTo` that is not a path on this site becomes "/" (./redirect.ts),
 * and `expired` is true only for "1".
 */
export const signInQuerySchema = z.object({
  redirectTo: firstParam.transform((value) => safeRedirect(value)),
  expired: firstParam.transform((value) => value === "1"),
});
