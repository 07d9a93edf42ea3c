import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Locator, type Page } from "playwright-core";
import { describe, it } from "vitest";

/**
 * The system Chromium (Debian package), driven by playwright-core. No browser
 * is ever downloaded: without /usr/bin/chromium the browser suites are
 * skipped with a title that says so, or fail under STAFFROOM_REQUIRE_ALL_TESTS=1.
 */

export const CHROMIUM_PATH = "/usr/bin/chromium";

const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function hasChromium(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export interface LaunchOptions {
  javaScriptEnabled?: boolean;
  timezoneId?: string;
  locale?: string;
}

export interface TestBrowser {
  context: BrowserContext;
  /** Closes the browser and removes its profile folder. */
  close(): Promise<void>;
}

/** A fresh Chromium with its own throw-away profile folder. */
export async function launchBrowser(options: LaunchOptions = {}): Promise<TestBrowser> {
  const profile = await mkdtemp(path.join(os.tmpdir(), "staffroom-chromium-"));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      javaScriptEnabled: options.javaScriptEnabled ?? true,
      timezoneId: options.timezoneId,
      locale: options.locale ?? "en-GB",
      viewport: { width: 1280, height: 900 },
      timeout: 60_000,
    });
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(30_000);
  let closed = false;
  return {
    context,
    async close() {
      if (closed) return;
      closed = true;
      await context.close().catch(() => {});
      await rm(profile, { recursive: true, force: true, maxRetries: 3 });
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
