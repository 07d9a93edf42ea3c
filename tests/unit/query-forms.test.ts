import { parseWithZod } from "@conform-to/zod/v4";
import { describe, expect, it } from "vitest";
import { NOTHING_TO_SHARE, mastodonShareQuerySchema } from "~/discovery/share-query";
import { pageQuerySchema } from "~/posts/page-query";
import { searchQuerySchema } from "~/search/forms";

// Queries read by GET pages: never refused outright (a 500 would be the
// reader's only answer), but sorted into what the page tells the reader.

function search(query: string) {
  const result = parseWithZod(new URLSearchParams(query), { schema: searchQuerySchema, disableAutoCoercion: true });
  if (result.status !== "success") throw new Error(`refused: ${query}`);
  return result.value;
}

function share(query: string) {
  const result = parseWithZod(new URLSearchParams(query), {
    schema: mastodonShareQuerySchema,
    disableAutoCoercion: true,
  });
  if (result.status !== "success") throw new Error(`refused: ${query}`);
  return result.value;
}

describe("searchQuerySchema", () => {
  it("reads the words and the page", () => {
    const { q, page } = search("q=mentoring+teachers&page=2");
    expect(q.parsed).toMatchObject({ kind: "words", text: "mentoring teachers" });
    expect(page).toEqual({ ok: true, page: 2 });
  });

  it("asks for words when there are none, and reads the first of a repeated q", () => {
    expect(search("").q.parsed.kind).toBe("empty");
    expect(search("q=").q.parsed.kind).toBe("empty");
    expect(search("q=a&q=b").q.raw).toBe("a");
  });

  it("refuses an empty, negative or non-numeric page (the page answers 400), not a missing one", () => {
    for (const page of ["", "-1", "0", "abc", "2.5"])
      expect(search(`q=x&page=${page}`).page, page).toEqual({ ok: false });
    expect(search("q=x").page).toEqual({ ok: true, page: 1 });
  });

  it("says how long a too-long query is, keeping it as typed to show back cut", () => {
    const { q } = search(`q=${"a".repeat(300)}`);
    expect(q.parsed).toEqual({ kind: "too-long", characters: 300, limit: 200 });
    expect(q.raw).toHaveLength(300);
  });
});

describe("mastodonShareQuerySchema", () => {
  it("passes a server name and a text on", () => {
    expect(share("server=Mastodon.Social&text=Hello")).toEqual({
      kind: "share",
      host: "mastodon.social",
      text: "Hello",
    });
  });

  it("says there is nothing to share for a missing, blank or too-long text, keeping the server typed", () => {
    for (const text of ["", "   ", "x".repeat(2001)]) {
      const value = share(new URLSearchParams({ server: "mastodon.social", text }).toString());
      expect(value, text.slice(0, 10)).toMatchObject({ kind: "nothing-to-share", server: "mastodon.social" });
      expect(value.kind === "nothing-to-share" && value.message).toBe(NOTHING_TO_SHARE);
    }
    expect(share("").kind).toBe("nothing-to-share");
  });

  it("refuses a server name with a scheme, or none, saying what to type", () => {
    const scheme = share("server=https://mastodon.social&text=Hello");
    expect(scheme).toMatchObject({ kind: "bad-server", server: "https://mastodon.social", text: "Hello" });
    expect(scheme.kind === "bad-server" && scheme.message).toContain("Leave out the “https://” part.");
    const none = share("text=Hello");
    expect(none.kind === "bad-server" && none.message).toContain("Please say which Mastodon server you use.");
  });
});

describe("pageQuerySchema", () => {
  function page(query: string) {
    const result = parseWithZod(new URLSearchParams(query), { schema: pageQuerySchema, disableAutoCoercion: true });
    if (result.status !== "success") throw new Error(`refused: ${query}`);
    return result.value.page;
  }

  it("reads page 1 when missing, the first of a repeated page, and refuses anything but a whole number", () => {
    expect(page("")).toEqual({ ok: true, page: 1 });
    expect(page("page=3")).toEqual({ ok: true, page: 3 });
    expect(page("page=3&page=9")).toEqual({ ok: true, page: 3 });
    for (const bad of ["page=", "page=0", "page=-1", "page=1e3", "page=1000001"])
      expect(page(bad), bad).toEqual({ ok: false });
  });
});
