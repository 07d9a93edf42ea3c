import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GOOD_PASSWORD, HttpClient, inputTag, SIGN_IN_FAILED, type Reply } from "../support/accounts";
import { emailedLink, linkPath, startTestSmtp, waitFor, type Mail, type TestSmtp } from "../support/mail";
import { decodeEntities } from "../support/pages";
import { DEMO_PATH, startTestServer, type TestServer } from "../support/server";

/**
 * Accounts by email, end to end through the running site (issue 11): a
 * password reset, email verification at sign-up and sign-in by emailed link,
 * each asked for with a plain form (no JavaScript), sent through the outbox to
 * a real SMTP server started here, read from that server's inbox, and
 * followed. Then the links that do not work: used, made up, expired (on a
 * second server whose links last about a second, writing `.eml` files), and
 * addresses without an account, which get the same answer and no email.
 */

const HOOK_TIMEOUT = 120_000;
const TEST_TIMEOUT = 120_000;

/** The page's visible text, without scripts (the hydration data repeats everything). */
function shown(html: string): string {
  return decodeEntities(
    html
      .replace(/<script\b[\s\S]*?<\/script>/gi, "")
      .replace(/<!--[\s\S]*?-->/g, "")
      .replace(/<[^>]+>/g, " ")
      .replace(/\s+/g, " "),
  );
}

/** The visible text of the page's `<main>`, for comparing two answers (the header differs by nothing here). */
function mainText(html: string): string {
  const main = /<main\b[\s\S]*?<\/main>/.exec(html)?.[0] ?? html;
  return shown(main);
}

function mailTo(inbox: Mail[], to: string, prefix: string): { mail: Mail; link: string } | undefined {
  for (let i = inbox.length - 1; i >= 0; i--) {
    const link = linkPath(inbox[i].text, prefix);
    if (inbox[i].to.includes(to) && link) return { mail: inbox[i], link };
  }
  return undefined;
}

function expectNoServerError(reply: Reply, label: string): void {
  expect(reply.status, label).toBeGreaterThanOrEqual(200);
  expect(reply.status, label).toBeLessThan(500);
}

describe("accounts by email, through a real SMTP server", () => {
  let server: TestServer;
  let smtp: TestSmtp;
  const client = () => new HttpClient(server.baseUrl);

  /** Waits for the newest email to `to` with a link starting with `prefix`, after `count` such emails were already there. */
  function nextMail(to: string, prefix: string, count = 0) {
    return waitFor(`email ${count + 1} to ${to} with a ${prefix} link`, async () => {
      const matching = smtp.inbox.filter((m) => m.to.includes(to) && linkPath(m.text, prefix));
      return matching.length > count ? mailTo(smtp.inbox, to, prefix) : undefined;
    });
  }

  function mailsTo(to: string): Mail[] {
    return smtp.inbox.filter((m) => m.to.includes(to));
  }

  beforeAll(async () => {
    smtp = await startTestSmtp();
    // Moderation as shipped (first-time guests held), without the timing check forms from here would fail.
    server = await startTestServer({ moderation: true, env: { SMTP_URL: smtp.url, COMMENT_MIN_SECONDS: "0" } });
  }, HOOK_TIMEOUT);

  afterAll(async () => {
    await server?.stop();
    await smtp?.stop();
  }, HOOK_TIMEOUT);

  describe("email verification at sign-up", () => {
    const email = "vera.verify@example.org";
    const member = () => verifier;
    let verifier: HttpClient;

    beforeAll(async () => {
      verifier = client();
      const reply = await verifier.signUp({ email, displayName: "Vera Verify" });
      if (reply.status !== 302) throw new Error(`sign-up answered ${reply.status}`);
    }, HOOK_TIMEOUT);

    it(
      "until verified, a member's comment waits for a moderator as a new guest's does; after following the emailed link it is published",
      async () => {
        const account = await member().get("/account");
        expect(shown(account.text)).toContain("is not confirmed yet");

        const before = await member().post(DEMO_PATH, {
          asMember: "1",
          body: "Posted before I confirmed my address, so a moderator should see it first.",
        });
        expect(before.status).toBe(303);
        expect(before.location).toMatch(/#comment-held-\d+$/);

        const { mail, link } = await nextMail(email, "/verify-email/");
        expect(mail.subject).toMatch(/Confirm your email address/);
        // Opening the link spends nothing: it shows a button (mail scanners open links).
        const page = await client().get(link);
        expect(page.status).toBe(200);
        expect(shown(page.text)).toContain(email);
        expect(page.headers.get("cache-control")).toContain("no-store");
        expect(/<form[^>]*method="post"/i.test(page.text), "a plain form").toBe(true);

        const confirmed = await client().post(link, {});
        expect(confirmed.status).toBe(200);
        expect(shown(confirmed.text)).toContain("Your email address is confirmed");

        const after = await member().post(DEMO_PATH, {
          asMember: "1",
          body: "Posted after confirming my address, so it appears at once.",
        });
        expect(after.status).toBe(303);
        expect(after.location).toMatch(/#comment-\d+$/);
        expect(shown((await member().get("/account")).text)).not.toContain("is not confirmed yet");

        const reused = await client().get(link);
        expect(reused.status).toBe(410);
        expect(shown(reused.text)).toContain("This link has already been used");
        const reusedPost = await client().post(link, {});
        expect(reusedPost.status).toBe(410);
      },
      TEST_TIMEOUT,
    );

    it(
      "the account page sends the verification email again",
      async () => {
        const other = client();
        const address = "resa.resend@example.org";
        expect((await other.signUp({ email: address, displayName: "Resa Resend" })).status).toBe(302);
        await nextMail(address, "/verify-email/");
        const page = await other.get("/account");
        expect(inputTag(page.text, "intent")).not.toBeNull();
        expect(page.text).toContain('value="resend-verification"');
        const resent = await other.post("/account", { intent: "resend-verification" });
        expect(resent.status).toBe(200);
        expect(shown(resent.text)).toContain(`We have sent a new link to ${address}`);
        const { link } = await nextMail(address, "/verify-email/", 1);
        expect((await other.post(link, {})).status).toBe(200);
        expect(shown((await other.get("/account")).text)).not.toContain("is not confirmed yet");
      },
      TEST_TIMEOUT,
    );
  });

  describe("password reset", () => {
    const email = "rory.reset@example.org";
    const oldPassword = GOOD_PASSWORD;
    const newPassword = "violet ferry granite 64";

    beforeAll(async () => {
      const reply = await client().signUp({ email, displayName: "Rory Reset", password: oldPassword });
      if (reply.status !== 302) throw new Error(`sign-up answered ${reply.status}`);
    }, HOOK_TIMEOUT);

    it(
      "asking for a link gives the same page for an address with an account and one without, and only the account gets email",
      async () => {
        const form = await client().get("/password-reset");
        expect(form.status).toBe(200);
        expect(/<form[^>]*method="post"/i.test(form.text)).toBe(true);

        const unknown = await client().post("/password-reset", { email: "no.account@example.org" });
        const known = await client().post("/password-reset", { email });
        expect(unknown.status).toBe(200);
        expect(known.status).toBe(200);
        expect(mainText(unknown.text).replace("no.account@example.org", "ADDRESS")).toBe(
          mainText(known.text).replace(email, "ADDRESS"),
        );
        expect(shown(known.text)).toContain(`If an account uses ${email}, we have sent it a link`);

        // The unknown address was asked for first: once the known one's email is here, none is coming for it.
        await nextMail(email, "/password-reset/");
        expect(mailsTo("no.account@example.org")).toEqual([]);
      },
      TEST_TIMEOUT,
    );

    it(
      "the link sets a new password under the usual rules, ends every session, and works once",
      async () => {
        const laptop = client();
        const phone = client();
        expect((await laptop.signIn(email, oldPassword)).status).toBe(302);
        expect((await phone.signIn(email, oldPassword)).status).toBe(302);
        const count = mailsTo(email).filter((m) => linkPath(m.text, "/password-reset/")).length;
        expect((await client().post("/password-reset", { email })).status).toBe(200);
        const { mail, link } = await nextMail(email, "/password-reset/", count);
        expect(mail.subject).toMatch(/Reset your password/);

        const stranger = client();
        const page = await stranger.get(link);
        expect(page.status).toBe(200);
        expect(shown(page.text)).toContain("Choose a new password");
        expect(page.headers.get("referrer-policy")).toBe("no-referrer");

        const weak = await stranger.post(link, { password: "rory reset" });
        expect(weak.status).toBe(400);
        expect(shown(weak.text)).toMatch(/at least 10 characters|too easy|email address or name/);
        expect(weak.text).not.toContain('value="rory reset"');

        const done = await stranger.post(link, { password: newPassword });
        expect(done.status).toBe(303);
        expect(done.location).toBe("/account?passwordReset=1");
        const account = await stranger.get(done.location!);
        expect(account.status).toBe(200);
        expect(shown(account.text)).toContain("Your new password is saved");

        for (const [name, device] of [
          ["laptop", laptop],
          ["phone", phone],
        ] as const) {
          const reply = await device.get("/account");
          expect(reply.status, `${name}'s old session`).toBe(302);
          expect(reply.location, name).toMatch(/^\/signin/);
        }
        const oldOne = await client().signIn(email, oldPassword);
        expect(oldOne.status).toBe(400);
        expect(shown(oldOne.text)).toContain(SIGN_IN_FAILED);
        expect((await client().signIn(email, newPassword)).status).toBe(302);

        const again = await client().get(link);
        expect(again.status).toBe(410);
        expect(shown(again.text)).toContain("This link has already been used");
        const againPost = await client().post(link, { password: "another strong passphrase 99" });
        expect(againPost.status).toBe(410);
        expect((await client().signIn(email, newPassword)).status).toBe(302);
      },
      TEST_TIMEOUT,
    );

    it("a bad address in the form is a 400 with the message next to the field and the text back", async () => {
      const reply = await client().post("/password-reset", { email: "not an address" });
      expect(reply.status).toBe(400);
      expect(shown(reply.text)).toContain("Enter an email address like name@example.org.");
      expect(reply.text).toContain('value="not an address"');
    });
  });

  describe("sign-in by emailed link", () => {
    const email = "lina.link@example.org";

    beforeAll(async () => {
      const reply = await client().signUp({ email, displayName: "Lina Link" });
      if (reply.status !== 302) throw new Error(`sign-up answered ${reply.status}`);
    }, HOOK_TIMEOUT);

    it("the sign-in page offers a reset and a link by email", async () => {
      const page = await client().get("/signin?redirectTo=%2Fposts%2Fx");
      expect(page.text).toContain('href="/password-reset"');
      expect(page.text).toContain('href="/signin/link?redirectTo=%2Fposts%2Fx"');
    });

    it(
      "asking for a link → the email → its page → signed in and back where they were; the link works once",
      async () => {
        const reader = client();
        const form = await reader.get(`/signin/link?redirectTo=${encodeURIComponent(DEMO_PATH)}`);
        expect(form.status).toBe(200);
        expect(/<form[^>]*method="post"/i.test(form.text)).toBe(true);

        const unknown = await reader.post("/signin/link", { email: "nobody.here@example.org", redirectTo: DEMO_PATH });
        const asked = await reader.post("/signin/link", { email, redirectTo: DEMO_PATH });
        expect(unknown.status).toBe(200);
        expect(asked.status).toBe(200);
        expect(mainText(unknown.text).replace("nobody.here@example.org", "ADDRESS")).toBe(
          mainText(asked.text).replace(email, "ADDRESS"),
        );

        const { mail, link } = await nextMail(email, "/signin/link/");
        expect(mail.subject).toMatch(/sign-in link/);
        expect(mailsTo("nobody.here@example.org")).toEqual([]);
        expect(link).toContain(`?redirectTo=${encodeURIComponent(DEMO_PATH)}`);

        const page = await reader.get(link);
        expect(page.status).toBe(200);
        expect(shown(page.text)).toContain("Sign in as Lina Link");
        expect(reader.sessionId, "opening the link signs nobody in").toBeNull();
        // Without JavaScript the button's form posts back to the link, where to go next included.
        const action =
          /<form[^>]*method="post"[^>]*action="([^"]*)"|<form[^>]*action="([^"]*)"[^>]*method="post"/i.exec(page.text);
        expect(decodeEntities(action?.[1] ?? action?.[2] ?? "")).toBe(link);

        const signedIn = await reader.post(link, {});
        expect(signedIn.status).toBe(303);
        expect(signedIn.location).toBe(DEMO_PATH);
        expect(reader.sessionId).not.toBeNull();
        expect((await reader.get("/account")).status).toBe(200);
        // The link reached the address: it counts as verified too.
        expect(shown((await reader.get("/account")).text)).not.toContain("is not confirmed yet");

        const reused = await client().post(link, {});
        expect(reused.status).toBe(410);
        expect(shown(reused.text)).toContain("This link has already been used");
      },
      TEST_TIMEOUT,
    );
  });

  describe("links that do not work, and forms from elsewhere", () => {
    it.each([
      "/password-reset/made-up-token",
      "/password-reset/abc.def",
      "/verify-email/made-up-token",
      "/signin/link/made-up-token.xyz",
    ])("%s → 404 with a clear page, by GET and by POST", async (path) => {
      const page = await client().get(path);
      expect(page.status).toBe(404);
      expect(shown(page.text)).toContain("This link does not work");
      const posted = await client().post(path, { password: "violet ferry granite 64" });
      expect(posted.status).toBe(404);
      expect(shown(posted.text)).toContain("This link does not work");
    });

    it.each(["/password-reset", "/signin/link", "/verify-email/anything", "/password-reset/anything"])(
      "a cross-site POST to %s → 403",
      async (path) => {
        const reply = await client().post(path, { email: "lina.link@example.org" }, { origin: "https://evil.example" });
        expect(reply.status).toBe(403);
      },
    );

    it("asking for links is limited like sign-in: the 11th request for one address in 15 minutes → 429", async () => {
      const address = "limit.me@example.org";
      for (let n = 1; n <= 10; n++) {
        const who = new HttpClient(server.baseUrl);
        expectNoServerError(await who.post("/password-reset", { email: address }), `request ${n}`);
      }
      const eleventh = await client().post("/password-reset", { email: address });
      expect(eleventh.status).toBe(429);
      expect(Number(eleventh.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(shown(eleventh.text)).toContain("Too many requests for reset links");
    });
  });
});

describe("expired links (links that last about a second, email as .eml files)", () => {
  let server: TestServer;
  const client = () => new HttpClient(server.baseUrl);
  const LIFETIME_MS = 1_200;

  beforeAll(async () => {
    server = await startTestServer({ env: { EMAIL_LINK_MINUTES: String(LIFETIME_MS / 60_000) } });
  }, HOOK_TIMEOUT);

  afterAll(async () => {
    await server?.stop();
  }, HOOK_TIMEOUT);

  it(
    "an expired reset link and an expired sign-in link each give a clear 410 page and change nothing",
    async () => {
      const email = "eli.expired@example.org";
      expect((await client().signUp({ email, displayName: "Eli Expired" })).status).toBe(302);
      const askedAt = Date.now();
      expect((await client().post("/password-reset", { email })).status).toBe(200);
      expect((await client().post("/signin/link", { email, redirectTo: "/" })).status).toBe(200);
      const reset = await emailedLink(server, email, "/password-reset/");
      const signIn = await emailedLink(server, email, "/signin/link/");
      await waitFor("the links to expire", async () => (Date.now() > askedAt + LIFETIME_MS + 500 ? true : undefined));

      const resetPage = await client().get(reset);
      expect(resetPage.status).toBe(410);
      expect(shown(resetPage.text)).toContain("This link has expired");
      expect(resetPage.text).toContain('href="/password-reset"');
      const resetPost = await client().post(reset, { password: "violet ferry granite 64" });
      expect(resetPost.status).toBe(410);
      expect((await client().signIn(email, GOOD_PASSWORD)).status).toBe(302);

      const reader = client();
      const signInPage = await reader.get(signIn);
      expect(signInPage.status).toBe(410);
      expect(shown(signInPage.text)).toContain("This link has expired");
      const signInPost = await reader.post(signIn, {});
      expect(signInPost.status).toBe(410);
      expect(reader.sessionId).toBeNull();
    },
    TEST_TIMEOUT,
  );
});
