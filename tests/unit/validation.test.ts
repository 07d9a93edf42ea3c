import { describe, expect, it } from "vitest";
import { commentFormSchema, normalizeWebsite, type CommentRules } from "~/comments/validation";

// The guest comment form (docs/architecture.md §3, §4): a body is required and must have
// something visible in it; a name is required unless posting anonymously
// (when the site allows it); email and website are optional but must be
// valid when given; control characters are stripped and line endings become
// "\n"; a long body is split into parts, and refused only when it would need
// more parts than the site allows.

const RULES: CommentRules = { limit: 4096, maxParts: 10, allowAnonymous: true };
const schema = commentFormSchema(RULES);

type Input = Record<string, unknown>;
const valid: Input = { name: "Ann Teacher", body: "Thanks, this helped my team." };

function parse(input: Input, s = schema) {
  return s.safeParse(input);
}

/** The issues of a failed parse on one field (top-level path element). */
function issuesOn(input: Input, field: string, s = schema) {
  const result = parse(input, s);
  expect(result.success, `expected ${JSON.stringify(input).slice(0, 120)} to be refused`).toBe(false);
  return result.error!.issues.filter((issue) => issue.path[0] === field);
}

function expectErrorOn(input: Input, field: string, s = schema) {
  const issues = issuesOn(input, field, s);
  expect(issues.length, `expected an error on ${field}`).toBeGreaterThan(0);
  for (const issue of issues) expect(issue.message.trim().length).toBeGreaterThan(0);
  return issues;
}

function expectAccepted(input: Input, s = schema) {
  const result = parse(input, s);
  if (!result.success) throw new Error(`refused: ${JSON.stringify(result.error.issues)}`);
  return result.data;
}

/** Prose of exactly `length` characters (ASCII words and sentences). */
function prose(length: number): string {
  const sentence = "The coaching cycle went well and the team tried the new routine. ";
  return sentence.repeat(Math.ceil(length / sentence.length)).slice(0, length);
}

describe("commentFormSchema: a valid comment", () => {
  it("is accepted with name and body only", () => {
    const data = expectAccepted(valid);
    expect(data.name).toBe("Ann Teacher");
    expect(data.body).toBe("Thanks, this helped my team.");
  });

  it("is accepted with every field filled in", () => {
    const data = expectAccepted({
      ...valid,
      email: "ann@example.org",
      website: "https://example.org/ann",
      parentId: 12,
    });
    expect(data.email).toBe("ann@example.org");
    expect(data.website).toBe("https://example.org/ann");
    expect(data.parentId).toBe(12);
  });
});

describe("commentFormSchema: body", () => {
  it.each([
    ["empty", ""],
    ["spaces only", "   "],
    ["white space of every kind", " \t\n\r\n\u00A0\u2003\u3000"],
    ["zero-width characters only", "\u200B\u200D"],
    ["a Hangul filler only", "\u3164"],
    ["invisible mix", "\u200B \u3164\u200D\n\uFEFF"],
    ["control characters only", "\u0000\u0007"],
  ])("refuses a body that is %s", (_label, body) => {
    expectErrorOn({ ...valid, body }, "body");
  });

  it("refuses a missing body", () => {
    expectErrorOn({ name: "Ann Teacher" }, "body");
  });

  it("strips NUL and other control characters", () => {
    expect(expectAccepted({ ...valid, body: "a\u0000b" }).body).toBe("ab");
    expect(expectAccepted({ ...valid, body: "a\u0001b\u0007c\u0008d\u001Be\u007Ff" }).body).toBe("abcdef");
  });

  it("turns CRLF line endings into LF and keeps the lines", () => {
    expect(expectAccepted({ ...valid, body: "line one\r\nline two\r\n\r\nline four" }).body).toBe(
      "line one\nline two\n\nline four",
    );
  });

  it("keeps ordinary text as written", () => {
    const body = "First point.\n\n- a list item\n- another, with *emphasis*\n\nThanks — Ann";
    expect(expectAccepted({ ...valid, body }).body).toBe(body);
  });

  it("accepts a 5,000-character body (it will be split, not refused)", () => {
    const body = prose(5_000);
    expect(body).toHaveLength(5_000);
    expect(expectAccepted({ ...valid, body }).body).toBe(body);
  });

  it("accepts a body that fills the allowed parts comfortably (30,000 characters)", () => {
    const body = prose(30_000);
    expect(expectAccepted({ ...valid, body }).body).toBe(body);
  });

  it("refuses a body needing more than 10 parts, saying what the limit is", () => {
    const body = prose(45_000); // at 4,096 characters a part this needs at least 11 parts
    const issues = expectErrorOn({ ...valid, body }, "body");
    const message = issues.map((i) => i.message).join(" ");
    expect(message).toMatch(/4,?096/); // the per-part limit
    expect(message).toMatch(/\b10\b/); // the number of parts allowed
    // and how much to cut: at least what is over 10 full parts
    const cut = Number(/cut at least ([\d,]+) characters/.exec(message)?.[1].replaceAll(",", ""));
    expect(cut).toBeGreaterThanOrEqual(45_000 - 10 * 4_096);
    expect(cut).toBeLessThan(45_000 - 9 * 4_096);
  });

  it("refuses a body needing more parts than a stricter site allows", () => {
    const strict = commentFormSchema({ limit: 500, maxParts: 2, allowAnonymous: true });
    expect(expectAccepted({ ...valid, body: prose(400) }, strict).body).toHaveLength(400);
    expect(expectAccepted({ ...valid, body: prose(900) }, strict).body).toHaveLength(900);
    const issues = expectErrorOn({ ...valid, body: prose(1_200) }, "body", strict);
    expect(issues.map((i) => i.message).join(" ")).toMatch(/\b500\b/);
  });
});

describe("commentFormSchema: name and anonymity", () => {
  it("requires a name when not posting anonymously", () => {
    expectErrorOn({ body: valid.body }, "name");
    expectErrorOn({ body: valid.body, name: "" }, "name");
    expectErrorOn({ body: valid.body, name: "   " }, "name");
    expectErrorOn({ body: valid.body, name: "\u200B" }, "name");
    expectErrorOn({ body: valid.body, anonymous: false }, "name");
  });

  it("needs no name when posting anonymously on a site that allows it", () => {
    const data = expectAccepted({ body: valid.body, anonymous: true });
    expect(data.anonymous).toBe(true);
  });

  it("refuses anonymous comments on a site that does not allow them", () => {
    const named = commentFormSchema({ ...RULES, allowAnonymous: false });
    const result = parse({ body: valid.body, anonymous: true }, named);
    expect(result.success).toBe(false);
    expect(result.error!.issues.some((i) => i.message.trim().length > 0)).toBe(true);
    // …and still requires a name there.
    expectErrorOn({ body: valid.body }, "name", named);
    expectAccepted({ ...valid }, named);
  });

  it("trims the name", () => {
    expect(expectAccepted({ ...valid, name: "  Ann Teacher  " }).name).toBe("Ann Teacher");
  });

  it("accepts a name of 80 characters and refuses one of 81", () => {
    expect(expectAccepted({ ...valid, name: "a".repeat(80) }).name).toBe("a".repeat(80));
    expectErrorOn({ ...valid, name: "a".repeat(81) }, "name");
    expectErrorOn({ ...valid, name: "a".repeat(500) }, "name");
  });

  it("counts characters as people see them: 80 emoji or accented letters are 80 characters", () => {
    expectAccepted({ ...valid, name: "\u{1F469}\u200D\u{1F3EB}".repeat(80) }); // woman teacher ×80
    expectAccepted({ ...valid, name: "e\u0301".repeat(80) }); // é as e + combining accent ×80
    expectErrorOn({ ...valid, name: "\u{1F469}\u200D\u{1F3EB}".repeat(81) }, "name");
  });
});

describe("commentFormSchema: email", () => {
  it.each(["not-an-email", "ann@", "@example.org", "ann example@example.org", "ann@@example.org"])(
    "refuses %j",
    (email) => {
      expectErrorOn({ ...valid, email }, "email");
    },
  );

  it("accepts a normal address, trimmed", () => {
    expect(expectAccepted({ ...valid, email: "  ann.teacher+pd@example.org " }).email).toBe(
      "ann.teacher+pd@example.org",
    );
  });

  it("is optional", () => {
    expect(expectAccepted({ ...valid }).email).toBeUndefined();
  });
});

describe("commentFormSchema: website", () => {
  it("adds https:// to an address typed without a scheme", () => {
    expect(expectAccepted({ ...valid, website: "example.org/me" }).website).toBe("https://example.org/me");
  });

  it("keeps an http(s) address", () => {
    expect(expectAccepted({ ...valid, website: "https://example.org/me" }).website).toBe("https://example.org/me");
    expect(expectAccepted({ ...valid, website: "http://example.org/me" }).website).toBe("http://example.org/me");
  });

  it.each([
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "ftp://x.y",
    "http://user:pw@x.y",
    "notaurl",
    "data:text/html,hi",
    "https://",
  ])("refuses %j", (website) => {
    expectErrorOn({ ...valid, website }, "website");
  });

  it("is optional", () => {
    expect(expectAccepted({ ...valid }).website).toBeUndefined();
  });
});

describe("normalizeWebsite", () => {
  it.each([
    ["example.org/me", "https://example.org/me"],
    ["  example.org/me  ", "https://example.org/me"],
    ["https://example.org/me", "https://example.org/me"],
    ["http://example.org/me", "http://example.org/me"],
  ])("%j → %j", (input, expected) => {
    expect(normalizeWebsite(input)).toBe(expected);
  });

  it.each(["javascript:alert(1)", "ftp://x.y", "http://user:pw@x.y", "notaurl", "", "mailto:ann@example.org"])(
    "%j → null",
    (input) => {
      expect(normalizeWebsite(input)).toBeNull();
    },
  );
});

describe("commentFormSchema: replying", () => {
  it.each([0, -3, 1.5, "abc"])("refuses the reply target %j", (parentId) => {
    expectErrorOn({ ...valid, parentId }, "parentId");
  });

  it("reads a reply target sent as form text", () => {
    expect(expectAccepted({ ...valid, parentId: "42" }).parentId).toBe(42);
  });
});

describe("every problem at once", () => {
  it("reports a missing name together with the other fields' problems, so one submit shows them all", () => {
    const result = commentFormSchema({ limit: 4096, maxParts: 10, allowAnonymous: true }).safeParse({
      body: "",
      email: "not-an-email",
      website: "javascript:alert(1)",
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path[0]).sort()).toEqual(["body", "email", "name", "website"]);
  });
});
