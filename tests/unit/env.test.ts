import { afterEach, describe, expect, it, vi } from "vitest";

// SITE_URL is the site's public origin: canonical links, feeds, sitemap and
// email all use it, so a value only some of them could honour is refused.

async function envWith(siteUrl: string | undefined) {
  vi.resetModules();
  vi.stubEnv("SITE_URL", siteUrl);
  const { getEnv } = await import("~/env.server");
  return getEnv;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("SITE_URL", () => {
  it.each(["https://staffroom.example.org", "https://staffroom.example.org/", "http://localhost:3000"])(
    "accepts the origin %s",
    async (value) => {
      const getEnv = await envWith(value);
      expect(getEnv().SITE_URL).toBe(value.replace(/\/$/, ""));
    },
  );

  it.each([
    "https://staffroom.example.org/blog",
    "https://user:secret@staffroom.example.org",
    "ftp://staffroom.example.org",
    "https://x.example/?a=1",
    "not a url",
  ])("refuses %s, naming the variable", async (value) => {
    const getEnv = await envWith(value);
    expect(() => getEnv()).toThrow(/SITE_URL must be the site's http\(s\) origin with no path/);
  });
});
