import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GOOD_PASSWORD, HttpClient, inputValue } from "../support/accounts";
import { readEmlOutbox, waitFor } from "../support/mail";
import { decodeEntities } from "../support/pages";
import { startTestServer, type TestServer } from "../support/server";

/**
 * The account page's forms (/account) against the production build: each
 * intent's answer, and a refused form's 400 with its message and the values
 * typed (passwords never sent back).
 */

const HOOK_TIMEOUT = 120_000;
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
}, HOOK_TIMEOUT);

afterAll(async () => {
  await server?.stop();
});

/** Visible text without scripts (the hydration data repeats everything). */
function shown(html: string): string {
  return decodeEntities(html.replace(/<script\b[\s\S]*?<\/script>/gi, "").replace(/<[^>]+>/g, " ")).replace(
    /\s+/g,
    " ",
  );
}

async function member(email: string): Promise<HttpClient> {
  const who = new HttpClient(server.baseUrl);
  const reply = await who.signUp({ email, displayName: "Pat Settings" });
  if (reply.status !== 302) throw new Error(`sign-up answered ${reply.status}`);
  return who;
}

describe("the account page's forms", () => {
  it("answers a form the page does not have with 400 and a message, not a server error", async () => {
    const pat = await member("pat.unknown@example.org");
    for (const form of [{ intent: "become-admin" }, { displayName: "No intent" }] as Record<string, string>[]) {
      const reply = await pat.post("/account", form);
      expect(reply.status, JSON.stringify(form)).toBe(400);
      expect(shown(reply.text)).toContain("That form is not one this page has. Reload the page and try again.");
    }
  });

  it("saves a name, refusing a blank one with its message and the email typed", async () => {
    const pat = await member("pat.profile@example.org");
    const blank = await pat.post("/account", {
      intent: "profile",
      displayName: "  ",
      email: "pat.profile@example.org",
    });
    expect(blank.status).toBe(400);
    expect(shown(blank.text)).toContain("Enter the name to show with your comments.");
    expect(inputValue(blank.text, "email")).toBe("pat.profile@example.org");
    const saved = await pat.post("/account", {
      intent: "profile",
      displayName: "Pat Renamed",
      email: "pat.profile@example.org",
    });
    expect(saved.status).toBe(200);
    expect(shown(saved.text)).toContain("Your name and email were saved.");
  });

  it("changes the email only with the current password (never echoed), and tells the old address what changed", async () => {
    const pat = await member("pat.old@example.org");
    const change = (currentPassword?: string) =>
      pat.post("/account", {
        intent: "profile",
        displayName: "Pat Settings",
        email: "pat.new@example.org",
        ...(currentPassword === undefined ? {} : { currentPassword }),
      });
    // A session alone (a borrowed computer left signed in) is not enough.
    for (const [label, attempt] of [
      ["no password", change()],
      ["wrong password", change("not my password at all")],
    ] as const) {
      const refused = await attempt;
      expect(refused.status, label).toBe(400);
      expect(shown(refused.text), label).toMatch(
        /Enter your current password to change your email address\.|That is not your current password\./,
      );
      expect(inputValue(refused.text, "email"), label).toBe("pat.new@example.org");
      expect(refused.text, label).not.toContain("not my password at all");
    }
    // Still the old address: it signs in, the new one does not.
    expect((await new HttpClient(server.baseUrl).signIn("pat.new@example.org", GOOD_PASSWORD)).status).toBe(400);

    const saved = await change(GOOD_PASSWORD);
    expect(saved.status).toBe(200);
    expect(shown(saved.text)).toContain("Your name and email were saved.");
    expect(saved.text).not.toContain(GOOD_PASSWORD);
    expect((await new HttpClient(server.baseUrl).signIn("pat.new@example.org", GOOD_PASSWORD)).status).toBe(302);

    // The old address hears of it: what changed, and what to do if it was not them.
    const notice = await waitFor("the notice to the old address", async () =>
      (await readEmlOutbox(server.dataDir)).find(
        (m) => m.to.includes("pat.old@example.org") && /changed/i.test(m.subject),
      ),
    );
    expect(notice.text).toContain("pat.old@example.org");
    expect(notice.text).toContain("pat.new@example.org");
    expect(notice.text).toMatch(/If you did not, someone else knows your password/);
    // Only the one notice: the refused attempts sent nothing.
    const notices = (await readEmlOutbox(server.dataDir)).filter(
      (m) => m.to.includes("pat.old@example.org") && /changed/i.test(m.subject),
    );
    expect(notices).toHaveLength(1);
  });

  it("changes the password only with the current one, never echoing the new one, and signs other devices out", async () => {
    const pat = await member("pat.password@example.org");
    const phone = new HttpClient(server.baseUrl);
    expect((await phone.signIn("pat.password@example.org", GOOD_PASSWORD)).status).toBe(302);
    const newPassword = "river lantern maple 93";
    const wrong = await pat.post("/account", {
      intent: "password",
      currentPassword: "not my password at all",
      newPassword,
    });
    expect(wrong.status).toBe(400);
    expect(shown(wrong.text)).toContain("That is not your current password.");
    expect(wrong.text).not.toContain(newPassword);
    // A form post without JavaScript: the writer stays signed in on this
    // device (a fresh session) and is told what happened.
    const changed = await pat.post("/account", { intent: "password", currentPassword: GOOD_PASSWORD, newPassword });
    expect(changed.status).toBe(303);
    expect(changed.headers.get("location")).toBe("/account?passwordChanged=1");
    const after = await pat.get("/account?passwordChanged=1");
    expect(after.status).toBe(200);
    expect(shown(after.text)).toContain("Your password was changed. Other devices were signed out.");
    // Only the new password signs in now, and the other device is signed out.
    expect((await new HttpClient(server.baseUrl).signIn("pat.password@example.org", GOOD_PASSWORD)).status).toBe(400);
    expect((await new HttpClient(server.baseUrl).signIn("pat.password@example.org", newPassword)).status).toBe(302);
    expect((await phone.get("/account")).status).toBe(302);
  });

  it("deletes the account only with its password, then signs out", async () => {
    const pat = await member("pat.delete@example.org");
    const wrong = await pat.post("/account", { intent: "delete", currentPassword: "not my password at all" });
    expect(wrong.status).toBe(400);
    expect(shown(wrong.text)).toContain("That is not your password.");
    const deleted = await pat.post("/account", { intent: "delete", currentPassword: GOOD_PASSWORD });
    expect(deleted.status).toBe(302);
    expect(deleted.location).toBe("/?accountDeleted=1");
    expect((await pat.get("/account")).status).toBe(302);
  });
});
