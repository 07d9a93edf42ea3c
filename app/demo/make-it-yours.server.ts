import { existsSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { and, eq, inArray, notExists } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import yaml from "js-yaml";
import { z } from "zod";
import type { Database } from "../../db/client";
import { commentDrafts, comments, commentSubmissions, subscriptions, users } from "../../db/schema";
import { createAccount, findAccountByEmail } from "../auth/accounts.server";
import { signUpSchema } from "../auth/forms";
import { passwordProblem } from "../auth/password-rules";
import { slugFromText } from "../import/convert/slugs";
import { findLicense } from "../licences/catalogue";
import { contentRoot as currentContentRoot } from "../posts/content-files.server";
import { listPosts } from "../posts/posts.server";
import { DEMO_AUTHOR_SLUGS, DEMO_COACH_EMAIL, DEMO_POST_SLUGS } from "./demo-content";

/**
 * "Make it your own blog" (`npm run site:init`): turns the demo site into a
 * coach's own, in one step.
 *
 * - removes the demo: the demo posts and their images, the demo author entry
 *   (./demo-content.ts), and from the database the demo discussion (every
 *   comment, submission, revision, report, subscription and kept draft on
 *   the demo posts) and the demo coach account with its sessions;
 * - sets the site's name, description (tagline) and default licence in
 *   content/site.yaml, the attribution name to the coach, and the About page
 *   to a first draft naming the site;
 * - adds the first coach: an author entry (content/authors/<slug>.yaml,
 *   linked by its account email) and a coach account (an existing account
 *   with that email is kept, and made a coach if it was a member).
 *
 * Everything is checked before anything changes; the database changes are
 * one transaction, and the files change only after it commits. Posts the
 * coach already wrote are kept. Once the demo posts are gone the demo
 * discussion is never loaded again (app/demo/demo.server.ts).
 */

/** What the command was given (plain strings, as typed). */
export interface MakeItYoursInput {
  name: string;
  description: string;
  /** A catalogue licence id, e.g. "cc-by-4.0" (app/licences/catalogue.ts). */
  license: string;
  coachEmail: string;
  coachName: string;
  /** The coach's role line on their author page, e.g. "Instructional coach"; may be empty. */
  coachRole: string;
  /** The coach account's password (checked by the site's password rules). Unused when the account exists. */
  password: string;
}

export type MakeItYoursOutcome =
  | {
      ok: true;
      removedPosts: string[];
      removedAuthors: string[];
      /** Comments (parts) removed with the demo discussion. */
      removedComments: number;
      removedAccounts: string[];
      coach: { authorSlug: string; email: string; account: "created" | "made coach" | "kept" };
    }
  | {
      ok: false;
      /** Messages by option name ("name", "license", "coach-email", …), or "site" for the site as a whole. */
      errors: Record<string, string[]>;
    };

const MAX_NAME = 100;
const MAX_DESCRIPTION = 300;

const siteSchema = z.object({
  name: z
    .string()
    .transform((value) => value.replace(/\s+/g, " ").trim())
    .refine((value) => value.length > 0, { error: "Give the site a name." })
    .refine((value) => [...new Intl.Segmenter().segment(value)].length <= MAX_NAME, {
      error: `The name can be at most ${MAX_NAME} characters.`,
    }),
  description: z
    .string()
    .transform((value) => value.replace(/\s+/g, " ").trim())
    .refine((value) => [...new Intl.Segmenter().segment(value)].length <= MAX_DESCRIPTION, {
      error: `The description can be at most ${MAX_DESCRIPTION} characters.`,
    }),
  license: z.string().refine((value) => findLicense(value) !== undefined, {
    error:
      "Unknown licence id: use one such as cc-by-4.0, cc-by-sa-4.0, cc-by-nc-sa-4.0, cc0-1.0 or all-rights-reserved.",
  }),
  coachRole: z
    .string()
    .transform((value) => value.replace(/\s+/g, " ").trim())
    .refine((value) => value.length <= MAX_NAME, { error: `The role can be at most ${MAX_NAME} characters.` }),
});

/**
 * Turns the demo into the coach's own site under the content root
 * (`CONTENT_ROOT` or the working directory: the folder holding content/ and
 * public/, as the server reads it). Refuses, changing nothing, when an input is
 * invalid (each message names its option), when a post the coach wrote is
 * by the demo author (it would lose its author), or when an author entry
 * that is not the demo's already has the new coach's slug for another email.
 * Throws only for file system or database failures.
 */
export async function makeItYours(db: Database, input: MakeItYoursInput): Promise<MakeItYoursOutcome> {
  const contentRoot = currentContentRoot();
  const errors: Record<string, string[]> = {};
  const add = (key: string, message: string) => {
    errors[key] = [...(errors[key] ?? []), message];
  };

  const site = siteSchema.safeParse(input);
  if (!site.success) for (const issue of site.error.issues) add(String(issue.path[0]), issue.message);
  const coach = signUpSchema.safeParse({
    email: input.coachEmail,
    displayName: input.coachName,
    password: input.password,
  });
  const optionOf: Record<string, string> = { email: "coach-email", displayName: "coach-name", password: "password" };
  const existing = coach.success ? await findAccountByEmail(db, coach.data.email) : null;
  if (!coach.success) {
    for (const issue of coach.error.issues)
      add(optionOf[String(issue.path[0])] ?? String(issue.path[0]), issue.message);
  }

  const authorSlug = slugFromText(coach.success ? coach.data.displayName : input.coachName);
  if (coach.success && !authorSlug)
    add("coach-name", "The name needs at least one letter or digit, for the author page's address.");
  const authorFile = path.join(contentRoot, "content/authors", `${authorSlug}.yaml`);
  if (authorSlug && !DEMO_AUTHOR_SLUGS.includes(authorSlug) && existsSync(authorFile)) {
    const entry = yaml.load(await readFile(authorFile, "utf8")) as { accountEmail?: string } | null;
    if ((entry?.accountEmail ?? "").trim().toLowerCase() !== input.coachEmail.trim().toLowerCase()) {
      add("coach-name", `An author entry content/authors/${authorSlug}.yaml already exists for someone else.`);
    }
  }
  const kept = (await listPosts()).filter(
    (post) => !DEMO_POST_SLUGS.includes(post.slug) && post.author && DEMO_AUTHOR_SLUGS.includes(post.author.slug),
  );
  if (kept.length > 0) {
    add(
      "site",
      `These posts are not demo posts but are by the demo author, and would lose their author: ${kept
        .map((post) => `content/posts/${post.slug}.md`)
        .join(", ")}. Set their author to another entry in the editor first.`,
    );
  }
  if (coach.success && existing === null) {
    const problem = input.password
      ? passwordProblem(input.password, { email: coach.data.email, displayName: coach.data.displayName })
      : "No password: set STAFFROOM_PASSWORD, or run in a terminal to be asked for one.";
    if (problem) add("password", problem);
  }
  if (!site.success || !coach.success || Object.keys(errors).length > 0) return { ok: false, errors };

  // The database first, in one transaction: a refusal or failure leaves every file as it was.
  const demoSlugs = [...DEMO_POST_SLUGS];
  const demoEmails = [DEMO_COACH_EMAIL, ...(await demoAuthorEmails(contentRoot))].filter(
    (email) => email !== coach.data.email,
  );
  const result = await db.transaction(async (tx) => {
    await tx.delete(subscriptions).where(inArray(subscriptions.postSlug, demoSlugs));
    await tx.delete(commentDrafts).where(inArray(commentDrafts.postSlug, demoSlugs));
    // Replies point at their parents (ON DELETE RESTRICT): remove the threads leaves first.
    const child = alias(comments, "child");
    let removedComments = 0;
    for (;;) {
      const leaves = await tx
        .delete(comments)
        .where(
          and(
            inArray(comments.postSlug, demoSlugs),
            notExists(tx.select({ id: child.id }).from(child).where(eq(child.parentId, comments.id))),
          ),
        )
        .returning({ id: comments.id });
      if (leaves.length === 0) break;
      removedComments += leaves.length;
    }
    await tx.delete(commentSubmissions).where(inArray(commentSubmissions.postSlug, demoSlugs));
    const accounts = demoEmails.length
      ? await tx.delete(users).where(inArray(users.email, demoEmails)).returning({ email: users.email })
      : [];
    let account: "created" | "made coach" | "kept" = "kept";
    const current = await findAccountByEmail(tx, coach.data.email);
    if (!current) {
      const created = await createAccount(tx as unknown as Database, {
        email: coach.data.email,
        displayName: coach.data.displayName,
        password: input.password,
        role: "coach",
      });
      // Checked above; only an account created meanwhile gets here. Throwing undoes the removals.
      if (!created.ok)
        throw new Error(
          `The coach account could not be created: ${Object.values(created.fieldErrors).flat().join(" ")}`,
        );
      account = "created";
    } else if (current.role === "member") {
      await tx.update(users).set({ role: "coach" }).where(eq(users.id, current.id));
      account = "made coach";
    }
    return { removedComments, accounts: accounts.map((a) => a.email), account };
  });

  // Then the files.
  const removedPosts: string[] = [];
  for (const slug of demoSlugs) {
    const file = path.join(contentRoot, "content/posts", `${slug}.md`);
    if (existsSync(file)) removedPosts.push(slug);
    await rm(file, { force: true });
    await rm(path.join(contentRoot, "public/images/posts", slug), { recursive: true, force: true });
  }
  const removedAuthors: string[] = [];
  for (const slug of DEMO_AUTHOR_SLUGS) {
    const file = path.join(contentRoot, "content/authors", `${slug}.yaml`);
    if (existsSync(file)) removedAuthors.push(slug);
    if (slug === authorSlug) continue; // rewritten below as the new coach's entry
    await rm(file, { force: true });
    await rm(path.join(contentRoot, "public/images/authors", slug), { recursive: true, force: true });
  }
  await writeFile(
    authorFile,
    yaml.dump({
      name: coach.data.displayName,
      role: site.data.coachRole,
      accountEmail: coach.data.email,
      bio: "",
      links: [],
    }),
  );
  await updateSiteFile(contentRoot, {
    title: site.data.name,
    tagline: site.data.description,
    defaultLicense: findLicense(site.data.license)!.id,
    attributionName: coach.data.displayName,
    attributionUrl: "",
  });
  await writeFile(
    path.join(contentRoot, "content/about.md"),
    `---\n${yaml.dump({ title: `About ${site.data.name}` })}---\n${site.data.description || `${site.data.name} is written by ${coach.data.displayName}.`}\n`,
  );
  return {
    ok: true,
    removedPosts,
    removedAuthors,
    removedComments: result.removedComments,
    removedAccounts: result.accounts,
    coach: { authorSlug, email: coach.data.email, account: result.account },
  };
}

/** The account emails the demo author entries link to (they may have been edited since shipping). */
async function demoAuthorEmails(contentRoot: string): Promise<string[]> {
  const emails: string[] = [];
  for (const slug of DEMO_AUTHOR_SLUGS) {
    try {
      const entry = yaml.load(await readFile(path.join(contentRoot, "content/authors", `${slug}.yaml`), "utf8")) as {
        accountEmail?: string;
      } | null;
      const email = entry?.accountEmail?.trim().toLowerCase();
      if (email) emails.push(email);
    } catch {
      // no such entry: nothing to remove
    }
  }
  return emails;
}

/** content/site.yaml with `changes` applied, every other setting kept. */
async function updateSiteFile(contentRoot: string, changes: Record<string, string>): Promise<void> {
  const file = path.join(contentRoot, "content/site.yaml");
  let current: Record<string, unknown> = {};
  try {
    current = (yaml.load(await readFile(file, "utf8")) as Record<string, unknown> | null) ?? {};
  } catch {
    // missing: the defaults apply to everything else
  }
  await writeFile(file, yaml.dump({ ...current, ...changes }));
}
