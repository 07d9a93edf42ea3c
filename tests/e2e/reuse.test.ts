import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWithBrowser, launchBrowser, waitForHydration, type TestBrowser } from "../support/browser";
import { COVER_CREDIT, DEMO_AUTHOR, DEMO_TITLE, POST_LICENSE_URL } from "../support/pages";
import { DEMO_PATH, serverForFile, type TestServer } from "../support/server";

/**
 * "Reuse this post" in a real browser: the Copy buttons put the ready
 * attribution on the clipboard, an image's "Reuse this image" link opens
 * that image's panel, and without JavaScript the same text is there to select.
 */

const HOOK_TIMEOUT = 120_000;
const TEST_TIMEOUT = 60_000;
/** Both journeys only read the demo post: one server for the file. */
const fileServer = serverForFile();

describeWithBrowser("copying an attribution from the reuse panel", () => {
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    server = await fileServer();
    browser = await launchBrowser();
    await browser.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.baseUrl });
    page = await browser.context.newPage();
    await page.goto(`${server.baseUrl}${DEMO_PATH}`);
    await waitForHydration(page);
  }, HOOK_TIMEOUT);
  afterAll(async () => {
    await browser?.close();
  });

  it(
    "Copy Plain text puts the post's attribution on the clipboard",
    async () => {
      const panel = page.locator("section#reuse");
      const expected = `“${DEMO_TITLE}” by ${DEMO_AUTHOR} (${server.baseUrl}${DEMO_PATH}) is licensed under CC BY-NC-SA 3.0 Unported (${POST_LICENSE_URL}).`;
      expect(await panel.locator("#reuse-attribution-plain-text").inputValue()).toBe(expected);
      await page.evaluate(() => navigator.clipboard.writeText("something else"));
      const button = panel.getByRole("button", { name: "Copy Plain text" });
      await button.click();
      await panel.getByRole("button", { name: "Copied" }).waitFor();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(expected);
    },
    TEST_TIMEOUT,
  );

  it(
    "Copy HTML gives markup with the licence link and ccREL attributes",
    async () => {
      await page.locator("section#reuse").getByRole("button", { name: "Copy HTML" }).first().click();
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      expect(copied).toContain(`href="${POST_LICENSE_URL}" rel="license noopener noreferrer"`);
      expect(copied).toContain('property="cc:attributionName"');
      expect(copied).toContain(`>${DEMO_TITLE}</a>`);
    },
    TEST_TIMEOUT,
  );

  it(
    "the cover's Reuse this image link opens its own panel, whose copy is the image's attribution",
    async () => {
      const details = page.locator("details#reuse-cover");
      expect(await details.evaluate((d: HTMLDetailsElement) => d.open)).toBe(false);
      await page.locator("figure.cover").getByRole("link", { name: "Reuse this image" }).click();
      await page.waitForFunction(
        () => (document.getElementById("reuse-cover") as HTMLDetailsElement | null)?.open === true,
      );
      expect(await details.locator("summary").innerText()).toContain(COVER_CREDIT);
      await details.getByRole("button", { name: "Copy Plain text" }).click();
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      expect(copied).toMatch(
        /^“Teachers gathered around a laptop in a staffroom” by A\. Photographer via a photo-sharing site \(https:\/\/photos\.example\.net\/a-photographer\/1234\) is licensed under CC BY 2\.0 \(https:\/\/creativecommons\.org\/licenses\/by\/2\.0\/\)\.$/,
      );
    },
    TEST_TIMEOUT,
  );
});

describeWithBrowser("the reuse panel without JavaScript", () => {
  let server: TestServer;
  let browser: TestBrowser;

  beforeAll(async () => {
    server = await fileServer();
    browser = await launchBrowser({ javaScriptEnabled: false });
  }, HOOK_TIMEOUT);
  afterAll(async () => {
    await browser?.close();
  });

  it(
    "shows the attribution as text to select, and no Copy buttons that could not work",
    async () => {
      const page = await browser.context.newPage();
      await page.goto(`${server.baseUrl}${DEMO_PATH}`);
      const panel = page.locator("section#reuse");
      expect(await panel.locator("#reuse-attribution-plain-text").inputValue()).toContain(
        `“${DEMO_TITLE}” by ${DEMO_AUTHOR}`,
      );
      expect(await panel.locator("#reuse-attribution-markdown").inputValue()).toContain(`](${POST_LICENSE_URL})`);
      expect(await panel.getByRole("button", { name: /^Copy/ }).count()).toBe(0);
      // The cover's "Reuse this image" link lands on a panel that is open, its text there to select.
      expect(await page.locator("details#reuse-cover").evaluate((d: HTMLDetailsElement) => d.open)).toBe(true);
      expect(await page.locator("#reuse-cover-attribution-plain-text").isVisible()).toBe(true);
    },
    TEST_TIMEOUT,
  );
});
