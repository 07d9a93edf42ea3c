import { findLicense, findLicenseByUrl, getLicense, type License } from "./catalogue";
import type { LicenseTerms } from "./reuse";

/**
 * Which licence applies, and how it is said to people and machines
 * (docs/architecture.md §5): the visible notice, `<link rel="license">` and JSON-LD.
 */

/**
 * The licence of a post: its own override when it names a catalogue licence,
 * otherwise the site default, otherwise CC BY 4.0 (the catalogue's first
 * choice for a site that set nothing).
 */
export function resolvePostLicense(override: string, siteDefault: string): License {
  if (override !== "site-default") {
    const own = findLicense(override);
    if (own) return own;
  }
  return findLicense(siteDefault) ?? getLicense("cc-by-4.0");
}

/**
 * The licence comments are published under (docs/architecture.md §5: a site setting, stated
 * on the comment form): the setting when it names a catalogue licence,
 * otherwise the site's default licence. Never the post's own override: one
 * licence for every comment on the site.
 */
export function resolveCommentLicense(setting: string, siteDefault: string): License {
  return resolvePostLicense(setting, siteDefault);
}

/**
 * The licence a stored comment is under: the one recorded when it was
 * submitted (a catalogue id), or, for comments stored before licences were
 * recorded, the site's comment licence now.
 */
export function storedCommentLicense(recorded: string | null, current: License): License {
  return (recorded ? findLicense(recorded) : undefined) ?? current;
}

/** A licence as shown beside an image credit: a name and the deed's URL. */
export interface LicenseLabel {
  name: string;
  url: string | null;
}

/**
 * Names any licence URL an image credit may carry. Catalogue licences get
 * their short name; other Creative Commons deeds (an image under CC BY 2.0,
 * say) are named from the URL's path as the CC chooser names them
 * ("CC BY 2.0"); anything else is shown as "licence" with its link.
 */
export function labelLicenseUrl(url: string | null): LicenseLabel | null {
  if (!url) return null;
  const known = findLicenseByUrl(url);
  if (known) return { name: known.shortName, url: known.url };
  const cc = creativeCommonsPath(url);
  if (cc) {
    const [, kind, code, version, port] = cc;
    const name = kind === "publicdomain" ? `${code.toUpperCase()} ${version}` : `CC ${code.toUpperCase()} ${version}`;
    return { name: port ? `${name} ${port.toUpperCase()}` : name, url };
  }
  return { name: "licence", url };
}

/**
 * The terms of any licence URL an image credit may carry, for the image's
 * "Reuse" panel: catalogue licences as they are; other Creative Commons deeds
 * (CC BY-SA 2.0, CC BY 2.5 Generic, the Public Domain Mark…) with permissions
 * read from the licence elements in the deed's path (by, sa, nc, nd; zero and
 * mark are public domain tools), as the deeds at creativecommons.org define
 * them. Null for no URL or a URL that is not a Creative Commons deed (its
 * terms are unknown: reusers must ask).
 */
export function licenseTermsForUrl(url: string | null): LicenseTerms | null {
  if (!url) return null;
  const known = findLicenseByUrl(url);
  if (known) return known;
  const cc = creativeCommonsPath(url);
  const label = labelLicenseUrl(url);
  if (!cc || !label) return null;
  const [, kind, code, version] = cc;
  const elements = code.toLowerCase().split("-");
  if (kind === "publicdomain") {
    if (!["zero", "mark"].includes(code.toLowerCase())) return null;
    return {
      shortName: code.toLowerCase() === "zero" ? `CC0 ${version}` : `Public Domain Mark ${version}`,
      url: label.url,
      version,
      permissions: { share: true, adapt: true, commercial: true, attribution: false, shareAlike: false },
    };
  }
  if (!elements.includes("by") || elements.some((e) => !["by", "sa", "nc", "nd"].includes(e))) return null;
  return {
    shortName: label.name,
    url: label.url,
    version,
    permissions: {
      share: true,
      adapt: !elements.includes("nd"),
      commercial: !elements.includes("nc"),
      attribution: true,
      shareAlike: elements.includes("sa"),
    },
  };
}

/** Matches a deed path on creativecommons.org itself, e.g. /licenses/by/2.0/. */
function creativeCommonsPath(url: string): RegExpExecArray | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.hostname !== "creativecommons.org" && parsed.hostname !== "www.creativecommons.org") return null;
  return /^\/(licenses|publicdomain)\/([a-z-]+)\/(\d+\.\d+)(?:\/([a-z]{2}))?(?:\/|$)/i.exec(parsed.pathname);
}

/** An image as JSON-LD describes it (schema.org ImageObject). */
export interface ImageFacts {
  /** Absolute URL of the image file. */
  url: string;
  alt: string;
  /** "Photo: <creator> via <source>, <licence>". */
  creditText: string;
  creator: string;
  /** The image's licence deed, or null when none is stated. */
  licenseUrl: string | null;
  /** Where to learn how to license the image (its source page), or null. */
  acquireLicensePage: string | null;
}

/** A published comment as JSON-LD describes it (schema.org Comment). */
export interface CommentFacts {
  /** The comment's permalink (absolute). */
  url: string;
  authorName: string;
  /** UTC ISO-8601. */
  dateCreated: string;
  /** The deed of the licence it was published under, or null (all rights reserved). */
  licenseUrl: string | null;
}

/** The facts a post's JSON-LD needs; dates are calendar dates as written. */
export interface BlogPostingFacts {
  url: string;
  title: string;
  summary: string;
  published: string;
  authorName: string;
  authorUrl: string | null;
  license: License;
  tags: string[];
  /** The cover first, then the body's credited images. */
  images: ImageFacts[];
  commentCount: number;
  /** The comments shown on this page, each with its own licence. */
  comments: CommentFacts[];
}

function imageObject(image: ImageFacts): Record<string, unknown> {
  return {
    "@type": "ImageObject",
    contentUrl: image.url,
    url: image.url,
    caption: image.alt || undefined,
    creditText: image.creditText,
    creator: { "@type": "Person", name: image.creator || "Unknown" },
    ...(image.licenseUrl ? { license: image.licenseUrl } : {}),
    ...(image.acquireLicensePage ? { acquireLicensePage: image.acquireLicensePage } : {}),
  };
}

/**
 * schema.org `BlogPosting` for a post (https://schema.org/BlogPosting), with
 * `license` the deed URL (none for all rights reserved); its images as
 * `ImageObject`s carrying `creditText`, `creator`, their own `license` and
 * `acquireLicensePage` (Google's image licence metadata); and the page's
 * comments as `Comment`s, each with the deed of the licence it was published
 * under as `license`.
 */
export function blogPostingJsonLd(facts: BlogPostingFacts): Record<string, unknown> {
  return {
    "@context": "https://schema.org",
    "@type": "BlogPosting",
    "@id": facts.url,
    url: facts.url,
    mainEntityOfPage: facts.url,
    headline: facts.title,
    description: facts.summary || undefined,
    datePublished: facts.published,
    author: {
      "@type": "Person",
      name: facts.authorName,
      ...(facts.authorUrl ? { url: facts.authorUrl } : {}),
    },
    ...(facts.license.url ? { license: facts.license.url } : {}),
    copyrightNotice: facts.license.url
      ? `${facts.title} by ${facts.authorName} is licensed under ${facts.license.fullName}`
      : `© ${facts.authorName}. All rights reserved.`,
    keywords: facts.tags.length ? facts.tags.join(", ") : undefined,
    commentCount: facts.commentCount,
    ...(facts.images.length ? { image: facts.images.map(imageObject) } : {}),
    ...(facts.comments.length
      ? {
          comment: facts.comments.map((comment) => ({
            "@type": "Comment",
            "@id": comment.url,
            url: comment.url,
            author: { "@type": "Person", name: comment.authorName },
            dateCreated: comment.dateCreated,
            ...(comment.licenseUrl ? { license: comment.licenseUrl } : {}),
          })),
        }
      : {}),
  };
}
