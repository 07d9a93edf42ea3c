import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { count, eq, ne } from "drizzle-orm";
import yaml from "js-yaml";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { comments, users } from "../../db/schema";
import { authenticate, findAccountByEmail } from "~/auth/accounts.server";
import { loadDemoContent } from "~/demo/demo.server";
import { makeItYours, type MakeItYoursInput } from "~/demo/make-it-yours.server";
import { getAboutPage } from "~/pages/about.server";
import { listAuthors, listPosts } from "~/posts/posts.server";
import { getSiteSettings } from "~/settings/site-settings.server";
import { copyFixtureContent, makeContentRoot, REPO_ROOT } from "../support/content";
import { describeEachDatabase } from "../support/databases";

/**
 * "Make it your own blog" (npm run site:init) on a throw-away copy of the
 * demo site: the demo posts, author, discussion and coach account go; the
 * site's name, description, licence and first coach are set; bad input is
 * refused with a message naming the option, and then nothing changes.
 */

/** Each case hashes passwords with scrypt (deliberately slow) and rewrites the demo: slow on a loaded machine. */
const DB_CASE_TIMEOUT = 120_000;
const DEMO_COACH = "morgan@practice-notes.example.org";
const GOOD: MakeItYoursInput = {
  name: "Coaching Notes",
  description: "What I learn beside teachers, week by week",
  license: "cc-by-sa-4.0",
  coachEmail: "Jo.Rivera@school.example.org",
  coachName: "Jo Rivera",
  coachRole: "Instructional coach",
  password: "saffron lantern meadow 27",
};

/** Every file under `dir` with its text, by relative path. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    out.set(path.relative(dir, full), await readFile(full, "utf8"));
  }
  return out;
}

describeEachDatabase("make it your own blog", (db) => {
  const previous = process.env.CONTENT_ROOT;
  let content: { root: string; remove: () => Promise<void> };

  beforeEach(async () => {
    // A fresh copy of the demo site, and the demo discussion, for each case.
    content = await makeContentRoot("staffroom-site-init-");
    process.env.CONTENT_ROOT = content.root;
    // Accounts made by an earlier case go; the demo discussion is loaded again once a case removed it.
    await db().delete(users).where(ne(users.email, DEMO_COACH));
    if ((await commentCount()) === 0) expect(await loadDemoContent(db())).toBe(22);
    expect(await commentCount()).toBe(22);
  });
  afterEach(async () => {
    process.env.CONTENT_ROOT = previous;
    await content.remove();
  });

  async function commentCount(): Promise<number> {
    return (await db().select({ n: count() }).from(comments))[0].n;
  }

  it(
    "refuses bad input, naming each option, and changes nothing",
    async () => {
      const before = await snapshot(content.root);
      const outcome = await makeItYours(db(), {
        ...GOOD,
        name: "  ",
        license: "cc-by-99",
        coachEmail: "not an email",
        coachName: "",
      });
      expect(outcome.ok).toBe(false);
      if (outcome.ok) return;
      expect(Object.keys(outcome.errors).sort()).toEqual(["coach-email", "coach-name", "license", "name"]);
      expect(outcome.errors.license[0]).toMatch(/Unknown licence id/);
      const weak = await makeItYours(db(), { ...GOOD, password: "password" });
      expect(weak.ok).toBe(false);
      if (!weak.ok) expect(Object.keys(weak.errors)).toEqual(["password"]);
      expect(await snapshot(content.root)).toEqual(before);
      expect(await commentCount()).toBe(22);
      expect(await findAccountByEmail(db(), DEMO_COACH)).not.toBeNull();
    },
    DB_CASE_TIMEOUT,
  );

  it(
    "refuses when a post that is not a demo post is by the demo author",
    async () => {
      await writeFile(
        path.join(content.root, "content/posts/my-own-post.md"),
        "---\ntitle: My own post\npublished: 2024-01-10\nauthor: morgan-ellery\nlicense: site-default\n---\nMine.\n",
      );
      const before = await snapshot(content.root);
      const outcome = await makeItYours(db(), GOOD);
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) expect(outcome.errors.site.join(" ")).toContain("content/posts/my-own-post.md");
      expect(await snapshot(content.root)).toEqual(before);
      expect(await commentCount()).toBe(22);
    },
    DB_CASE_TIMEOUT,
  );

  it(
    "removes the demo and sets the site's name, description, licence and first coach",
    async () => {
      // A post the coach already wrote, by an author of their own: kept.
      await writeFile(path.join(content.root, "content/authors/guest-writer.yaml"), "name: Guest Writer\nlinks: []\n");
      await writeFile(
        path.join(content.root, "content/posts/kept-post.md"),
        "---\ntitle: A post that stays\npublished: 2024-02-01\nauthor: guest-writer\nlicense: site-default\n---\nStays.\n",
      );
      const outcome = await makeItYours(db(), GOOD);
      expect(outcome.ok).toBe(true);
      if (!outcome.ok) return;
      expect(outcome.removedComments).toBe(22);
      expect(outcome.removedAuthors).toEqual(["morgan-ellery"]);
      expect(outcome.coach).toEqual({
        authorSlug: "jo-rivera",
        email: "jo.rivera@school.example.org",
        account: "created",
      });

      expect((await listPosts()).map((post) => post.slug)).toEqual(["kept-post"]);
      expect((await listAuthors()).map((author) => author.slug).sort()).toEqual(["guest-writer", "jo-rivera"]);
      const coachEntry = yaml.load(await readFile(path.join(content.root, "content/authors/jo-rivera.yaml"), "utf8"));
      expect(coachEntry).toMatchObject({
        name: "Jo Rivera",
        role: "Instructional coach",
        accountEmail: "jo.rivera@school.example.org",
      });
      const site = await getSiteSettings();
      expect(site).toMatchObject({
        title: "Coaching Notes",
        tagline: "What I learn beside teachers, week by week",
        defaultLicense: "cc-by-sa-4.0",
        attributionName: "Jo Rivera",
      });
      // Other settings are kept as they were.
      expect(site.commentMaxChars).toBe(4096);
      expect((await getAboutPage())?.title).toBe("About Coaching Notes");

      expect(await commentCount()).toBe(0);
      expect(await findAccountByEmail(db(), DEMO_COACH)).toBeNull();
      expect((await findAccountByEmail(db(), GOOD.coachEmail))?.role).toBe("coach");
      expect(await authenticate(db(), GOOD.coachEmail, GOOD.password)).not.toBeNull();
      // The next start does not bring the demo discussion back.
      expect(await loadDemoContent(db())).toBe(0);
      expect(await commentCount()).toBe(0);
    },
    DB_CASE_TIMEOUT,
  );

  it(
    "makes an existing member the coach, keeping their password",
    async () => {
      const { createAccount } = await import("~/auth/accounts.server");
      const member = await createAccount(db(), {
        email: GOOD.coachEmail,
        displayName: "Jo",
        password: "harbour violet pebble 88",
      });
      expect(member.ok).toBe(true);
      const outcome = await makeItYours(db(), { ...GOOD, password: "" });
      expect(outcome.ok && outcome.coach.account).toBe("made coach");
      const [row] = await db().select().from(users).where(eq(users.email, "jo.rivera@school.example.org"));
      expect(row.role).toBe("coach");
      expect(await authenticate(db(), GOOD.coachEmail, "harbour violet pebble 88")).not.toBeNull();
    },
    DB_CASE_TIMEOUT,
  );
});

describe("npm run site:init", () => {
  const roots: string[] = [];
  afterAll(async () => {
    for (const root of roots) await rm(root, { recursive: true, force: true });
  });

  /** Runs the command in `cwd` (a copy of the demo site) with its own DATA_DIR; no timer of its own. */
  function run(cwd: string, args: string[], password?: string) {
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: path.join(cwd, ".data"), CONTENT_ROOT: cwd };
    delete env.DATABASE_URL;
    delete env.STAFFROOM_PASSWORD;
    if (password) env.STAFFROOM_PASSWORD = password;
    return new Promise<{ code: number | null; out: string }>((resolve, reject) => {
      const child = spawn(
        path.join(REPO_ROOT, "node_modules/.bin/tsx"),
        [path.join(REPO_ROOT, "scripts/site-init.ts"), ...args],
        { cwd, env, stdio: ["ignore", "pipe", "pipe"] },
      );
      let out = "";
      child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
      child.stderr!.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
      child.on("error", reject);
      child.on("close", (code, signal) => resolve({ code: code ?? (signal ? -1 : null), out }));
    });
  }

  async function siteCopy(): Promise<string> {
    const root = await mkdtemp(path.join(os.tmpdir(), "staffroom-site-init-cli-"));
    roots.push(root);
    await copyFixtureContent(root, { images: true });
    // The migrations, which the command reads from its working directory as the server does.
    await cp(path.join(REPO_ROOT, "db/migrations"), path.join(root, "db/migrations"), { recursive: true });
    return root;
  }

  const args = (overrides: Record<string, string> = {}) =>
    Object.entries({
      name: GOOD.name,
      description: GOOD.description,
      license: GOOD.license,
      "coach-email": GOOD.coachEmail,
      "coach-name": GOOD.coachName,
      ...overrides,
    }).flatMap(([option, value]) => [`--${option}`, value]);

  it("refuses a missing option with the usage, and a bad one with its message; nothing changes", async () => {
    const cwd = await siteCopy();
    const before = await snapshot(path.join(cwd, "content"));
    const missing = await run(cwd, ["--name", "X"]);
    expect(missing.code, missing.out).toBe(2);
    expect(missing.out).toContain("Missing --license, --coach-email, --coach-name.");
    expect(missing.out).toContain("Usage: npm run site:init");
    const bad = await run(cwd, args({ license: "cc-by-99" }), GOOD.password);
    expect(bad.code, bad.out).toBe(1);
    expect(bad.out).toContain("Nothing was changed:");
    expect(bad.out).toMatch(/--license: Unknown licence id/);
    expect(await snapshot(path.join(cwd, "content"))).toEqual(before);
  }, 600_000);

  it("turns a copy of the demo site into the coach's own", async () => {
    const cwd = await siteCopy();
    const result = await run(cwd, args({ "coach-role": "Instructional coach" }), GOOD.password);
    expect(result.code, result.out).toBe(0);
    expect(result.out).toContain("Removed the demo posts: what-does-a-technology-coach-do");
    expect(result.out).toContain(
      "First coach: content/authors/jo-rivera.yaml, account jo.rivera@school.example.org created.",
    );
    expect(await readdir(path.join(cwd, "content/posts"))).toEqual([]);
    expect(existsSync(path.join(cwd, "public/images/posts/what-does-a-technology-coach-do"))).toBe(false);
    expect(await readdir(path.join(cwd, "content/authors"))).toEqual(["jo-rivera.yaml"]);
    expect(yaml.load(await readFile(path.join(cwd, "content/site.yaml"), "utf8"))).toMatchObject({
      title: "Coaching Notes",
      defaultLicense: "cc-by-sa-4.0",
    });
  }, 600_000);
});
