import path from "node:path";
import { contentReader, contentRoot, deepFreeze, fileSignature, messageOf } from "../posts/content-files.server";

/**
 * The site settings (docs/architecture.md §2): the Keystatic singleton
 * `content/site.yaml`, edited under Settings in the editor, with defaults for
 * anything it leaves out. Parsed once and kept while the file is unchanged
 * (its signature is checked on every call), so an edit shows on the next
 * request. The object handed out is frozen (it is shared between requests).
 */

export interface SiteSettings {
  title: string;
  tagline: string;
  defaultLicense: string;
  attributionName: string;
  attributionUrl: string | null;
  /** Characters (grapheme clusters) per comment part. */
  commentMaxChars: number;
  commentMaxParts: number;
  maxDisplayDepth: number;
  allowAnonymous: boolean;
  holdFirstTimeGuests: boolean;
  /** Comments with more links than this are held. */
  maxLinks: number;
  /** The licence comments are published under: a catalogue id, or "site-default". */
  commentLicense: string;
  /** Extra words shown on the comment form under the licence notice (may be empty). */
  commentLicenseText: string;
  /**
   * The country (ISO 3166-1 alpha-2) whose national format a phone number in
   * a comment is read in when written without "+country code"; the comment
   * form asks before publishing one (app/comments/contact-details.ts).
   */
  phoneRegion: string;
}

/** What applies when content/site.yaml is missing, unreadable or leaves a setting out. */
const SITE_DEFAULTS: SiteSettings = {
  title: "Staffroom",
  tagline: "",
  defaultLicense: "cc-by-4.0",
  attributionName: "",
  attributionUrl: null,
  commentMaxChars: 4096,
  commentMaxParts: 10,
  maxDisplayDepth: 4,
  allowAnonymous: true,
  holdFirstTimeGuests: true,
  maxLinks: 2,
  commentLicense: "site-default",
  commentLicenseText: "",
  phoneRegion: "US",
};

const SITE_FILE = "content/site.yaml";

let siteCache: { root: string; signature: string | null; settings: SiteSettings } | null = null;

/**
 * The site settings, with defaults for anything missing. Re-read when
 * content/site.yaml changes; a file that cannot be read gives the defaults
 * (logged) rather than an error.
 */
export async function getSiteSettings(): Promise<SiteSettings> {
  const root = contentRoot();
  const signature = await fileSignature(path.join(root, SITE_FILE));
  if (siteCache && siteCache.root === root && siteCache.signature === signature) return siteCache.settings;
  const settings = deepFreeze(await readSiteSettings());
  siteCache = { root, signature, settings };
  return settings;
}

async function readSiteSettings(): Promise<SiteSettings> {
  let site: Awaited<ReturnType<ReturnType<typeof contentReader>["singletons"]["site"]["read"]>>;
  try {
    site = await contentReader().singletons.site.read();
  } catch (error) {
    // A broken settings file must not take the whole site down: defaults, and say so.
    console.error(`${SITE_FILE} cannot be read, so the default settings apply: ${messageOf(error)}`);
    return { ...SITE_DEFAULTS };
  }
  if (!site) return { ...SITE_DEFAULTS };
  return {
    title: site.title || SITE_DEFAULTS.title,
    tagline: site.tagline,
    defaultLicense: site.defaultLicense,
    attributionName: site.attributionName,
    attributionUrl: site.attributionUrl,
    commentMaxChars: site.commentMaxChars ?? SITE_DEFAULTS.commentMaxChars,
    commentMaxParts: site.commentMaxParts ?? SITE_DEFAULTS.commentMaxParts,
    maxDisplayDepth: Math.max(2, site.maxDisplayDepth ?? SITE_DEFAULTS.maxDisplayDepth),
    allowAnonymous: site.allowAnonymous,
    holdFirstTimeGuests: site.holdFirstTimeGuests,
    maxLinks: site.maxLinks ?? SITE_DEFAULTS.maxLinks,
    commentLicense: site.commentLicense,
    commentLicenseText: site.commentLicenseText,
    phoneRegion: site.phoneRegion || SITE_DEFAULTS.phoneRegion,
  };
}
