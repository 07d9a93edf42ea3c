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

  describe("phone numbers, read by their countries' numbering plans", () => {
    it.each([
      // [text, the site's country, the number as written]
      ["Call me on +44 20 7946 0958 after school.", undefined, "+44 20 7946 0958"],
      ["My mobile is +61 412 345 678.", "US", "+61 412 345 678"],
      ["Le bureau : +33 1 42 68 53 00", "GB", "+33 1 42 68 53 00"],
      ["Erreichbar unter +49 30 12345678", undefined, "+49 30 12345678"],
      ["携帯 +81 90-1234-5678 まで", undefined, "+81 90-1234-5678"],
      ["My number: (212) 555-0123", "US", "(212) 555-0123"],
      ["call 415-555-2671 tonight", "US", "415-555-2671"],
      ["ring me on 020 7946 0958", "GB", "020 7946 0958"],
      ["text 0412 345 678 any time", "AU", "0412 345 678"],
    ])("finds %j (site country %s)", (text, phoneRegion, written) => {
      const phones = findContactDetails(text, { phoneRegion }).filter((d) => d.kind === "phone");
      expect(phones.map((d) => d.text)).toEqual([written]);
    });

    it("reads a national number only in the site's own country's format", () => {
      expect(findContactDetails("ring me on 020 7946 0958", { phoneRegion: "US" })).toEqual([]);
      expect(findContactDetails("My number: (212) 555-0123", { phoneRegion: "GB" })).toEqual([]);
      expect(findContactDetails("My number: (212) 555-0123")).toEqual([]);
    });

    it.each([
      "ISBN 978-0-306-40615-7 is the book we read.",
      "ISBN-13: 9780306406157",
      "The second edition is 978-3-16-148410-0.",
      "Order number 4455667788 arrived on Monday.",
      "My ticket #12345678 is still open.",
      "Invoice no. 202-555-0199 was paid.",
      "Reference: 4155552671",
      "We met on 12.06.2013 at 14:30 and again on 2013-06-19.",
      "From 08:15 to 15:30, 5 days a week, 2013-2014.",
      "The budget was 1,234,567.89 dollars, 12 345 678 yen.",
      "Room 4155552671 is not a room.",
    ])("leaves identifiers, dates, times and amounts alone: %j", (text) => {
      expect(findContactDetails(text, { phoneRegion: "US" }).filter((d) => d.kind === "phone")).toEqual([]);
    });
  });

  it("finds email addresses written plainly or as mailto links", () => {
    const found = findContactDetails(
      "Slides: [write to me](mailto:ana.lopez@colegio.example.es) or jo@schüle.example.de",
    );
    expect(found.filter((d) => d.kind === "email").map((d) => d.text)).toEqual([
      "ana.lopez@colegio.example.es",
      "jo@schüle.example.de",
    ]);
  });
});
