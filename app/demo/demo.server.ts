import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Executor } from "../../db/client";
import { randomBytes } from "node:crypto";
import { createAccount, findAccountByEmail, setPasswordByOperator } from "../auth/accounts.server";
import { passwordProblem } from "../auth/password-rules";
import { commentIdentityFor, submitComment } from "../comments/submission.server";
import { hasAnyComment } from "../comments/thread-read.server";
import { findLicenseByUrl } from "../licences/catalogue";
import { resolveCommentLicense } from "../licences/metadata";
import { commentRulesOf, type CommentFormValue } from "../comments/validation";
import { getPost } from "../posts/posts.server";
import { getSiteSettings } from "../settings/site-settings.server";

/** The shape of `db/demo/coach-post-thread.json` that the loader reads. */
interface DemoFixture {
  site: { licence: { url: string } };
  post: { slug: string };
  comments: {
    id: string;
    parent: string | null;
    author: { kind: "guest" | "anonymous" | "author"; name?: string; url?: string };
    /** ISO-8601 with offset; stored as UTC. */
    at: string;
    body: string;
  }[];
}

const DEMO_FIXTURE_PATH = path.resolve(process.cwd(), "db/demo/coach-post-thread.json");

/**
 * Loads the demo discussion into an empty database: every submission of the
 * fixture, in order, through the same comment service the web form uses, so
 * the product itself splits the long reply. The author's replies are posted
 * by the coach account linked to the author entry (its `accountEmail`), which
 * is created when missing with the password in DEMO_COACH_PASSWORD, or an
 * unguessable one. Does nothing when any comment exists, or when the
 * fixture's post is not in `content/` (the site was made the coach's own with
 * `npm run site:init`, or the demo post deleted). Returns the number of
 * comments stored. Throws if a submission is refused (a broken fixture).
 */
export async function loadDemoContent(db: Executor, fixturePath = DEMO_FIXTURE_PATH): Promise<number> {
  if (await hasAnyComment(db)) return 0;
  // All or nothing: a half-loaded demo would never be completed, since
  // loading only happens while the database has no comment.
  return db.transaction((tx) => loadAll(tx, fixturePath));
}

async function loadAll(db: Executor, fixturePath: string): Promise<number> {
  const fixture = JSON.parse(await readFile(fixturePath, "utf8")) as DemoFixture;
  const [site, post] = await Promise.all([getSiteSettings(), getPost(fixture.post.slug)]);
  // No demo post, no demo discussion: the site is no longer the demo (npm run site:init removed it).
  if (!post) return 0;
  const rules = commentRulesOf(site);
  const authorName = post.author?.name ?? site.attributionName;
  const authorIdentity = commentIdentityFor(
    await demoCoach(db, post.author?.accountEmail ?? null, authorName),
    post.author,
  );
  if (authorIdentity.kind !== "post-author") {
    throw new Error(`Demo author ${post.author?.slug} needs an accountEmail to reply as the author`);
  }
  // The demo discussion was written under the site's licence (the fixture's
  // site.licence): its comments keep that one, whatever the setting becomes.
  const demoLicense =
    findLicenseByUrl(fixture.site.licence.url) ?? resolveCommentLicense(site.commentLicense, site.defaultLicense);
  const idOf = new Map<string, number>();
  let stored = 0;
  for (const item of fixture.comments) {
    const value: CommentFormValue = {
      parentId: item.parent ? idOf.get(item.parent) : undefined,
      anonymous: item.author.kind === "anonymous" ? true : undefined,
      name: item.author.kind === "guest" ? item.author.name : item.author.kind === "author" ? authorName : undefined,
      website: item.author.url,
      body: item.body,
    };
    const result = await submitComment(db, { slug: post.slug, commentsOpen: true }, rules, value, {
      identity: item.author.kind === "author" ? authorIdentity : { kind: "guest-form" },
      at: new Date(item.at),
      license: demoLicense.id,
    });
    if (!result.ok) {
      throw new Error(`Demo comment ${item.id} was refused: ${JSON.stringify(result.fieldErrors)}`);
    }
    idOf.set(item.id, result.comments[0].id);
    stored += result.comments.length;
  }
  return stored;
}

/** The coach account linked to the demo author, created when missing. */
async function demoCoach(db: Executor, email: string | null, name: string) {
  if (!email) return null;
  const existing = await findAccountByEmail(db, email);
  if (existing) return existing;
  const created = await createAccount(db, {
    email,
    displayName: name,
    password: process.env.DEMO_COACH_PASSWORD || randomBytes(24).toString("base64url"),
    role: "coach",
  });
  if (!created.ok) {
    throw new Error(
      `Could not create the demo coach account (check DEMO_COACH_PASSWORD): ${Object.values(created.fieldErrors).flat().join(" ")}`,
    );
  }
  return created.value;
}

/**
 * The demo coach account as the demo content defines it: the email and name
 * of the demo post's author entry (its `accountEmail`), or null when the post
 * or the email is missing. Reads `content/` and the fixture.
 */
async function demoCoachEntry(fixturePath: string): Promise<{ email: string; name: string } | null> {
  const fixture = JSON.parse(await readFile(fixturePath, "utf8")) as DemoFixture;
  const post = await getPost(fixture.post.slug);
  const email = post?.author?.accountEmail?.trim();
  return email ? { email, name: post?.author?.name ?? email } : null;
}

/**
 * Why `password` (DEMO_COACH_PASSWORD) cannot be the demo coach account's
 * password under the password rules (app/auth/password-rules.ts, which also
 * refuse one built from the account's email or name), as a sentence naming
 * the variable; null when it can, or when there is no demo coach.
 */
export async function demoCoachPasswordProblem(
  password: string,
  fixturePath = DEMO_FIXTURE_PATH,
): Promise<string | null> {
  const coach = await demoCoachEntry(fixturePath);
  if (!coach) return null;
  const problem = passwordProblem(password, { email: coach.email, displayName: coach.name });
  return problem ? `DEMO_COACH_PASSWORD is refused for the demo coach account (${coach.email}): ${problem}` : null;
}

/**
 * Makes DEMO_COACH_PASSWORD the demo coach account's password when the
 * account exists (it is created with it when the demo loads; set later, it is
 * applied at the next start, ending that account's sessions).
 *
 * @returns one line for the server's log saying what happened and, when
 *   nothing could be applied, why: no demo coach in the content, no such
 *   account in this database, or the password rules' refusal.
 */
export async function applyDemoCoachPassword(
  db: Executor,
  password: string,
  fixturePath = DEMO_FIXTURE_PATH,
): Promise<string> {
  const coach = await demoCoachEntry(fixturePath);
  if (!coach)
    return "DEMO_COACH_PASSWORD is set, but the demo post's author has no account email: nothing to apply it to.";
  const account = await findAccountByEmail(db, coach.email);
  if (!account) {
    return `DEMO_COACH_PASSWORD is set, but there is no demo coach account (${coach.email}) in this database: the demo discussion was not loaded into it.`;
  }
  const result = await setPasswordByOperator(db, account.id, password);
  if (!result.ok) {
    return `DEMO_COACH_PASSWORD was not applied to ${coach.email}: ${Object.values(result.fieldErrors).flat().join(" ")}`;
  }
  return result.value === "changed"
    ? `DEMO_COACH_PASSWORD applied: ${coach.email} now signs in with it (its sessions were ended).`
    : `DEMO_COACH_PASSWORD is the password of ${coach.email}.`;
}
