import axe from "axe-core";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_COACH_EMAIL, DEMO_COACH_PASSWORD, HttpClient, SESSION_COOKIE } from "../support/accounts";
import { describeWithBrowser, launchBrowser, waitForHydration, type TestBrowser } from "../support/browser";
import { DEMO_PATH, startTestServer, type TestServer } from "../support/server";

/**
 * The site's pages in Chromium (production build): the dark theme follows
 * the system setting (`prefers-color-scheme`, emulated), and axe finds no
 * WCAG 2.1 A/AA violation, contrast included, in either theme on the home
 * page, the post page with its comments and form, the moderation queue, an
 * author page and the About page; a post's coach goes from the post to the
 * editor ("Edit this post") and back to the site from the editor.
 */

const HOOK_TIMEOUT = 120_000;
const TEST_TIMEOUT = 120_000;
const EDITOR_TIMEOUT = 60_000;
const SCHEMES = ["light", "dark"] as const;

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** axe-core (the engine, injected into the page) over the whole document: WCAG 2.0/2.1 A and AA rules. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axe.source });
  const violations = await page.evaluate(
    async () =>
      (
        await (window as unknown as { axe: typeof axe }).axe.run(document, {
          runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
          resultTypes: ["violations"],
        })
      ).violations as unknown as Violation[],
  );
  return violations.flatMap((v) =>
    v.nodes.map((node) => `${v.id} (${v.impact}): ${node.target.join(" ")} — ${node.failureSummary ?? v.help}`),
  );
}

/** Relative luminance (WCAG 2.x) of a computed `rgb(…)` colour. */
function luminance(rgb: string): number {
  const [r, g, b] = (rgb.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((c) => {
    const v = Number(c) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

describeWithBrowser("pages, themes and accessibility in Chromium (production build)", () => {
  let server: TestServer;
  let browser: TestBrowser;
  const url = (pathname: string) => `${server.baseUrl}${pathname}`;

  beforeAll(async () => {
    server = await startTestServer({ env: { DEMO_COACH_PASSWORD } });
    const coach = new HttpClient(server.baseUrl);
    const reply = await coach.signIn(DEMO_COACH_EMAIL, DEMO_COACH_PASSWORD);
    if (reply.status !== 302) throw new Error(`the demo coach's sign-in answered ${reply.status}`);
    browser = await launchBrowser({ javaScriptEnabled: true });
    await browser.context.addCookies([{ name: SESSION_COOKIE, value: coach.sessionId!, url: server.baseUrl }]);
  }, HOOK_TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  }, HOOK_TIMEOUT);

  for (const scheme of SCHEMES) {
    describe(`the ${scheme} theme`, () => {
      for (const pathname of ["/", DEMO_PATH, "/moderation", "/authors/morgan-ellery", "/about"]) {
        it(
          `${pathname}: drawn ${scheme}, and axe finds no WCAG A/AA violation`,
          async () => {
            const page = await browser.context.newPage();
            try {
              await page.emulateMedia({ colorScheme: scheme });
              await page.goto(url(pathname));
              if (pathname === DEMO_PATH) {
                await waitForHydration(page);
                // The comment form is part of the page checked.
                expect(await page.locator("form#comment").count()).toBe(1);
              }
              const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
              const rootBackground = await page.evaluate(
                () => getComputedStyle(document.documentElement).backgroundColor,
              );
              const paper = luminance(rootBackground === "rgba(0, 0, 0, 0)" ? background : rootBackground);
              if (scheme === "dark") expect(paper, "a dark page background").toBeLessThan(0.05);
              else expect(paper, "a light page background").toBeGreaterThan(0.9);
              expect(await axeViolations(page)).toEqual([]);
            } finally {
              await page.close();
            }
          },
          TEST_TIMEOUT,
        );
      }
    });
  }

  it(
    "the post's coach opens the post in the editor from “Edit this post”, and the editor links back to the site",
    async () => {
      const page = await browser.context.newPage();
      try {
        await page.goto(url(DEMO_PATH));
        await page.getByRole("link", { name: "Edit this post", exact: true }).click();
        await page.waitForURL(/\/keystatic\/collection\/posts\/item\/what-does-a-technology-coach-do$/, {
          timeout: EDITOR_TIMEOUT,
        });
        const summary = page.getByLabel("Summary", { exact: true });
        await summary.waitFor({ timeout: EDITOR_TIMEOUT });
        expect(await summary.inputValue()).toMatch(/^Everything a technology coach did/);
        await page.getByRole("link", { name: "Back to the site" }).first().click({ timeout: EDITOR_TIMEOUT });
        await page.waitForURL((address) => address.pathname === "/", { timeout: EDITOR_TIMEOUT });
        expect(await page.locator(".site-title").count()).toBe(1);
      } finally {
        await page.close();
      }
    },
    TEST_TIMEOUT,
  );
});
