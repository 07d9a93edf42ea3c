import { existsSync } from "node:fs";
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from "playwright-core";
import { afterAll, describe, it } from "vitest";

/**
 * The system Chromium (Debian package), driven by playwright-core. No browser
 * is ever downloaded: without /usr/bin/chromium the browser suites are
 * skipped with a title that says so, or fail under STAFFROOM_REQUIRE_ALL_TESTS=1.
 */

const CHROMIUM_PATH = "/usr/bin/chromium";

const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

function hasChromium(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export interface LaunchOptions {
  javaScriptEnabled?: boolean;
  timezoneId?: string;
  locale?: string;
}

export interface TestBrowser {
  context: BrowserContext;
  /** Closes this browser context (its pages, cookies and storage go with it). */
  close(): Promise<void>;
}

let shared: Promise<Browser> | null = null;

/**
 * The one Chromium of this test file, started on first use and closed after
 * the file's last hook. Each `launchBrowser` gets a context of its own in it:
 * a context is Chromium's incognito-style profile (its own cookies, storage,
 * cache and permissions), so a journey sees nothing of another's, as with a
 * separate browser, without starting Chromium (its slowest part) each time.
 */
function sharedBrowser(): Promise<Browser> {
  if (!shared) {
    shared = chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
    shared.catch(() => {
      shared = null; // the next launch tries again, and reports its own error
    });
  }
  return shared;
}

// Registered when a test file imports this module: its Chromium ends with the file.
afterAll(async () => {
  const browser = shared;
  shared = null;
  await (await browser?.catch(() => null))?.close();
});

/** A fresh browser context (see above): no cookies, storage or cache from any other. */
export async function launchBrowser(options: LaunchOptions = {}): Promise<TestBrowser> {
  const browser = await sharedBrowser();
  const context = await browser.newContext({
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    timezoneId: options.timezoneId,
    locale: options.locale ?? "en-GB",
    viewport: { width: 1280, height: 900 },
  });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(30_000);
  let closed = false;
  return {
    context,
    async close() {
      if (closed) return;
      closed = true;
      await context.close().catch(() => {});
    },
  };
}

/**
 * `describe` for suites that need the browser. Without Chromium the suite is
 * registered as skipped, its title saying why; with
 * STAFFROOM_REQUIRE_ALL_TESTS=1 it becomes a failing test instead.
 */
export function describeWithBrowser(title: string, fn: () => void): void {
  if (hasChromium()) {
    describe(title, fn);
  } else if (process.env.STAFFROOM_REQUIRE_ALL_TESTS === "1") {
    describe(title, () => {
      it(`needs Chromium at ${CHROMIUM_PATH}`, () => {
        throw new Error(
          `STAFFROOM_REQUIRE_ALL_TESTS=1 but the browser is missing: no Chromium at ${CHROMIUM_PATH} ` +
            "(install the Debian package `chromium`).",
        );
      });
    });
  } else {
    describe.skip(`${title} [skipped: Chromium not found at ${CHROMIUM_PATH}]`, () => {
      it(`runs when Chromium is installed at ${CHROMIUM_PATH}`, () => {});
    });
  }
}

/** The comment drawn with `number`: its own article, without its replies. */
export function commentArticle(page: Page, number: string): Locator {
  return page.locator(`#comment-${number.replaceAll(".", "-")} > article`);
}

/** Waits until React has hydrated the post page: the live counter replaces the static hint. */
export async function waitForHydration(page: Page): Promise<void> {
  await page.locator("#comment-body-counter .counter").waitFor({ state: "visible", timeout: 60_000 });
}

/** Follows a comment's "Reply to N" link and waits for its reply form. */
export async function openReplyForm(page: Page, number: string): Promise<void> {
  await commentArticle(page, number)
    .getByRole("link", { name: /^Reply to / })
    .click();
  await commentArticle(page, number)
    .locator("details.reply-toggle form")
    .waitFor({ state: "visible", timeout: 20_000 });
}
