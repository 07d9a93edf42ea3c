import { describe, expect, it } from "vitest";
import { countLinks, decideHold, type ModerationSettings } from "~/moderation/rules";

/**
 * The moderation rules that need no database (app/moderation/rules.ts):
 * how many links a comment's Markdown holds, and whether a new submission is
 * published, held for a moderator or filed as spam. Expected values come from
 * the rules, not from the code's output.
 */

describe("countLinks", () => {
  it.each([
    ["an inline link", "Read [the guide](https://guide.example.org) first.", 1],
    ["an inline link with a title", 'See [this](https://a.example.org "A title").', 1],
    ["an autolink in angle brackets", "Details at <https://a.example.org/page>.", 1],
    ["a bare URL", "Details at https://a.example.org/page today.", 1],
    ["a bare www. address", "Details at www.a.example.org today.", 1],
    ["an image", "![a chart](https://a.example.org/chart.png)", 1],
    ["a reference link", "Read [the guide][g].\n\n[g]: https://guide.example.org", 1],
    ["no link at all", "Plain words about coaching, no addresses.", 0],
  ])("%s counts as %i", (_label, markdown, expected) => {
    expect(countLinks(markdown)).toBe(expected);
  });

  it("counts every kind together, once each", () => {
    const markdown = [
      "An [inline link](https://one.example.org), an autolink <https://two.example.org>,",
      "a bare https://three.example.org/path and a picture ![alt](https://four.example.org/x.png).",
    ].join("\n");
    expect(countLinks(markdown)).toBe(4);
  });

  it("counts the same address written twice as two links", () => {
    expect(countLinks("https://a.example.org and again https://a.example.org")).toBe(2);
  });

  it("a link whose text is its own URL counts once", () => {
    expect(countLinks("[https://a.example.org](https://a.example.org)")).toBe(1);
  });

  it("counts links inside lists and block quotes", () => {
    expect(
      countLinks("> quoting https://a.example.org\n\n- [b](https://b.example.org)\n- <https://c.example.org>"),
    ).toBe(3);
  });

  it.each([
    ["an inline code span with a URL", "Type `https://a.example.org` into the bar."],
    ["an inline code span with link syntax", "Write ``[text](https://a.example.org)`` to make a link."],
    ["a fenced code block with URLs", "```\ncurl https://a.example.org\n[x](https://b.example.org)\n```"],
    ["a tilde fence with an autolink", "~~~md\n<https://a.example.org>\n~~~"],
    ["an indented code block with a URL", "Example:\n\n    wget https://a.example.org/file"],
  ])("%s counts nothing", (_label, markdown) => {
    expect(countLinks(markdown)).toBe(0);
  });

  it("counts the links outside code but not those inside it", () => {
    const markdown = [
      "Real: https://a.example.org and [b](https://b.example.org).",
      "",
      "```",
      "https://c.example.org https://d.example.org https://e.example.org",
      "```",
      "",
      "Also `https://f.example.org` in a span.",
    ].join("\n");
    expect(countLinks(markdown)).toBe(2);
  });
});

describe("decideHold", () => {
  const on: ModerationSettings = { holdFirstTimeGuests: true, maxLinks: 2 };
  const off: ModerationSettings = { holdFirstTimeGuests: false, maxLinks: 2 };
  type Facts = Parameters<typeof decideHold>[0];
  const facts = (overrides: Partial<Facts>): Facts => ({
    writer: "guest",
    trustedGuest: false,
    links: 0,
    honeypot: false,
    tooFast: false,
    settings: on,
    ...overrides,
  });

  it.each(["guest", "member"] as const)("the honeypot filled in by a %s files it as spam, with a reason", (writer) => {
    for (const trustedGuest of [false, true]) {
      const decision = decideHold(facts({ writer, trustedGuest, honeypot: true }));
      expect(decision.status).toBe("spam");
      expect(decision.reason).toBeTruthy();
    }
  });

  it("staff are never held: not for links, not for timing, not for being new", () => {
    for (const settings of [on, off]) {
      for (const tooFast of [false, true]) {
        for (const links of [0, 2, 3, 50]) {
          expect(decideHold(facts({ writer: "staff", links, tooFast, settings }))).toEqual({
            status: "published",
            reason: null,
          });
        }
      }
    }
  });

  it("more links than maxLinks holds it, the reason naming the count", () => {
    for (const writer of ["guest", "member"] as const) {
      const decision = decideHold(facts({ writer, trustedGuest: true, links: 3 }));
      expect(decision.status, writer).toBe("pending");
      expect(decision.reason, writer).toMatch(/\b3\b/);
      expect(decision.reason, writer).toMatch(/link/);
    }
    const many = decideHold(
      facts({ writer: "member", links: 17, settings: { holdFirstTimeGuests: false, maxLinks: 5 } }),
    );
    expect(many.status).toBe("pending");
    expect(many.reason).toMatch(/\b17\b/);
  });

  it("exactly maxLinks links is not held", () => {
    expect(decideHold(facts({ writer: "member", links: 2 }))).toEqual({ status: "published", reason: null });
    expect(decideHold(facts({ writer: "guest", trustedGuest: true, links: 2 }))).toEqual({
      status: "published",
      reason: null,
    });
  });

  it("a first-time (untrusted) guest is held when the setting is on", () => {
    const decision = decideHold(facts({ writer: "guest", trustedGuest: false, settings: on }));
    expect(decision.status).toBe("pending");
    expect(decision.reason).toBeTruthy();
  });

  it("a first-time guest is not held when the setting is off", () => {
    expect(decideHold(facts({ writer: "guest", trustedGuest: false, settings: off }))).toEqual({
      status: "published",
      reason: null,
    });
  });

  it("a trusted guest is published", () => {
    expect(decideHold(facts({ writer: "guest", trustedGuest: true, settings: on }))).toEqual({
      status: "published",
      reason: null,
    });
  });

  it("a member is not held for being new", () => {
    expect(decideHold(facts({ writer: "member", trustedGuest: false, settings: on }))).toEqual({
      status: "published",
      reason: null,
    });
  });

  it("a member whose email address is not confirmed follows the guest rules, never trusted", () => {
    for (const trustedGuest of [false, true]) {
      expect(decideHold(facts({ writer: "unverified-member", trustedGuest, settings: on }))).toEqual({
        status: "pending",
        reason: "email address not confirmed yet",
      });
    }
    expect(decideHold(facts({ writer: "unverified-member", settings: off }))).toEqual({
      status: "published",
      reason: null,
    });
    expect(decideHold(facts({ writer: "unverified-member", links: 3, settings: off })).status).toBe("pending");
  });

  it("a form sent too fast is held, for guests (trusted or not) and members", () => {
    for (const [writer, trustedGuest] of [
      ["guest", false],
      ["guest", true],
      ["member", false],
    ] as const) {
      for (const settings of [on, off]) {
        const decision = decideHold(facts({ writer, trustedGuest, tooFast: true, settings }));
        expect(decision.status, `${writer} trusted=${trustedGuest}`).toBe("pending");
        expect(decision.reason, `${writer} trusted=${trustedGuest}`).toBeTruthy();
      }
    }
  });

  it("the honeypot wins over everything else that would merely hold it", () => {
    expect(decideHold(facts({ writer: "guest", honeypot: true, tooFast: true, links: 9 })).status).toBe("spam");
  });
});
