import { sql } from "drizzle-orm";
import { beforeEach, expect, it } from "vitest";
import type { Database } from "../../db/client";
import { createAccount } from "~/auth/accounts.server";
import { readDevice } from "~/auth/device-cookie.server";
import { signIn, type SignInOutcome } from "~/auth/sign-in.server";
import { describeEachDatabase } from "../support/databases";

// Sign-in throttling (README: Accounts and roles, "Failed sign-ins"; decision
// 0055): failures make the next attempt wait, 15 s after the allowance,
// doubling to at most 15 minutes; nothing locks an account, a browser that
// signed in to it before is held only by its own failures, and a right
// password gets in once the wait is over.

async function reset(db: Database): Promise<void> {
  await db.execute(sql`truncate table users, sessions, sign_in_throttles restart identity cascade`);
}

const EMAIL = "tess.throttle@example.org";
const PASSWORD = "harbour quilt saffron 27";
const WRONG = "not the password at all";
const START = new Date("2025-03-14T09:26:53.589Z");
const plus = (at: Date, seconds: number) => new Date(at.getTime() + seconds * 1000);

/** A device cookie's value as a browser would send it back, from a Set-Cookie. */
function cookieHeaderOf(setCookie: string): string {
  return setCookie.split(";")[0];
}

describeEachDatabase("sign-in throttling", (db) => {
  beforeEach(async () => {
    await reset(db());
    const made = await createAccount(db(), { email: EMAIL, displayName: "Tess Throttle", password: PASSWORD });
    if (!made.ok) throw new Error(JSON.stringify(made.fieldErrors));
  });

  /** One attempt from a new browser at `address`. */
  const attempt = (address: string, at: Date, password = WRONG, device: string | null = null) =>
    signIn(db(), { email: EMAIL, password, clientAddress: address, device: readDevice(device), secure: false }, at);

  const waitOf = (outcome: SignInOutcome) => (outcome.kind === "throttled" ? outcome.retryAfterSeconds : 0);

  it("five failures from anywhere are free; then each failure doubles the wait for new browsers, from 15 s to at most 15 minutes", async () => {
    let now = START;
    for (let i = 1; i <= 5; i++) expect((await attempt(`198.51.100.${i}`, now)).kind).toBe("no-match");
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      // Refused at once, whatever the address and even with the right password: it is not checked.
      const early = await attempt(`203.0.113.${i}`, now, PASSWORD);
      expect(early.kind).toBe("throttled");
      if (early.kind === "throttled") expect(early.by).toBe("account");
      waits.push(waitOf(early));
      // Once the wait is over, the next failure is checked and counted.
      now = plus(now, waitOf(early));
      expect((await attempt(`192.0.2.${i}`, now)).kind).toBe("no-match");
    }
    expect(waits).toEqual([15, 30, 60, 120, 240, 480, 900, 900]);
  }, 120_000);

  it("being refused while waiting never makes the wait longer, and the right password gets in once it is over", async () => {
    for (let i = 1; i <= 5; i++) expect((await attempt("198.51.100.1", START)).kind).toBe("no-match");
    for (let s = 0; s < 15; s += 3) expect(waitOf(await attempt("198.51.100.2", plus(START, s)))).toBe(15 - s);
    const owner = await attempt("203.0.113.77", plus(START, 15), PASSWORD);
    expect(owner.kind).toBe("signed-in");
    // And the account's failures are cleared: new browsers try freely again.
    expect((await attempt("198.51.100.3", plus(START, 16))).kind).toBe("no-match");
  });

  it("the owner's own browser (signed in before) is never held by failures elsewhere, only by its own", async () => {
    const first = await attempt("203.0.113.5", START, PASSWORD);
    expect(first.kind).toBe("signed-in");
    if (first.kind !== "signed-in") return;
    const mine = cookieHeaderOf(first.setCookie);
    // Someone elsewhere fails five times: new browsers must wait.
    for (let i = 0; i < 5; i++) await attempt(`198.51.100.${i}`, plus(START, 60));
    const later = plus(START, 61);
    expect((await attempt("198.51.100.99", later, PASSWORD)).kind).toBe("throttled");
    expect((await attempt("203.0.113.5", later, PASSWORD, mine)).kind).toBe("signed-in");
    // The browser's own failures do hold it (five free, then 15 s).
    for (let i = 0; i < 5; i++) expect((await attempt("203.0.113.5", later, WRONG, mine)).kind).toBe("no-match");
    const held = await attempt("203.0.113.5", later, PASSWORD, mine);
    expect(held).toEqual({ kind: "throttled", by: "device", retryAfterSeconds: 15 });
  }, 120_000);

  it("a client address gets 30 failures over any accounts, then waits; other addresses do not", async () => {
    const spray = (i: number, address = "203.0.113.9") =>
      signIn(
        db(),
        { email: `sprayed-${i}@example.org`, password: WRONG, clientAddress: address, device: null, secure: false },
        START,
      );
    for (let i = 0; i < 30; i++) expect((await spray(i)).kind).toBe("no-match");
    expect(await spray(30)).toEqual({ kind: "throttled", by: "address", retryAfterSeconds: 15 });
    expect((await spray(31, "203.0.113.10")).kind).toBe("no-match");
  }, 120_000);

  it("failures are forgotten a day after the last one", async () => {
    for (let i = 1; i <= 5; i++) await attempt(`198.51.100.${i}`, START);
    expect((await attempt("198.51.100.9", plus(START, 10))).kind).toBe("throttled");
    const nextDay = plus(START, 24 * 60 * 60 + 1);
    for (let i = 1; i <= 5; i++) expect((await attempt(`198.51.100.${i}`, nextDay)).kind).toBe("no-match");
  }, 120_000);

  it("attempts sent side by side get no more than the five free failures checked", async () => {
    const burst = await Promise.all(Array.from({ length: 10 }, (_, i) => attempt(`192.0.2.${i}`, START)));
    expect(burst.filter((o) => o.kind === "no-match")).toHaveLength(5);
    expect(burst.filter((o) => o.kind === "throttled")).toHaveLength(5);
  }, 120_000);

  it("clients racing at the moment a wait ends get one checked attempt between them", async () => {
    for (let i = 1; i <= 5; i++) await attempt(`198.51.100.${i}`, START);
    const at = plus(START, 15);
    const racing = await Promise.all(Array.from({ length: 6 }, (_, i) => attempt(`192.0.2.${i}`, at)));
    expect(racing.filter((o) => o.kind === "no-match")).toHaveLength(1);
    expect(racing.filter((o) => o.kind === "throttled")).toHaveLength(5);
  }, 120_000);
});
