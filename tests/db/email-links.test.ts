import { sql } from "drizzle-orm";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../../db/client";
import { outbox, sessions } from "../../db/schema";
import { authenticate, createAccount, getAccount, updateProfile } from "~/auth/accounts.server";
import { issueLink } from "~/auth/email-links.server";
import { resendVerification, verifyEmail } from "~/auth/email-verification.server";
import { luciaFor, type SessionUser } from "~/auth/lucia.server";
import { requestPasswordReset, resetPassword } from "~/auth/password-reset.server";
import { requestSignInLink, signInWithLink } from "~/auth/sign-in-link.server";
import { signUp } from "~/auth/sign-up.server";
import { commentIdentityFor, submitComment } from "~/comments/submission.server";
import { describeEachDatabase } from "../support/databases";

// Password reset, email verification and sign-in links at the use-case
// level, where the clock can be moved: expiry, reuse, forged tokens, the
// same answer for unknown addresses, sessions ended on reset, and the guest
// rules for members who have not verified their address. The HTTP path,
// email included, is tests/http/account-email.test.ts.

// Signed links need a key; never the working tree's .data/secret.key.
process.env.SESSION_SECRET ??= "email-links-test-secret-0123456789abcdef";

const PASSWORD = "quiet harbour maple 31";
const NEW_PASSWORD = "amber sparrow tunnel 77";
const MINUTE = 60_000;

async function reset(db: Database): Promise<void> {
  await db.execute(
    sql`truncate table users, sessions, account_tokens, outbox, rate_limits, comments, comment_submissions restart identity cascade`,
  );
}

async function mails(db: Database) {
  return db.select().from(outbox).orderBy(outbox.id);
}

/** The token in the last email's link to `path` ("/password-reset/"…). */
async function tokenFromLastMail(db: Database, path: string): Promise<string> {
  const all = await mails(db);
  const text = all.at(-1)?.text ?? "";
  const match = new RegExp(`${path.replace(/\//g, "\\/")}([A-Za-z0-9_.-]+)`).exec(text);
  if (!match) throw new Error(`no ${path} link in: ${text}`);
  return match[1];
}

describeEachDatabase("links sent by email", (db) => {
  let ada: SessionUser;

  beforeAll(async () => {
    await reset(db());
  });

  beforeEach(async () => {
    await reset(db());
    const created = await createAccount(db(), {
      email: "ada@example.org",
      displayName: "Ada Lovelace",
      password: PASSWORD,
    });
    if (!created.ok) throw new Error("could not create the account");
    ada = created.value;
  });

  describe("password reset", () => {
    it("emails a link to an account's address, and nothing to an unknown one, with the same answer", async () => {
      const known = await requestPasswordReset(db(), { email: "ada@example.org", clientAddress: "198.51.100.1" });
      const unknown = await requestPasswordReset(db(), { email: "nobody@example.org", clientAddress: "198.51.100.1" });
      expect(known.kind).toBe("requested");
      expect(unknown.kind).toBe("requested");
      expect(Object.keys(known).sort()).toEqual(Object.keys(unknown).sort());
      if (known.kind === "requested") await known.sending;
      if (unknown.kind === "requested") await unknown.sending;
      const sent = await mails(db());
      expect(sent.map((m) => m.to)).toEqual(["ada@example.org"]);
      expect(sent[0].text).toContain("/password-reset/");
    });

    it("sets the new password, ends every session, and the link works once", async () => {
      await luciaFor(db()).createSession(ada.id, {});
      await luciaFor(db()).createSession(ada.id, {});
      const asked = await requestPasswordReset(db(), { email: "ada@example.org", clientAddress: "198.51.100.2" });
      if (asked.kind === "requested") await asked.sending;
      const token = await tokenFromLastMail(db(), "/password-reset/");

      expect(await resetPassword(db(), { token, password: NEW_PASSWORD })).toEqual({ kind: "reset", userId: ada.id });
      expect(await db().select().from(sessions)).toEqual([]);
      expect(await authenticate(db(), "ada@example.org", PASSWORD)).toBeNull();
      expect((await authenticate(db(), "ada@example.org", NEW_PASSWORD))?.id).toBe(ada.id);

      const again = await resetPassword(db(), { token, password: "another fine password 12" });
      expect(again.kind).toBe("used");
      expect((await authenticate(db(), "ada@example.org", NEW_PASSWORD))?.id).toBe(ada.id);
    });

    it("refuses a password the rules refuse and keeps the link working", async () => {
      const token = await issueLink(db(), {
        purpose: "password-reset",
        userId: ada.id,
        email: ada.email,
        minutes: 30,
      });
      const weak = await resetPassword(db(), { token, password: "short" });
      expect(weak.kind).toBe("refused");
      const fromName = await resetPassword(db(), { token, password: "adalovelace1815" });
      expect(fromName).toMatchObject({ kind: "refused", fieldErrors: { password: [expect.stringMatching(/name/)] } });
      expect((await resetPassword(db(), { token, password: NEW_PASSWORD })).kind).toBe("reset");
    });

    it("an expired link does nothing", async () => {
      const issuedAt = new Date("2026-03-01T10:00:00Z");
      const token = await issueLink(db(), {
        purpose: "password-reset",
        userId: ada.id,
        email: ada.email,
        minutes: 30,
        now: issuedAt,
      });
      const late = new Date(issuedAt.getTime() + 30 * MINUTE);
      expect((await resetPassword(db(), { token, password: NEW_PASSWORD }, late)).kind).toBe("expired");
      const inTime = new Date(issuedAt.getTime() + 29 * MINUTE);
      expect((await resetPassword(db(), { token, password: NEW_PASSWORD }, inTime)).kind).toBe("reset");
    });

    it("a forged, altered or other-purpose token is invalid", async () => {
      const token = await issueLink(db(), { purpose: "sign-in", userId: ada.id, email: ada.email, minutes: 30 });
      const [secret, signature] = token.split(".");
      const flipped = `${secret.slice(0, -1)}${secret.endsWith("A") ? "B" : "A"}.${signature}`;
      for (const wrong of [token, flipped, `${secret}.AAAA`, secret, "", "not-a-token", "a.b.c"]) {
        expect((await resetPassword(db(), { token: wrong, password: NEW_PASSWORD })).kind, wrong).toBe("invalid");
      }
      expect(await authenticate(db(), "ada@example.org", PASSWORD)).not.toBeNull();
    });

    it("a link sent before the account changed its address does not work", async () => {
      const token = await issueLink(db(), { purpose: "password-reset", userId: ada.id, email: ada.email, minutes: 30 });
      await updateProfile(db(), ada.id, { email: "ada@newplace.example", displayName: "Ada Lovelace" });
      expect((await resetPassword(db(), { token, password: NEW_PASSWORD })).kind).toBe("invalid");
    });

    it("is limited like sign-in: the 11th request for one address in 15 minutes is refused", async () => {
      for (let n = 1; n <= 10; n++) {
        const outcome = await requestPasswordReset(db(), { email: "ada@example.org", clientAddress: `203.0.113.${n}` });
        expect(outcome.kind, `request ${n}`).toBe("requested");
      }
      const eleventh = await requestPasswordReset(db(), { email: "ada@example.org", clientAddress: "203.0.113.99" });
      expect(eleventh.kind).toBe("rate-limited");
    });
  });

  describe("email verification", () => {
    it("a sign-up is unverified, is sent a link, and the link verifies it once", async () => {
      const outcome = await signUp(db(), {
        email: "grace@example.org",
        displayName: "Grace Hopper",
        password: PASSWORD,
        clientAddress: "198.51.100.3",
      });
      if (outcome.kind !== "created") throw new Error(outcome.kind);
      expect(outcome.user.emailVerified).toBe(false);
      const sent = await mails(db());
      expect(sent.map((m) => m.to)).toEqual(["grace@example.org"]);
      const token = await tokenFromLastMail(db(), "/verify-email/");
      expect(await verifyEmail(db(), token)).toEqual({ kind: "verified", userId: outcome.user.id });
      expect((await getAccount(db(), outcome.user.id))?.emailVerified).toBe(true);
      expect((await verifyEmail(db(), token)).kind).toBe("used");
    });

    it("accounts made by createAccount without `verified: false` (user:create, the demo) count as verified", () => {
      expect(ada.emailVerified).toBe(true);
    });

    it("a changed address is unverified again; the old address's link does not verify the new one", async () => {
      const oldLink = await issueLink(db(), {
        purpose: "email-verification",
        userId: ada.id,
        email: ada.email,
        minutes: 60,
      });
      const changed = await updateProfile(db(), ada.id, { email: "ada@elsewhere.example", displayName: "Ada" });
      expect(changed.ok && changed.value.emailVerified).toBe(false);
      expect((await verifyEmail(db(), oldLink)).kind).toBe("invalid");
      const resent = await resendVerification(db(), ada.id);
      expect(resent.kind).toBe("sent");
      expect((await mails(db())).at(-1)?.to).toBe("ada@elsewhere.example");
      expect((await verifyEmail(db(), await tokenFromLastMail(db(), "/verify-email/"))).kind).toBe("verified");
      expect((await resendVerification(db(), ada.id)).kind).toBe("already-verified");
    });

    it("an unverified member's comment is held like a first-time guest's; once verified it is published", async () => {
      const outcome = await signUp(db(), {
        email: "lin@example.org",
        displayName: "Lin Member",
        password: PASSWORD,
        clientAddress: "198.51.100.4",
      });
      if (outcome.kind !== "created") throw new Error(outcome.kind);
      const post = { slug: "a-post", commentsOpen: true };
      const rules = { limit: 2000, maxParts: 3, allowAnonymous: true };
      const moderation = { holdFirstTimeGuests: true, maxLinks: 2 };
      const say = (user: SessionUser, body: string) =>
        submitComment(db(), post, rules, { body } as never, {
          identity: commentIdentityFor(user, null),
          moderation,
        });
      const held = await say(outcome.user, "My first thought, before confirming my address.");
      expect(held).toMatchObject({ ok: true, status: "pending", heldReason: "email address not confirmed yet" });

      const allowGuests = await submitComment(
        db(),
        post,
        rules,
        { body: "With the site not holding new guests." } as never,
        {
          identity: commentIdentityFor(outcome.user, null),
          moderation: { ...moderation, holdFirstTimeGuests: false },
        },
      );
      expect(allowGuests).toMatchObject({ ok: true, status: "published" });

      await verifyEmail(db(), await tokenFromLastMail(db(), "/verify-email/"));
      const verified = (await getAccount(db(), outcome.user.id))!;
      expect(await say(verified, "And a second, after confirming it.")).toMatchObject({
        ok: true,
        status: "published",
      });
    });
  });

  describe("sign-in by link", () => {
    it("emails an account's address and not an unknown one; the link signs in once and verifies the address", async () => {
      const unverified = await createAccount(db(), {
        email: "kim@example.org",
        displayName: "Kim Reader",
        password: PASSWORD,
        verified: false,
      });
      if (!unverified.ok) throw new Error("could not create the account");
      const known = await requestSignInLink(db(), {
        email: "kim@example.org",
        clientAddress: "198.51.100.5",
        redirectTo: "/posts/a-post",
      });
      const unknown = await requestSignInLink(db(), {
        email: "ghost@example.org",
        clientAddress: "198.51.100.5",
        redirectTo: "/",
      });
      expect([known.kind, unknown.kind]).toEqual(["requested", "requested"]);
      if (known.kind === "requested") await known.sending;
      if (unknown.kind === "requested") await unknown.sending;
      expect((await mails(db())).map((m) => m.to)).toEqual(["kim@example.org"]);
      expect((await mails(db()))[0].text).toContain("?redirectTo=%2Fposts%2Fa-post");
      const token = await tokenFromLastMail(db(), "/signin/link/");

      const signedIn = await signInWithLink(db(), token);
      expect(signedIn).toMatchObject({ kind: "signed-in", user: { id: unverified.value.id, emailVerified: true } });
      expect((await signInWithLink(db(), token)).kind).toBe("used");
    });

    it("an expired sign-in link does not sign in", async () => {
      const issuedAt = new Date("2026-03-01T10:00:00Z");
      const token = await issueLink(db(), {
        purpose: "sign-in",
        userId: ada.id,
        email: ada.email,
        minutes: 15,
        now: issuedAt,
      });
      expect((await signInWithLink(db(), token, new Date(issuedAt.getTime() + 16 * MINUTE))).kind).toBe("expired");
    });

    it("two uses at once: exactly one signs in", async () => {
      const token = await issueLink(db(), { purpose: "sign-in", userId: ada.id, email: ada.email, minutes: 15 });
      const both = await Promise.all([signInWithLink(db(), token), signInWithLink(db(), token)]);
      expect(both.map((o) => o.kind).sort()).toEqual(["signed-in", "used"]);
    });
  });
});
