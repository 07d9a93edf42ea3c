import { findLicense, findLicenseByUrl, getLicense, type License } from "./catalogue";

/**
 * Which licence applies, and how it is said to people and machines
 * (DESIGN §5): the visible notice, `<link rel="license">` and JSON-LD.
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
 * The licence comments are published under (DESIGN §5: a site setting, stated
 * on the comment form): the setting when it names a catalogue licence,
 * otherwise the site's default licence. Never the post's own override: one
 * licence for every comment on the site.
 */
export function resolveCommentLicense(setting: string, siteDefault: string): License {
  return resolvePostLicense(setting, siteDefault);
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
  image: { url: string; alt: string; creditText: string; creator: string; licenseUrl: string | null } | null;
  commentCount: number;
}

/**
 * schema.org `BlogPosting` for a post (https://schema.org/BlogPosting), with
 * `license` the deed URL (none for all rights reserved) and the cover as an
 * `ImageObject` carrying `creditText` and its own `license`.
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
    ...(facts.image
      ? {
          image: {
            "@type": "ImageObject",
            contentUrl: facts.image.url,
            caption: facts.image.alt,
            creditText: facts.image.creditText,
            creator: { "@type": "Person", name: facts.image.creator },
            ...(facts.image.licenseUrl ? { license: facts.image.licenseUrl } : {}),
          },
        }
      : {}),
  };
}
