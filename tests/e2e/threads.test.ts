import { randomBytes } from "node:crypto";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { HttpClient } from "../support/accounts";
import {
  commentArticle,
  describeWithBrowser,
  launchBrowser,
  openReplyForm,
  waitForHydration,
  type TestBrowser,
} from "../support/browser";
import { DEMO_PATH, startTestServer, type TestServer } from "../support/server";

/**
 * A thread of two pages in Chromium, with JavaScript on and off: on comment
 * page 2, "Reply to 51" opens its form and the reply lands on page 2 at the
 * new comment, next to the thank-you; removing your own comment asks first
 * (in place with JavaScript, on a page of its own without).
 *
 * The demo thread has 16 top-level comments; 35 more make comment 51, the
 * first on page 2 (50 top-level comments a page).
 */

const HOOK_TIMEOUT = 120_000;
const TEST_TIMEOUT = 60_000;
const PAGE_2 = `${DEMO_PATH}?page=2`;

/** Text with white space collapsed, as a reader sees it. */
async function textOf(locator: Locator): Promise<string> {
  return ((await locator.innerText()) ?? "").replace(/\s+/g, " ").trim();
}

/** Waits until the element with this id is scrolled into the viewport. */
async function expectInView(page: Page, id: string): Promise<void> {
  await page.waitForFunction(
    (elementId) => {
      const el = document.getElementById(elementId);
      if (!el) return false;
      const top = el.getBoundingClientRect().top;
      return top >= -2 && top < window.innerHeight;
    },
    id,
    { timeout: 10_000 },
  );
}

/** Replies to comment 51 from page 2 through its form, and waits for the page the reply lands on. */
async function replyTo51(page: Page, body: string, name: string): Promise<URL> {
  await openReplyForm(page, "51");
  const form = commentArticle(page, "51").locator("details.reply-toggle form");
  await form.locator('textarea[name="body"]').fill(body);
  await form.locator('input[name="name"]').fill(name);
  await form.getByRole("button", { name: "Post reply" }).click();
  await page.waitForURL((u) => u.hash.startsWith("#comment-51-"), { timeout: 20_000 });
  return new URL(page.url());
}

describeWithBrowser("a thread of two pages in Chromium (production build)", () => {
  let server: TestServer;
  const url = (path: string) => `${server.baseUrl}${path}`;

  beforeAll(async () => {
    server = await startTestServer();
    const seeder = new HttpClient(server.baseUrl);
    for (let i = 1; i <= 35; i++) {
      const reply = await seeder.post(DEMO_PATH, {
        name: "Sam Seeder",
        body: `Top-level comment ${i} of the long thread.`,
        idempotencyKey: randomBytes(16).toString("base64url"),
        homepage: "",
      });
      expect(reply.status, reply.text.slice(0, 300)).toBe(303);
    }
  }, HOOK_TIMEOUT);

  afterAll(async () => {
    await server?.stop();
  }, HOOK_TIMEOUT);

  for (const javaScriptEnabled of [true, false]) {
    const how = javaScriptEnabled ? "with JavaScript" : "without JavaScript";
    it(
      `${how}: Reply to 51 on page 2 opens its form; the reply lands on page 2 at the new comment, next to the thank-you`,
      async () => {
        const browser: TestBrowser = await launchBrowser({ javaScriptEnabled });
        try {
          const page = await browser.context.newPage();
          const pageErrors: string[] = [];
          page.on("pageerror", (error) => pageErrors.push(String(error)));
          expect((await page.goto(url(PAGE_2)))?.status()).toBe(200);
          if (javaScriptEnabled) await waitForHydration(page);
          const body = `A reply on page two, ${how}.`;
          const landed = await replyTo51(page, body, javaScriptEnabled ? "Jo Scripted" : "Jo Plain");
          expect(landed.pathname).toBe(DEMO_PATH);
          expect(landed.searchParams.get("page")).toBe("2");
          const id = landed.hash.slice(1);
          const reply = page.locator(`li#${id} > article`);
          expect(await textOf(reply.locator(".comment-body"))).toBe(body);
          expect(await textOf(reply.locator(".notice"))).toMatch(/thank you/i);
          await expectInView(page, id);
          expect(pageErrors).toEqual([]);
        } finally {
          await browser.close();
        }
      },
      TEST_TIMEOUT,
    );
  }

  it(
    "with JavaScript: Remove under your own comment asks in place; Cancel keeps it, the second Remove removes it and stays on page 2",
    async () => {
      const browser = await launchBrowser({ javaScriptEnabled: true });
      try {
        const page = await browser.context.newPage();
        await page.goto(url(PAGE_2));
        await waitForHydration(page);
        const body = "A reply I will think better of.";
        const landed = await replyTo51(page, body, "Kim Secondthoughts");
        await waitForHydration(page);
        const id = landed.hash.slice(1);
        const mine = page.locator(`li#${id} > article`);
        const number = id.replace(/^comment-/, "").replaceAll("-", ".");

        await mine.getByRole("link", { name: "Remove" }).click();
        const question = mine.locator(".remove-confirm");
        await question.waitFor({ state: "visible" });
        expect(await textOf(question)).toContain(`Remove comment ${number}? This cannot be undone.`);
        // Asking removed nothing, and the page did not move.
        expect(new URL(page.url()).searchParams.get("page")).toBe("2");
        expect(await textOf(mine.locator(".comment-body"))).toBe(body);
        await question.getByRole("button", { name: "Cancel" }).click();
        await question.waitFor({ state: "detached" });
        expect(await textOf(mine.locator(".comment-body"))).toBe(body);

        await mine.getByRole("link", { name: "Remove" }).click();
        await Promise.all([
          page.waitForURL(
            (u) => u.hash === `#${id}` && u.searchParams.get("page") === "2" && !u.search.includes("posted"),
          ),
          mine.locator(".remove-confirm").getByRole("button", { name: "Remove" }).click(),
        ]);
        expect(await textOf(page.locator(`li#${id} > article .tombstone`))).toBe("This comment was removed.");
        expect(await page.content()).not.toContain(body);
      } finally {
        await browser.close();
      }
    },
    TEST_TIMEOUT,
  );

  it(
    "without JavaScript: Remove opens a page asking “Remove comment N? This cannot be undone”; Remove there removes it",
    async () => {
      const browser = await launchBrowser({ javaScriptEnabled: false });
      try {
        const page = await browser.context.newPage();
        await page.goto(url(PAGE_2));
        const body = "Another reply I will think better of.";
        const landed = await replyTo51(page, body, "Lou Plain");
        const id = landed.hash.slice(1);
        const number = id.replace(/^comment-/, "").replaceAll("-", ".");
        await page.locator(`li#${id} > article`).getByRole("link", { name: "Remove" }).click();
        await page.waitForURL((u) => /^\/comments\/\d+\/remove$/.test(u.pathname));
        expect(await textOf(page.locator("h1"))).toBe(`Remove comment ${number}?`);
        expect(await textOf(page.locator("main"))).toContain("This cannot be undone");
        await page.getByRole("button", { name: "Remove" }).click();
        await page.waitForURL((u) => u.pathname === DEMO_PATH && u.hash === `#${id}`);
        expect(new URL(page.url()).searchParams.get("page")).toBe("2");
        expect(await textOf(page.locator(`li#${id} > article .tombstone`))).toBe("This comment was removed.");
      } finally {
        await browser.close();
      }
    },
    TEST_TIMEOUT,
  );
});
