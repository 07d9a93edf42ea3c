import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_COACH_EMAIL, DEMO_COACH_PASSWORD, HttpClient, runUserCreate } from "../support/accounts";
import { REPO_ROOT, startTestServer, type TestServer } from "../support/server";

/**
 * The admin's import page (`/admin/import`): a multipart form posted as a
 * browser without JavaScript posts it, answered with a 303 to the job's page,
 * which refreshes itself until the import ends and then shows the report.
 * The fixture is a WordPress 1.2 export with two published posts ("First day
 * back: routines that stick", id 101, and "Κοινότητες μάθησης…", id 104), a
 * draft and a page.
 */

const ADMIN = { email: "ada.admin@example.org", name: "Ada Admin", password: "granite meadow copper 19" };
const FIXTURES = path.join(REPO_ROOT, "tests/fixtures/import");
const FIRST_TITLE = "First day back: routines that stick";

/** The HTML escapes React applies to text, so a title can be looked for in a page. */
const html = (text: string) => text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

describe("admin import page", () => {
  let server: TestServer;
  let admin: HttpClient;
  beforeAll(async () => {
    server = await startTestServer({
      env: { DEMO_COACH_PASSWORD },
      beforeStart: async (dataDir, cwd) => {
        const created = await runUserCreate(["--email", ADMIN.email, "--name", ADMIN.name, "--role", "admin"], {
          cwd,
          env: { DATA_DIR: dataDir, STAFFROOM_PASSWORD: ADMIN.password },
        });
        if (created.code !== 0) throw new Error(`user:create failed: ${created.stderr}`);
      },
    });
    admin = new HttpClient(server.baseUrl);
    expect((await admin.signIn(ADMIN.email, ADMIN.password)).status).toBe(302);
  }, 120_000);
  afterAll(async () => server?.stop());

  /** The form as a browser sends it: the file (when given) and the other fields. */
  async function form(fields: Record<string, string>, fixture?: string): Promise<FormData> {
    const body = new FormData();
    if (fixture) {
      const bytes = await readFile(path.join(FIXTURES, fixture));
      const type = fixture.endsWith(".json") ? "application/json" : "application/xml";
      body.append("file", new Blob([bytes], { type }), fixture);
    }
    for (const [name, value] of Object.entries(fields)) body.append(name, value);
    return body;
  }

  /** Posts the form; expects the 303 to the job's page and returns its address. */
  async function start(intent: "preview" | "import", fixture: string): Promise<string> {
    const reply = await admin.send("/admin/import", {
      method: "POST",
      body: await form({ intent, author: "morgan-ellery", license: "", join: "on" }, fixture),
    });
    expect(reply.status, reply.text.slice(0, 500)).toBe(303);
    expect(reply.location).toMatch(/^\/admin\/import\/[\w-]+$/);
    return reply.location!;
  }

  /** Reloads the job's page (as its meta refresh does) until it stops asking to be refreshed; at most ~30 s. */
  async function finished(jobPath: string): Promise<string> {
    for (let attempt = 0; attempt < 150; attempt++) {
      const page = await admin.get(jobPath);
      expect(page.status).toBe(200);
      if (!/http-equiv="refresh"/i.test(page.text)) return page.text;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`The import at ${jobPath} did not end`);
  }

  const home = async () => (await admin.get("/")).text;

  it("sends a guest to sign in and refuses a coach", async () => {
    const guest = await new HttpClient(server.baseUrl).get("/admin/import");
    expect(guest.status).toBe(302);
    expect(guest.location).toMatch(/^\/signin\?redirectTo=/);
    const coach = new HttpClient(server.baseUrl);
    expect((await coach.signIn(DEMO_COACH_EMAIL, DEMO_COACH_PASSWORD)).status).toBe(302);
    expect((await coach.get("/admin/import")).status).toBe(403);
    expect((await coach.send("/admin/import", { method: "POST", body: await form({ intent: "import" }) })).status).toBe(
      403,
    );
  });

  it("shows the form and the export downloads to an admin, linked from the header", async () => {
    const page = await admin.get("/admin/import");
    expect(page.status).toBe(200);
    // A plain multipart POST, so the page works without JavaScript (HTML attribute names ignore case).
    expect(page.text).toMatch(/<form[^>]*id="import"[^>]*enctype="multipart\/form-data"[^>]*method="post"/i);
    expect(page.text).toContain("Preview (dry run)");
    expect(page.text).toContain('href="/admin/export?format=json"');
    expect(page.text).toContain('href="/admin/export?format=wxr"');
    expect(page.text).toContain('href="/admin/import"');
    // The file picker offers Staffroom's own JSON export as well as the XML exports.
    expect(page.text).toMatch(/<input[^>]*type="file"[^>]*accept="[^"]*\.json[^"]*application\/json/);
  });

  it("refuses a form without a file with 400, keeping the other values and saying the file must be chosen again", async () => {
    const reply = await admin.send("/admin/import", {
      method: "POST",
      body: await form({
        intent: "import",
        author: "morgan-ellery",
        license: "CC-BY-4.0",
        threadMap: "https://old.example/2013/team=first-day-back",
        rewrite: "https://old.example/blog/=/posts/",
      }),
    });
    expect(reply.status).toBe(400);
    expect(reply.text).toContain("Choose the export file");
    expect(reply.text).toContain("choose the export file again");
    expect(reply.text).toContain("https://old.example/2013/team=first-day-back</textarea>");
    expect(reply.text).toContain('value="https://old.example/blog/=/posts/"');
    expect(reply.text).toMatch(
      /<option[^>]*value="morgan-ellery"[^>]*selected|<option[^>]*selected[^>]*value="morgan-ellery"/,
    );
  });

  it("refuses an author with no entry next to the field, and keeps no upload", async () => {
    const reply = await admin.send("/admin/import", {
      method: "POST",
      body: await form({ intent: "import", author: "nobody-here", join: "on" }, "wordpress-1.2.xml"),
    });
    expect(reply.status).toBe(400);
    expect(reply.text).toContain("Choose one of the author entries");
    expect(await readdir(path.join(server.dataDir, "imports"))).toEqual([]);
  });

  it("previews an import: the report shows what would be created and nothing reaches the site", async () => {
    const page = await finished(await start("preview", "wordpress-1.2.xml"));
    expect(page).toContain("Dry run: nothing was written");
    expect(page).toContain("posts: 3 created (1 as drafts), 1 skipped");
    expect(page).toContain("+ first-day-back");
    expect(page).toContain("hand-split comments joined: 1");
    expect(await home()).not.toContain(html(FIRST_TITLE));
    const old = await admin.get("/?p=101");
    expect(old.status).toBe(200);
  });

  it("previews another Staffroom's JSON export: recognised by its content, split submissions kept", async () => {
    const page = await finished(await start("preview", "staffroom-export.json"));
    expect(page).toContain("Dry run: nothing was written");
    expect(page).toContain("format: staffroom-json");
    expect(page).toContain("posts: 2 created (1 as drafts), 0 skipped");
    expect(page).toContain("+ planning-in-pairs");
    expect(page).toContain("comments: 3 shown, 1 in the moderation queue, 1 spam, 1 tombstones");
    expect(page).toContain("split submissions kept as split: 1");
  });

  it("refuses JSON that is not a Staffroom export, saying what it is", async () => {
    const page = await finished(await start("preview", "not-staffroom.json"));
    expect(page).toContain("The file was refused; nothing was imported.");
    expect(page).toContain("not a Staffroom export");
  });

  it("refuses a hostile file with its line number, and imports nothing", async () => {
    const page = await finished(await start("import", "hostile-xxe.xml"));
    expect(page).toContain("The file was refused; nothing was imported.");
    expect(page).toContain("Line 2");
    expect(page).toContain("ENTITY");
    expect(await home()).not.toContain("root:");
  });

  it("imports the blog: the posts are on the home page at once and the old addresses answer 301", async () => {
    const page = await finished(await start("import", "wordpress-1.2.xml"));
    expect(page).toContain("The import is done.");
    expect(page).toContain("Imported:");
    expect(page).toContain("+ learning-communities");
    expect(page).toContain('href="/posts/first-day-back"');
    const front = await home();
    expect(front).toContain(html(FIRST_TITLE));
    expect(front).toContain("Κοινότητες μάθησης");
    const old = await admin.get("/?p=101");
    expect(old.status).toBe(301);
    expect(new URL(old.location!, server.baseUrl).pathname).toBe("/posts/first-day-back");
    // Every upload (the previews', the refused file's, this one's) was deleted when its job ended.
    expect(await readdir(path.join(server.dataDir, "imports"))).toEqual([]);
  });

  it("answers 404 for an unknown job", async () => {
    expect((await admin.get("/admin/import/no-such-job")).status).toBe(404);
  });
});
