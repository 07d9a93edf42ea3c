import { parseWithZod } from "@conform-to/zod/v4";
import { describe, expect, it } from "vitest";
import { ACTION_NOT_OFFERED, NOTHING_TICKED, moderationFormSchema, queueQuerySchema } from "~/moderation/forms";

// The moderation queue's form (/moderation): a refused form is answered with
// one message for the whole form, never a 500.

const ID = "00000000-0000-4000-8000-000000000000";
const OTHER = "11111111-1111-4111-8111-111111111111";

/** The messages of a refused submission, by field ("" for the whole form); undefined when accepted. */
function errorsOf(submission: { status?: string }): Record<string, string[] | null> | undefined {
  return "error" in submission ? (submission.error as Record<string, string[] | null>) : undefined;
}

function form(entries: [string, string][]): FormData {
  const data = new FormData();
  for (const [name, value] of entries) data.append(name, value);
  return data;
}

function parse(entries: [string, string][]) {
  return parseWithZod(form(entries), { schema: moderationFormSchema });
}

describe("moderationFormSchema", () => {
  it("accepts one ticked comment, or several, with an action the list offers", () => {
    const one = parse([
      ["list", "spam"],
      ["action", "restore"],
      ["submissionId", ID],
    ]);
    // A form without a page was drawn on page 1.
    expect(one.status === "success" && one.value).toEqual({
      list: "spam",
      page: 1,
      action: "restore",
      submissionIds: [ID],
    });
    const two = parse([
      ["action", "approve"],
      ["submissionId", ID],
      ["submissionId", OTHER],
    ]);
    expect(two.status === "success" && two.value).toEqual({
      list: "pending",
      page: 1,
      action: "approve",
      submissionIds: [ID, OTHER],
    });
  });

  it("keeps the page the form was on, and reads anything but a page number as page 1", () => {
    const pageOf = (page: string) => {
      const result = parse([
        ["page", page],
        ["action", "approve"],
        ["submissionId", ID],
      ]);
      return result.status === "success" ? result.value.page : null;
    };
    expect(pageOf("2")).toBe(2);
    for (const junk of ["0", "-1", "2.5", "abc", "", "99999999"]) expect(pageOf(junk), junk).toBe(1);
  });

  it("refuses a form with nothing ticked, saying to tick a comment", () => {
    const none = parse([
      ["list", "pending"],
      ["action", "approve"],
    ]);
    expect(none.status).toBe("error");
    expect(errorsOf(none)?.[""]).toEqual([NOTHING_TICKED]);
    // Ids that are not submission ids count as not ticked.
    const junk = parse([
      ["action", "approve"],
      ["submissionId", "1 or 1=1"],
    ]);
    expect(errorsOf(junk)?.[""]).toEqual([NOTHING_TICKED]);
  });

  it("refuses an action the list does not offer, or an unknown or missing one, saying so", () => {
    for (const entries of [
      [
        ["list", "removed"],
        ["action", "remove"],
        ["submissionId", ID],
      ],
      [
        ["list", "pending"],
        ["action", "delete-everything"],
        ["submissionId", ID],
      ],
      [
        ["list", "pending"],
        ["submissionId", ID],
      ],
    ] as [string, string][][]) {
      const result = parse(entries);
      expect(result.status, JSON.stringify(entries)).toBe("error");
      expect(errorsOf(result)?.[""]).toEqual([ACTION_NOT_OFFERED]);
    }
  });
});

describe("queueQuerySchema", () => {
  it("reads a known list, and shows the pending list for a missing, unknown or repeated one", () => {
    const list = (query: string) => {
      const result = parseWithZod(new URLSearchParams(query), { schema: queueQuerySchema });
      return result.status === "success" ? result.value.list : null;
    };
    expect(list("list=spam")).toBe("spam");
    expect(list("")).toBe("pending");
    expect(list("list=everything")).toBe("pending");
    expect(list("list=spam&list=removed")).toBe("pending");
  });

  it("reads the page asked for, and page 1 for a missing, malformed or repeated one", () => {
    const page = (query: string) => {
      const result = parseWithZod(new URLSearchParams(query), { schema: queueQuerySchema });
      return result.status === "success" ? result.value.page : null;
    };
    expect(page("list=spam&page=3")).toBe(3);
    expect(page("list=spam")).toBe(1);
    for (const junk of ["page=0", "page=-2", "page=1.5", "page=x", "page=2&page=3"]) expect(page(junk), junk).toBe(1);
  });
});
