import type { Database } from "../../db/client";
import {
  authenticate,
  changePassword,
  deleteAccount,
  getAccount,
  normalizeEmail,
  updateProfile,
  type FieldErrors,
} from "./accounts.server";
import { sendEmailChangedNotice, sendVerificationEmail } from "./account-email.server";
import { luciaFor } from "./lucia.server";

/**
 * What a member does to their own account on the account page (/account),
 * one use-case per form (docs/architecture.md §1, §6). Plain values in, an
 * outcome out; the caller has checked who is signed in and turns the outcome
 * into a response (messages, a fresh session cookie).
 */

/**
 * The outcome of an account-page form. Refused: messages by field name
 * (`fieldErrors`) and for the whole form (`formErrors`), to show next to the
 * values the member typed.
 */
export type SettingsOutcome = { ok: true } | { ok: false; fieldErrors: FieldErrors; formErrors: string[] };

/** Splits the whole-form messages (kept under "" by accounts.server.ts) from the fields'. */
function refused(errors: FieldErrors): SettingsOutcome {
  const { "": formErrors = [], ...fieldErrors } = errors;
  return { ok: false, fieldErrors, formErrors };
}

/**
 * Saves the member's display name and email (already validated by
 * `profileSchema` in ./forms.ts). Changing the email needs the current
 * password (a session alone, say on a borrowed computer, must not be enough
 * to take the account's address and with it password resets); the new
 * address is unverified until the link queued to it is followed, and the old
 * address is told what changed and what to do if it was not them. Refused
 * when the password is missing or wrong (under `currentPassword`) or another
 * account uses the email.
 */
export async function saveProfile(
  db: Database,
  userId: string,
  input: { email: string; displayName: string; currentPassword?: string },
  now: Date = new Date(),
): Promise<SettingsOutcome> {
  const before = await getAccount(db, userId);
  if (!before) return refused({ "": ["This account no longer exists."] });
  if (normalizeEmail(input.email) !== before.email) {
    const password = input.currentPassword ?? "";
    if (password === "") {
      return refused({ currentPassword: ["Enter your current password to change your email address."] });
    }
    if (!(await authenticate(db, before.email, password))) {
      return refused({ currentPassword: ["That is not your current password."] });
    }
  }
  const result = await updateProfile(db, userId, input);
  if (!result.ok) return refused(result.fieldErrors);
  const after = result.value;
  if (before.email !== after.email) {
    await sendVerificationEmail(db, { userId: after.id, email: after.email, displayName: after.displayName });
    await sendEmailChangedNotice(db, {
      oldEmail: before.email,
      newEmail: after.email,
      displayName: after.displayName,
      changedAt: now,
    });
  }
  return { ok: true };
}

/**
 * Changes the member's password after checking the current one, then ends
 * every session of the account, this one included: whoever knew the old
 * password is out. The caller starts a new session for this browser.
 * Refused when the current password is wrong or the new one too weak.
 */
export async function changeOwnPassword(
  db: Database,
  userId: string,
  input: { currentPassword: string; newPassword: string },
): Promise<SettingsOutcome> {
  const result = await changePassword(db, userId, input.currentPassword, input.newPassword);
  if (!result.ok) return refused(result.fieldErrors);
  await luciaFor(db).invalidateUserSessions(userId);
  return { ok: true };
}

/**
 * "Sign out everywhere else": ends every session of the account, this one
 * included; the caller starts a new session for this browser. Never refused.
 */
export async function signOutEverywhere(db: Database, userId: string): Promise<SettingsOutcome> {
  await luciaFor(db).invalidateUserSessions(userId);
  return { ok: true };
}

/**
 * Deletes the member's own account after checking their password (see
 * `deleteAccount` in ./accounts.server.ts: comments stay as "Former member",
 * sessions end). Refused when the password is wrong or they are the only admin
 * (a whole-form message).
 */
export async function deleteOwnAccount(
  db: Database,
  userId: string,
  input: { currentPassword: string },
): Promise<SettingsOutcome> {
  const result = await deleteAccount(db, userId, input.currentPassword);
  return result.ok ? { ok: true } : refused(result.fieldErrors);
}
