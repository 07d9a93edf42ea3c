import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DEMO_COACH_EMAIL,
  DEMO_COACH_PASSWORD,
  HttpClient,
  inputValue,
  assertSucceeded,
  runUserCreate,
  stayInsideOneWindow,
  textareaValue,
  type Reply,
} from "../support/accounts";
import { verifyByEmail } from "../support/mail";
import { commentIdOf, decodeEntities, topLevelNumbers } from "../support/pages";
import { DEMO_PATH, DEMO_SLUG, startTestServer, type TestServer } from "../support/server";

/**
 * Moderation and spam defences over plain HTTP against the production server
 * with moderation as shipped (first-time guests held, at most 2 links):
 * held first comments seen only by their writer, approval at /moderation and
 * the trust it gives, double-submitted forms, the honeypot, members, who may
 * open the queue (admin, the post's coach), bulk actions, reports; and on a
 * second server the timing check (COMMENT_MIN_SECONDS=3) and the comment rate
 * limit. Expected values come from the rules.
 *
 * The main server runs with COMMENT_MIN_SECONDS=0 (forms may be posted at
 * once) and a high COMMENT_RATE_LIMIT, since every request comes from
 * 127.0.0.1; its sandbox holds a second post by another author. Sign-ins
 * (scrypt, ~0.4 s each): the admin, the demo coach and one member.
 */

const HOOK_TIMEOUT = 120_000;
const SLOW_TEST = 90_000;

const OTHER_SLUG = "a-post-by-someone-else";
const OTHER_PATH = `/posts/${OTHER_SLUG}`;
const ADMIN = { email: "ada.admin@example.org", name: "Ada Admin", password: "granite meadow copper 19" };
const MEMBER = { email: "mo.member@example.org", displayName: "Mo Member" };
const OTHER_COACH = { email: "cora.coach@example.org", name: "Cora Coach", password: "harbour lantern willow 42" };

// The thank-you's parameter names the comment it is drawn in (issue 11).
const HELD_LOCATION = (slug: string) => new RegExp(`^/posts/${slug}\\?held=(\\d+)#comment-held-\\1$`);
const PUBLISHED_LOCATION = (slug: string) => new RegExp(`^/posts/${slug}\\?posted=\\d+#comment-(\\d+(?:-\\d+)*)$`);

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/** The page's visible text: markup without scripts, entities decoded, white space collapsed. */
function shown(html: string): string {
  return decodeEntities(
    html
      .replace(/<script\b[\s\S]*?<\/script>/gi, "")
      .replace(/<!--[\s\S]*?-->/g, "")
      .replace(
        /<\/?(?:p|div|h\d|li|ul|ol|section|header|footer|nav|main|label|button|form|article|details|summary|pre|span)\b[^>]*>/gi,
        " ",
      )
      .replace(/<[^>]+>/g, ""),
  ).replace(/\s+/g, " ");
}

/** Everything a server sent about a text, hydration data included. */
function mentions(html: string, text: string): boolean {
  return decodeEntities(html).includes(text) || html.includes(JSON.stringify(text).slice(1, -1));
}

async function signIn(server: TestServer, email: string, password: string): Promise<HttpClient> {
  const who = new HttpClient(server.baseUrl);
  const reply = await who.signIn(email, password);
  if (reply.status !== 302)
    throw new Error(`sign-in of ${email} answered ${reply.status}:\n${shown(reply.text).slice(0, 1000)}`);
  return who;
}

/** GETs a post page (200 expected) and returns its HTML. */
async function page(who: HttpClient, pathname = DEMO_PATH): Promise<string> {
  const reply = await who.get(pathname);
  expect(reply.status, `GET ${pathname}`).toBe(200);
  return reply.text;
}

interface CommentFields {
  body: string;
  name?: string;
  email?: string;
  homepage?: string;
  parentId?: string;
}

/**
 * Fills in the page's top-level comment form as a browser would: the hidden
 * fields (formId, idempotencyKey, renderedAt, the empty honeypot, asMember
 * for a signed-in writer) come from the page's HTML.
 */
function formFrom(html: string, fields: CommentFields): Record<string, string> {
  const form: Record<string, string> = { formId: "comment", homepage: "" };
  for (const name of ["idempotencyKey", "renderedAt", "asMember"]) {
    const value = inputValue(html, name);
    if (value !== null) form[name] = value;
  }
  expect(form.idempotencyKey, "the form carries an idempotencyKey").toMatch(/^[A-Za-z0-9_-]{22}$/);
  expect(form.renderedAt, "the form carries renderedAt").toBeTruthy();
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) form[name] = value;
  if (form.asMember === undefined && form.name === undefined) form.name = "Gale Guest";
  return form;
}

/** Opens the post and posts a comment through its form. */
async function comment(who: HttpClient, fields: CommentFields, pathname = DEMO_PATH): Promise<Reply> {
  const html = await page(who, pathname);
  return who.post(pathname, formFrom(html, fields));
}

function heldId(reply: Reply, slug = DEMO_SLUG): number {
  expect(reply.status, shown(reply.text).slice(0, 500)).toBe(303);
  const match = HELD_LOCATION(slug).exec(reply.location ?? "");
  expect(match, `Location: ${reply.location}`).not.toBeNull();
  return Number(match![1]);
}

function publishedNumber(reply: Reply, slug = DEMO_SLUG): string {
  expect(reply.status, shown(reply.text).slice(0, 500)).toBe(303);
  const match = PUBLISHED_LOCATION(slug).exec(reply.location ?? "");
  expect(match, `Location: ${reply.location}`).not.toBeNull();
  return match![1].replaceAll("-", ".");
}

/** The `<li class="comment">` whose own article shows `text`: its id and data-number, or null. */
function commentAround(html: string, text: string): { id: string; number: string } | null {
  const markup = html.replace(/<script\b[\s\S]*?<\/script>/gi, "");
  for (const match of markup.matchAll(/<li class="comment" id="([^"]+)" data-number="([^"]*)"/g)) {
    const end = markup.indexOf("</article>", match.index);
    if (shown(markup.slice(match.index, end)).includes(text)) return { id: match[1], number: match[2] };
  }
  return null;
}

interface QueueEntry {
  submissionId: string;
  body: string;
  text: string;
}

/** The entries of a /moderation list page. */
function queueEntries(html: string): QueueEntry[] {
  const markup = html.replace(/<script\b[\s\S]*?<\/script>/gi, "");
  return markup
    .split('<li class="queue-item">')
    .slice(1)
    .map((chunk) => {
      const item = chunk.slice(0, chunk.indexOf("</li>"));
      const submissionId = /name="submissionId" value="([0-9a-f-]{36})"/.exec(item)?.[1] ?? "";
      const body = decodeEntities(/<pre class="queue-body"[^>]*>([\s\S]*?)<\/pre>/.exec(item)?.[1] ?? "");
      return { submissionId, body, text: shown(item) };
    });
}

async function queue(who: HttpClient, list: "pending" | "reported" | "spam" | "removed"): Promise<QueueEntry[]> {
  const reply = await who.get(`/moderation?list=${list}`);
  expect(reply.status, `GET /moderation?list=${list}`).toBe(200);
  return queueEntries(reply.text);
}

async function entryFor(
  who: HttpClient,
  list: "pending" | "reported" | "spam" | "removed",
  body: string,
): Promise<QueueEntry> {
  const entry = (await queue(who, list)).find((e) => e.body === body);
  expect(entry, `“${body}” in the ${list} list`).toBeDefined();
  return entry!;
}

function moderateForm(action: string, submissionIds: string[], list = "pending"): [string, string][] {
  return [["list", list], ["action", action], ...submissionIds.map((id): [string, string] => ["submissionId", id])];
}

// ---------------------------------------------------------------------------
// The main server: moderation as shipped, no timing check
// ---------------------------------------------------------------------------

describe("moderation as shipped (COMMENT_MIN_SECONDS=0)", () => {
  let server: TestServer;
  let admin: HttpClient;
  const client = () => new HttpClient(server.baseUrl);

  beforeAll(async () => {
    server = await startTestServer({
      moderation: true,
      sandbox: true,
      env: { COMMENT_MIN_SECONDS: "0", COMMENT_RATE_LIMIT: "1000", DEMO_COACH_PASSWORD },
      beforeStart: async (dataDir, cwd) => {
        // A post by another author, for the coach's scope.
        await mkdir(path.join(cwd, "content/authors"), { recursive: true });
        await writeFile(
          path.join(cwd, "content/authors/someone-else.yaml"),
          "name: Someone Else\nrole: Coach at another school\naccountEmail: someone.else@example.org\nbio: Writes here too.\nlinks: []\n",
        );
        await writeFile(
          path.join(cwd, `content/posts/${OTHER_SLUG}.md`),
          [
            "---",
            "title: A post by someone else",
            "published: 2020-01-15",
            "author: someone-else",
            "tags:",
            "  - coaching",
            "summary: Written by another coach.",
            "license: site-default",
            "commentsOpen: true",
            "---",
            "Another coach's words.",
            "",
          ].join("\n"),
        );
        const created = await runUserCreate(["--email", ADMIN.email, "--name", ADMIN.name, "--role", "admin"], {
          cwd,
          env: { DATA_DIR: dataDir, STAFFROOM_PASSWORD: ADMIN.password },
        });
        assertSucceeded("user:create", created);
      },
    });
    admin = await signIn(server, ADMIN.email, ADMIN.password);
  }, HOOK_TIMEOUT);

  afterAll(async () => {
    await server?.stop();
  }, HOOK_TIMEOUT);

  describe("a guest's first comment", () => {
    const guest = () => guestClient!;
    let guestClient: HttpClient | undefined;
    const first = "My first comment here: the corridor conversations matter most to me.";
    let id = 0;

    it("is answered 303 to ?held=<id>#comment-held-<id>, with a signed guest cookie", async () => {
      guestClient = client();
      const reply = await comment(guest(), { body: first, name: "Gale Guest", email: "gale.guest@example.org" });
      id = heldId(reply);
      expect(reply.setCookies.some((c) => c.startsWith("staffroom_guest="))).toBe(true);
      expect(guest().cookies.get("staffroom_guest")).toBeTruthy();
    });

    it("shows to its writer (with the cookie) as “Awaiting moderation”, with its text and no number", async () => {
      const html = await page(guest(), `${DEMO_PATH}?held=1`);
      const text = shown(html);
      expect(text).toContain("Awaiting moderation");
      expect(text).toContain(first);
      expect(text).toMatch(/Your comment is awaiting moderation/);
      expect(commentAround(html, first)).toEqual({ id: `comment-held-${id}`, number: "" });
    });

    it("does not show to anyone else: the page without the cookie never contains the text", async () => {
      const html = await page(client());
      expect(mentions(html, first)).toBe(false);
      expect(html).not.toContain(`comment-held-${id}`);
      // Not even with the ?held=1 address.
      expect(mentions(await page(client(), `${DEMO_PATH}?held=1`), first)).toBe(false);
      // Nor to a signed-in admin reading the post.
      expect(mentions(await page(admin), first)).toBe(false);
    });

    it("is in the admin's “Awaiting approval” list with why it was held", async () => {
      const entry = await entryFor(admin, "pending", first);
      expect(entry.submissionId).toMatch(/^[0-9a-f-]{36}$/);
      expect(entry.text).toContain("Gale Guest");
      expect(entry.text).toMatch(/Held: .+/);
    });

    it("once the admin approves it at /moderation, everyone sees it with the next number", async () => {
      const before = topLevelNumbers(await page(client()));
      const entry = await entryFor(admin, "pending", first);
      const reply = await admin.post("/moderation", moderateForm("approve", [entry.submissionId]));
      expect(reply.status).toBe(303);
      expect(reply.location).toBe("/moderation?list=pending&done=approve&n=1");
      expect(shown((await admin.get(reply.location!)).text)).toContain("1 comment approved.");
      expect((await queue(admin, "pending")).map((e) => e.body)).not.toContain(first);

      const html = await page(client());
      const placed = commentAround(html, first);
      expect(placed).not.toBeNull();
      expect(placed!.number).toBe(String(Math.max(...before) + 1));
      expect(placed!.id).toBe(`comment-${placed!.number}`);
      expect(shown(html)).not.toContain("Awaiting moderation");
    });

    it("the same guest's second comment (same cookie) is published at once: 303 to #comment-N", async () => {
      const before = topLevelNumbers(await page(client()));
      const second = "Coming back to add: the point about time on the timetable is the crux.";
      const reply = await comment(guest(), { body: second, name: "Gale Guest" });
      expect(publishedNumber(reply)).toBe(String(Math.max(...before) + 1));
      expect(commentAround(await page(client()), second)?.number).toBe(String(Math.max(...before) + 1));
    });

    it("the approved guest's name and email from another browser are held (anyone can type them); a different guest is held too", async () => {
      const sameEmail = await comment(client(), {
        body: "Gale again, or someone who knows Gale's address.",
        name: "Gale Guest",
        email: "GALE.guest@example.org",
      });
      heldId(sameEmail);
      const stranger = await comment(client(), { body: "A stranger's first words on this blog.", name: "Gale Guest" });
      heldId(stranger);
    });
  });

  describe("double-submitted forms", () => {
    it("the same form posted twice (same idempotencyKey) creates one comment; both answers 303 to the same place", async () => {
      const writer = client();
      // A trusted guest: approve a first comment.
      const firstId = heldId(
        await comment(writer, { body: "Trust me first, please.", email: "double.sender@example.org" }),
      );
      const entry = await entryFor(admin, "pending", "Trust me first, please.");
      expect((await admin.post("/moderation", moderateForm("approve", [entry.submissionId]))).status).toBe(303);
      expect(firstId).toBeGreaterThan(0);

      const body = "Sent twice because the network was slow and I pressed the button again.";
      const form = formFrom(await page(writer), { body, name: "Dee Double" });
      const one = await writer.post(DEMO_PATH, form);
      const two = await writer.post(DEMO_PATH, form);
      expect(one.status).toBe(303);
      expect(two.status).toBe(303);
      expect(two.location).toBe(one.location);
      publishedNumber(one);
      expect(shown(await page(client())).split(body).length - 1, "the text appears once on the page").toBe(1);
    });

    it("posted twice at the same moment (a trusted guest): one comment, both 303 to the same #comment-N", async () => {
      const writer = client();
      heldId(
        await comment(writer, {
          body: "Another first comment to be approved.",
          email: "concurrent.sender@example.org",
        }),
      );
      const entry = await entryFor(admin, "pending", "Another first comment to be approved.");
      await admin.post("/moderation", moderateForm("approve", [entry.submissionId]));

      const body = "Double-clicked on a slow connection: this must appear exactly once.";
      const form = formFrom(await page(writer), { body, name: "Cy Concurrent" });
      const [one, two] = await Promise.all([writer.post(DEMO_PATH, form), writer.post(DEMO_PATH, form)]);
      expect([one.status, two.status]).toEqual([303, 303]);
      expect(two.location).toBe(one.location);
      publishedNumber(one);
      expect(shown(await page(client())).split(body).length - 1).toBe(1);
    });

    it("a first-time guest's form posted twice at once (no cookie yet): one held comment, both 303 to the same place", async () => {
      const writer = client();
      const body = "My very first comment, double-clicked before any cookie was set.";
      const form = formFrom(await page(writer), { body, name: "Nia Newcomer" });
      const [one, two] = await Promise.all([writer.post(DEMO_PATH, form), writer.post(DEMO_PATH, form)]);
      const id = heldId(one);
      expect(heldId(two)).toBe(id);
      expect((await queue(admin, "pending")).filter((e) => e.body === body)).toHaveLength(1);
    });

    it("a first-time guest's form resent after its answer was lost: one held comment, and its writer sees it", async () => {
      const writer = client();
      const body = "Sent on a train; the answer never arrived, so I pressed the button again.";
      const form = formFrom(await page(writer), { body, name: "Tai Train" });
      // The first answer (and the guest cookie it set) never reaches the browser.
      const lost = await writer.clone().post(DEMO_PATH, form);
      const resent = await writer.post(DEMO_PATH, form);
      expect(heldId(resent)).toBe(heldId(lost));
      expect((await queue(admin, "pending")).filter((e) => e.body === body)).toHaveLength(1);
      // The resend's answer is what the browser keeps: it must show the writer their comment.
      const own = await page(writer, resent.location!.replace(/#.*$/, ""));
      expect(shown(own), "the writer sees the held comment the resend pointed to").toContain(body);
      expect(own).toContain(`id="comment-held-${heldId(resent)}"`);
    });
  });

  describe("the honeypot", () => {
    it("a filled-in hidden field: not published, seen by nobody (not even its sender), listed under Spam", async () => {
      const bot = client();
      const body = "Cheap essays, best prices, click my homepage.";
      const reply = await comment(bot, { body, name: "Bot", homepage: "https://spam.example.com" });
      expect(reply.status).toBe(303);
      expect(reply.location ?? "").not.toMatch(/#comment-\d/);
      expect(reply.location ?? "").toMatch(new RegExp(`^/posts/${DEMO_SLUG}`));
      expect(mentions(await page(bot), body)).toBe(false);
      expect(mentions(await page(bot, `${DEMO_PATH}?held=1`), body)).toBe(false);
      expect(mentions(await page(client()), body)).toBe(false);
      expect(mentions(await page(admin), body)).toBe(false);
      expect((await queue(admin, "pending")).map((e) => e.body)).not.toContain(body);
      const spam = await entryFor(admin, "spam", body);
      expect(spam.text).toContain("Bot");
    });
  });

  describe("members", () => {
    let member: HttpClient;

    beforeAll(async () => {
      member = client();
      const reply = await member.signUp(MEMBER);
      if (reply.status !== 302) throw new Error(`sign-up answered ${reply.status}`);
      // Confirmed, so it is moderated as a member; unconfirmed ones are tests/http/account-email.test.ts's.
      await verifyByEmail(server, member, MEMBER.email);
    }, HOOK_TIMEOUT);

    it("a member's first comment is published at once (never held for being new)", async () => {
      const reply = await comment(member, { body: "Just signed up; this is my very first comment." });
      const number = publishedNumber(reply);
      expect(commentAround(await page(client()), "Just signed up; this is my very first comment.")?.number).toBe(
        number,
      );
    });

    it("a member's comment with 3 links is held, shown to them, and queued with the count as the reason", async () => {
      const body = "Resources: [one](https://one.example.org), <https://two.example.org> and https://three.example.org";
      const reply = await comment(member, { body });
      const id = heldId(reply);
      expect(commentAround(await page(member), "Resources: ")).toEqual({ id: `comment-held-${id}`, number: "" });
      expect(mentions(await page(client()), "Resources: ")).toBe(false);
      const entry = await entryFor(admin, "pending", body);
      expect(entry.text).toMatch(/Held: [^.]*\b3\b[^.]*link/);
    });

    it("a member gets 403 at /moderation, and cannot act there", async () => {
      expect((await member.get("/moderation")).status).toBe(403);
      const target = await entryFor(admin, "pending", "A stranger's first words on this blog.");
      const reply = await member.post("/moderation", moderateForm("approve", [target.submissionId]));
      expect(reply.status).toBe(403);
      await entryFor(admin, "pending", "A stranger's first words on this blog.");
    });
  });

  describe("who may open the queue", () => {
    it("nobody signed in is sent to sign in and back", async () => {
      const reply = await client().get("/moderation");
      expect(reply.status).toBe(302);
      expect(reply.location).toBe("/signin?redirectTo=%2Fmoderation");
      const post = await client().post(
        "/moderation",
        moderateForm("approve", ["00000000-0000-0000-0000-000000000000"]),
      );
      expect(post.status).toBe(302);
      expect(post.location).toMatch(/^\/signin\?redirectTo=/);
    });

    it("the demo coach sees only comments on their own posts, and cannot approve another post's", async () => {
      const own = "A question for Morgan about the co-teaching sequence.";
      const elsewhere = "A question for the other coach about their post.";
      heldId(await comment(client(), { body: own, name: "Quinn Questioner" }));
      heldId(await comment(client(), { body: elsewhere, name: "Quinn Questioner" }, OTHER_PATH), OTHER_SLUG);

      const adminBodies = (await queue(admin, "pending")).map((e) => e.body);
      expect(adminBodies).toContain(own);
      expect(adminBodies).toContain(elsewhere);

      const coach = await signIn(server, DEMO_COACH_EMAIL, DEMO_COACH_PASSWORD);
      const coachBodies = (await queue(coach, "pending")).map((e) => e.body);
      expect(coachBodies).toContain(own);
      expect(coachBodies).not.toContain(elsewhere);
      const coachPage = (await coach.get("/moderation")).text;
      expect(mentions(coachPage, elsewhere)).toBe(false);

      const other = await entryFor(admin, "pending", elsewhere);
      const reply = await coach.post("/moderation", moderateForm("approve", [other.submissionId]));
      expect(reply.status).toBe(303);
      expect(reply.location).toBe("/moderation?list=pending&done=approve&n=0");
      await entryFor(admin, "pending", elsewhere);
      expect(mentions(await page(client(), OTHER_PATH), elsewhere)).toBe(false);

      // Their own post's comment they can approve.
      const mine = await entryFor(coach, "pending", own);
      const approved = await coach.post("/moderation", moderateForm("approve", [mine.submissionId]));
      expect(approved.location).toBe("/moderation?list=pending&done=approve&n=1");
      expect(commentAround(await page(client()), own)?.number).toMatch(/^\d+$/);
    });
  });

  describe("bulk actions and cross-site requests", () => {
    it("bulk approve of two ticked comments publishes both", async () => {
      const a = "Bulk one: a first-timer's thoughts on planning meetings.";
      const b = "Bulk two: another first-timer on digital citizenship.";
      heldId(await comment(client(), { body: a, name: "Bea Bulk" }));
      heldId(await comment(client(), { body: b, name: "Ben Bulk" }));
      const entries = await queue(admin, "pending");
      const ids = [a, b].map((body) => entries.find((e) => e.body === body)!.submissionId);
      // The checkboxes belong to the form `bulk`, whose buttons name the action.
      const listHtml = (await admin.get("/moderation?list=pending")).text;
      expect(listHtml).toMatch(/<form[^>]*id="bulk"/);
      for (const id of ids) {
        const box = [...listHtml.matchAll(/<input\b[^>]*>/g)]
          .map((m) => m[0])
          .find((tag) => tag.includes(`value="${id}"`) && tag.includes('type="checkbox"'));
        expect(box, `a checkbox for ${id}`).toBeDefined();
        expect(box).toContain('name="submissionId"');
        expect(box).toContain('form="bulk"');
      }

      const reply = await admin.post("/moderation", moderateForm("approve", ids));
      expect(reply.status).toBe(303);
      expect(reply.location).toBe("/moderation?list=pending&done=approve&n=2");
      expect(shown((await admin.get(reply.location!)).text)).toContain("2 comments approved.");
      const html = await page(client());
      const numbers = [a, b].map((body) => commentAround(html, body)?.number);
      expect(numbers[0]).toMatch(/^\d+$/);
      expect(Number(numbers[1])).toBe(Number(numbers[0]) + 1);
    });

    it("a cross-site POST to /moderation is refused with 403 and changes nothing", async () => {
      const body = "Held, and a forged request must not approve it.";
      heldId(await comment(client(), { body, name: "Fay Forged" }));
      const entry = await entryFor(admin, "pending", body);
      const forged = await admin.post("/moderation", moderateForm("approve", [entry.submissionId]), {
        origin: "https://evil.example",
      });
      expect(forged.status).toBe(403);
      const crossSite = await admin.post("/moderation", moderateForm("spam", [entry.submissionId]), {
        origin: null,
        headers: { "Sec-Fetch-Site": "cross-site" },
      });
      expect(crossSite.status).toBe(403);
      await entryFor(admin, "pending", body);
      expect((await queue(admin, "spam")).map((e) => e.body)).not.toContain(body);
    });

    it("spam, then “Not spam: publish”, at /moderation: the comment goes to Spam and comes back with a number", async () => {
      const body = "Mistaken for spam, but a real question about workshops.";
      heldId(await comment(client(), { body, name: "Sol Mistaken" }));
      const entry = await entryFor(admin, "pending", body);
      expect((await admin.post("/moderation", moderateForm("spam", [entry.submissionId]))).location).toBe(
        "/moderation?list=pending&done=spam&n=1",
      );
      await entryFor(admin, "spam", body);
      expect(mentions(await page(client()), body)).toBe(false);
      const restored = await admin.post("/moderation", moderateForm("restore", [entry.submissionId], "spam"));
      expect(restored.location).toBe("/moderation?list=spam&done=restore&n=1");
      expect(commentAround(await page(client()), body)?.number).toMatch(/^\d+$/);
    });
  });

  describe("reports", () => {
    it("POST /comments/<id>/report → 303 back with reported=<id>; the report is in the admin's Reported list with its reason", async () => {
      const reader = client();
      const html = await page(reader);
      const id = commentIdOf(html, "5");
      const reason = "Shares a colleague's full name without asking.";
      const reply = await reader.post(`/comments/${id}/report`, { reason });
      expect(reply.status).toBe(303);
      expect(reply.location).toBe(`/posts/${DEMO_SLUG}?reported=${id}#comment-5`);
      expect(shown(await page(reader, reply.location!))).toContain(
        "The moderators will look at the comment you reported.",
      );

      const reported = await queue(admin, "reported");
      const entry = reported.find((e) => e.text.includes(reason));
      expect(entry, "the report is listed with its reason").toBeDefined();
      const listPage = shown((await admin.get("/moderation")).text);
      expect(listPage).toMatch(/Reported \(1\)/);

      // Keeping the comment dismisses the report; it stays published as 5.
      const kept = await admin.post("/moderation", moderateForm("approve", [entry!.submissionId], "reported"));
      expect(kept.location).toBe("/moderation?list=reported&done=approve&n=1");
      expect(await queue(admin, "reported")).toEqual([]);
      expect(commentIdOf(await page(client()), "5")).toBe(id);
    });

    it("a cross-site report is refused with 403; a report of no comment is 404", async () => {
      const html = await page(client());
      const id = commentIdOf(html, "6");
      expect(
        (await client().post(`/comments/${id}/report`, { reason: "forged" }, { origin: "https://evil.example" }))
          .status,
      ).toBe(403);
      expect((await client().post("/comments/999999/report", { reason: "nothing" })).status).toBe(404);
      expect((await queue(admin, "reported")).some((e) => e.text.includes("forged"))).toBe(false);
    });
  });

  describe("refusals and removal by the writer", () => {
    it("answers 400 with a message for a bulk action with nothing ticked, or an action the list does not offer", async () => {
      const none = await admin.post("/moderation", moderateForm("approve", []));
      expect(none.status).toBe(400);
      expect(shown(none.text)).toContain("Tick at least one comment");
      const wrong = await admin.post(
        "/moderation",
        moderateForm("remove", ["00000000-0000-4000-8000-000000000000"], "removed"),
      );
      expect(wrong.status).toBe(400);
      expect(shown(wrong.text)).toContain("That action does not apply to this list.");
    });

    it("lets a guest remove their own held comment; it is then gone from their view and the queue", async () => {
      const writer = client();
      const body = "A first comment I think better of before anyone approves it.";
      const id = heldId(await comment(writer, { body }));
      const removed = await writer.post(`/comments/${id}/remove`, {});
      expect(removed.status).toBe(303);
      expect(mentions(await page(writer), body)).toBe(false);
      expect((await queue(admin, "pending")).map((e) => e.body)).not.toContain(body);
    });

    it("answers 404 for a number permalink on a post that does not exist", async () => {
      expect((await client().get("/posts/no-such-post/comments/1")).status).toBe(404);
    });

    it("a number permalink leads to the comment when it exists, and is a 404 when it does not", async () => {
      const found = await client().get(`${DEMO_PATH}/comments/9.2`);
      expect(found.status).toBe(302);
      expect(found.location).toMatch(/#comment-9-2$/);
      for (const missing of ["9.70", "999", "16.1.1"]) {
        expect((await client().get(`${DEMO_PATH}/comments/${missing}`)).status, missing).toBe(404);
      }
    });
  });
});

// ---------------------------------------------------------------------------
// A second server: the timing check as shipped (3 s) and a low rate limit
// ---------------------------------------------------------------------------

describe("timing and rate limits (COMMENT_MIN_SECONDS=3, COMMENT_RATE_LIMIT=3)", () => {
  let server: TestServer;
  let admin: HttpClient;
  /** A client at its own address (the server believes X-Forwarded-For from 127.0.0.1), so limits do not mix. */
  const client = (address: string) => new HttpClient(server.baseUrl, address);

  beforeAll(async () => {
    server = await startTestServer({
      moderation: true,
      sandbox: true,
      env: { COMMENT_RATE_LIMIT: "3", TRUSTED_PROXIES: "127.0.0.1", DEMO_COACH_PASSWORD },
      beforeStart: async (dataDir, cwd) => {
        for (const account of [
          { ...ADMIN, role: "admin" },
          { ...OTHER_COACH, role: "coach" },
        ]) {
          const created = await runUserCreate(
            ["--email", account.email, "--name", account.name, "--role", account.role],
            { cwd, env: { DATA_DIR: dataDir, STAFFROOM_PASSWORD: account.password } },
          );
          assertSucceeded("user:create", created);
        }
      },
    });
    admin = await signIn(server, ADMIN.email, ADMIN.password);
  }, HOOK_TIMEOUT);

  afterAll(async () => {
    await server?.stop();
  }, HOOK_TIMEOUT);

  // Staff are trusted on every post (moderation/rules.ts, README "What happens to a new comment"):
  // a form sent at once with more links than allowed is published for them and held for a member.
  it("staff are never held: the admin, another coach and the post's coach publish a fast, link-heavy reply; a member's is held", {
    timeout: SLOW_TEST,
  }, async () => {
    const links = "See [one](https://one.example.org), <https://two.example.org> and https://three.example.org";
    const writers = [
      { who: "the admin", email: ADMIN.email, password: ADMIN.password, address: "10.3.0.1" },
      { who: "another coach", email: OTHER_COACH.email, password: OTHER_COACH.password, address: "10.3.0.2" },
      { who: "the post's coach", email: DEMO_COACH_EMAIL, password: DEMO_COACH_PASSWORD, address: "10.3.0.3" },
    ];
    for (const writer of writers) {
      const who = client(writer.address);
      const reply = await who.signIn(writer.email, writer.password);
      expect(reply.status, `${writer.who} signs in`).toBe(302);
      const body = `${links} (from ${writer.who})`;
      const number = publishedNumber(await comment(who, { body }));
      expect(commentAround(await page(client("10.3.0.9")), `(from ${writer.who})`)?.number, writer.who).toBe(number);
    }
    const member = client("10.3.0.4");
    expect((await member.signUp({ email: "fast.member@example.org", displayName: "Fast Member" })).status).toBe(302);
    heldId(await comment(member, { body: `${links} (from a member)` }));
    expect((await entryFor(admin, "pending", `${links} (from a member)`)).text).toMatch(/Held: sent within seconds/);
  });

  it(
    "a form posted at once is held (“sent within seconds…”); once trusted, a form posted after 3.5 s is published",
    async () => {
      const guest = client("10.1.0.1");
      const fast = "Posted the instant the page appeared.";
      heldId(await comment(guest, { body: fast, name: "Tess Timing", email: "tess@example.org" }));
      const entry = await entryFor(admin, "pending", fast);
      expect(entry.text).toMatch(/Held: sent within seconds/);
      await admin.post("/moderation", moderateForm("approve", [entry.submissionId]));

      // Trusted now, but a form sent at once is still held.
      const again = "Trusted, but posted too fast again.";
      heldId(await comment(guest, { body: again, name: "Tess Timing" }));
      expect((await entryFor(admin, "pending", again)).text).toMatch(/Held: sent within seconds/);

      // A person who took a moment: published.
      const slow = "Trusted, and took a few seconds to write this.";
      const form = formFrom(await page(guest), { body: slow, name: "Tess Timing" });
      await new Promise((resolve) => setTimeout(resolve, 3_500));
      publishedNumber(await guest.post(DEMO_PATH, form));
    },
    SLOW_TEST,
  );

  it("a form without a genuine drawing time (forged or missing renderedAt) is held, even after waiting", {
    timeout: SLOW_TEST,
  }, async () => {
    const bot = client("10.1.0.2");
    // Each form from a page of its own (a page's idempotencyKey is used once).
    const forged = {
      ...formFrom(await page(bot), { body: "A robot's form with a forged time.", name: "Rob Ott" }),
      renderedAt: String(Date.now() - 60_000),
    };
    const missing = formFrom(await page(bot), { body: "A robot's form with no time at all.", name: "Rob Ott" });
    delete missing.renderedAt;
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    heldId(await bot.post(DEMO_PATH, forged));
    heldId(await bot.post(DEMO_PATH, missing));
    expect((await entryFor(admin, "pending", "A robot's form with a forged time.")).text).toMatch(
      /Held: sent within seconds/,
    );
    expect((await entryFor(admin, "pending", "A robot's form with no time at all.")).text).toMatch(
      /Held: sent within seconds/,
    );
  });

  it(
    "the 4th comment from one address within 10 minutes answers 429 with Retry-After and keeps the text in the form",
    async () => {
      await stayInsideOneWindow(600, 20);
      const guest = client("10.2.0.1");
      for (let i = 1; i <= 3; i++) {
        const reply = await comment(guest, { body: `Rate-limited guest, comment number ${i}.`, name: "Rae Rapid" });
        expect(reply.status, `comment ${i}`).toBe(303);
      }
      const text = "The fourth comment in a row, which must not be lost.";
      const refused = await comment(guest, { body: text, name: "Rae Rapid" });
      expect(refused.status).toBe(429);
      expect(textareaValue(refused.text, "body")).toBe(text);
      expect(shown(refused.text)).toMatch(/faster than we allow/);
      expect((await queue(admin, "pending")).map((e) => e.body)).not.toContain(text);
      // Another address is not affected.
      expect((await comment(client("10.2.0.2"), { body: "Someone else, elsewhere.", name: "Ola Other" })).status).toBe(
        303,
      );
      // With JavaScript the form is sent as a Remix data request: its 429 carries Retry-After.
      const viaScript = await guest.post(
        `${DEMO_PATH}?_data=${encodeURIComponent("routes/posts.$slug")}`,
        formFrom(await page(guest), { body: text, name: "Rae Rapid" }),
      );
      expect(viaScript.status).toBe(429);
      expect(Number(viaScript.headers.get("retry-after"))).toBeGreaterThan(0);
      // The plain form post (a document request, as without JavaScript) carries Retry-After.
      const retryAfter = Number(refused.headers.get("retry-after") ?? "missing");
      expect(retryAfter, `Retry-After: ${refused.headers.get("retry-after")}`).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(600);
      expect(Number.isInteger(retryAfter)).toBe(true);
    },
    SLOW_TEST,
  );

  it(
    "a member is limited per account too: the 4th comment from a 4th address answers 429",
    async () => {
      await stayInsideOneWindow(600, 20);
      const member = client("10.3.0.1");
      const reply = await member.signUp({ email: "rate.member@example.org", displayName: "Rate Member" });
      expect(reply.status).toBe(302);
      for (let i = 1; i <= 3; i++) {
        member.forwardedFor = `10.3.0.${i}`;
        expect(
          (await comment(member, { body: `A member's comment number ${i}, from a new address.` })).status,
          `comment ${i}`,
        ).toBe(303);
      }
      member.forwardedFor = "10.3.0.4";
      const refused = await comment(member, { body: "The member's fourth comment." });
      expect(refused.status).toBe(429);
      expect(textareaValue(refused.text, "body")).toBe("The member's fourth comment.");
      expect(
        Number(refused.headers.get("retry-after") ?? "missing"),
        `Retry-After: ${refused.headers.get("retry-after")}`,
      ).toBeGreaterThan(0);
    },
    SLOW_TEST,
  );
});
