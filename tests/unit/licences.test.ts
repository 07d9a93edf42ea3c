import { describe, expect, it } from "vitest";
import {
  LICENSES,
  LICENSE_IDS,
  findLicense,
  findLicenseByUrl,
  getLicense,
  isLicenseId,
  licenseOptions,
  parseLicenseParts,
  type License,
  type LicenseId,
} from "~/licences/catalogue";

// Written out by hand from the Creative Commons deeds
// (https://creativecommons.org/licenses/…, /publicdomain/zero/1.0/) and the
// SPDX License List (https://spdx.org/licenses/). Deliberately NOT derived
// from the module under test.
const T = true;
const F = false;
type Perms = [share: boolean, adapt: boolean, commercial: boolean, attribution: boolean, shareAlike: boolean];
type Row = [
  id: LicenseId,
  shortName: string,
  fullName: string,
  url: string | null,
  spdx: string | null,
  version: License["version"],
  perms: Perms,
];

const EXPECTED: Row[] = [
  [
    "cc0-1.0",
    "CC0 1.0",
    "CC0 1.0 Universal",
    "https://creativecommons.org/publicdomain/zero/1.0/",
    "CC0-1.0",
    "1.0",
    [T, T, T, F, F],
  ],
  [
    "cc-by-4.0",
    "CC BY 4.0",
    "Creative Commons Attribution 4.0 International",
    "https://creativecommons.org/licenses/by/4.0/",
    "CC-BY-4.0",
    "4.0",
    [T, T, T, T, F],
  ],
  [
    "cc-by-sa-4.0",
    "CC BY-SA 4.0",
    "Creative Commons Attribution-ShareAlike 4.0 International",
    "https://creativecommons.org/licenses/by-sa/4.0/",
    "CC-BY-SA-4.0",
    "4.0",
    [T, T, T, T, T],
  ],
  [
    "cc-by-nc-4.0",
    "CC BY-NC 4.0",
    "Creative Commons Attribution-NonCommercial 4.0 International",
    "https://creativecommons.org/licenses/by-nc/4.0/",
    "CC-BY-NC-4.0",
    "4.0",
    [T, T, F, T, F],
  ],
  [
    "cc-by-nc-sa-4.0",
    "CC BY-NC-SA 4.0",
    "Creative Commons Attribution-NonCommercial-ShareAlike 4.0 International",
    "https://creativecommons.org/licenses/by-nc-sa/4.0/",
    "CC-BY-NC-SA-4.0",
    "4.0",
    [T, T, F, T, T],
  ],
  [
    "cc-by-nd-4.0",
    "CC BY-ND 4.0",
    "Creative Commons Attribution-NoDerivatives 4.0 International",
    "https://creativecommons.org/licenses/by-nd/4.0/",
    "CC-BY-ND-4.0",
    "4.0",
    [T, F, T, T, F],
  ],
  [
    "cc-by-nc-nd-4.0",
    "CC BY-NC-ND 4.0",
    "Creative Commons Attribution-NonCommercial-NoDerivatives 4.0 International",
    "https://creativecommons.org/licenses/by-nc-nd/4.0/",
    "CC-BY-NC-ND-4.0",
    "4.0",
    [T, F, F, T, F],
  ],
  [
    "cc-by-3.0",
    "CC BY 3.0 Unported",
    "Creative Commons Attribution 3.0 Unported",
    "https://creativecommons.org/licenses/by/3.0/",
    "CC-BY-3.0",
    "3.0",
    [T, T, T, T, F],
  ],
  [
    "cc-by-sa-3.0",
    "CC BY-SA 3.0 Unported",
    "Creative Commons Attribution-ShareAlike 3.0 Unported",
    "https://creativecommons.org/licenses/by-sa/3.0/",
    "CC-BY-SA-3.0",
    "3.0",
    [T, T, T, T, T],
  ],
  [
    "cc-by-nc-3.0",
    "CC BY-NC 3.0 Unported",
    "Creative Commons Attribution-NonCommercial 3.0 Unported",
    "https://creativecommons.org/licenses/by-nc/3.0/",
    "CC-BY-NC-3.0",
    "3.0",
    [T, T, F, T, F],
  ],
  [
    "cc-by-nc-sa-3.0",
    "CC BY-NC-SA 3.0 Unported",
    "Creative Commons Attribution-NonCommercial-ShareAlike 3.0 Unported",
    "https://creativecommons.org/licenses/by-nc-sa/3.0/",
    "CC-BY-NC-SA-3.0",
    "3.0",
    [T, T, F, T, T],
  ],
  [
    "cc-by-nd-3.0",
    "CC BY-ND 3.0 Unported",
    "Creative Commons Attribution-NoDerivs 3.0 Unported",
    "https://creativecommons.org/licenses/by-nd/3.0/",
    "CC-BY-ND-3.0",
    "3.0",
    [T, F, T, T, F],
  ],
  [
    "cc-by-nc-nd-3.0",
    "CC BY-NC-ND 3.0 Unported",
    "Creative Commons Attribution-NonCommercial-NoDerivs 3.0 Unported",
    "https://creativecommons.org/licenses/by-nc-nd/3.0/",
    "CC-BY-NC-ND-3.0",
    "3.0",
    [T, F, F, T, F],
  ],
  ["all-rights-reserved", "All rights reserved", "All rights reserved", null, null, null, [F, F, F, F, F]],
];

describe("licence catalogue entries", () => {
  it.each(EXPECTED)(
    "%s",
    (id, shortName, fullName, url, spdx, version, [share, adapt, commercial, attribution, shareAlike]) => {
      const license = getLicense(id);
      expect(license).toEqual({
        id,
        shortName,
        fullName,
        url,
        legalCodeUrl: url === null ? null : `${url}legalcode`,
        spdx,
        version,
        permissions: { share, adapt, commercial, attribution, shareAlike },
      });
      expect(findLicense(id)).toBe(license);
    },
  );

  it("contains exactly the expected licences, in the expected order", () => {
    expect(LICENSES.map((l) => l.id)).toEqual(EXPECTED.map((row) => row[0]));
    expect([...LICENSE_IDS]).toEqual(EXPECTED.map((row) => row[0]));
  });

  it("has unique ids, URLs, SPDX ids and names", () => {
    const unique = (values: unknown[]) => new Set(values).size === values.length;
    expect(unique(LICENSES.map((l) => l.id))).toBe(true);
    expect(unique(LICENSES.map((l) => l.shortName))).toBe(true);
    expect(unique(LICENSES.map((l) => l.fullName))).toBe(true);
    expect(unique(LICENSES.filter((l) => l.url).map((l) => l.url))).toBe(true);
    expect(unique(LICENSES.filter((l) => l.spdx).map((l) => l.spdx))).toBe(true);
  });

  it("gives every CC licence an https canonical URL with a trailing slash", () => {
    const cc = LICENSES.filter((l) => l.id !== "all-rights-reserved");
    expect(cc).toHaveLength(13);
    for (const l of cc) {
      expect(l.url).toMatch(/^https:\/\/creativecommons\.org\/(licenses|publicdomain)\/[a-z-]+\/\d\.\d\/$/);
      expect(l.legalCodeUrl).toBe(`${l.url}legalcode`);
    }
  });

  it("is frozen", () => {
    expect(Object.isFrozen(LICENSES)).toBe(true);
    expect(Object.isFrozen(LICENSES[0])).toBe(true);
    expect(Object.isFrozen(LICENSES[0].permissions)).toBe(true);
  });
});

describe("getLicense / findLicense / isLicenseId", () => {
  it("getLicense throws for an id outside the catalogue", () => {
    expect(() => getLicense("cc-by-5.0" as LicenseId)).toThrow(/Unknown licence id/);
  });

  it.each([
    "",
    "cc-by",
    "cc-by-2.0",
    "cc-by-4",
    "CC-BY-4.0-x",
    "by-4.0",
    "cc-by-nc-sa-3.0-us",
    "toString",
    "__proto__",
    "constructor",
  ])("findLicense(%j) is undefined", (id) => {
    expect(findLicense(id)).toBeUndefined();
    expect(isLicenseId(id)).toBe(false);
  });

  it("findLicense tolerates case and surrounding whitespace", () => {
    expect(findLicense("  CC-BY-SA-4.0 ")?.id).toBe("cc-by-sa-4.0");
  });

  it("findLicense does not throw on non-string input", () => {
    expect(findLicense(undefined as unknown as string)).toBeUndefined();
    expect(findLicense(42 as unknown as string)).toBeUndefined();
  });

  it("isLicenseId accepts catalogue ids only (exact)", () => {
    expect(isLicenseId("cc0-1.0")).toBe(true);
    expect(isLicenseId("CC0-1.0")).toBe(false);
    expect(isLicenseId(null)).toBe(false);
  });
});

describe("findLicenseByUrl", () => {
  it.each([
    ["https://creativecommons.org/licenses/by-nc-sa/3.0/", "cc-by-nc-sa-3.0"],
    ["http://creativecommons.org/licenses/by-nc-sa/3.0/", "cc-by-nc-sa-3.0"],
    ["https://creativecommons.org/licenses/by-nc-sa/3.0", "cc-by-nc-sa-3.0"],
    ["http://creativecommons.org/licenses/by-nc-sa/3.0", "cc-by-nc-sa-3.0"],
    ["https://creativecommons.org/licenses/by-nc-sa/3.0/legalcode", "cc-by-nc-sa-3.0"],
    ["http://creativecommons.org/licenses/by-nc-sa/3.0/legalcode/", "cc-by-nc-sa-3.0"],
    ["https://creativecommons.org/licenses/by-nc-sa/3.0/deed.en", "cc-by-nc-sa-3.0"],
    ["https://creativecommons.org/licenses/by-nc-sa/3.0/deed.fr", "cc-by-nc-sa-3.0"],
    ["https://creativecommons.org/licenses/by-nc-sa/3.0/deed.zh-hans", "cc-by-nc-sa-3.0"],
    ["https://creativecommons.org/licenses/by/4.0/legalcode.en", "cc-by-4.0"],
    ["https://creativecommons.org/licenses/by/4.0/deed", "cc-by-4.0"],
    ["https://creativecommons.org/licenses/by/4.0/?ref=chooser-v1", "cc-by-4.0"],
    ["https://creativecommons.org/licenses/by/4.0/#ref", "cc-by-4.0"],
    ["https://www.creativecommons.org/licenses/by-nd/4.0/", "cc-by-nd-4.0"],
    ["HTTPS://CreativeCommons.org/licenses/BY-ND/4.0/", "cc-by-nd-4.0"],
    ["  https://creativecommons.org/licenses/by-nc-nd/3.0/  ", "cc-by-nc-nd-3.0"],
    ["https://creativecommons.org/publicdomain/zero/1.0/", "cc0-1.0"],
    ["http://creativecommons.org/publicdomain/zero/1.0", "cc0-1.0"],
    ["https://creativecommons.org/publicdomain/zero/1.0/legalcode", "cc0-1.0"],
    ["https://creativecommons.org/publicdomain/zero/1.0/deed.en", "cc0-1.0"],
  ])("%s → %s", (url, id) => {
    expect(findLicenseByUrl(url)?.id).toBe(id);
  });

  it("resolves every catalogue URL and legal code URL to its own entry", () => {
    for (const l of LICENSES) {
      if (l.url === null) continue;
      expect(findLicenseByUrl(l.url)).toBe(l);
      expect(findLicenseByUrl(l.legalCodeUrl!)).toBe(l);
      expect(findLicenseByUrl(l.url.replace(/^https:/, "http:").replace(/\/$/, ""))).toBe(l);
    }
  });

  it.each([
    "",
    "not a url",
    "creativecommons.org/licenses/by/4.0/",
    "//creativecommons.org/licenses/by/4.0/",
    "ftp://creativecommons.org/licenses/by/4.0/",
    "javascript:alert(1)//creativecommons.org/licenses/by/4.0/",
    "https://creativecommons.org/licenses/by/5.0/",
    "https://creativecommons.org/licenses/by/2.0/",
    "https://creativecommons.org/licenses/by/3.0/us/",
    "https://creativecommons.org/licenses/by-sa/3.0/de/deed.en",
    "https://creativecommons.org/licenses/by-nc-sa/",
    "https://creativecommons.org/licenses/",
    "https://creativecommons.org/",
    "https://creativecommons.org/publicdomain/mark/1.0/",
    "https://creativecommons.org/licenses/by/4.0/legalcode/extra",
    "https://creativecommons.org.evil.example/licenses/by/4.0/",
    "https://evil.example/licenses/by/4.0/",
    "https://creativecommons.org:8443/licenses/by/4.0/",
    "https://user@creativecommons.org/licenses/by/4.0/",
    "https://spdx.org/licenses/CC-BY-4.0.html",
  ])("unknown URL %j is undefined", (url) => {
    expect(findLicenseByUrl(url)).toBeUndefined();
  });
});

describe("licenseOptions", () => {
  it("lists every licence as { label: shortName, value: id } in catalogue order", () => {
    expect(licenseOptions()).toEqual(EXPECTED.map(([id, shortName]) => ({ label: shortName, value: id })));
  });

  it("returns a fresh array each time", () => {
    const a = licenseOptions();
    a.pop();
    expect(licenseOptions()).toHaveLength(EXPECTED.length);
  });
});

describe("parseLicenseParts", () => {
  it.each([
    [{ code: "by-nc-sa", version: "3.0", jurisdiction: "unported" }, "cc-by-nc-sa-3.0"],
    [{ code: "by-nc-sa", version: "3.0" }, "cc-by-nc-sa-3.0"],
    [{ code: "by-nc-sa", version: "3.0", jurisdiction: "" }, "cc-by-nc-sa-3.0"],
    [{ code: "by-nc-sa", version: "3.0", jurisdiction: null }, "cc-by-nc-sa-3.0"],
    [{ code: "BY-NC-SA", version: "3.0", jurisdiction: "Unported" }, "cc-by-nc-sa-3.0"],
    [{ code: "cc-by-nc-sa", version: "3.0", jurisdiction: "unported" }, "cc-by-nc-sa-3.0"],
    [{ code: "by", version: "4.0", jurisdiction: "international" }, "cc-by-4.0"],
    [{ code: "by-nd", version: 4 }, "cc-by-nd-4.0"],
    [{ code: "by-sa", version: "3" }, "cc-by-sa-3.0"],
    [{ code: "zero", version: "1.0", jurisdiction: "universal" }, "cc0-1.0"],
    [{ code: "cc0", version: "1.0" }, "cc0-1.0"],
    [{ code: "all-rights-reserved" }, "all-rights-reserved"],
  ])("%j → %s", (parts, id) => {
    expect(parseLicenseParts(parts)?.id).toBe(id);
  });

  it.each([
    { code: "by-nc-sa", version: "3.0", jurisdiction: "us" }, // ported: not in the catalogue
    { code: "by-nc-sa", version: "3.0", jurisdiction: "international" }, // 3.0 is "unported"
    { code: "by", version: "4.0", jurisdiction: "unported" }, // 4.0 is "international"
    { code: "by-nc-sa", version: "2.5" },
    { code: "by-nc-sa" },
    { code: "by-sa-nc", version: "4.0" },
    { code: "nc", version: "4.0" },
    { code: "", version: "4.0" },
    { code: "zero", version: "4.0" },
    { code: "sampling+", version: "1.0" },
  ])("%j is undefined", (parts) => {
    expect(parseLicenseParts(parts)).toBeUndefined();
  });
});
