// `npm run user:create -- --email … --name … --role admin`: creates an account
// from the command line, typically the first admin. The password comes from
// STAFFROOM_PASSWORD or a prompt, never from a flag (flags end up in shell
// history). With the embedded database, stop the server first: a PGlite
// folder can be opened by one process at a time.
import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import { parseArgs } from "node:util";
import { openSiteDatabase } from "./site-database";
import { createAccount } from "../app/auth/accounts.server";
import { signUpSchema } from "../app/auth/forms";

const usage = 'Usage: npm run user:create -- --email you@example.org --name "Your Name" [--role member|coach|admin]';

async function promptPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    throw new Error("No password: set STAFFROOM_PASSWORD, or run in a terminal to be asked for one.");
  }
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
  const first = await ask("Password: ");
  const second = await ask("Password again: ");
  rl.close();
  if (first !== second) throw new Error("The two passwords differ.");
  return first;
}

async function main(): Promise<number> {
  let values: { email?: string; name?: string; role?: string };
  try {
    ({ values } = parseArgs({
      options: { email: { type: "string" }, name: { type: "string" }, role: { type: "string", default: "member" } },
      strict: true,
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  if (!values.email || !values.name) {
    console.error(usage);
    return 2;
  }
  if (!["member", "coach", "admin"].includes(values.role!)) {
    console.error(`--role must be member, coach or admin.\n${usage}`);
    return 2;
  }
  const password = process.env.STAFFROOM_PASSWORD || (await promptPassword());
  const parsed = signUpSchema.safeParse({ email: values.email, displayName: values.name, password });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) console.error(`${issue.path.join(".")}: ${issue.message}`);
    return 1;
  }
  const handle = await openSiteDatabase();
  try {
    await handle.migrate();
    const result = await createAccount(handle.db, {
      ...parsed.data,
      role: values.role as "member" | "coach" | "admin",
    });
    if (!result.ok) {
      for (const [field, messages] of Object.entries(result.fieldErrors))
        console.error(`${field}: ${messages.join(" ")}`);
      return 1;
    }
    console.log(`Created ${result.value.role} ${result.value.displayName} <${result.value.email}>.`);
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
