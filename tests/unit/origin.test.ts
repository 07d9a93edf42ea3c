import { describe, expect, it } from "vitest";
import { isSameOriginRequest, type OriginFacts } from "~/auth/origin";

// docs/architecture.md §6 (CSRF): a state-changing request is accepted only when the
// browser says it came from this site; a request with no browser headers at
// all comes from a non-browser client and is allowed.

const SITE = "http://localhost:3000";

function facts(headers: Partial<Omit<OriginFacts, "siteOrigin">>, siteOrigin = SITE): OriginFacts {
  return { siteOrigin, origin: null, referer: null, secFetchSite: null, ...headers };
}

describe("isSameOriginRequest: Origin header", () => {
  it("allows a POST whose Origin is this site", () => {
    expect(isSameOriginRequest(facts({ origin: SITE }))).toBe(true);
    expect(isSameOriginRequest(facts({ origin: SITE, secFetchSite: "same-origin" }))).toBe(true);
    expect(isSameOriginRequest(facts({ origin: SITE, referer: `${SITE}/posts/hello` }))).toBe(true);
  });

  it("allows an https site with its own Origin", () => {
    const site = "https://staffroom.example";
    expect(isSameOriginRequest(facts({ origin: site, secFetchSite: "same-origin" }, site))).toBe(true);
  });

  it.each([
    ["another site", "https://evil.example"],
    ['the opaque origin "null"', "null"],
    ["a look-alike host", "http://localhost:3000.evil.example"],
    ["a look-alike prefix", "http://evil-localhost:3000"],
    ["https instead of http", "https://localhost:3000"],
    ["another port", "http://localhost:3001"],
    ["no port", "http://localhost"],
    ["another host name for the machine", "http://127.0.0.1:3000"],
    ["a subdomain", "http://a.localhost:3000"],
    ["an empty Origin", ""],
  ])("refuses %s", (_label, origin) => {
    expect(isSameOriginRequest(facts({ origin }))).toBe(false);
  });

  it("refuses a foreign Origin even when the Referer claims to be this site", () => {
    expect(isSameOriginRequest(facts({ origin: "https://evil.example", referer: `${SITE}/posts/hello` }))).toBe(false);
    expect(isSameOriginRequest(facts({ origin: "null", referer: `${SITE}/posts/hello` }))).toBe(false);
  });
});

describe("isSameOriginRequest: Sec-Fetch-Site", () => {
  it.each(["cross-site", "same-site"])("refuses %s even with a matching Origin", (secFetchSite) => {
    expect(isSameOriginRequest(facts({ origin: SITE, secFetchSite }))).toBe(false);
    expect(isSameOriginRequest(facts({ secFetchSite, referer: `${SITE}/posts/hello` }))).toBe(false);
    expect(isSameOriginRequest(facts({ secFetchSite }))).toBe(false);
  });

  it("allows same-origin", () => {
    expect(isSameOriginRequest(facts({ secFetchSite: "same-origin", origin: SITE }))).toBe(true);
  });

  it("still refuses a foreign Origin when Sec-Fetch-Site says same-origin", () => {
    expect(isSameOriginRequest(facts({ secFetchSite: "same-origin", origin: "https://evil.example" }))).toBe(false);
  });
});

describe("isSameOriginRequest: Referer when there is no Origin", () => {
  it.each([`${SITE}/posts/hello`, `${SITE}/`, `${SITE}`, `${SITE}/posts/hello?x=1#comment-9-2`])(
    "allows a same-origin Referer %s",
    (referer) => {
      expect(isSameOriginRequest(facts({ referer }))).toBe(true);
    },
  );

  it.each([
    ["another site", "https://evil.example/page"],
    ["a look-alike host", "http://localhost:3000.evil.example/posts/hello"],
    ["this site in the query of another", `https://evil.example/?from=${SITE}/`],
    ["https instead of http", "https://localhost:3000/posts/hello"],
    ["another port", "http://localhost:3001/posts/hello"],
    ["a malformed URL", "not a url"],
    ["a relative path", "/posts/hello"],
    ["a malformed port", "http://localhost:abc/"],
  ])("refuses a Referer from %s", (_label, referer) => {
    expect(isSameOriginRequest(facts({ referer }))).toBe(false);
  });
});

describe("isSameOriginRequest: non-browser clients", () => {
  it("allows a request with none of the headers", () => {
    expect(isSameOriginRequest(facts({}))).toBe(true);
  });

  it("never throws on odd input", () => {
    for (const value of ["", "null", "::::", "http://[bad", "\u0000"]) {
      expect(() => isSameOriginRequest(facts({ origin: value }))).not.toThrow();
      expect(() => isSameOriginRequest(facts({ referer: value }))).not.toThrow();
      expect(() => isSameOriginRequest(facts({ secFetchSite: value }))).not.toThrow();
    }
  });
});
