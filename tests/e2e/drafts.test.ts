import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWithBrowser, launchBrowser, waitForHydration, type TestBrowser } from "../support/browser";
import { DEMO_PATH, startTestServer, type TestServer } from "../support/server";

/**
 * With JavaScript, the comment form keeps a local draft per post and reply
 * target: it survives a reload and is cleared once the comment is posted.
 */
describeWithBrowser("local drafts in Chromium (production build)", () => {
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;
  const url = (pathname: string) => `${server.baseUrl}${pathname}`;
  const textarea = () => page.locator("#comment-body");

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser({ javaScriptEnabled: true });
    page = await browser.context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  }, 120_000);

  it("brings the text back after a reload", async () => {
    await page.goto(url(DEMO_PATH));
    await waitForHydration(page);
    const text = "Half-written thoughts about co-teaching that must not vanish on a reload.";
    await textarea().fill(text);
    await page.reload();
    await waitForHydration(page);
    await page.waitForFunction(
      () => (document.getElementById("comment-body") as HTMLTextAreaElement | null)?.value !== "",
      null,
      {
        timeout: 10_000,
      },
    );
    expect(await textarea().inputValue()).toBe(text);
    // The counter counts the restored text too.
    expect(await page.locator("#comment-body-counter").innerText()).toMatch(new RegExp(`^${text.length} / 4,096`));
  }, 60_000);

  it("clears the draft once the comment is posted", async () => {
    await page.locator("#comment-name").fill("Drafty Writer");
    await page.getByRole("button", { name: "Post comment" }).click();
    await page.waitForURL(/#comment-\d+$/, { timeout: 20_000 });
    // The landing page forgets the draft in an effect after it renders; leaving
    // before that (as this test could, on a busy machine) is not a reader's pace.
    await page.waitForFunction(() => !Object.keys(localStorage).some((k) => k.startsWith("staffroom:draft:")), null, {
      timeout: 10_000,
    });
    await page.goto(url(DEMO_PATH));
    await waitForHydration(page);
    await page.waitForTimeout(500);
    expect(await textarea().inputValue()).toBe("");
    expect(
      await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("staffroom:draft:"))),
    ).toEqual([]);
  }, 60_000);
});
