// `npm run site:init -- --name … --description … --license … --coach-email … --coach-name …`:
// "make it your own blog". Removes the demo (posts, author, discussion, demo
// coach account) and sets the site's name, description and default licence
// and its first coach (author entry and coach account); see
// app/demo/make-it-yours.server.ts. The coach's password comes from
// STAFFROOM_PASSWORD or a prompt, never a flag. With the embedded database,
// stop the server first: a PGlite folder opens in one process at a time.
import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import { parseArgs } from "node:util";
import { openSiteDatabase } from "./site-database";
import { findAccountByEmail } from "../app/auth/accounts.server";
import { makeItYours } from "../app/demo/make-it-yours.server";

const usage = [
  "Usage: npm run site:init -- --name NAME --license ID --coach-email EMAIL --coach-name NAME",
  "                            [--description TEXT] [--coach-role TEXT]",
  '  --name          the site\'s name (its title), e.g. "Coaching Notes"',
  "  --description   one line under the name (the tagline, and the home page's description)",
  "  --license       the posts' default licence: a catalogue id such as cc-by-4.0, cc-by-sa-4.0,",
  "                  cc-by-nc-sa-4.0, cc0-1.0 or all-rights-reserved",
  "  --coach-email   the first coach's account email   --coach-name  their name as readers see it",
  '  --coach-role    their role on their author page, e.g. "Instructional coach"',
  "The coach's password is read from STAFFROOM_PASSWORD, or asked for (not needed when the account exists).",
].join("\n");

const REQUIRED = ["name", "license", "coach-email", "coach-name"] as const;

async function promptPassword(): Promise<string> {
  if (!process.stdin.isTTY) return "";
  let muted = false;
  const output = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) process.stdout.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  const ask = (question: string) =>
    new Promise<string>((resolve) => {
      process.stdout.write(question);
      muted = true;
      rl.question("", (answer) => {
        muted = false;
        process.stdout.write("\n");
        resolve(answer);
      });
    });
  const first = await ask("Password for the coach account: ");
  const second = await ask("Password again: ");
  rl.close();
  if (first !== second) throw new Error("The two passwords differ.");
  return first;
}

async function main(): Promise<number> {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        name: { type: "string" },
        description: { type: "string", default: "" },
        license: { type: "string" },
        "coach-email": { type: "string" },
        "coach-name": { type: "string" },
        "coach-role": { type: "string", default: "" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  const missing = REQUIRED.filter((option) => !values[option]);
  if (missing.length > 0) {
    console.error(`Missing ${missing.map((option) => `--${option}`).join(", ")}.\n\n${usage}`);
    return 2;
  }
  const handle = await openSiteDatabase();
  try {
    await handle.migrate();
    const exists = (await findAccountByEmail(handle.db, values["coach-email"]!.trim().toLowerCase())) !== null;
    const password = exists ? "" : process.env.STAFFROOM_PASSWORD || (await promptPassword());
    const outcome = await makeItYours(handle.db, {
      name: values.name!,
      description: values.description ?? "",
      license: values.license!,
      coachEmail: values["coach-email"]!,
      coachName: values["coach-name"]!,
      coachRole: values["coach-role"] ?? "",
      password,
    });
    if (!outcome.ok) {
      console.error("Nothing was changed:");
      for (const [option, messages] of Object.entries(outcome.errors)) {
        for (const message of messages) console.error(option === "site" ? `  ${message}` : `  --${option}: ${message}`);
      }
      return 1;
    }
    const list = (items: string[]) => (items.length ? items.join(", ") : "none");
    console.log(`Removed the demo posts: ${list(outcome.removedPosts)}.`);
    console.log(`Removed the demo authors: ${list(outcome.removedAuthors)}.`);
    console.log(`Removed the demo discussion: ${outcome.removedComments} comments.`);
    console.log(`Removed the demo accounts: ${list(outcome.removedAccounts)}.`);
    console.log(`Set the site's name to "${values.name!.trim()}" and its default licence to ${values.license}.`);
    const account = { created: "created", "made coach": "made a coach", kept: "kept as it was" }[outcome.coach.account];
    console.log(
      `First coach: content/authors/${outcome.coach.authorSlug}.yaml, account ${outcome.coach.email} ${account}.`,
    );
    console.log("Start the site with npm start, sign in as the coach and write your first post in the editor.");
    return 0;
  } finally {
    await handle.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error((error as Error).message);
    process.exit(1);
  },
);
