import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "~/auth/password.server";
import { passwordProblem } from "~/auth/password-rules";

// The password rules from the accounts issue (NIST SP 800-63B): at least 10
// characters, at most 256, no composition rules, and refuse common passwords
// and ones built from the account's own email or name. Lengths are counted in
// characters, not bytes or UTF-16 units.

const ada = { email: "ada@example.org", displayName: "Ada Lovelace" };
const TOO_SHORT = /at least 10 characters/;
const TOO_LONG = /at most 256 characters/;
const TOO_EASY = /too easy to guess/;
const PERSONAL = /email address or name/;
const ACCEPTED = "(accepted)";

/** passwordProblem's message, or "(accepted)" so a failure reads well. */
const problem = (password: string, account: Parameters<typeof passwordProblem>[1]) =>
  passwordProblem(password, account) ?? ACCEPTED;

describe("passwordProblem: length", () => {
  it("refuses 9 characters and accepts 10", () => {
    expect(problem("plum-lamp", {})).toMatch(TOO_SHORT);
    expect(problem("", {})).toMatch(TOO_SHORT);
    expect(problem("plum-lamps", {})).toBe(ACCEPTED);
  });

  it("accepts 256 characters and refuses 257", () => {
    const long = "correct horse battery staple ".repeat(20);
    expect(problem(long.slice(0, 256), ada)).toBe(ACCEPTED);
    expect(problem(long.slice(0, 257), ada)).toMatch(TOO_LONG);
    expect(problem("x".repeat(100_000), ada)).toMatch(TOO_LONG);
  });

  it("counts characters, not bytes or UTF-16 units", () => {
    // 9 emoji: 36 bytes, 18 UTF-16 units, but 9 characters.
    expect(problem("🎉🎈🎂🎁🎊🎄🎃🎆🎇", {})).toMatch(TOO_SHORT);
    expect(problem("🎉🎈🎂🎁🎊🎄🎃🎆🎇🧨", {})).toBe(ACCEPTED);
    // 256 emoji (1,024 bytes) are 256 characters: allowed; 257 are not.
    const emoji = [..."🎉🎈🎂🎁🎊🎄🎃🎆"];
    const of = (n: number) => Array.from({ length: n }, (_, i) => emoji[i % emoji.length]).join("");
    expect(problem(of(256), {})).toBe(ACCEPTED);
    expect(problem(of(257), {})).toMatch(TOO_LONG);
    // 9 accented letters are 18 bytes in UTF-8: still too short.
    expect(problem("éàüöçñøåß", {})).toMatch(TOO_SHORT);
  });

  it.each([
    "日本語のパスワードです",
    "Ünïcödé pässwörd",
    "пароль из слов",
    "κωδικός πρόσβασης",
    "كلمة مرور طويلة",
    "🎉 party 🎈 time 🎂",
    "ça va très bien",
  ])("accepts the unicode passphrase %j", (password) => {
    expect([...password].length).toBeGreaterThanOrEqual(10);
    expect(problem(password, ada)).toBe(ACCEPTED);
  });
});

describe("passwordProblem: common and guessable passwords", () => {
  it.each([
    "password123",
    "Password123",
    "PASSWORD123",
    "password",
    "qwertyuiop",
    "1234567890",
    "letmein123",
    "staffroom1",
    "Teacher123",
  ])("refuses %j", (password) => {
    // Short ones ("password") are refused for length, the rest as too easy.
    expect(problem(password, ada)).toMatch(password.length < 10 ? TOO_SHORT : TOO_EASY);
  });

  it("refuses a long run of one character", () => {
    expect(problem("aaaaaaaaaaaa", {})).toMatch(TOO_EASY);
    expect(problem("111111111111", {})).toMatch(TOO_EASY);
  });

  it.each(["correct horse battery staple", "plum river lantern", "tea-kettle-42-orbit", "Password is not 123"])(
    "accepts an unrelated passphrase %j",
    (password) => {
      expect(problem(password, ada)).toBe(ACCEPTED);
    },
  );
});

describe("passwordProblem: built from the account's email or name", () => {
  const grace = { email: "grace.hopper@navy.example", displayName: "Admiral G" };

  it.each(["grace.hopper-1906", "Grace.Hopper1906", "my GRACE.HOPPER pass"])(
    "refuses %j for grace.hopper@navy.example",
    (password) => {
      expect(problem(password, grace)).toMatch(PERSONAL);
    },
  );

  it.each(["ada lovelace 1815", "AdaLovelace!!", "my-adalovelace-pw", "Ada  Lovelace rocks"])(
    "refuses %j for the display name Ada Lovelace",
    (password) => {
      expect(problem(password, ada)).toMatch(PERSONAL);
    },
  );

  it("compares names case-insensitively beyond ASCII", () => {
    expect(problem("ZOË ÅBERG 2024", { email: "z@example.org", displayName: "Zoë Åberg" })).toMatch(PERSONAL);
  });

  it("accepts the same password for an unrelated account", () => {
    expect(problem("grace.hopper-1906", ada)).toBe(ACCEPTED);
    expect(problem("ada lovelace 1815", grace)).toBe(ACCEPTED);
  });

  // app/auth/password-rules.ts: the email check only looks at a
  // local part of 4+ characters, so the email address itself is accepted as
  // the password when the local part is short ("ada").
  it("refuses the account's own email address as its password", () => {
    expect(problem("ada@example.org", ada)).toMatch(PERSONAL);
    expect(problem("ADA@EXAMPLE.ORG", ada)).toMatch(PERSONAL);
  });

  // app/auth/password-rules.ts: spaces are ignored when comparing
  // with the display name, but not with the email's local part.
  it("refuses the email's local part written with spaces", () => {
    expect(problem("Grace Hopper 1906", { email: "gracehopper@example.org", displayName: "Admiral G" })).toMatch(
      PERSONAL,
    );
  });

  // app/auth/password-rules.ts: passwords are hashed after NFKC
  // normalization, but the rule compares without normalizing, so the name
  // typed in decomposed form (e + combining diaeresis) slips through.
  it("refuses the display name in another Unicode normal form", () => {
    expect(problem("zoe\u0308aberg-rocks", { email: "z@example.org", displayName: "Zoë Aberg" })).toMatch(PERSONAL);
  });
});

describe("hashPassword and verifyPassword", () => {
  it("stores a salted hash, not the password, and verifies only the right password", async () => {
    const password = "café au lait kettle";
    const [one, two] = await Promise.all([hashPassword(password), hashPassword(password)]);
    expect(one).not.toContain(password);
    expect(one).not.toBe(two); // salted
    expect(one).toMatch(/^scrypt\$/);
    expect(await verifyPassword(one, password)).toBe(true);
    expect(await verifyPassword(one, "café au lait kettlE")).toBe(false);
    // The same text typed in decomposed form (e + combining acute) still works.
    expect(await verifyPassword(two, password.normalize("NFD"))).toBe(true);
  });

  it("says false, without throwing, for a malformed stored hash", async () => {
    for (const stored of ["", "plain text", "bcrypt$2b$10$abc", "scrypt$1$8$1$$"]) {
      expect(await verifyPassword(stored, "anything at all")).toBe(false);
    }
  });
});
