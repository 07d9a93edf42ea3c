import type { Locator, Page, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  commentArticle,
  describeWithBrowser,
  launchBrowser,
  openReplyForm,
  waitForHydration,
  type TestBrowser,
} from "../support/browser";
import {
  COVER_CREDIT,
  COVER_LICENSE_URL,
  DEMO_AUTHOR,
  DEMO_AUTHOR_NUMBERS,
  DEMO_DATE_ISO,
  DEMO_DATE_TEXT,
  DEMO_NUMBERS,
  DEMO_SUMMARY,
  DEMO_TAGS,
  DEMO_TITLE,
  EMAIL_PATTERN,
  POST_LICENSE_URL,
  formatCount,
  prose,
} from "../support/pages";
import { DEMO_PATH, DEMO_SLUG, startTestServer, type TestServer } from "../support/server";

/**
 * The demo post page in a real browser (system Chromium), against the
 * production build served by remix-serve with a fresh database. The reading
 * checks run first, on the untouched demo thread (22 comments); the posting
 * checks that follow add comments.
 */

const HOOK_TIMEOUT = 120_000;
const TEST_TIMEOUT = 60_000;

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
    { timeout: 5_000 },
  );
}

/** Submits a form by clicking `button` and returns the POST's response (JS off: a document request). */
async function submitAndGetPostResponse(page: Page, button: Locator): Promise<Response> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === DEMO_PATH),
    button.click(),
  ]);
  await page.waitForLoadState("domcontentloaded");
  return response;
}

describeWithBrowser("post page in Chromium (production build)", () => {
  let server: TestServer;
  const url = (path: string) => `${server.baseUrl}${path}`;

  beforeAll(async () => {
    server = await startTestServer();
  }, HOOK_TIMEOUT);

  afterAll(async () => {
    await server?.stop();
  }, HOOK_TIMEOUT);

  describe("reading the demo post (JavaScript on)", () => {
    let browser: TestBrowser;
    let page: Page;
    const pageErrors: string[] = [];
    const consoleErrors: string[] = [];

    beforeAll(async () => {
      browser = await launchBrowser({ javaScriptEnabled: true });
      page = await browser.context.newPage();
      page.on("pageerror", (error) => pageErrors.push(String(error)));
      page.on("console", (message) => {
        if (message.type() === "error") consoleErrors.push(message.text());
      });
      const response = await page.goto(url(DEMO_PATH));
      expect(response?.status()).toBe(200);
      await waitForHydration(page);
    }, HOOK_TIMEOUT);

    afterAll(async () => {
      await browser?.close();
    }, HOOK_TIMEOUT);

    it("shows the title, the calendar date, the author and the tag links", async () => {
      expect(await textOf(page.locator("article.post h1"))).toBe(DEMO_TITLE);
      expect(await page.title()).toBe(DEMO_TITLE);
      const time = page.locator("article.post .post-meta time");
      expect(await textOf(time)).toBe(DEMO_DATE_TEXT);
      expect(await time.getAttribute("datetime")).toBe(DEMO_DATE_ISO);
      expect(await textOf(page.locator("article.post .post-meta .author"))).toBe(DEMO_AUTHOR);

      const tags = page.locator("article.post > header ul.tags a");
      expect(await tags.allInnerTexts()).toEqual(DEMO_TAGS);
      for (const [i, tag] of DEMO_TAGS.entries()) {
        expect(await tags.nth(i).getAttribute("href")).toBe(`/tags/${tag}`);
        expect(await tags.nth(i).getAttribute("rel")).toBe("tag");
      }
    });

    it("shows the cover image, loaded, with its visible credit and licence link", async () => {
      const image = page.locator("figure.cover img");
      expect(await image.getAttribute("src")).toBe(`/images/posts/${DEMO_SLUG}/cover/image.png`);
      expect(await image.getAttribute("alt")).toBe("Teachers gathered around a laptop in a staffroom");
      await page.waitForFunction(
        () => {
          const img = document.querySelector<HTMLImageElement>("figure.cover img");
          return !!img && img.complete;
        },
        undefined,
        { timeout: 10_000 },
      );
      expect(await image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);

      const caption = page.locator("figure.cover figcaption");
      expect(await caption.isVisible()).toBe(true);
      expect(await textOf(caption)).toBe(`${COVER_CREDIT} · Reuse this image`);
      const licence = caption.locator('a[rel="license"]');
      expect(await licence.getAttribute("href")).toBe(COVER_LICENSE_URL);
      expect(await textOf(licence)).toBe("CC BY 2.0");
    });

    it("states the post's licence in a visible notice, in <head> and in JSON-LD", async () => {
      const notice = page.locator("footer.license-notice");
      expect(await notice.isVisible()).toBe(true);
      expect(await textOf(notice)).toBe(
        `${DEMO_TITLE} by ${DEMO_AUTHOR} is licensed under CC BY-NC-SA 3.0 Unported. How to reuse it`,
      );
      const link = notice.locator('a[rel~="license"]');
      expect(await link.getAttribute("rel")).toBe("license");
      expect(await link.getAttribute("href")).toBe(POST_LICENSE_URL);
      expect(await textOf(link)).toBe("CC BY-NC-SA 3.0 Unported");

      const headLinks = page.locator('head link[rel="license"]');
      expect(await headLinks.count()).toBe(1);
      expect(await headLinks.getAttribute("href")).toBe(POST_LICENSE_URL);

      const scripts = await page.locator('script[type="application/ld+json"]').allTextContents();
      expect(scripts).toHaveLength(1);
      const jsonLd = JSON.parse(scripts[0]);
      expect(jsonLd["@context"]).toBe("https://schema.org");
      expect(jsonLd["@type"]).toBe("BlogPosting");
      expect(jsonLd.headline).toBe(DEMO_TITLE);
      expect(jsonLd.datePublished).toBe(DEMO_DATE_ISO);
      expect(jsonLd.license).toBe(POST_LICENSE_URL);
      expect(jsonLd.author).toMatchObject({ "@type": "Person", name: DEMO_AUTHOR });
      expect(jsonLd.image?.[0]?.creditText).toBe(COVER_CREDIT);
      expect(jsonLd.image?.[0]?.license).toBe(COVER_LICENSE_URL);
    });

    it("shows 22 comments from 21 submissions, 16 of them top-level, each with its number; the heading counts submissions", async () => {
      // The long reply split in two (9.1, 9.2) is one comment in parts (issue 11).
      expect(await textOf(page.locator("#comments-heading"))).toBe("21 comments");
      const all = page.locator("#comments li.comment");
      expect(await all.count()).toBe(22);
      expect(await page.locator("#comments > ol.comment-list > li.comment").count()).toBe(16);

      const numbers = await all.evaluateAll((items) =>
        items.map((li) => ({
          data: li.getAttribute("data-number"),
          shown: li.querySelector(":scope > article .comment-number")?.textContent?.trim() ?? null,
          visible: (li.querySelector(":scope > article .comment-number") as HTMLElement | null)?.offsetParent !== null,
        })),
      );
      expect(numbers.map((n) => n.shown)).toEqual(numbers.map((n) => n.data));
      expect(numbers.every((n) => n.visible)).toBe(true);
      const sortKey = (n: string) =>
        n
          .split(".")
          .map((part) => part.padStart(4, "0"))
          .join(".");
      expect(numbers.map((n) => n.shown!).sort((a, b) => sortKey(a).localeCompare(sortKey(b)))).toEqual(
        [...DEMO_NUMBERS].sort((a, b) => sortKey(a).localeCompare(sortKey(b))),
      );
      // Replies are drawn under their parent.
      expect(await page.locator("#comment-9 > ol.comment-list > li.comment").count()).toBe(4);
    });

    it("labels the long reply 9.1 and 9.2 as parts 1 and 2 of 2, linked to each other", async () => {
      const first = commentArticle(page, "9.1");
      const second = commentArticle(page, "9.2");
      expect(await textOf(first.locator(".part-label"))).toBe("Part 1 of 2");
      expect(await textOf(second.locator(".part-label"))).toBe("Part 2 of 2");
      expect(await first.locator('.part-nav a[href="#comment-9-2"]').count()).toBe(1);
      expect(await second.locator('.part-nav a[href="#comment-9-1"]').count()).toBe(1);
      expect(await textOf(first.locator(".part-nav"))).toContain("Part 2 of 2");
      expect(await textOf(second.locator(".part-nav"))).toContain("Part 1 of 2");
      // Following the link lands on the other part.
      await first.locator('.part-nav a[href="#comment-9-2"]').click();
      await page.waitForURL(/#comment-9-2$/);
      expect(await commentArticle(page, "9.2").isVisible()).toBe(true);
      // Comments that are not split carry no part label.
      expect(await commentArticle(page, "9.3").locator(".part-label").count()).toBe(0);
    });

    it("shows the anonymous comment 9 as “Anonymous”", async () => {
      expect(await textOf(commentArticle(page, "9").locator(".comment-author"))).toBe("Anonymous");
      expect(await commentArticle(page, "9").locator(".badge").count()).toBe(0);
    });

    it("marks the post author's 9 comments with the “Author” badge, and nobody else's", async () => {
      const badged = await page.locator("#comments li.comment").evaluateAll((items) =>
        items
          .filter((li) => li.querySelector(":scope > article .badge")?.textContent?.trim() === "Author")
          .map((li) => ({
            number: li.getAttribute("data-number"),
            name: li.querySelector(":scope > article .comment-author")?.textContent?.trim(),
          })),
      );
      expect(badged.map((b) => b.number).sort()).toEqual([...DEMO_AUTHOR_NUMBERS].sort());
      expect(badged.every((b) => b.name === DEMO_AUTHOR)).toBe(true);
      expect(await page.locator("#comments .badge").count()).toBe(9);
    });

    it("has no email address of anyone in the served HTML or the page", async () => {
      const served = await (await fetch(url(DEMO_PATH))).text();
      expect(served.match(EMAIL_PATTERN) ?? []).toEqual([]);
      expect((await page.content()).match(EMAIL_PATTERN) ?? []).toEqual([]);
    });

    it("lists the post on the home page with title, date, author, summary, tags and “21 comments” (submissions)", async () => {
      const response = await page.goto(url("/"));
      expect(response?.status()).toBe(200);
      const item = page.locator("ol.post-list > li", { has: page.locator(`a[href="${DEMO_PATH}"]`) });
      expect(await item.count()).toBe(1);
      expect(await textOf(item.locator("h2"))).toBe(DEMO_TITLE);
      expect(await textOf(item.locator("time"))).toBe(DEMO_DATE_TEXT);
      const text = await textOf(item);
      expect(text).toContain(`by ${DEMO_AUTHOR}`);
      expect(text).toContain(DEMO_SUMMARY);
      const comments = item.locator(`a[href="${DEMO_PATH}#comments"]`);
      expect(await textOf(comments)).toBe("21 comments");
      expect(await item.locator("ul.tags a").allInnerTexts()).toEqual(DEMO_TAGS);
    });

    it("lists the post on a tag page", async () => {
      const response = await page.goto(url("/tags/pyp"));
      expect(response?.status()).toBe(200);
      expect(await textOf(page.locator("h1"))).toContain("Posts tagged “pyp”");
      const link = page.locator(`ol.post-list a[href="${DEMO_PATH}"]`);
      expect(await textOf(link)).toBe(DEMO_TITLE);
    });

    it("answers an unknown post with a real 404 page that helps", async () => {
      for (const path of ["/posts/no-such-post", "/no/such/page"]) {
        const response = await page.goto(url(path));
        expect(response?.status(), path).toBe(404);
        expect(await textOf(page.locator("main h1")), path).toBe("Page not found");
        expect(await textOf(page.locator("main")), path).toMatch(/no page at this address/i);
        expect(await page.locator('main a[href="/"]').count(), path).toBeGreaterThan(0);
      }
    });

    it("had no script errors and no hydration mismatches", () => {
      expect(pageErrors).toEqual([]);
      expect(consoleErrors.filter((text) => /hydrat|did not match|mismatch/i.test(text))).toEqual([]);
    });
  });

  describe("in another time zone (Pacific/Honolulu)", () => {
    let browser: TestBrowser;
    let page: Page;
    const consoleErrors: string[] = [];

    beforeAll(async () => {
      browser = await launchBrowser({ javaScriptEnabled: true, timezoneId: "Pacific/Honolulu" });
      page = await browser.context.newPage();
      page.on("console", (message) => {
        if (message.type() === "error") consoleErrors.push(message.text());
      });
    }, HOOK_TIMEOUT);

    afterAll(async () => {
      await browser?.close();
    }, HOOK_TIMEOUT);

    it("shows the same calendar date, 9 June 2013, after hydration", async () => {
      await page.goto(url(DEMO_PATH));
      await waitForHydration(page);
      expect(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)).toBe("Pacific/Honolulu");
      expect(await textOf(page.locator("article.post .post-meta time"))).toBe(DEMO_DATE_TEXT);

      await page.goto(url("/"));
      await page.waitForLoadState("load");
      const item = page.locator("ol.post-list > li", { has: page.locator(`a[href="${DEMO_PATH}"]`) });
      expect(await textOf(item.locator("time"))).toBe(DEMO_DATE_TEXT);
      // Client-side navigation renders the date in the browser's zone: still the same.
      await item.locator(`h2 a[href="${DEMO_PATH}"]`).click();
      await page.waitForURL(url(DEMO_PATH));
      await page.locator("article.post h1").waitFor();
      expect(await textOf(page.locator("article.post .post-meta time"))).toBe(DEMO_DATE_TEXT);
      expect(consoleErrors.filter((text) => /hydrat|did not match|mismatch/i.test(text))).toEqual([]);
    });
  });

  describe("posting without JavaScript", () => {
    let browser: TestBrowser;
    let page: Page;

    beforeAll(async () => {
      browser = await launchBrowser({ javaScriptEnabled: false });
      page = await browser.context.newPage();
    }, HOOK_TIMEOUT);

    afterAll(async () => {
      await browser?.close();
    }, HOOK_TIMEOUT);

    it(
      "a guest replies to comment 3 and lands on the new comment 3.1",
      async () => {
        await page.goto(url(DEMO_PATH));
        // No JavaScript ran: the counter is still the static hint.
        expect(await textOf(page.locator("#comment-body-counter"))).toMatch(/^Up to 4,096 characters/);
        const replyToggle = commentArticle(page, "3").locator("details.reply-toggle");
        await openReplyForm(page, "3");
        const form = replyToggle.locator("form");
        const body = "Relationship building is the heart of it. Thank you for naming it, Dev.";
        await form.locator('textarea[name="body"]').fill(body);
        await form.locator('input[name="name"]').fill("Alex Guest");
        await form.locator('input[name="email"]').fill("alex.guest.private@example.org");

        const response = await submitAndGetPostResponse(page, form.getByRole("button", { name: "Post reply" }));
        expect(response.status()).toBe(303);
        await page.waitForURL(/#comment-3-1$/);
        expect(new URL(page.url()).pathname).toBe(DEMO_PATH);
        expect(new URL(page.url()).hash).toBe("#comment-3-1");

        const reply = commentArticle(page, "3.1");
        expect(await reply.isVisible()).toBe(true);
        await expectInView(page, "comment-3-1");
        expect(await textOf(reply.locator(".comment-number"))).toBe("3.1");
        expect(await textOf(reply.locator(".comment-author"))).toBe("Alex Guest");
        expect(await textOf(reply.locator(".comment-body"))).toBe(body);
        expect(await reply.locator(".badge").count()).toBe(0);
        // Drawn under comment 3, and the email given is never shown.
        expect(await page.locator("#comment-3 > ol.comment-list > li#comment-3-1").count()).toBe(1);
        expect(await page.content()).not.toContain("alex.guest.private@example.org");
        expect(await textOf(page.locator("#comments-heading"))).toBe("22 comments");
      },
      TEST_TIMEOUT,
    );

    it(
      "a comment without a name comes back with status 400, a message at the name field and the text kept",
      async () => {
        await page.goto(url(DEMO_PATH));
        const before = await page.locator("#comments li.comment").count();
        const body = "I agree with every point here, especially the one about protecting time.";
        await page.locator("#comment-body").fill(body);
        const response = await submitAndGetPostResponse(page, page.getByRole("button", { name: "Post comment" }));
        expect(response.status()).toBe(400);

        const nameField = page.locator(".field", { has: page.locator("#comment-name") });
        const message = nameField.locator(".field-error");
        expect(await message.isVisible()).toBe(true);
        expect(await textOf(message)).toMatch(/Enter your name/);
        expect(await page.locator("#comment-name").getAttribute("aria-invalid")).toBe("true");
        expect(await page.locator("#comment-body").inputValue()).toBe(body);
        expect(await page.locator("#comments li.comment").count()).toBe(before);
      },
      TEST_TIMEOUT,
    );

    it(
      "a reply with a bad email and a bad website shows both messages and keeps every field",
      async () => {
        await page.goto(url(DEMO_PATH));
        const before = await page.locator("#comments li.comment").count();
        const toggle = commentArticle(page, "5").locator("details.reply-toggle");
        await openReplyForm(page, "5");
        const form = toggle.locator("form");
        const values = {
          body: "Borrow away! I would love to hear how the idea lands with your team.",
          name: "Jo Reader",
          email: "jo.reader@",
          website: "ftp://files.example.org/jo",
        };
        await form.locator('textarea[name="body"]').fill(values.body);
        await form.locator('input[name="name"]').fill(values.name);
        await form.locator('input[name="email"]').fill(values.email);
        await form.locator('input[name="website"]').fill(values.website);
        const response = await submitAndGetPostResponse(page, form.getByRole("button", { name: "Post reply" }));
        expect(response.status()).toBe(400);

        // The failed reply form is drawn open again under comment 5.
        const again = commentArticle(page, "5").locator("details.reply-toggle");
        expect(await again.getAttribute("open")).not.toBeNull();
        const field = (name: string) => again.locator(".field", { has: page.locator(`[name="${name}"]`) });
        expect(await textOf(field("email").locator(".field-error"))).toMatch(/email address/i);
        expect(await textOf(field("website").locator(".field-error"))).toMatch(/web address/i);
        expect(await field("email").locator(".field-error").isVisible()).toBe(true);
        expect(await field("website").locator(".field-error").isVisible()).toBe(true);
        expect(await field("name").locator(".field-error").count()).toBe(0);
        expect(await again.locator('textarea[name="body"]').inputValue()).toBe(values.body);
        expect(await again.locator('input[name="name"]').inputValue()).toBe(values.name);
        expect(await again.locator('input[name="email"]').inputValue()).toBe(values.email);
        expect(await again.locator('input[name="website"]').inputValue()).toBe(values.website);
        expect(await page.locator("#comments li.comment").count()).toBe(before);
      },
      TEST_TIMEOUT,
    );
  });

  describe("posting with JavaScript", () => {
    let browser: TestBrowser;
    let page: Page;
    const pageErrors: string[] = [];

    beforeAll(async () => {
      browser = await launchBrowser({ javaScriptEnabled: true });
      page = await browser.context.newPage();
      page.on("pageerror", (error) => pageErrors.push(String(error)));
    }, HOOK_TIMEOUT);

    afterAll(async () => {
      await browser?.close();
    }, HOOK_TIMEOUT);

    /**
     * Fills `form` with ~6,000 characters of prose, checks the live counter,
     * posts it and checks the two parts: numbers `first` and the next
     * sibling number, labels, links between them, the text split between
     * them, and that the page lands on the first part.
     */
    // Each long comment starts at another paragraph: the same text twice on a
    // post within minutes would be refused as a duplicate.
    let longComments = 0;
    async function postLongComment(form: Locator, numberAfter: (position: number) => string, firstPosition: number) {
      const { text, paragraphs } = prose(6_000, longComments++);
      expect(text.length).toBeGreaterThan(5_500);
      expect(text.length).toBeLessThan(8_000);

      const textarea = form.locator('textarea[name="body"]');
      await textarea.fill(text);
      const counterId = `${await textarea.getAttribute("id")}-counter`;
      await page.waitForFunction(
        (id) => /will be posted in 2 parts/.test(document.getElementById(id)?.textContent ?? ""),
        counterId,
        { timeout: 10_000 },
      );
      const counterText = await textOf(page.locator(`[id="${counterId}"]`));
      expect(counterText).toContain(`${formatCount(text.length)} / 4,096`);
      expect(counterText).toContain("will be posted in 2 parts");

      await form.locator('input[name="name"]').fill("Riley Long-Writer");
      await form.locator('button[type="submit"]').click();
      await page.waitForURL(/#comment-[\d-]+$/, { timeout: 20_000 });
      const firstNumber = numberAfter(firstPosition);
      const secondNumber = numberAfter(firstPosition + 1);
      const firstAnchor = `comment-${firstNumber.replaceAll(".", "-")}`;
      const secondAnchor = `comment-${secondNumber.replaceAll(".", "-")}`;
      expect(new URL(page.url()).hash).toBe(`#${firstAnchor}`);

      const first = commentArticle(page, firstNumber);
      const second = commentArticle(page, secondNumber);
      await first.waitFor();
      await second.waitFor();
      expect(await textOf(first.locator(".comment-number"))).toBe(firstNumber);
      expect(await textOf(second.locator(".comment-number"))).toBe(secondNumber);
      expect(await textOf(first.locator(".part-label"))).toBe("Part 1 of 2");
      expect(await textOf(second.locator(".part-label"))).toBe("Part 2 of 2");
      expect(await first.locator(`.part-nav a[href="#${secondAnchor}"]`).count()).toBe(1);
      expect(await second.locator(`.part-nav a[href="#${firstAnchor}"]`).count()).toBe(1);
      expect(await textOf(first.locator(".comment-author"))).toBe("Riley Long-Writer");
      expect(await textOf(second.locator(".comment-author"))).toBe("Riley Long-Writer");

      // Every paragraph is in one of the two parts, in order: part 1 starts
      // with the first paragraph, part 2 ends with the last.
      const one = await textOf(first.locator(".comment-body"));
      const two = await textOf(second.locator(".comment-body"));
      expect(one.startsWith(paragraphs[0])).toBe(true);
      expect(two.endsWith(paragraphs[paragraphs.length - 1])).toBe(true);
      expect(`${one} ${two}`).toBe(paragraphs.join(" "));
      expect(one.length).toBeLessThanOrEqual(4_096);
      expect(two.length).toBeLessThanOrEqual(4_096);

      // The page lands on the first part: its anchor in the URL, in view.
      expect(await page.evaluate(() => window.location.hash)).toBe(`#${firstAnchor}`);
      await expectInView(page, firstAnchor);
    }

    it(
      "a comment over 4,096 characters shows the live counter and is posted as parts 1 and 2 of 2 (N, N+1)",
      async () => {
        await page.goto(url(DEMO_PATH));
        await waitForHydration(page);
        const topLevelBefore = await page.locator("#comments > ol.comment-list > li.comment").count();
        await postLongComment(page.locator("form#comment"), (position) => String(position), topLevelBefore + 1);
        expect(pageErrors).toEqual([]);
      },
      TEST_TIMEOUT,
    );

    it(
      "over 10 parts, the live counter says how many characters to cut, and the server's refusal agrees",
      async () => {
        await page.goto(url(DEMO_PATH));
        await waitForHydration(page);
        const form = page.locator("form#comment");
        const textarea = form.locator('textarea[name="body"]');
        const { text } = prose(45_000, 3);
        await textarea.fill(text);
        const counterId = `${await textarea.getAttribute("id")}-counter`;
        await page.waitForFunction(
          (id) => /cut at least/.test(document.getElementById(id)?.textContent ?? ""),
          counterId,
          { timeout: 10_000 },
        );
        const counted = /cut at least ([\d,]+) characters/.exec(await textOf(page.locator(`[id="${counterId}"]`)));
        const cut = Number(counted?.[1].replaceAll(",", ""));
        // At least what is over 10 full parts of 4,096, less than a further part.
        expect(cut).toBeGreaterThanOrEqual(text.length - 40_960);
        expect(cut).toBeLessThan(text.length - 40_960 + 4_096);
        await form.locator('input[name="name"]').fill("Tam Toolong");
        await form.locator('button[type="submit"]').click();
        await form
          .locator(`text=cut at least ${formatCount(cut)} characters`)
          .first()
          .waitFor({ timeout: 20_000 });
        expect(await textarea.inputValue()).toBe(text);
        expect(pageErrors).toEqual([]);
      },
      TEST_TIMEOUT,
    );

    it(
      "a reply over 4,096 characters to comment 12 is posted as 12.1 and 12.2, parts 1 and 2 of 2",
      async () => {
        await page.goto(url(DEMO_PATH));
        await waitForHydration(page);
        expect(await page.locator("#comment-12 li.comment").count()).toBe(0);
        const toggle = commentArticle(page, "12").locator("details.reply-toggle");
        await openReplyForm(page, "12");
        await postLongComment(toggle.locator("form"), (position) => `12.${position}`, 1);
        expect(await page.locator("#comment-12 > ol.comment-list > li.comment").count()).toBe(2);
        expect(pageErrors).toEqual([]);
      },
      TEST_TIMEOUT,
    );

    it(
      "an invalid reply keeps the text and shows the message",
      async () => {
        await page.goto(url(DEMO_PATH));
        await waitForHydration(page);
        const before = await page.locator("#comments li.comment").count();
        const toggle = commentArticle(page, "7").locator("details.reply-toggle");
        await openReplyForm(page, "7");
        const form = toggle.locator("form");
        const body = "Listening is underrated. What helped you most when you started?";
        await form.locator('textarea[name="body"]').fill(body);
        await form.getByRole("button", { name: "Post reply" }).click();

        const message = form.locator(".field", { has: page.locator('input[name="name"]') }).locator(".field-error");
        await message.waitFor({ state: "visible", timeout: 10_000 });
        expect(await textOf(message)).toMatch(/Enter your name/);
        expect(await form.locator('textarea[name="body"]').inputValue()).toBe(body);
        // Still at the reply form, not sent to a new comment's anchor.
        expect(new URL(page.url()).hash).toBe("#reply-7");
        expect(await page.locator("#comments li.comment").count()).toBe(before);
        expect(pageErrors).toEqual([]);
      },
      TEST_TIMEOUT,
    );
  });
});
