import type { Locator, Page, Request, Route } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertSucceeded, HttpClient, runUserCreate, SESSION_COOKIE } from "../support/accounts";
import { verifyByEmail } from "../support/mail";
import { describeWithBrowser, launchBrowser, waitForHydration, type TestBrowser } from "../support/browser";
import { DEMO_PATH, startTestServer, type TestServer } from "../support/server";

/**
 * The comment form's defences in a real browser (system Chromium) against
 * the production build with moderation as shipped (first-time guests held)
 * and no timing check (COMMENT_MIN_SECONDS=0): the button is disabled while
 * a comment is being sent, a double click posts one comment, and a guest's
 * held comment is shown to them as awaiting moderation, with JavaScript on
 * and off; the moderation queue is paged, and a bulk action on page 2 acts on
 * what is ticked there. Expected values come from the rules.
 */

const ADMIN = { email: "ada.admin@example.org", name: "Ada Admin", password: "granite meadow copper 19" };

const HOOK_TIMEOUT = 120_000;
const TEST_TIMEOUT = 60_000;

/** Text with white space collapsed, as a reader sees it. */
async function textOf(locator: Locator): Promise<string> {
  return ((await locator.innerText()) ?? "").replace(/\s+/g, " ").trim();
}

// With JavaScript, Remix's single fetch posts the form to the page's `.data` address.
const isCommentPost = (request: Request) =>
  request.method() === "POST" && [DEMO_PATH, `${DEMO_PATH}.data`].includes(new URL(request.url()).pathname);

/** The comments on the page whose own body is exactly `text`. */
function commentsSaying(page: Page, text: string): Locator {
  return page.locator("li.comment > article").filter({ has: page.locator(".comment-body", { hasText: text }) });
}

describeWithBrowser("moderation and the comment form in Chromium (production build)", () => {
  let server: TestServer;
  const url = (pathname: string) => `${server.baseUrl}${pathname}`;

  beforeAll(async () => {
    server = await startTestServer({
      moderation: true,
      sandbox: true,
      env: { COMMENT_MIN_SECONDS: "0", COMMENT_RATE_LIMIT: "10000" },
      beforeStart: async (dataDir, cwd) => {
        const created = await runUserCreate(["--email", ADMIN.email, "--name", ADMIN.name, "--role", "admin"], {
          cwd,
          env: { DATA_DIR: dataDir, STAFFROOM_PASSWORD: ADMIN.password },
        });
        assertSucceeded("user:create", created);
      },
    });
  }, HOOK_TIMEOUT);

  afterAll(async () => {
    await server?.stop();
  }, HOOK_TIMEOUT);

  /** Visible text of the page fetched without any cookie (what everyone else sees). */
  async function publicPage(): Promise<string> {
    const reply = await new HttpClient(server.baseUrl).get(DEMO_PATH);
    expect(reply.status).toBe(200);
    return reply.text.replace(/<script\b[\s\S]*?<\/script>/gi, "");
  }

  describe("a member posting with JavaScript", () => {
    let browser: TestBrowser;
    let page: Page;
    const pageErrors: string[] = [];

    beforeAll(async () => {
      // A member (published at once), so what is counted is what everyone sees.
      const http = new HttpClient(server.baseUrl);
      const reply = await http.signUp({ email: "dani.doubleclick@example.org", displayName: "Dani Doubleclick" });
      if (reply.status !== 302) throw new Error(`sign-up answered ${reply.status}`);
      // Confirmed, so it is moderated as a member, not as a new guest (README: Accounts).
      await verifyByEmail(server, http, "dani.doubleclick@example.org");
      browser = await launchBrowser({ javaScriptEnabled: true });
      await browser.context.addCookies([{ name: SESSION_COOKIE, value: http.sessionId!, url: server.baseUrl }]);
      page = await browser.context.newPage();
      page.on("pageerror", (error) => pageErrors.push(String(error)));
    }, HOOK_TIMEOUT);

    afterAll(async () => {
      await browser?.close();
    }, HOOK_TIMEOUT);

    it(
      "the submit button is disabled (“Posting…”) while the comment is being sent, and enabled again after",
      async () => {
        await page.goto(url(DEMO_PATH));
        await waitForHydration(page);
        const form = page.locator("form#comment");
        expect(await textOf(form)).toContain("Posting as Dani Doubleclick.");
        const button = form.locator('button[type="submit"]');
        expect(await button.isEnabled()).toBe(true);

        // Hold the POST in flight until the button has been looked at.
        let release!: () => void;
        const released = new Promise<void>((resolve) => (release = resolve));
        let arrived!: () => void;
        const inFlight = new Promise<void>((resolve) => (arrived = resolve));
        const handler = async (route: Route) => {
          if (!isCommentPost(route.request())) return route.continue();
          arrived();
          await released;
          await route.continue();
        };
        await page.route("**/*", handler);
        try {
          const body = "Sent on a slow connection: the button must not invite a second click.";
          await form.locator("textarea[name=body]").fill(body);
          await button.click();
          await inFlight;
          await page.waitForFunction(
            () => document.querySelector<HTMLButtonElement>("form#comment button[type=submit]")?.disabled === true,
            undefined,
            {
              timeout: 5_000,
            },
          );
          expect(await button.getAttribute("disabled")).not.toBeNull();
          expect(await textOf(button)).toBe("Posting…");
          release();
          await page.waitForURL(/#comment-\d+$/, { timeout: 20_000 });
          await commentsSaying(page, body).first().waitFor();
          expect(await commentsSaying(page, body).count()).toBe(1);
          expect(await button.isEnabled()).toBe(true);
          expect(await textOf(button)).toBe("Post comment");
        } finally {
          release();
          await page.unroute("**/*", handler);
        }
        expect(pageErrors).toEqual([]);
      },
      TEST_TIMEOUT,
    );

    it(
      "a double click on “Post comment” creates exactly one comment",
      async () => {
        await page.goto(url(DEMO_PATH));
        await waitForHydration(page);
        const topLevel = page.locator("#comments > ol.comment-list > li.comment");
        const before = await topLevel.count();
        const posts: string[] = [];
        const onRequest = (request: Request) => {
          if (isCommentPost(request)) posts.push(request.url());
        };
        page.on("request", onRequest);
        // A little latency, as on a real network, so the second click lands while the first is in flight.
        const slow = async (route: Route) => {
          if (isCommentPost(route.request())) await new Promise((resolve) => setTimeout(resolve, 400));
          await route.continue();
        };
        await page.route("**/*", slow);
        try {
          const body = "Double-clicked out of habit: this must appear exactly once.";
          const form = page.locator("form#comment");
          await form.locator("textarea[name=body]").fill(body);
          await form.getByRole("button", { name: "Post comment" }).dblclick();
          await page.waitForURL(/#comment-\d+$/, { timeout: 20_000 });
          await commentsSaying(page, body).first().waitFor();
          await page.waitForLoadState("networkidle");
          expect(await commentsSaying(page, body).count()).toBe(1);
          expect(await topLevel.count()).toBe(before + 1);
          const number = new URL(page.url()).hash.replace("#comment-", "");
          expect(number).toBe(String(before + 1));

          // What everyone else sees after a reload: the text once.
          const html = await publicPage();
          expect(html.split(body).length - 1).toBe(1);
          expect(posts.length, "POSTs the browser sent").toBeGreaterThanOrEqual(1);
        } finally {
          page.off("request", onRequest);
          await page.unroute("**/*", slow);
        }
        expect(pageErrors).toEqual([]);
      },
      TEST_TIMEOUT,
    );
  });

  describe("a first-time guest", () => {
    it(
      "with JavaScript on: the held comment is shown to its writer as awaiting moderation, to nobody else",
      async () => {
        const browser = await launchBrowser({ javaScriptEnabled: true });
        try {
          const page = await browser.context.newPage();
          await page.goto(url(DEMO_PATH));
          await waitForHydration(page);
          const form = page.locator("form#comment");
          const body = "First time here, with JavaScript: thank you for writing this.";
          await form.locator("textarea[name=body]").fill(body);
          await form.locator('input[name="name"]').fill("Jess Scripted");
          await form.getByRole("button", { name: "Post comment" }).click();
          await page.waitForURL(/\?held=\d+#comment-held-\d+$/, { timeout: 20_000 });
          const anchor = new URL(page.url()).hash.slice(1);
          const held = page.locator(`li#${anchor} > article`);
          await held.waitFor();
          expect(await textOf(held.locator(".comment-body"))).toBe(body);
          expect(await textOf(held.locator(".pending-label"))).toMatch(/awaiting moderation/i);
          expect(await held.locator(".comment-number").count()).toBe(0);
          expect(await textOf(page.locator("#comments .notice"))).toMatch(/awaiting moderation/i);
          expect(await publicPage()).not.toContain(body);
        } finally {
          await browser.close();
        }
      },
      TEST_TIMEOUT,
    );

    it(
      "with JavaScript off: the page after posting shows the notice “awaiting moderation” and the held comment",
      async () => {
        const browser = await launchBrowser({ javaScriptEnabled: false });
        try {
          const page = await browser.context.newPage();
          await page.goto(url(DEMO_PATH));
          const form = page.locator("form#comment");
          const body = "First time here, no JavaScript: the section on co-teaching rang true.";
          await form.locator('textarea[name="body"]').fill(body);
          await form.locator('input[name="name"]').fill("Noa Noscript");
          await form.locator('input[name="email"]').fill("noa.noscript@example.org");
          const [response] = await Promise.all([
            page.waitForResponse((r) => isCommentPost(r.request())),
            form.getByRole("button", { name: "Post comment" }).click(),
          ]);
          expect(response.status()).toBe(303);
          await page.waitForURL(/\?held=\d+#comment-held-\d+$/);
          await page.waitForLoadState("domcontentloaded");

          const notice = page.locator("#comments .notice");
          expect(await notice.isVisible()).toBe(true);
          expect(await textOf(notice)).toMatch(/awaiting moderation/i);
          const anchor = new URL(page.url()).hash.slice(1);
          const held = page.locator(`li#${anchor} > article`);
          expect(await held.isVisible()).toBe(true);
          expect(await textOf(held.locator(".comment-body"))).toBe(body);
          expect(await textOf(held.locator(".pending-label"))).toMatch(/awaiting moderation/i);
          // Nobody else sees it; the email is never shown, not even to its writer.
          expect(await publicPage()).not.toContain(body);
          expect(await page.content()).not.toContain("noa.noscript@example.org");

          // Reloading (the cookie identifies the writer): still there, still held.
          await page.goto(url(DEMO_PATH));
          expect(await textOf(page.locator(`li#${anchor} > article .comment-body`))).toBe(body);
          expect(await page.locator("#comments .notice").count()).toBe(0);
        } finally {
          await browser.close();
        }
      },
      TEST_TIMEOUT,
    );

    it(
      "with JavaScript off: a double click on “Post comment” creates one held comment, which its writer sees",
      async () => {
        const browser = await launchBrowser({ javaScriptEnabled: false });
        try {
          const page = await browser.context.newPage();
          const posts: string[] = [];
          page.on("request", (request) => {
            if (isCommentPost(request)) posts.push(request.url());
          });
          // A little latency, so the second click lands while the first is in flight.
          await page.route("**/*", async (route) => {
            if (isCommentPost(route.request())) await new Promise((resolve) => setTimeout(resolve, 400));
            await route.continue();
          });
          await page.goto(url(DEMO_PATH));
          const form = page.locator("form#comment");
          const body = "No JavaScript and an impatient double click on the button.";
          await form.locator('textarea[name="body"]').fill(body);
          await form.locator('input[name="name"]').fill("Dot Doubleclick");
          await form.getByRole("button", { name: "Post comment" }).dblclick();
          await page.waitForURL(/\?held=\d+#comment-held-\d+$/, { timeout: 20_000 });
          await page.waitForLoadState("load");
          expect(posts.length, "POSTs the browser sent").toBeGreaterThanOrEqual(1);
          expect(await publicPage()).not.toContain(body);
          // One comment, and its writer (this browser, whichever guest cookie it kept) sees it.
          expect(await commentsSaying(page, body).count()).toBe(1);
        } finally {
          await browser.close();
        }
      },
      TEST_TIMEOUT,
    );
  });

  it(
    "a right-to-left override in a writer's name flips nothing after it in the queue: “(guest) on …” stays to its right, in order",
    async () => {
      const admin = new HttpClient(server.baseUrl);
      expect((await admin.signIn(ADMIN.email, ADMIN.password)).status).toBe(302);
      const name = "Rita \u202EReverso";
      const body = "Held, from a writer whose name holds a right-to-left override.";
      const posted = await new HttpClient(server.baseUrl).post(DEMO_PATH, { name, body });
      expect(posted.status).toBe(303);
      const browser = await launchBrowser({ javaScriptEnabled: false });
      try {
        await browser.context.addCookies([{ name: SESSION_COOKIE, value: admin.sessionId!, url: server.baseUrl }]);
        const page = await browser.context.newPage();
        await page.goto(url("/moderation?list=pending&page=1000000"));
        const meta = page.locator(".queue-item", { hasText: body }).locator("p.meta");
        // Where the name ends on screen, and where our own words after it are drawn.
        const layout = await meta.evaluate((p) => {
          const strong = p.querySelector("strong")!;
          const nameBox = strong.getBoundingClientRect();
          const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
          const boxes: { text: string; left: number }[] = [];
          // The first three visible characters after the name, in the page's order.
          for (let node = walker.nextNode(); node && boxes.length < 3; node = walker.nextNode()) {
            if (strong.contains(node) || !(strong.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_FOLLOWING))
              continue;
            const text = node.textContent ?? "";
            for (let offset = 0; offset < text.length && boxes.length < 3; offset++) {
              if (/\s/.test(text[offset])) continue;
              const range = document.createRange();
              range.setStart(node, offset);
              range.setEnd(node, offset + 1);
              boxes.push({ text: text[offset], left: range.getBoundingClientRect().left });
            }
          }
          return { nameRight: nameBox.right, boxes };
        });
        expect(layout.boxes.map((b) => b.text)).toEqual(["(", "g", "u"]);
        expect(layout.boxes[0].left).toBeGreaterThanOrEqual(layout.nameRight - 1);
        expect(layout.boxes[1].left).toBeGreaterThan(layout.boxes[0].left);
        expect(layout.boxes[2].left).toBeGreaterThan(layout.boxes[1].left);
      } finally {
        await browser.close();
      }
    },
    TEST_TIMEOUT,
  );

  describe("the moderation queue, paged", () => {
    const HELD = 56;
    let adminSession: string;

    beforeAll(async () => {
      const admin = new HttpClient(server.baseUrl);
      const signedIn = await admin.signIn(ADMIN.email, ADMIN.password);
      if (signedIn.status !== 302) throw new Error(`the admin's sign-in answered ${signedIn.status}`);
      adminSession = admin.sessionId!;
      // More first-time guests than one page holds: each is held.
      for (let i = 1; i <= HELD; i++) {
        const reply = await new HttpClient(server.baseUrl).post(DEMO_PATH, {
          name: `Paged Guest ${i}`,
          body: `Held for the paged queue in Chromium, number ${i}.`,
        });
        if (reply.status !== 303) throw new Error(`held comment ${i} answered ${reply.status}`);
      }
    }, HOOK_TIMEOUT);

    for (const javaScriptEnabled of [true, false]) {
      it(
        `with JavaScript ${javaScriptEnabled ? "on" : "off"}: page 2 is reached by its link, and “Approve” with two comments ticked there approves those two and stays on page 2`,
        async () => {
          const browser = await launchBrowser({ javaScriptEnabled });
          try {
            await browser.context.addCookies([{ name: SESSION_COOKIE, value: adminSession, url: server.baseUrl }]);
            const page = await browser.context.newPage();
            await page.goto(url("/moderation"));
            expect(await page.locator(".queue-item").count()).toBe(50);
            await page
              .getByRole("navigation", { name: "Queue pages, bottom" })
              .getByRole("link", { name: "Page 2" })
              .click();
            await page.waitForURL(/[?&]page=2\b/);
            const items = page.locator(".queue-item");
            await items.first().waitFor();
            const bodies = await page.locator(".queue-item .queue-body").allInnerTexts();
            expect(bodies.length).toBeGreaterThan(2);
            const ticked = bodies.slice(-2);
            const count = await items.count();
            for (const i of [count - 2, count - 1]) await items.nth(i).locator('input[type="checkbox"]').check();
            await page.locator("form#bulk").getByRole("button", { name: "Approve" }).click();
            await page.waitForURL(/done=approve/);
            const address = new URL(page.url());
            expect(address.searchParams.get("page")).toBe("2");
            expect(address.searchParams.get("n")).toBe("2");
            expect(await textOf(page.locator(".notice"))).toBe("2 comments approved.");
            const after = await page.locator(".queue-item .queue-body").allInnerTexts();
            for (const body of ticked) expect(after).not.toContain(body);
            const thread = await publicPage();
            for (const body of ticked) expect(thread).toContain(body);
          } finally {
            await browser.close();
          }
        },
        TEST_TIMEOUT,
      );
    }
  });
});
