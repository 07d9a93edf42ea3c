import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { findContactDetails } from "~/comments/contact-details";

const fixture = JSON.parse(readFileSync("db/demo/coach-post-thread.json", "utf8"));
const bodyOf = (id: string): string => fixture.comments.find((c: { id: string }) => c.id === id).body;

describe("contact details in a public comment", () => {
  it("finds the video-call handle in the demo thread's comment 11", () => {
    const found = findContactDetails(bodyOf("c11"));
    expect(found).toHaveLength(1);
    expect(found[0].kind).toBe("handle");
    expect(found[0].text).toContain("sample.handle.42");
  });

  it("finds nothing in the other demo comments, which share ideas, links and numbers but no contact details", () => {
    const flagged = fixture.comments
      .filter((c: { id: string }) => c.id !== "c11")
      .filter((c: { body: string }) => findContactDetails(c.body).length > 0)
      .map((c: { id: string }) => c.id);
    expect(flagged).toEqual([]);
  });

  it.each([
    ["Write to me at jo.reader@example.org any time.", "email", "jo.reader@example.org"],
    ["Call me on +44 20 7946 0958 after school.", "phone", "+44 20 7946 0958"],
    ["My number: (555) 123-4567", "phone", "(555) 123-4567"],
    ["my WhatsApp is +61 400 000 000", "handle", "my WhatsApp is +61"],
    ["My Skype name is coach.jo", "handle", "My Skype name is coach.jo"],
    ["You can reach me on Telegram as @coachjo", "handle", "reach me on Telegram as @coachjo"],
    ["Drop me a line: jane [at] example [dot] com", "email", "jane [at] example [dot] com"],
    ["jane.doe(at)school(dot)edu(dot)au for the slides", "email", "jane.doe(at)school(dot)edu(dot)au"],
    ["write to jane at example dot org please", "email", "jane at example dot org"],
    ["jo {at} mail {.} net", "email", "jo {at} mail {.} net"],
  ])("finds contact details in %j", (text, kind, fragment) => {
    const found = findContactDetails(text);
    expect(found.some((d) => d.kind === kind && d.text.includes(fragment))).toBe(true);
  });

  it.each([
    "In 2013-2014 we had 1:1 iPads in Grades 5 to 7.",
    "The ratio was 25 students to 1 laptop, about 4% of the budget.",
    "See https://example.org/guide for the full list.",
    "Use `admin@localhost` in the config file.",
    "We met on 12.06.2013 and again in June.",
    "Look at this: the class at lunch dot the i's and cross the t's.",
    "We looked at example after example. The dot product came later.",
    "Meet me at school at nine.",
  ])("leaves ordinary text alone: %j", (text) => {
    expect(findContactDetails(text)).toEqual([]);
  });
});
