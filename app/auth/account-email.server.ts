import type { Executor } from "../../db/client";
import { getEnv } from "../env.server";
import { enqueueEmail } from "../notifications/outbox.server";
import { getSiteSettings } from "../settings/site-settings.server";
import { absoluteUrl } from "../site/urls.server";
import { issueLink, VERIFICATION_LINK_MINUTES, type LinkPurpose } from "./email-links.server";
import { isolated } from "../site/bidi";

/**
 * The emails accounts send (README: Accounts): a password reset, an email
 * verification, a sign-in link. Each makes a single-use link
 * (./email-links.server.ts) and queues a plain-text email carrying it in the
 * outbox (app/notifications/outbox.server.ts), in the caller's transaction
 * when given one. Links point at the public origin (SITE_URL, or
 * http://localhost:PORT), as every email's links do.
 */

/** Where each kind of link leads (the path before the token). */
export const LINK_PATHS: Record<LinkPurpose, string> = {
  "password-reset": "/password-reset/",
  "email-verification": "/verify-email/",
  "sign-in": "/signin/link/",
};

/** "30 minutes", "1 hour", "7 days", "less than a minute": a link's lifetime in words. */
export function lifetimeInWords(minutes: number): string {
  if (minutes < 1) return "less than a minute";
  if (minutes % (24 * 60) === 0) return plural(minutes / (24 * 60), "day");
  if (minutes % 60 === 0) return plural(minutes / 60, "hour");
  return plural(Math.floor(minutes), "minute");
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? "" : "s"}`;
}

/** The account an email goes to. */
export interface Recipient {
  userId: string;
  email: string;
  displayName: string;
}

/** How long reset and sign-in links work: EMAIL_LINK_MINUTES (default 30). */
export function shortLinkMinutes(): number {
  return getEnv().EMAIL_LINK_MINUTES;
}

/** Queues the password-reset email: a link to choose a new password, working once for EMAIL_LINK_MINUTES. */
export async function sendPasswordResetEmail(db: Executor, to: Recipient): Promise<void> {
  const minutes = shortLinkMinutes();
  const url = await linkFor(db, "password-reset", to, minutes);
  const site = (await getSiteSettings()).title;
  await enqueueEmail(db, {
    to: to.email,
    subject: `Reset your password for ${site}`,
    text: [
      `Hello ${isolated(to.displayName)},`,
      "",
      `Someone (we hope you) asked to reset the password of your account on ${site}.`,
      `Choose a new password here. The link works once, for ${lifetimeInWords(minutes)}:`,
      "",
      url,
      "",
      "Choosing a new password signs your account out everywhere.",
      "If you did not ask for this, ignore this email: your password stays as it is.",
      "",
      `— ${site}`,
    ].join("\n"),
  });
}

/** Queues the verification email: a link that confirms the address, working once for 7 days. */
export async function sendVerificationEmail(db: Executor, to: Recipient): Promise<void> {
  const url = await linkFor(db, "email-verification", to, VERIFICATION_LINK_MINUTES);
  const site = (await getSiteSettings()).title;
  await enqueueEmail(db, {
    to: to.email,
    subject: `Confirm your email address for ${site}`,
    text: [
      `Hello ${isolated(to.displayName)},`,
      "",
      `Please confirm that ${to.email} is your address on ${site}.`,
      "Until you do, your comments wait for a moderator, as a new guest's do.",
      `The link works once, for ${lifetimeInWords(VERIFICATION_LINK_MINUTES)}:`,
      "",
      url,
      "",
      "If you did not make an account, ignore this email.",
      "",
      `— ${site}`,
    ].join("\n"),
  });
}

/**
 * Queues the sign-in link email: a link that signs the account in, working
 * once for EMAIL_LINK_MINUTES, and then goes to `redirectTo` (a path on
 * this site, checked again when the link is used).
 */
export async function sendSignInLinkEmail(db: Executor, to: Recipient, redirectTo: string): Promise<void> {
  const minutes = shortLinkMinutes();
  let url = await linkFor(db, "sign-in", to, minutes);
  if (redirectTo !== "/") url += `?${new URLSearchParams({ redirectTo })}`;
  const site = (await getSiteSettings()).title;
  await enqueueEmail(db, {
    to: to.email,
    subject: `Your sign-in link for ${site}`,
    text: [
      `Hello ${isolated(to.displayName)},`,
      "",
      `Sign in to ${site} with this link. It works once, for ${lifetimeInWords(minutes)}:`,
      "",
      url,
      "",
      "If you did not ask for it, ignore this email: nobody can sign in without the link.",
      "",
      `— ${site}`,
    ].join("\n"),
  });
}

/**
 * Queues the notice to an account's old address after its email was changed
 * (at `changedAt`, UTC): what changed, and what to do if it was not them.
 * It carries no link that acts on the account: the old address no longer
 * signs in, so the way back is the password (still theirs unless changed)
 * or the site's admins.
 */
export async function sendEmailChangedNotice(
  db: Executor,
  notice: { oldEmail: string; newEmail: string; displayName: string; changedAt: Date },
): Promise<void> {
  const site = (await getSiteSettings()).title;
  await enqueueEmail(db, {
    to: notice.oldEmail,
    subject: `The email address of your account on ${site} was changed`,
    text: [
      `Hello ${notice.displayName},`,
      "",
      `The email address of your account on ${site} was changed on ${notice.changedAt.toISOString().replace("T", " ").slice(0, 16)} UTC,`,
      `from ${notice.oldEmail} to ${notice.newEmail}. Emails about the account now go to the new address,`,
      "and this address no longer signs in to it.",
      "",
      "If you made this change, there is nothing more to do.",
      "",
      "If you did not, someone else knows your password. Sign in with it now at",
      absoluteUrl("/signin"),
      'using the new address above, put your own address back under "Name and email", choose a new',
      'password and press "Sign out everywhere else". If that no longer works, ask the site\'s admins',
      "for help, and forward them this email.",
      "",
      `— ${site}`,
    ].join("\n"),
  });
}

async function linkFor(db: Executor, purpose: LinkPurpose, to: Recipient, minutes: number): Promise<string> {
  const token = await issueLink(db, { purpose, userId: to.userId, email: to.email, minutes });
  return absoluteUrl(`${LINK_PATHS[purpose]}${token}`);
}

/**
 * Runs `work` after the current answer has been formed (on a later turn of
 * the event loop) and never rejects: a failure is logged as
 * "`what`: message". Requests whose answer must not tell whether an address
 * has an account (a reset or sign-in link asked for) do the lookup and the
 * email here, so the answer takes the same steps and time either way.
 * @returns a promise that settles when the work is done (tests wait on it; routes do not).
 */
export function afterAnswer(what: string, work: () => Promise<void>): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve)).then(work).catch((error: unknown) => {
    console.error(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  });
}
