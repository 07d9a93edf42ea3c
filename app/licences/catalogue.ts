/**
 * Licence catalogue: the licences an author can put on a post (and that the
 * site itself is published under).
 *
 * Covered: the six Creative Commons licences in version 4.0 International and
 * in version 3.0 Unported, the CC0 1.0 Universal public-domain dedication and
 * "All rights reserved".
 *
 * Sources of the data below:
 * - Names, canonical URLs and what each licence permits: the licence deeds at
 *   https://creativecommons.org/licenses/ (e.g.
 *   https://creativecommons.org/licenses/by-nc-sa/3.0/ and
 *   https://creativecommons.org/licenses/by/4.0/) and
 *   https://creativecommons.org/publicdomain/zero/1.0/.
 * - Identifiers: the SPDX License List, https://spdx.org/licenses/.
 *
 * Code identifiers say `license` (the schema.org / Creative Commons
 * vocabulary); prose may say "licence".
 */

/**
 * Every licence id in the catalogue, in catalogue order. Usable directly with
 * schema libraries, e.g. `z.enum(LICENSE_IDS)`.
 */
export const LICENSE_IDS = [
  "cc0-1.0",
  "cc-by-4.0",
  "cc-by-sa-4.0",
  "cc-by-nc-4.0",
  "cc-by-nc-sa-4.0",
  "cc-by-nd-4.0",
  "cc-by-nc-nd-4.0",
  "cc-by-3.0",
  "cc-by-sa-3.0",
  "cc-by-nc-3.0",
  "cc-by-nc-sa-3.0",
  "cc-by-nd-3.0",
  "cc-by-nc-nd-3.0",
  "all-rights-reserved",
] as const;

/**
 * A licence id: `"cc-<code>-<version>"` for the Creative Commons licences
 * (`"cc-by-4.0"`, `"cc-by-nc-sa-3.0"`, …), `"cc0-1.0"` for CC0 and
 * `"all-rights-reserved"`. These are the values stored in the database and in
 * content front matter.
 */
export type LicenseId = (typeof LICENSE_IDS)[number];

/**
 * What a licence lets a reuser do, as summarised on the Creative Commons deeds
 * ("You are free to: Share … Adapt …" and "Under the following terms: …").
 */
export interface LicensePermissions {
  /** May copy and redistribute the material in any medium or format. */
  share: boolean;
  /**
   * May remix, transform and build upon the material and share the result.
   * `false` for NoDerivatives/NoDerivs licences, which forbid sharing
   * adaptations.
   */
  adapt: boolean;
  /** May use the material for commercial purposes (`false` for NonCommercial). */
  commercial: boolean;
  /** Reuse requires credit to the author (the BY term); `false` for CC0. */
  attribution: boolean;
  /** Adaptations must be shared under the same licence (the SA term). */
  shareAlike: boolean;
}

/** One catalogue entry. */
export interface License {
  /** Stable id, e.g. `"cc-by-nc-sa-3.0"`. */
  id: LicenseId;
  /**
   * Short display name: `"CC BY 4.0"`, `"CC BY-NC-SA 3.0 Unported"`,
   * `"CC0 1.0"`, `"All rights reserved"`.
   */
  shortName: string;
  /**
   * Full name as the deed gives it: `"Creative Commons Attribution 4.0
   * International"`, `"Creative Commons Attribution-NonCommercial-ShareAlike
   * 3.0 Unported"`, `"CC0 1.0 Universal"`, `"All rights reserved"`.
   * (3.0 says "NoDerivs" where 4.0 says "NoDerivatives".)
   */
  fullName: string;
  /**
   * Canonical deed URL, https with a trailing slash, e.g.
   * `"https://creativecommons.org/licenses/by-nc-sa/3.0/"`; `null` for all
   * rights reserved.
   */
  url: string | null;
  /** Legal code URL: `url + "legalcode"`; `null` for all rights reserved. */
  legalCodeUrl: string | null;
  /** SPDX identifier (`"CC-BY-NC-SA-3.0"`, `"CC0-1.0"`); `null` if none. */
  spdx: string | null;
  /** Licence version; `null` for all rights reserved. */
  version: "4.0" | "3.0" | "1.0" | null;
  /** What the licence permits. */
  permissions: LicensePermissions;
}

type CcCode = "by" | "by-sa" | "by-nc" | "by-nc-sa" | "by-nd" | "by-nc-nd";

/** Element names per licence code, in the deeds' spelling for each version. */
const CC_ELEMENTS: Record<CcCode, { v4: string; v3: string }> = {
  by: { v4: "Attribution", v3: "Attribution" },
  "by-sa": { v4: "Attribution-ShareAlike", v3: "Attribution-ShareAlike" },
  "by-nc": { v4: "Attribution-NonCommercial", v3: "Attribution-NonCommercial" },
  "by-nc-sa": {
    v4: "Attribution-NonCommercial-ShareAlike",
    v3: "Attribution-NonCommercial-ShareAlike",
  },
  "by-nd": { v4: "Attribution-NoDerivatives", v3: "Attribution-NoDerivs" },
  "by-nc-nd": {
    v4: "Attribution-NonCommercial-NoDerivatives",
    v3: "Attribution-NonCommercial-NoDerivs",
  },
};

const CC_CODES: readonly CcCode[] = ["by", "by-sa", "by-nc", "by-nc-sa", "by-nd", "by-nc-nd"];

function ccLicense(code: CcCode, version: "4.0" | "3.0"): License {
  const url = `https://creativecommons.org/licenses/${code}/${version}/`;
  const parts = code.split("-");
  const suffix = version === "4.0" ? "International" : "Unported";
  const elements = version === "4.0" ? CC_ELEMENTS[code].v4 : CC_ELEMENTS[code].v3;
  return {
    id: `cc-${code}-${version}` as LicenseId,
    shortName: `CC ${code.toUpperCase()} ${version}${version === "3.0" ? " Unported" : ""}`,
    fullName: `Creative Commons ${elements} ${version} ${suffix}`,
    url,
    legalCodeUrl: `${url}legalcode`,
    spdx: `CC-${code.toUpperCase()}-${version}`,
    version,
    permissions: {
      share: true,
      adapt: !parts.includes("nd"),
      commercial: !parts.includes("nc"),
      attribution: true,
      shareAlike: parts.includes("sa"),
    },
  };
}

const CC0: License = {
  id: "cc0-1.0",
  shortName: "CC0 1.0",
  fullName: "CC0 1.0 Universal",
  url: "https://creativecommons.org/publicdomain/zero/1.0/",
  legalCodeUrl: "https://creativecommons.org/publicdomain/zero/1.0/legalcode",
  spdx: "CC0-1.0",
  version: "1.0",
  permissions: { share: true, adapt: true, commercial: true, attribution: false, shareAlike: false },
};

const ALL_RIGHTS_RESERVED: License = {
  id: "all-rights-reserved",
  shortName: "All rights reserved",
  fullName: "All rights reserved",
  url: null,
  legalCodeUrl: null,
  spdx: null,
  version: null,
  permissions: { share: false, adapt: false, commercial: false, attribution: false, shareAlike: false },
};

function freeze(license: License): License {
  Object.freeze(license.permissions);
  return Object.freeze(license);
}

/**
 * The whole catalogue, frozen, in display order: CC0 1.0, the six CC 4.0
 * licences from most to least permissive (BY, BY-SA, BY-NC, BY-NC-SA, BY-ND,
 * BY-NC-ND), the same six in 3.0 Unported, then "All rights reserved".
 * The order matches {@link LICENSE_IDS}.
 */
export const LICENSES: readonly License[] = Object.freeze(
  [
    CC0,
    ...CC_CODES.map((code) => ccLicense(code, "4.0")),
    ...CC_CODES.map((code) => ccLicense(code, "3.0")),
    ALL_RIGHTS_RESERVED,
  ].map(freeze),
);

const BY_ID: ReadonlyMap<string, License> = new Map(LICENSES.map((l) => [l.id, l]));

/** Deed path (lower case, trailing slash) → licence, for URL lookup. */
const BY_PATH: ReadonlyMap<string, License> = new Map(
  LICENSES.filter((l) => l.url !== null).map((l) => [new URL(l.url!).pathname, l]),
);

/** Type guard: is `value` one of the {@link LICENSE_IDS}? */
export function isLicenseId(value: unknown): value is LicenseId {
  return typeof value === "string" && BY_ID.has(value);
}

/**
 * The licence with a known id. Throws if the id is not in the catalogue,
 * which can only happen when the type system has been bypassed; use
 * {@link findLicense} for untrusted input.
 */
export function getLicense(id: LicenseId): License {
  const license = BY_ID.get(id);
  if (!license) throw new Error(`Unknown licence id: ${JSON.stringify(id)}`);
  return license;
}

/**
 * The licence with this id, or `undefined`. Meant for untrusted input (form
 * fields, front matter): exact match on the id, after trimming and lower-casing.
 */
export function findLicense(id: string): License | undefined {
  if (typeof id !== "string") return undefined;
  return BY_ID.get(id.trim().toLowerCase());
}

/** Last path segments the CC site serves for the same licence. */
const DEED_SUFFIX = /^(?:deed|legalcode)(?:\.[a-z]{2,3}(?:[-_][a-z0-9]+)*)?$|^legalcode\.txt$/i;

/**
 * The licence a Creative Commons URL points to, or `undefined`.
 *
 * Accepts `http:` or `https:`, `creativecommons.org` with or without `www.`,
 * with or without the trailing slash, and the deed or legal code pages
 * (`…/legalcode`, `…/legalcode.en`, `…/deed.en`, `…/deed.fr`, …); query and
 * fragment are ignored. Ported licences (e.g. `/licenses/by/3.0/us/`) are not
 * in the catalogue and give `undefined`.
 *
 * @example findLicenseByUrl("http://creativecommons.org/licenses/by-nc-sa/3.0/deed.en")
 *   // → the "cc-by-nc-sa-3.0" entry
 */
export function findLicenseByUrl(url: string): License | undefined {
  if (typeof url !== "string") return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return undefined;
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return undefined;
  const host = parsed.hostname.toLowerCase();
  if (host !== "creativecommons.org" && host !== "www.creativecommons.org") return undefined;
  if (parsed.username || parsed.password || parsed.port) return undefined;

  const segments = parsed.pathname.split("/").filter((s) => s !== "");
  if (segments.length > 0 && DEED_SUFFIX.test(segments[segments.length - 1])) segments.pop();
  return BY_PATH.get(`/${segments.join("/").toLowerCase()}/`);
}

/** Options for a licence `<select>`: value is the id, label the short name. */
export function licenseOptions(): { label: string; value: LicenseId }[] {
  return LICENSES.map((l) => ({ label: l.shortName, value: l.id }));
}

/**
 * How Creative Commons itself describes a licence (the parts of its URL):
 * `{ code: "by-nc-sa", version: "3.0", jurisdiction: "unported" }`.
 */
export interface LicenseParts {
  /**
   * Licence code as in the CC URL: `"by"`, `"by-sa"`, `"by-nc"`, `"by-nc-sa"`,
   * `"by-nd"`, `"by-nc-nd"`; `"zero"` or `"cc0"` for CC0; case-insensitive,
   * an optional `"cc-"` prefix is ignored. `"all-rights-reserved"` is accepted too.
   */
  code: string;
  /** `"4.0"`, `"3.0"`, `"1.0"`; `4` or `"4"` are read as `"4.0"`. */
  version?: string | number | null;
  /**
   * `"international"` (4.0), `"unported"` (3.0), `"universal"` (CC0), or empty.
   * Any other jurisdiction names a ported licence, which is not in the
   * catalogue, so the result is `undefined`.
   */
  jurisdiction?: string | null;
}

const GENERIC_JURISDICTION: Record<string, string> = {
  "4.0": "international",
  "3.0": "unported",
  "1.0": "universal",
};

/**
 * The licence described by its parts (see {@link LicenseParts}), or
 * `undefined` when the combination is not in the catalogue.
 *
 * @example parseLicenseParts({ code: "by-nc-sa", version: "3.0", jurisdiction: "unported" })
 *   // → the "cc-by-nc-sa-3.0" entry
 */
export function parseLicenseParts(parts: LicenseParts): License | undefined {
  if (!parts || typeof parts.code !== "string") return undefined;
  const code = parts.code
    .trim()
    .toLowerCase()
    .replace(/^cc-(?=by)/, "");
  if (code === "all-rights-reserved") return ALL_RIGHTS_RESERVED;

  let version = parts.version == null ? "" : String(parts.version).trim();
  if (/^\d+$/.test(version)) version = `${version}.0`;

  const jurisdiction = (parts.jurisdiction ?? "").trim().toLowerCase();
  if (jurisdiction !== "" && jurisdiction !== GENERIC_JURISDICTION[version]) return undefined;

  if (code === "zero" || code === "cc0") return version === "1.0" ? CC0 : undefined;
  if (version !== "4.0" && version !== "3.0") return undefined;
  return findLicense(`cc-${code}-${version}`);
}
