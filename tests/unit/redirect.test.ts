import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { safeRedirect } from "~/auth/redirect";

// docs/architecture.md §6: after signing in, people are sent back only to a path on this
// site. The check is what a browser would do with the returned value: resolve
// it against the page's URL (as it does a Location header) and see where it
// lands. Anything that would land elsewhere must fall back.

const SITE = "https://site.example";

/** Where a browser on SITE goes when told to redirect to `location`. */
function landsOn(location: string): string {
  try {
    return new URL(location, `${SITE}/sign-in?redirectTo=x`).origin;
  } catch {
    return `(not a URL: ${JSON.stringify(location)})`;
  }
}

function expectSameOrigin(input: unknown, fallback?: string): string {
  const result = fallback === undefined ? safeRedirect(input) : safeRedirect(input, fallback);
  expect(typeof result).toBe("string");
  expect(result.startsWith("/"), `${JSON.stringify(input)} gave ${JSON.stringify(result)}`).toBe(true);
  expect(landsOn(result), `${JSON.stringify(input)} gave ${JSON.stringify(result)}`).toBe(SITE);
  return result;
}

describe("safeRedirect keeps paths on this site", () => {
  it.each([
    "/",
    "/posts/x?y=1#c",
    "/posts/what-does-a-technology-coach-do#comment-9.2",
    "/account?tab=profile",
    "/posts/caf%C3%A9",
    "/search?q=a%2Fb",
  ])("keeps %s unchanged", (path) => {
    expect(safeRedirect(path)).toBe(path);
  });

  it("keeps a path with an encoded slash, which a browser keeps on this site", () => {
    expectSameOrigin("/%2F/evil.example");
  });
});

describe("safeRedirect falls back for anything that leaves the site", () => {
  it.each([
    "https://evil.example",
    "http://evil.example/posts",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil",
    "\\/evil.example",
    "/\\/evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    " /x",
    " //evil.example",
    "http:evil.example",
    "https:/evil.example",
    "https://site.example@evil.example",
    "//site.example@evil.example",
    "evil.example",
    "posts/x",
    "?next=/",
    "#c",
    "",
  ])("%j falls back to /", (input) => {
    expect(safeRedirect(input)).toBe("/");
  });

  it.each([
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r/evil.example",
    "/\r\n/evil.example",
    "\t//evil.example",
    "/\u0000/evil.example",
    "/\u007f/evil.example",
    "\n/x",
  ])("%j (control characters a browser strips) falls back to /", (input) => {
    expect(safeRedirect(input)).toBe("/");
  });

  it.each([null, undefined, 0, 42, Number.NaN, true, {}, ["/posts/x"], ["//evil.example"], () => "/x", Symbol("x")])(
    "a non-string (%s) falls back to /",
    (input) => {
      expect(safeRedirect(input)).toBe("/");
    },
  );

  it("falls back for a very long string, and uses the fallback it is given", () => {
    expect(safeRedirect(`/${"a".repeat(100_000)}`)).toBe("/");
    expect(safeRedirect(`//${"evil.example/".repeat(10_000)}`)).toBe("/");
    expect(safeRedirect("//evil.example", "/account")).toBe("/account");
    expect(safeRedirect(null, "/posts")).toBe("/posts");
  });
});

describe("safeRedirect: whatever the disguise, a browser stays on this site", () => {
  // Same-origin is the rule; the exact value returned does not matter.
  const disguises = [
    "https://evil.example",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil",
    "/%2F/evil.example",
    "%2F%2Fevil.example",
    "/%2F%2Fevil.example",
    "/%5C%5Cevil.example",
    "/%5Cevil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    " /x",
    "http:evil.example",
    "https:/evil.example",
    "https://site.example@evil.example",
    "/@evil.example",
    "/:@evil.example",
    "/posts/../../evil.example",
    "/\u3000/evil.example",
    "/\uff0f/evil.example",
    "/%E3%80%80/evil.example",
    `/${"x".repeat(5000)}`,
    `//${"x".repeat(5000)}.example`,
    "/posts/x?next=//evil.example",
    "/posts/x#//evil.example",
  ];
  it.each(disguises)("%j stays on this site", (input) => {
    expectSameOrigin(input);
  });

  // app/auth/redirect.ts: dot segments are resolved *after* the
  // "//" check, so "/.//evil.example" comes back as "//evil.example", a
  // protocol-relative URL that sends the browser to evil.example.
  it.each([
    "/.//evil.example",
    "/..//evil.example",
    "/x/..//evil.example",
    "/%2e//evil.example",
    "/%2E%2E//evil.example",
    "/a/.%2e//evil.example",
  ])("%j (dot segments before //) stays on this site", (input) => {
    expectSameOrigin(input);
  });

  it.each([null, undefined, 7, ["/x"], { toString: () => "//evil.example" }])(
    "non-string %s stays on this site",
    (input) => {
      expectSameOrigin(input);
    },
  );

  // fails for the same reason as above; fast-check shrinks to a
  // minimal input such as "/.//".
  it("random paths built from URL-significant pieces never leave the site", () => {
    const piece = fc.constantFrom(
      "/",
      "//",
      "\\",
      ".",
      "..",
      "%2e",
      "%2f",
      "%5c",
      "@",
      ":",
      "?",
      "#",
      "\t",
      "evil.example",
      "x",
      " ",
      "%09",
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (pieces) => {
        const result = safeRedirect(pieces.join(""));
        return result.startsWith("/") && landsOn(result) === SITE;
      }),
      // Shapes that once slipped through are always tried, then random ones.
      { numRuns: 3000, examples: [[["/", ".", "//", "evil.example"]], [["/", "%2e", "/", "/"]]] },
    );
  });

  it("arbitrary strings never leave the site", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), (input) => {
        const result = safeRedirect(input);
        return result.startsWith("/") && landsOn(result) === SITE;
      }),
      { numRuns: 3000 },
    );
  });
});
