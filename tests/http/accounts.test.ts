import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DEMO_COACH_EMAIL,
  DEMO_COACH_NAME,
  DEMO_COACH_PASSWORD,
  GOOD_PASSWORD,
  HttpClient,
  SESSION_COOKIE,
  SIGN_IN_FAILED,
  cookieAttributes,
  formHtml,
  inBatches,
  inputTag,
  inputValue,
  runUserCreate,
  snapshotTree,
  textareaValue,
  type CommandResult,
  type Reply,
} from "../support/accounts";
import { commentArticleHtml, commentIdOf, countCommentsInHtml, decodeEntities } from "../support/pages";
import { DEMO_PATH, DEMO_SLUG, REPO_ROOT, startTestServer, type TestServer } from "../support/server";

/**
 * Accounts over plain HTTP against the production server: sign-up, sign-in,
 * sessions, safe redirects, the editor's lock and per-post rights, members'
 * comments, the "session ended while writing" flow, rate limits and the
 * `user:create` command.
 *
 * The main server runs in a sandbox (a copy of content/, db/ and public/ as
 * its working directory), since the editor tests write files. Its data
 * folder gets an admin from scripts/user-create.ts before it starts.
 *
 * Budget: failed sign-ins are throttled after 30 per client address and 5
 * per account (README: Accounts and roles), sign-up is limited to 10 per
 * address per hour, and every request here comes from 127.0.0.1. This file
 * makes 22 sign-ins (a few of them failures, at most 2 per account) and 6
 * sign-ups on the main server; the throttling tests have servers of their own.
 */

const HOOK_TIMEOUT = 120_000;
/** Throttling tests make dozens of sign-ins, each hashing a password. */
const SLOW_TEST = 120_000;

const DEMO_POST_FILE = `content/posts/${DEMO_SLUG}.md`;
const OTHER_SLUG = "a-post-by-someone-else";
const OTHER_POST_FILE = `content/posts/${OTHER_SLUG}.md`;
const OTHER_AUTHOR_FILE = "content/authors/someone-else.yaml";
const PWNED_FILE = "content/posts/pwned.md";
const ADMIN = { email: "ada.admin@example.org", name: "Ada Admin", password: "granite meadow copper 19" };

let server: TestServer;
let userCreateResult: CommandResult;
const repoContentBefore = snapshotTree(path.join(REPO_ROOT, "content"));

/** Accounts made at the start (all members), each with a signed-in client. */
const accounts = {
  mia: { email: "mia.member@example.org", displayName: "Mia Member" },
  sam: { email: "sam.signout@example.org", displayName: "Sam Signout" },
  cora: { email: "cora.promoted@example.org", displayName: "Cora Promoted" },
  dev: { email: "dev.draft@example.org", displayName: "Dev Draftwriter" },
} as const;
type Name = keyof typeof accounts;
const clients = {} as Record<Name, HttpClient>;

const client = () => new HttpClient(server.baseUrl);

beforeAll(async () => {
  server = await startTestServer({
    sandbox: true,
    env: { DEMO_COACH_PASSWORD },
    beforeStart: async (dataDir, cwd) => {
      // A post by another author, for the coach's per-post rights.
      await mkdir(path.join(cwd, "content/authors"), { recursive: true });
      await writeFile(
        path.join(cwd, OTHER_AUTHOR_FILE),
        "name: Someone Else\nrole: Coach at another school\naccountEmail: someone.else@example.org\nbio: Writes here too.\nlinks: []\n",
      );
      await writeFile(
        path.join(cwd, OTHER_POST_FILE),
        [
          "---",
          "title: A post by someone else",
          "published: 2020-01-15",
          "author: someone-else",
          "tags:",
          "  - coaching",
          "summary: Written by another coach, who alone may change it.",
          "license: site-default",
          "commentsOpen: true",
          "---",
          "Another coach's words.",
          "",
        ].join("\n"),
      );
      // The first admin, the documented way (PGlite: before the server opens the folder).
      userCreateResult = await runUserCreate(["--email", ADMIN.email, "--name", ADMIN.name, "--role", "admin"], {
        cwd,
        env: { DATA_DIR: dataDir, STAFFROOM_PASSWORD: ADMIN.password },
      });
    },
  });
  await Promise.all(
    (Object.keys(accounts) as Name[]).map(async (name) => {
      clients[name] = client();
      const reply = await clients[name].signUp(accounts[name]);
      if (reply.status !== 302)
        throw new Error(`sign-up of ${name} answered ${reply.status}:\n${reply.text.slice(0, 2000)}`);
    }),
  );
}, HOOK_TIMEOUT);

afterAll(async () => {
  await server?.stop();
}, HOOK_TIMEOUT);

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/** The page's visible text: markup without scripts (the hydration data repeats everything), entities decoded. */
function shown(html: string): string {
  return decodeEntities(
    html
      .replace(/<script\b[\s\S]*?<\/script>/gi, "")
      .replace(/<!--[\s\S]*?-->/g, "")
      .replace(
        /<\/?(?:p|div|h\d|li|ul|ol|section|header|footer|nav|main|label|button|form|article|details|summary|table|tr|td|th|title)\b[^>]*>/gi,
        " ",
      )
      .replace(/<[^>]+>/g, ""),
  ).replace(/\s+/g, " ");
}

/** Markup without scripts. */
function markup(html: string): string {
  return html.replace(/<script\b[\s\S]*?<\/script>/gi, "");
}

async function memberId(who: HttpClient): Promise<string> {
  const page = await who.get("/account");
  expect(page.status).toBe(200);
  const id = /href="\/members\/([^"]+)"/.exec(page.text)?.[1];
  expect(id, "the account page links to the public profile").toBeTruthy();
  return id!;
}

async function postPage(who: HttpClient, pathname = DEMO_PATH): Promise<string> {
  const page = await who.get(pathname);
  expect(page.status, `GET ${pathname}`).toBe(200);
  return page.text;
}

/** A comment POST to the demo post (same origin unless `origin` says otherwise). */
function postComment(who: HttpClient, form: Record<string, string>, origin?: string | null): Promise<Reply> {
  return who.post(DEMO_PATH, form, origin === undefined ? {} : { origin });
}

/** The number in a 303's `#comment-…` anchor, e.g. "23" or "3.1" (after the `?posted=<id>` that marks the new comment). */
function numberFrom(location: string | null): string {
  const match = new RegExp(`^/posts/${DEMO_SLUG}\\?posted=\\d+#comment-([\\d-]+)$`).exec(location ?? "");
  expect(match, `Location: ${location}`).not.toBeNull();
  return match![1].replaceAll("-", ".");
}

/** A Location that stays on this site: a path, not `//host`, no backslash or control character. */
function expectSameOriginPath(location: string | null, label: string): void {
  expect(location, label).not.toBeNull();
  expect(location!, label).toMatch(/^\/(?![/\\])/);
  expect(location!, label).not.toMatch(/[\\\u0000-\u001f\u007f]/);
  const resolved = new URL(location!, server.baseUrl);
  expect(resolved.origin, label).toBe(server.baseUrl);
  expect(location!.toLowerCase(), label).not.toContain("javascript:");
}

/** True when `value`, used as a Location as it is, is a path on this site. */
function isPlainLocalPath(value: string): boolean {
  return (
    /^\/(?![/\\])/.test(value) &&
    !/[\\\u0000-\u001f\u007f]/.test(value) &&
    new URL(value, "http://site.invalid").origin === "http://site.invalid"
  );
}

function updateBody(additions: { path: string; contents: string | Buffer }[], deletions: string[] = []): string {
  return JSON.stringify({
    additions: additions.map((a) => ({ path: a.path, contents: Buffer.from(a.contents).toString("base64") })),
    deletions: deletions.map((p) => ({ path: p })),
  });
}

/** `POST /api/keystatic/update` as Keystatic's client sends it. */
function keystaticUpdate(
  who: HttpClient,
  body: string,
  options: { contentType?: string; origin?: string | null } = {},
) {
  return who.send("/api/keystatic/update", {
    method: "POST",
    body,
    origin: options.origin,
    headers: { "Content-Type": options.contentType ?? "application/json", "no-cors": "1" },
  });
}

const sandboxFile = (relative: string) => path.join(server.cwd, relative);
const readSandbox = (relative: string) => readFile(sandboxFile(relative), "utf8");

function withSummary(markdown: string, summary: string): string {
  const changed = markdown.replace(/^summary:.*\n(?:[ \t]+.*\n)*/m, `summary: ${JSON.stringify(summary)}\n`);
  expect(changed).not.toBe(markdown);
  return changed;
}

function withAuthor(markdown: string, author: string): string {
  const changed = markdown.replace(/^author:.*$/m, `author: ${author}`);
  expect(changed).not.toBe(markdown);
  return changed;
}

// ---------------------------------------------------------------------------

describe("signing up and signing in", () => {
  it("sign-up answers 302 with a session cookie that is HttpOnly, SameSite=Lax, Secure and Path=/", async () => {
    const nina = client();
    const reply = await nina.signUp({ email: "Nina.Newcomer@Example.org", displayName: "Nina Newcomer" });
    expect(reply.status).toBe(302);
    expect(reply.location).toBe("/");
    const sessions = reply.setCookies.map(cookieAttributes).filter((c) => c.name === SESSION_COOKIE);
    expect(sessions).toHaveLength(1);
    const { value, attributes } = sessions[0];
    expect(value.length).toBeGreaterThanOrEqual(20);
    expect(attributes.get("httponly")).toBe(true);
    expect(String(attributes.get("samesite")).toLowerCase()).toBe("lax");
    expect(attributes.get("secure")).toBe(true);
    expect(attributes.get("path")).toBe("/");

    const account = await nina.get("/account");
    expect(account.status).toBe(200);
    expect(shown(account.text)).toContain("Signed in as Nina Newcomer (member)");
  });

  it("a wrong password and an unknown email get the same 400 and the same message", async () => {
    const wrong = await client().signIn(accounts.mia.email, "not the right password at all");
    const unknown = await client().signIn("nobody.here@example.org", "not the right password at all");
    for (const [label, reply] of [
      ["wrong password", wrong],
      ["unknown email", unknown],
    ] as const) {
      expect(reply.status, label).toBe(400);
      expect(
        reply.setCookies.filter((c) => c.startsWith(`${SESSION_COOKIE}=`) && !c.startsWith(`${SESSION_COOKIE}=;`)),
        label,
      ).toEqual([]);
      expect(shown(reply.text), label).toContain(SIGN_IN_FAILED);
      expect(reply.text, label).not.toContain("not the right password at all");
    }
    // Nothing else on the page differs but the email typed.
    const normalize = (reply: Reply, email: string) => shown(reply.text).replaceAll(email, "EMAIL");
    expect(normalize(wrong, accounts.mia.email)).toBe(normalize(unknown, "nobody.here@example.org"));
  });

  it("a taken email at sign-up: 400, a clear message, email and name kept, the password not echoed", async () => {
    const password = "a secret that must not come back 77";
    const reply = await client().signUp({ email: accounts.mia.email, displayName: "Mia Again", password });
    expect(reply.status).toBe(400);
    expect(shown(reply.text)).toContain("An account with this email already exists. Sign in instead.");
    expect(inputValue(reply.text, "email")).toBe(accounts.mia.email);
    expect(inputValue(reply.text, "displayName")).toBe("Mia Again");
    expect(inputValue(reply.text, "password") ?? "").toBe("");
    expect(reply.text).not.toContain(password);
    expect(
      reply.setCookies.some((c) => c.startsWith(`${SESSION_COOKIE}=`) && !c.startsWith(`${SESSION_COOKIE}=;`)),
    ).toBe(false);
  });
});

describe("sessions", () => {
  it("the session cookie opens /account; without it /account sends you to sign in", async () => {
    expect((await clients.mia.get("/account")).status).toBe(200);
    const guest = await client().get("/account");
    expect(guest.status).toBe(302);
    expect(guest.location).toBe("/signin?redirectTo=%2Faccount");
  });

  it("signing out clears the cookie and ends the session: the old cookie no longer works", async () => {
    const sam = clients.sam;
    const old = sam.clone();
    expect((await sam.get("/account")).status).toBe(200);
    const reply = await sam.post("/signout", {});
    expect(reply.status).toBe(302);
    expect(reply.location).toBe("/");
    const cleared = reply.setCookies.map(cookieAttributes).find((c) => c.name === SESSION_COOKIE);
    expect(cleared, "a Set-Cookie that clears the session").toBeDefined();
    expect(cleared!.value).toBe("");
    expect(sam.sessionId).toBeNull();

    const replay = await old.get("/account");
    expect(replay.status).toBe(302);
    expect(replay.location).toBe("/signin?redirectTo=%2Faccount");
  });

  it("a GET to /signout signs nobody out", async () => {
    const reply = await clients.mia.get("/signout");
    expect(reply.status).toBe(302);
    expect((await clients.mia.get("/account")).status).toBe(200);
  });

  it("“Sign out everywhere else” ends the other sessions and keeps this one", async () => {
    const laptop = client();
    const phone = client();
    expect((await laptop.signIn(accounts.sam.email, GOOD_PASSWORD)).status).toBe(302);
    expect((await phone.signIn(accounts.sam.email, GOOD_PASSWORD)).status).toBe(302);
    expect(laptop.sessionId).not.toBe(phone.sessionId);
    const laptopBefore = laptop.clone();

    const reply = await laptop.post("/account", { intent: "signout-everywhere" });
    expect(reply.status).toBe(302);
    expect(reply.location).toBe("/account?signedOutElsewhere=1");
    const page = await laptop.get(reply.location!);
    expect(page.status).toBe(200);
    expect(shown(page.text)).toContain("Every other session was signed out.");

    const other = await phone.get("/account");
    expect(other.status).toBe(302);
    expect(other.location).toBe("/signin?redirectTo=%2Faccount");
    // The laptop got a new session; its old session id is gone too.
    expect(laptop.sessionId).not.toBe(laptopBefore.sessionId);
    expect((await laptopBefore.get("/account")).status).toBe(302);
    expect((await laptop.get("/account")).status).toBe(200);
  });

  it("a cross-site POST cannot sign someone out", async () => {
    const reply = await clients.mia.post("/signout", {}, { origin: "https://evil.example" });
    expect(reply.status).toBe(403);
    expect((await clients.mia.get("/account")).status).toBe(200);
  });
});

describe("the page after signing in is always on this site", () => {
  const evil = [
    "https://evil.example",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https://site@evil.example",
    "javascript:alert(1)",
    "/%09/evil.example",
    "/\t/evil.example",
    "%2F%2Fevil.example",
    "http:evil.example",
    // Dot segments that resolve to "//evil.example".
    "/.//evil.example",
    "/..//evil.example",
  ];

  /** The sign-in page's hidden redirectTo field and its "Create an account" link. */
  function redirectTargetsOn(html: string): string[] {
    const hidden = inputValue(formHtml(html, "signin") ?? "", "redirectTo");
    const signup = /href="(\/signup\?redirectTo=[^"]*)"/.exec(markup(html).split("<main")[1] ?? "")?.[1];
    expect(hidden, "the sign-in form has a hidden redirectTo").not.toBeNull();
    expect(signup, "the page links to sign-up").toBeTruthy();
    return [hidden!, new URL(decodeEntities(signup!), server.baseUrl).searchParams.get("redirectTo")!];
  }

  it.each(evil)("redirectTo=%j: the sign-in page never carries it", async (target) => {
    // Encoded as a link would carry it, and raw (so the server decodes %09 and %2F itself).
    for (const query of [`?redirectTo=${encodeURIComponent(target)}`, `?redirectTo=${target}`]) {
      const page = await client().get(`/signin${query}`);
      expect(page.status, query).toBe(200);
      for (const value of redirectTargetsOn(page.text)) {
        expectSameOriginPath(value, `${query} → ${value}`);
        // "/%09/evil.example" taken literally is a path on this site (the %09 is
        // three characters, never decoded again), so keeping it is harmless;
        // every other value must be dropped.
        if (value !== target || !isPlainLocalPath(target)) {
          expect(value.toLowerCase(), `${query} → ${value}`).not.toContain("evil");
        }
      }
    }
  });

  it.each(evil)("redirectTo=%j: signing in lands on a path of this site", async (target) => {
    // Half the cases per account: at most 10 sign-ins per account per 15 minutes.
    const who = evil.indexOf(target) % 2 === 0 ? accounts.mia : accounts.cora;
    const reply = await client().signIn(who.email, GOOD_PASSWORD, {
      query: `?redirectTo=${encodeURIComponent(target)}`,
      redirectTo: target,
    });
    expect(reply.status).toBe(302);
    expectSameOriginPath(reply.location, `after sign-in with ${JSON.stringify(target)}`);
    expect(reply.location!.toLowerCase()).not.toContain("evil.example/");
    // Already signed in, the sign-in page forwards at once: also on this site.
    for (const query of [`?redirectTo=${encodeURIComponent(target)}`, `?redirectTo=${target}`]) {
      const forward = await clients.mia.get(`/signin${query}`);
      expect(forward.status, query).toBe(302);
      expectSameOriginPath(forward.location, `signed in, ${query}`);
    }
  });

  it("a path on this site is honoured, fragment included", async () => {
    const target = `${DEMO_PATH}#comments`;
    const page = await client().get(`/signin?redirectTo=${encodeURIComponent(target)}`);
    expect(redirectTargetsOn(page.text)[0]).toBe(target);
    const reply = await client().signIn(accounts.cora.email, GOOD_PASSWORD, { redirectTo: target });
    expect(reply.status).toBe(302);
    expect(reply.location).toBe(target);
  });
});

describe("the Keystatic editor", () => {
  let coach: HttpClient;
  let demoPostBefore: string;
  let otherPostBefore: string;
  let siteBefore: string;

  beforeAll(async () => {
    coach = client();
    const reply = await coach.signIn(DEMO_COACH_EMAIL, DEMO_COACH_PASSWORD);
    if (reply.status !== 302)
      throw new Error(`the demo coach could not sign in (${reply.status}):\n${shown(reply.text).slice(0, 1000)}`);
    demoPostBefore = await readSandbox(DEMO_POST_FILE);
    otherPostBefore = await readSandbox(OTHER_POST_FILE);
    siteBefore = await readSandbox("content/site.yaml");
  }, HOOK_TIMEOUT);

  const pwned = () =>
    updateBody([{ path: PWNED_FILE, contents: "---\ntitle: Pwned\nauthor: morgan-ellery\n---\nPwned.\n" }]);
  const noPwnedFile = () => {
    expect(existsSync(sandboxFile(PWNED_FILE)), "no file written in the server's directory").toBe(false);
    expect(existsSync(path.join(REPO_ROOT, PWNED_FILE)), "no file written in the repository").toBe(false);
  };

  it("the sandbox post by someone else is on the site", async () => {
    const page = await client().get(`/posts/${OTHER_SLUG}`);
    expect(page.status).toBe(200);
    expect(shown(page.text)).toContain("Someone Else");
  });

  it("a guest: GET /keystatic → 302 to sign in and back; the API's reads → 401", async () => {
    const guest = client();
    const page = await guest.get("/keystatic");
    expect(page.status).toBe(302);
    expect(page.location).toBe("/signin?redirectTo=%2Fkeystatic");
    const tree = await guest.get("/api/keystatic/tree", { headers: { "no-cors": "1" } });
    expect(tree.status).toBe(401);
    expect(tree.text).not.toContain("content/");
  });

  it("a guest's update → 401 and no file written", async () => {
    const reply = await keystaticUpdate(client(), pwned());
    expect(reply.status).toBe(401);
    noPwnedFile();
  });

  it("a member: /keystatic → 403, the API's reads → 403, an update → 403 and no file written", async () => {
    expect((await clients.mia.get("/keystatic")).status).toBe(403);
    expect((await clients.mia.get("/api/keystatic/tree", { headers: { "no-cors": "1" } })).status).toBe(403);
    const reply = await keystaticUpdate(clients.mia, pwned());
    expect(reply.status).toBe(403);
    noPwnedFile();
  });

  it("the demo coach opens the editor and reads the content tree", async () => {
    expect((await coach.get("/keystatic")).status).toBe(200);
    const tree = await coach.get("/api/keystatic/tree", { headers: { "no-cors": "1" } });
    expect(tree.status).toBe(200);
    const paths = (JSON.parse(tree.text) as { path: string }[]).map((entry) => entry.path);
    expect(paths).toContain(DEMO_POST_FILE);
  });

  it("the coach may not write site settings (403, file unchanged)", async () => {
    const reply = await keystaticUpdate(
      coach,
      updateBody([{ path: "content/site.yaml", contents: siteBefore.replace(/^title: .*$/m, "title: Taken over") }]),
    );
    expect(reply.status).toBe(403);
    const deletion = await keystaticUpdate(coach, updateBody([], ["content/site.yaml"]));
    expect(deletion.status).toBe(403);
    expect(await readSandbox("content/site.yaml")).toBe(siteBefore);
  });

  it("the coach may not change or delete a post by someone else (403, file unchanged)", async () => {
    const edit = await keystaticUpdate(
      coach,
      updateBody([{ path: OTHER_POST_FILE, contents: withSummary(otherPostBefore, "Defaced by Morgan") }]),
    );
    expect(edit.status).toBe(403);
    // Even naming themself as the author of it.
    const takeOver = await keystaticUpdate(
      coach,
      updateBody([{ path: OTHER_POST_FILE, contents: withAuthor(otherPostBefore, "morgan-ellery") }]),
    );
    expect(takeOver.status).toBe(403);
    const deletion = await keystaticUpdate(coach, updateBody([], [OTHER_POST_FILE]));
    expect(deletion.status).toBe(403);
    expect(await readSandbox(OTHER_POST_FILE)).toBe(otherPostBefore);
  });

  it("the coach may not hand their own post to another author (403, file unchanged)", async () => {
    const reply = await keystaticUpdate(
      coach,
      updateBody([{ path: DEMO_POST_FILE, contents: withAuthor(demoPostBefore, "someone-else") }]),
    );
    expect(reply.status).toBe(403);
    expect(await readSandbox(DEMO_POST_FILE)).toBe(demoPostBefore);
  });

  it("an update that is not application/json → 415; from another site → 403; nothing written", async () => {
    const body = updateBody([{ path: DEMO_POST_FILE, contents: withSummary(demoPostBefore, "Sent as text") }]);
    for (const contentType of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const reply = await keystaticUpdate(coach, body, { contentType });
      expect(reply.status, contentType).toBe(415);
    }
    const crossSite = await keystaticUpdate(coach, body, { origin: "https://evil.example" });
    expect(crossSite.status).toBe(403);
    const crossSiteFetch = await coach.send("/api/keystatic/update", {
      method: "POST",
      body,
      origin: null,
      headers: { "Content-Type": "application/json", "no-cors": "1", "Sec-Fetch-Site": "cross-site" },
    });
    expect(crossSiteFetch.status).toBe(403);
    expect(await readSandbox(DEMO_POST_FILE)).toBe(demoPostBefore);
  });

  it("the coach updates the summary of their own post: 200, and the site shows it at once", async () => {
    const summary = `Edited by its author through the editor API (${Date.now()}).`;
    const reply = await keystaticUpdate(
      coach,
      updateBody([{ path: DEMO_POST_FILE, contents: withSummary(demoPostBefore, summary) }]),
    );
    expect(reply.status, reply.text.slice(0, 500)).toBe(200);
    expect(await readSandbox(DEMO_POST_FILE)).toContain(summary);

    const post = await client().get(DEMO_PATH);
    expect(post.status).toBe(200);
    const description = /<meta name="description" content="([^"]*)"/.exec(post.text)?.[1];
    expect(decodeEntities(description ?? "")).toBe(summary);
    const home = await client().get("/");
    expect(shown(home.text)).toContain(summary);
  });

  it("an admin may change a post by someone else", async () => {
    const admin = client();
    expect((await admin.signIn(ADMIN.email, ADMIN.password)).status).toBe(302);
    const summary = "Tidied by an admin.";
    const reply = await keystaticUpdate(
      admin,
      updateBody([{ path: OTHER_POST_FILE, contents: withSummary(otherPostBefore, summary) }]),
    );
    expect(reply.status).toBe(200);
    expect(await readSandbox(OTHER_POST_FILE)).toContain(summary);
  });
});

describe("comments by signed-in members", () => {
  let miaId: string;
  let coach: HttpClient;
  let coachId: string;

  beforeAll(async () => {
    miaId = await memberId(clients.mia);
    coach = client();
    const reply = await coach.signIn(DEMO_COACH_EMAIL, DEMO_COACH_PASSWORD);
    if (reply.status !== 302) throw new Error(`the demo coach could not sign in (${reply.status})`);
    coachId = await memberId(coach);
  }, HOOK_TIMEOUT);

  it("the form of a signed-in member has no guest fields and says who is posting", async () => {
    const html = await postPage(clients.mia);
    const form = formHtml(html, "comment");
    expect(form).not.toBeNull();
    for (const field of ["name", "email", "website", "anonymous"]) {
      expect(inputTag(form!, field), `no ${field} field`).toBeNull();
    }
    expect(inputValue(form!, "asMember")).toBe("1");
    expect(shown(form!)).toContain("Posting as Mia Member.");
  });

  it("a cross-site comment POST with the member's cookie → 403 and nothing posted", async () => {
    const before = countCommentsInHtml(await postPage(client()));
    const reply = await postComment(
      clients.mia,
      { body: "Posted from evil.example with Mia's cookie.", asMember: "1" },
      "https://evil.example",
    );
    expect(reply.status).toBe(403);
    const after = await postPage(client());
    expect(countCommentsInHtml(after)).toBe(before);
    expect(after).not.toContain("Posted from evil.example");
  });

  it("a member's comment is posted under their display name, linked to their profile, with no badge", async () => {
    const body = "Thank you for this list. The collaborator point matches what I see in my school.";
    const reply = await postComment(clients.mia, { body, asMember: "1" });
    expect(reply.status).toBe(303);
    const number = numberFrom(reply.location);
    const article = commentArticleHtml(await postPage(client()), number);
    expect(article).toContain(`<a href="/members/${miaId}"><bdi>Mia Member</bdi></a>`);
    expect(article).not.toContain('class="badge"');
    expect(shown(article)).toContain(body);

    const profile = await client().get(`/members/${miaId}`);
    expect(profile.status).toBe(200);
    expect(shown(profile.text)).toContain("Mia Member");
    expect(shown(profile.text)).toContain(body);
  });

  it("guest fields, authorKind=author and anonymous=on sent by a member change nothing", async () => {
    const body = "Trying to pass as the author, anonymously, with a website.";
    const reply = await postComment(clients.mia, {
      body,
      asMember: "1",
      name: "Morgan Ellery",
      email: "forged.address@example.org",
      website: "https://spam.example/landing",
      authorKind: "author",
      anonymous: "on",
    });
    expect(reply.status).toBe(303);
    const page = await postPage(client());
    const article = commentArticleHtml(page, numberFrom(reply.location));
    expect(article).toContain(`<a href="/members/${miaId}"><bdi>Mia Member</bdi></a>`);
    expect(article).not.toContain('class="badge"');
    expect(shown(article)).not.toContain("Anonymous");
    expect(shown(article)).not.toContain("Morgan Ellery");
    expect(page).not.toContain("spam.example");
    expect(page).not.toContain("forged.address@example.org");
  });

  it("the demo coach's comment on their own post carries the Author badge", async () => {
    const html = await postPage(coach);
    expect(shown(formHtml(html, "comment")!)).toContain(`Posting as ${DEMO_COACH_NAME} (the post's author).`);
    const reply = await postComment(coach, {
      body: "Thanks, everyone, for reading and for the stories.",
      asMember: "1",
    });
    expect(reply.status).toBe(303);
    const article = commentArticleHtml(await postPage(client()), numberFrom(reply.location));
    expect(article).toContain(`<a href="/members/${coachId}"><bdi>${DEMO_COACH_NAME}</bdi></a>`);
    expect(article).toMatch(/<span class="badge">Author<\/span>/);
  });
});

describe("a session that ends while writing (HTTP)", () => {
  const expiredRedirect = /^\/signin\?expired=1&redirectTo=([^&#]+)$/;

  function backPathFrom(location: string | null): string {
    const match = expiredRedirect.exec(location ?? "");
    expect(match, `Location: ${location}`).not.toBeNull();
    const back = decodeURIComponent(match![1]);
    expect(back).toMatch(new RegExp(`^/posts/${DEMO_SLUG}\\?draft=[A-Za-z0-9_-]{22}#`));
    return back;
  }

  /** The signed member field of the comment form drawn for `who` (says whose a kept draft is). */
  async function memberField(who: HttpClient): Promise<string> {
    const field = inputValue(formHtml(await postPage(who), "comment")!, "formMemberId");
    expect(field, "the member's comment form carries a signed formMemberId").toBeTruthy();
    return field!;
  }

  it("no cookie at all: 303 to sign in (expired=1, back to a draft), nothing posted", async () => {
    const before = countCommentsInHtml(await postPage(client()));
    const text = "Written by someone whose cookie is gone.";
    const reply = await postComment(client(), {
      body: text,
      asMember: "1",
      formMemberId: await memberField(clients.dev),
    });
    expect(reply.status).toBe(303);
    expect(backPathFrom(reply.location)).toMatch(/#comment-form$/);
    const after = await postPage(client());
    expect(countCommentsInHtml(after)).toBe(before);
    expect(after).not.toContain(text);
  });

  it("a member form that does not say (signed) whose it is: 400 with the text back, nothing posted or kept", async () => {
    const before = countCommentsInHtml(await postPage(client()));
    const text = "Sent from a form whose member field is missing or forged.";
    for (const formMemberId of [null, "forged.value"]) {
      const form: Record<string, string> = { body: text, asMember: "1" };
      if (formMemberId) form.formMemberId = formMemberId;
      const reply = await postComment(client(), form);
      expect(reply.status).toBe(400);
      expect(shown(reply.text)).toContain("Your session ended while you were writing.");
      expect(textareaValue(formHtml(reply.text, "comment")!, "body")).toBe(text);
    }
    expect(countCommentsInHtml(await postPage(client()))).toBe(before);
  });

  it("an ended session: the text is kept, sign-in brings the writer back to it, and it is posted under their name", async () => {
    const dev = clients.dev;
    const stale = dev.clone();
    const devField = await memberField(dev);
    expect((await dev.post("/signout", {})).status).toBe(302);

    const before = countCommentsInHtml(await postPage(client()));
    const text = "My session ended while I was writing this, and it must not be posted as a guest.";
    const reply = await postComment(stale, { body: text, asMember: "1", name: "Not Used", formMemberId: devField });
    expect(reply.status).toBe(303);
    // The dead cookie is cleared.
    expect(reply.setCookies.map(cookieAttributes).find((c) => c.name === SESSION_COOKIE)?.value).toBe("");
    const back = backPathFrom(reply.location);
    expect(countCommentsInHtml(await postPage(client()))).toBe(before);

    // Another signed-in member who learns the address (a shared screen, a
    // proxy log) gets an empty form: a kept draft is its writer's alone.
    const mias = await postPage(clients.mia, back.split("#")[0]);
    expect(textareaValue(formHtml(mias, "comment")!, "body")).toBe("");
    expect(mias).not.toContain("must not be posted as a guest");

    // The sign-in page says why, and carries the way back.
    const signin = await dev.get(reply.location!);
    expect(signin.status).toBe(200);
    expect(shown(signin.text)).toContain("Your session ended while you were writing.");
    expect(inputValue(formHtml(signin.text, "signin")!, "redirectTo")).toBe(back);

    const signedIn = await dev.signIn(accounts.dev.email, GOOD_PASSWORD, { redirectTo: back });
    expect(signedIn.status).toBe(302);
    expect(signedIn.location).toBe(back);

    // The form holds the text again, ready to post.
    const page = await postPage(dev, back.split("#")[0]);
    const form = formHtml(page, "comment")!;
    expect(textareaValue(form, "body")).toBe(text);
    const draftId = inputValue(form, "draftId");
    expect(draftId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    // Nobody else sees it: a guest opening the same address gets an empty form.
    expect(textareaValue(formHtml(await postPage(client(), back.split("#")[0]), "comment")!, "body")).toBe("");

    const posted = await postComment(dev, { body: textareaValue(form, "body")!, asMember: "1", draftId: draftId! });
    expect(posted.status).toBe(303);
    const html = await postPage(client());
    expect(countCommentsInHtml(html)).toBe(before + 1);
    const article = commentArticleHtml(html, numberFrom(posted.location));
    expect(article).toMatch(/<a href="\/members\/[^"]+"><bdi>Dev Draftwriter<\/bdi><\/a>/);
    expect(shown(article)).toContain(text);

    // The draft is used up.
    expect(textareaValue(formHtml(await postPage(dev, back.split("#")[0]), "comment")!, "body")).toBe("");
  });

  it("a reply whose session ended comes back in the reply form under its comment", async () => {
    const parentId = commentIdOf(await postPage(client()), "3");
    const text = "A reply to comment 3 written while my session ran out.";
    const reply = await postComment(client(), {
      body: text,
      asMember: "1",
      parentId: String(parentId),
      formMemberId: await memberField(clients.dev),
    });
    expect(reply.status).toBe(303);
    const back = backPathFrom(reply.location);
    expect(back).toMatch(/#comments$/);
    const page = await postPage(clients.dev, back.split("#")[0]);
    const form = formHtml(page, `reply-${parentId}`);
    expect(form).not.toBeNull();
    expect(textareaValue(form!, "body")).toBe(text);
    expect(textareaValue(formHtml(page, "comment")!, "body")).toBe("");
    // Its reply toggle is drawn open.
    const article = commentArticleHtml(page, "3");
    expect(article).toMatch(/<details class="reply-toggle" open/);
  });
});

describe("accounts made with npm run user:create", () => {
  it("created the first admin (exit 0)", () => {
    expect(userCreateResult.stderr).toBe("");
    expect(userCreateResult.code).toBe(0);
    expect(userCreateResult.stdout).toContain(`Created admin ${ADMIN.name} <${ADMIN.email}>.`);
  });

  it("the admin opens /admin/accounts and makes a member a coach; a member gets 403 there", async () => {
    const admin = client();
    expect((await admin.signIn(ADMIN.email, ADMIN.password)).status).toBe(302);
    const list = await admin.get("/admin/accounts");
    expect(list.status).toBe(200);
    expect(shown(list.text)).toContain(accounts.cora.email);
    const coraId = await memberId(clients.cora);

    // A member can neither see the page nor change a role.
    expect((await clients.mia.get("/admin/accounts")).status).toBe(403);
    const forged = await clients.mia.post("/admin/accounts", { userId: coraId, role: "admin" });
    expect(forged.status).toBe(403);
    const guest = await client().get("/admin/accounts");
    expect(guest.status).toBe(302);
    expect(guest.location).toBe("/signin?redirectTo=%2Fadmin%2Faccounts");
    // A cross-site POST with the admin's cookie is refused.
    expect(
      (await admin.post("/admin/accounts", { userId: coraId, role: "admin" }, { origin: "https://evil.example" }))
        .status,
    ).toBe(403);
    expect((await clients.cora.get("/keystatic")).status).toBe(403);

    const changed = await admin.post("/admin/accounts", { userId: coraId, role: "coach" });
    expect(changed.status).toBe(200);
    expect(shown(changed.text)).toContain(`\u2068${accounts.cora.displayName}\u2069 is now a coach.`);
    // Her existing session now has the coach's rights.
    expect(shown((await clients.cora.get("/account")).text)).toContain(
      `Signed in as ${accounts.cora.displayName} (coach)`,
    );
    expect((await clients.cora.get("/keystatic")).status).toBe(200);
  });

  it(
    "refuses a missing --email (exit 2, usage), a --password flag (exit 2), a weak STAFFROOM_PASSWORD (exit 1, why) and a running server's data folder (exit 1)",
    async () => {
      const scratch = await mkdtemp(path.join(os.tmpdir(), "staffroom-user-create-"));
      try {
        const env = { DATA_DIR: scratch, STAFFROOM_PASSWORD: "a perfectly fine passphrase 12" };
        const [noEmail, passwordFlag, weak, whileRunning] = await Promise.all([
          runUserCreate(["--name", "No Email", "--role", "admin"], { cwd: server.cwd, env }),
          runUserCreate(["--email", "flag@example.org", "--name", "Flag User", "--password", "hunter2hunter2"], {
            cwd: server.cwd,
            env,
          }),
          runUserCreate(["--email", "weak@example.org", "--name", "Weak Password", "--role", "admin"], {
            cwd: server.cwd,
            env: { ...env, STAFFROOM_PASSWORD: "short" },
          }),
          // The running server holds the PGlite folder: the command must refuse, not share it.
          runUserCreate(["--email", "too.soon@example.org", "--name", "Too Soon", "--role", "admin"], {
            cwd: server.cwd,
            env: { ...env, DATA_DIR: server.dataDir },
          }),
        ]);
        expect(noEmail.code).toBe(2);
        expect(noEmail.stderr).toMatch(/Usage: npm run user:create -- --email/);
        expect(passwordFlag.code).toBe(2);
        expect(passwordFlag.stderr).toMatch(/--password/);
        expect(passwordFlag.stderr).toMatch(/Usage:/);
        expect(passwordFlag.stdout).not.toMatch(/Created/);
        expect(weak.code).toBe(1);
        expect(weak.stderr).toMatch(/password: Use at least 10 characters/);
        expect(weak.stdout).not.toMatch(/Created/);
        expect(whileRunning.code).toBe(1);
        expect(whileRunning.stderr).toMatch(/in use by another Staffroom process/);
        expect(whileRunning.stdout).not.toMatch(/Created/);
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
    },
    SLOW_TEST,
  );
});

describe("the repository's files", () => {
  it("content/ is unchanged: every editor write went to the sandbox", () => {
    expect(snapshotTree(path.join(REPO_ROOT, "content"))).toEqual(repoContentBefore);
    expect(existsSync(sandboxFile(PWNED_FILE))).toBe(false);
  });
});

// ---------------------------------------------------------------------------
// Rate limits: servers of their own, so the budget above is untouched.
// ---------------------------------------------------------------------------

describe("sign-in throttling", () => {
  let direct: TestServer; // no TRUSTED_PROXIES: X-Forwarded-For is not believed
  let proxied: TestServer; // TRUSTED_PROXIES=127.0.0.1: it is

  beforeAll(async () => {
    [direct, proxied] = await Promise.all([
      startTestServer(),
      startTestServer({ env: { TRUSTED_PROXIES: "127.0.0.1" } }),
    ]);
  }, HOOK_TIMEOUT);

  afterAll(async () => {
    await Promise.all([direct?.stop(), proxied?.stop()]);
  }, HOOK_TIMEOUT);

  const attempt = (
    target: TestServer,
    email: string,
    forwardedFor: string,
    password = "wrong password, again and again",
  ) => new HttpClient(target.baseUrl, forwardedFor).signIn(email, password);

  /** A throttled answer: 429, Retry-After, why, the way in by email, and no session. */
  function expectThrottled(reply: Reply, label: string, why: RegExp): void {
    expect(reply.status, label).toBe(429);
    expect(shown(reply.text), label).toMatch(why);
    expect(shown(reply.text), label).toMatch(
      /Please wait \d+ (seconds?|minutes?) and try again, or sign in with a link we email you: it works straight away\./,
    );
    expect(reply.text, `${label}: a link to the emailed sign-in link`).toMatch(
      /<a [^>]*href="\/signin\/link[^"]*"[^>]*>Email me a sign-in link<\/a>/,
    );
    expect(
      reply.setCookies.some((c) => c.startsWith(`${SESSION_COOKIE}=`) && !c.startsWith(`${SESSION_COOKIE}=;`)),
      label,
    ).toBe(false);
    // Soft, so the checks after it still run when it is missing.
    const retryAfter = reply.headers.get("retry-after");
    expect
      .soft(
        retryAfter ?? "(no Retry-After header)",
        `${label}: the 429 page (a plain form POST, no JavaScript) must say when to retry`,
      )
      .toMatch(/^\d+$/);
    if (retryAfter) expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    // The longest wait there is: a throttle, never a lock.
    if (retryAfter) expect(Number(retryAfter)).toBeLessThanOrEqual(15 * 60);
  }

  it(
    "five wrong passwords for one account: browsers new to it then wait (429, Retry-After, the emailed link), even with the right password, while the owner's own browser still signs in",
    async () => {
      const victim = new HttpClient(proxied.baseUrl, "198.51.100.200");
      expect((await victim.signUp({ email: "vic.target@example.org", displayName: "Vic Target" })).status).toBe(302);
      // The owner's browser signs in with the password once: it is known to the account from now on.
      const own = await victim.signIn("vic.target@example.org", GOOD_PASSWORD);
      expect(own.status).toBe(302);
      // Five wrong passwords, each from a different address.
      const first = await inBatches(
        Array.from({ length: 5 }, (_, i) => () => attempt(proxied, "vic.target@example.org", `198.51.100.${i + 1}`)),
        4,
      );
      expect(first.map((r) => r.status)).toEqual(Array(5).fill(400));
      const account = /too many failed sign-ins to this account from browsers it has not used before/i;
      expectThrottled(await attempt(proxied, "vic.target@example.org", "198.51.100.11"), "6th attempt", account);
      expectThrottled(
        await attempt(proxied, "vic.target@example.org", "198.51.100.12", GOOD_PASSWORD),
        "right password from a new browser while it waits",
        account,
      );
      // With JavaScript the form posts as a data request, answered by the action itself.
      const data = await new HttpClient(proxied.baseUrl, "198.51.100.14").post("/signin?_data=routes%2Fsignin", {
        email: "vic.target@example.org",
        password: "wrong password, again and again",
      });
      expect(data.status).toBe(429);
      expect(data.headers.get("retry-after")).toMatch(/^\d+$/);
      // Nobody can lock the owner out of their own browser.
      const home = victim.clone();
      home.cookies.delete(SESSION_COOKIE);
      const back = await home.signIn("vic.target@example.org", GOOD_PASSWORD);
      expect(back.status, shown(back.text).slice(0, 300)).toBe(302);
      // Another account is not affected.
      expect((await attempt(proxied, "someone.unrelated@example.org", "198.51.100.13")).status).toBe(400);
    },
    SLOW_TEST,
  );

  it(
    "without TRUSTED_PROXIES, a different X-Forwarded-For on each attempt does not escape the per-address throttle",
    async () => {
      const thirty = await inBatches(
        Array.from({ length: 30 }, (_, i) => () => attempt(direct, `spray-${i + 1}@example.org`, `203.0.113.${i + 1}`)),
        4,
      );
      expect(thirty.map((r) => r.status)).toEqual(Array(30).fill(400));
      expectThrottled(
        await attempt(direct, "spray-31@example.org", "203.0.113.31"),
        "31st attempt from 127.0.0.1",
        /too many failed sign-ins from your network/i,
      );
    },
    SLOW_TEST,
  );

  it(
    "with TRUSTED_PROXIES=127.0.0.1, each X-Forwarded-For address is counted on its own",
    async () => {
      const replies = await inBatches(
        Array.from(
          { length: 31 },
          (_, i) => () => attempt(proxied, `proxied-${i + 1}@example.org`, `192.0.2.${i + 1}`),
        ),
        4,
      );
      expect(replies.map((r) => r.status)).toEqual(Array(31).fill(400));
    },
    SLOW_TEST,
  );
});
