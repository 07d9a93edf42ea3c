import path from "node:path";
import type { BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_COACH_EMAIL, DEMO_COACH_PASSWORD, GOOD_PASSWORD, snapshotTree } from "../support/accounts";
import {
  commentArticle,
  describeWithBrowser,
  launchBrowser,
  openReplyForm,
  waitForHydration,
  type TestBrowser,
} from "../support/browser";
import { DEMO_TITLE } from "../support/pages";
import { DEMO_PATH, REPO_ROOT, startTestServer, type TestServer } from "../support/server";

/**
 * Accounts in a real browser (system Chromium) against the production build:
 * a member signs up, comments under their name and signs out; a coach gets
 * from /keystatic through the sign-in page into the editor and edits their
 * post there; a member whose session ends while writing gets their text back
 * after signing in again. The server runs in a sandbox (a copy of content/),
 * because the editor test saves a post.
 */

const HOOK_TIMEOUT = 120_000;
const TEST_TIMEOUT = 90_000;
/** The editor is a 2.8 MB React app: its first load can be slow. */
const EDITOR_TIMEOUT = 60_000;
const SHOTS = "/tmp";

/** Text with white space collapsed, as a reader sees it. */
async function textOf(locator: Locator): Promise<string> {
  return ((await locator.innerText()) ?? "").replace(/\s+/g, " ").trim();
}

async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.join(SHOTS, `staffroom-accounts-${name}.png`);
  await page.screenshot({ path: file, fullPage: true }).catch(() => {});
  return file;
}

describeWithBrowser("accounts in Chromium (production build, sandboxed content)", () => {
  let server: TestServer;
  const url = (pathname: string) => `${server.baseUrl}${pathname}`;
  const repoContentBefore = snapshotTree(path.join(REPO_ROOT, "content"));

  beforeAll(async () => {
    server = await startTestServer({ sandbox: true, env: { DEMO_COACH_PASSWORD } });
  }, HOOK_TIMEOUT);

  afterAll(async () => {
    await server?.stop();
  }, HOOK_TIMEOUT);

  /** Signs up through the form on /signup (JavaScript on or off). */
  async function signUpInBrowser(page: Page, account: { email: string; name: string }, from = DEMO_PATH) {
    await page.goto(url(from));
    await page.locator(".account-nav").getByRole("link", { name: "Create account" }).click();
    await page.waitForURL((u) => u.pathname === "/signup");
    await page.getByLabel("Email (never shown)").fill(account.email);
    await page.getByLabel("Display name").fill(account.name);
    await page.getByLabel("Password").fill(GOOD_PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL((u) => u.pathname === from);
    await page.locator(".account-nav").getByRole("link", { name: account.name }).waitFor();
  }

  describe("a member signs up, comments under their name and signs out (JavaScript on)", () => {
    let browser: TestBrowser;
    let page: Page;
    const pageErrors: string[] = [];
    const member = { email: "rowan.reader@example.org", name: "Rowan Reader" };

    beforeAll(async () => {
      browser = await launchBrowser({ javaScriptEnabled: true });
      page = await browser.context.newPage();
      page.on("pageerror", (error) => pageErrors.push(String(error)));
    }, HOOK_TIMEOUT);

    afterAll(async () => {
      await browser?.close();
    }, HOOK_TIMEOUT);

    it(
      "signs up from the post and comes back to it, signed in",
      async () => {
        await signUpInBrowser(page, member);
        expect(new URL(page.url()).pathname).toBe(DEMO_PATH);
        expect(await page.locator(".account-nav").getByRole("link", { name: "Sign in" }).count()).toBe(0);
        const cookies = await browser.context.cookies(server.baseUrl);
        const session = cookies.find((cookie) => cookie.name === "staffroom_session");
        expect(session?.httpOnly).toBe(true);
        expect(await page.evaluate(() => document.cookie)).not.toContain("staffroom_session");
      },
      TEST_TIMEOUT,
    );

    it(
      "comments as a member: no name or email fields, “Posting as Rowan Reader”, the comment under their name",
      async () => {
        await page.goto(url(DEMO_PATH));
        await waitForHydration(page);
        const form = page.locator("form#comment");
        for (const name of ["name", "email", "website", "anonymous"]) {
          expect(await form.locator(`[name="${name}"]`).count(), `no ${name} field`).toBe(0);
        }
        expect(await textOf(form)).toContain(`Posting as ${member.name}.`);

        const body =
          "Signing up took a minute. The point about protecting time is the one I will take to my head of school.";
        await form.locator("textarea[name=body]").fill(body);
        await form.getByRole("button", { name: "Post comment" }).click();
        await page.waitForURL(/#comment-\d+$/, { timeout: 20_000 });
        const number = new URL(page.url()).hash.replace("#comment-", "");
        const comment = commentArticle(page, number);
        await comment.waitFor();
        const author = comment.locator(".comment-author a");
        expect(await textOf(author)).toBe(member.name);
        const profileHref = await author.getAttribute("href");
        expect(profileHref).toMatch(/^\/members\/[^/]+$/);
        expect(await comment.locator(".badge").count()).toBe(0);
        expect(await textOf(comment.locator(".comment-body"))).toBe(body);
        // The form is ready for the next comment.
        expect(await form.locator("textarea[name=body]").inputValue()).toBe("");

        await author.click();
        await page.waitForURL((u) => u.pathname === profileHref);
        expect(await textOf(page.locator("main h1"))).toBe(member.name);
        const listed = page.locator("ol.profile-comments > li", { hasText: body.slice(0, 60) });
        expect(await listed.count()).toBe(1);
        expect(await textOf(listed.locator("a"))).toBe(DEMO_TITLE);
        expect(pageErrors).toEqual([]);
      },
      TEST_TIMEOUT,
    );

    it(
      "signs out with the header button and sees the sign-in link again",
      async () => {
        await page.goto(url(DEMO_PATH));
        await waitForHydration(page);
        const nav = page.locator(".account-nav");
        await nav.getByRole("button", { name: "Sign out" }).click();
        await nav.getByRole("link", { name: "Sign in" }).waitFor({ timeout: 15_000 });
        expect(await nav.getByRole("link", { name: member.name }).count()).toBe(0);
        expect(
          (await browser.context.cookies(server.baseUrl)).some((c) => c.name === "staffroom_session" && c.value),
        ).toBe(false);
        // The comment form is a guest's again.
        await page.goto(url(DEMO_PATH));
        expect(await page.locator('form#comment input[name="name"]').count()).toBe(1);
        expect(pageErrors).toEqual([]);
      },
      TEST_TIMEOUT,
    );
  });

  describe("a coach edits their post in the Keystatic editor", () => {
    let noScript: TestBrowser;
    let withScript: TestBrowser;
    let page: Page;
    const pageErrors: string[] = [];

    beforeAll(async () => {
      [noScript, withScript] = await Promise.all([
        launchBrowser({ javaScriptEnabled: false }),
        launchBrowser({ javaScriptEnabled: true }),
      ]);
    }, HOOK_TIMEOUT);

    afterAll(async () => {
      await Promise.all([noScript?.close(), withScript?.close()]);
    }, HOOK_TIMEOUT);

    /** Copies the session cookie from the no-JavaScript browser into the other one. */
    async function carryCookies(from: BrowserContext, to: BrowserContext) {
      await to.addCookies(await from.cookies(server.baseUrl));
    }

    it(
      "without JavaScript: /keystatic → the sign-in page → sign in as the demo coach → back at /keystatic",
      async () => {
        const guest = await noScript.context.newPage();
        const first = await guest.goto(url("/keystatic"));
        expect(first?.status()).toBe(200);
        expect(new URL(guest.url()).pathname).toBe("/signin");
        expect(new URL(guest.url()).searchParams.get("redirectTo")).toBe("/keystatic");
        expect(await textOf(guest.locator("main h1"))).toBe("Sign in");

        await guest.getByLabel("Email").fill(DEMO_COACH_EMAIL);
        await guest.getByLabel("Password").fill(DEMO_COACH_PASSWORD);
        const [response] = await Promise.all([
          guest.waitForResponse((r) => new URL(r.url()).pathname === "/keystatic" && r.request().method() === "GET"),
          guest.getByRole("button", { name: "Sign in" }).click(),
        ]);
        expect(response.status()).toBe(200);
        expect(new URL(guest.url()).pathname).toBe("/keystatic");
        await carryCookies(noScript.context, withScript.context);
      },
      TEST_TIMEOUT,
    );

    it(
      "with JavaScript: opens the post, changes its Summary, saves, and the home page shows the new summary",
      async () => {
        page = await withScript.context.newPage();
        page.on("pageerror", (error) => pageErrors.push(String(error)));
        const summary = `Rewritten in the editor by its author (${Date.now()}).`;
        try {
          await page.goto(url("/keystatic"), { timeout: EDITOR_TIMEOUT });
          expect(new URL(page.url()).pathname).toBe("/keystatic");
          const postsLink = page.getByRole("link", { name: "Posts", exact: true }).first();
          await postsLink.waitFor({ timeout: EDITOR_TIMEOUT });
          await postsLink.click();
          await page.waitForURL(/\/keystatic\/collection\/posts$/, { timeout: EDITOR_TIMEOUT });
          await page.getByText(DEMO_TITLE, { exact: true }).first().click({ timeout: EDITOR_TIMEOUT });
          await page.waitForURL(/\/keystatic\/collection\/posts\/item\/what-does-a-technology-coach-do$/, {
            timeout: EDITOR_TIMEOUT,
          });
          const field = page.getByLabel("Summary", { exact: true });
          await field.waitFor({ timeout: EDITOR_TIMEOUT });
          expect(await field.inputValue()).toMatch(/^Everything a technology coach did/);
          await field.fill(summary);

          const save = page.getByRole("button", { name: "Save", exact: true });
          await save.scrollIntoViewIfNeeded();
          const [saved] = await Promise.all([
            page.waitForResponse((r) => new URL(r.url()).pathname === "/api/keystatic/update", {
              timeout: EDITOR_TIMEOUT,
            }),
            save.click(),
          ]);
          expect(saved.status(), await saved.text().catch(() => "")).toBe(200);
          // The save wrote only the post's file, and wrote it to the sandbox.
          const sent = JSON.parse(saved.request().postData() ?? "{}") as {
            additions: { path: string }[];
            deletions: { path: string }[];
          };
          expect(sent.additions.map((a) => a.path)).toEqual(["content/posts/what-does-a-technology-coach-do.md"]);
          expect(sent.deletions).toEqual([]);
        } catch (error) {
          const shot = await screenshot(page, "editor-failure");
          throw new Error(`${(error as Error).message}\n(screenshot: ${shot})`);
        }

        await page.goto(url("/"));
        const item = page.locator("ol.post-list > li", { has: page.locator(`a[href="${DEMO_PATH}"]`) });
        expect(await textOf(item)).toContain(summary);
        // The cover image still shows on the post after the save.
        await page.goto(url(DEMO_PATH));
        const cover = page.locator("figure.cover img");
        const coverResponse = await page.request.get(url((await cover.getAttribute("src"))!));
        expect(coverResponse.status()).toBe(200);
        expect(pageErrors).toEqual([]);
      },
      TEST_TIMEOUT + EDITOR_TIMEOUT,
    );
  });

  describe("a session that ends while writing a reply (JavaScript on)", () => {
    let browser: TestBrowser;
    let page: Page;
    const pageErrors: string[] = [];
    const member = { email: "sasha.sessions@example.org", name: "Sasha Sessions" };

    beforeAll(async () => {
      browser = await launchBrowser({ javaScriptEnabled: true });
      page = await browser.context.newPage();
      page.on("pageerror", (error) => pageErrors.push(String(error)));
    }, HOOK_TIMEOUT);

    afterAll(async () => {
      await browser?.close();
    }, HOOK_TIMEOUT);

    it(
      "the reply survives: sign-in page with the “session ended” message, back to the post with the text, posted under the member's name",
      async () => {
        await signUpInBrowser(page, member);
        await page.goto(url(DEMO_PATH));
        await waitForHydration(page);
        const before = await page.locator("#comments li.comment").count();

        const toggle = commentArticle(page, "3").locator("details.reply-toggle");
        await openReplyForm(page, "3");
        const form = toggle.locator("form");
        expect(await textOf(form)).toContain(`Posting as ${member.name}.`);
        const text =
          "I wrote this while my session quietly expired. It should still reach comment 3, under my own name.";
        await form.locator("textarea[name=body]").fill(text);

        // The session ends while they write.
        await browser.context.clearCookies();
        await form.getByRole("button", { name: "Post reply" }).click();
        await page.waitForURL((u) => u.pathname === "/signin", { timeout: 20_000 });
        const at = new URL(page.url());
        expect(at.searchParams.get("expired")).toBe("1");
        expect(at.searchParams.get("redirectTo")).toMatch(
          /^\/posts\/what-does-a-technology-coach-do\?draft=[A-Za-z0-9_-]{22}#comments$/,
        );
        const notice = page.locator("main .form-error[role=status]");
        expect(await textOf(notice)).toContain("Your session ended while you were writing.");

        // Nothing was posted as a guest meanwhile.
        const check = await page.request.get(url(DEMO_PATH));
        expect(await check.text()).not.toContain("my session quietly expired");

        await page.getByLabel("Email").fill(member.email);
        await page.getByLabel("Password").fill(GOOD_PASSWORD);
        await page.getByRole("button", { name: "Sign in" }).click();
        await page.waitForURL((u) => u.pathname === DEMO_PATH && u.searchParams.has("draft"), { timeout: 20_000 });
        await waitForHydration(page);

        const again = commentArticle(page, "3").locator("details.reply-toggle");
        expect(await again.getAttribute("open")).not.toBeNull();
        const textarea = again.locator("textarea[name=body]");
        expect(await textarea.inputValue()).toBe(text);
        expect(await textOf(again.locator("form"))).toContain(`Posting as ${member.name}.`);

        await again.getByRole("button", { name: "Post reply" }).click();
        await page.waitForURL(/#comment-3-\d+$/, { timeout: 20_000 });
        const number = new URL(page.url()).hash.replace("#comment-", "").replaceAll("-", ".");
        const reply = commentArticle(page, number);
        await reply.waitFor();
        expect(await textOf(reply.locator(".comment-author"))).toBe(member.name);
        expect(await reply.locator(".comment-author a").getAttribute("href")).toMatch(/^\/members\//);
        expect(await textOf(reply.locator(".comment-body"))).toBe(text);
        expect(await page.locator("#comments li.comment").count()).toBe(before + 1);
        // Posted once.
        expect(await page.locator("#comments .comment-body", { hasText: "my session quietly expired" }).count()).toBe(
          1,
        );
        expect(pageErrors).toEqual([]);
      },
      TEST_TIMEOUT,
    );
  });

  describe("the repository's files", () => {
    it("content/ is unchanged: the editor saved into the sandbox", () => {
      expect(snapshotTree(path.join(REPO_ROOT, "content"))).toEqual(repoContentBefore);
    });
  });
});
