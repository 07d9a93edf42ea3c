import type { License } from "./catalogue";
import { labelLicenseUrl, licenseTermsForUrl, resolveCommentLicense, resolvePostLicense } from "./metadata";
import { attribution, describePermissions, imageAttribution, imageCreditText } from "./reuse";

/**
 * Everything a post page says about licences, worked out once from plain
 * values (docs/architecture.md §5): the post's licence and its ccREL notice facts, the
 * comment licence, a reuse panel for the post and one per credited image,
 * and the facts for JSON-LD. Pure: the route passes in what it read.
 */

/** A credited image as the post page shows it (cover or body image). */
export interface CreditedImageInput {
  /** The figure's anchor on the page: "cover" or "image-<n>". */
  anchor: string;
  /** The image as the page links it: a site path ("/images/posts/…") or an http(s) URL. */
  src: string;
  /** Absolute URL of the image file (for machines: RDFa `about`, JSON-LD). */
  url: string;
  alt: string;
  /** The caption written for it, if any: the image's title in attributions (else its alt text). */
  caption?: string;
  creator: string;
  sourceName: string;
  sourceUrl: string | null;
  licenseUrl: string | null;
}

export interface PostLicensingInput {
  post: { title: string /** "site-default" or a catalogue id */; license: string };
  /** The post's canonical URL. */
  postUrl: string;
  author: { name: string; url: string | null; contact: string | null };
  site: { defaultLicense: string; commentLicense: string; commentLicenseText: string; attributionUrl: string | null };
  images: CreditedImageInput[];
}

/** What a reuse panel shows for a work (the post or one image). */
export interface ReuseFacts {
  /** The panel's anchor: "reuse" for the post, "reuse-<image anchor>" for an image. */
  id: string;
  heading: string;
  /** e.g. "Creative Commons Attribution 4.0 International"; "Not stated" for an image without a licence. */
  licenseName: string;
  licenseUrl: string | null;
  permissions: string[];
  attribution: { text: string; html: string; markdown: string } | null;
  /** Where to ask for permission when there is nothing to attribute under (mailto: or http(s)), or null. */
  askUrl: string | null;
  askLabel: string;
}

/** An image's credit and reuse, for the page and JSON-LD. */
export interface CreditedImage extends CreditedImageInput {
  /** "Photo: <creator> via <source>, <licence>". */
  creditText: string;
  /** The licence's display name and deed, or null when none is stated. */
  license: { name: string; url: string | null } | null;
  reuse: ReuseFacts;
}

/** The comment licence as the comment form states it. */
export interface CommentLicenseNotice {
  /** e.g. "CC BY-NC-SA 3.0 Unported"; "All rights reserved". */
  licenseName: string;
  /** The deed, or null for all rights reserved. */
  licenseUrl: string | null;
  /** The site's extra words (commentLicenseText), or "". */
  note: string;
}

export interface PostLicensing {
  license: License;
  commentLicense: License;
  /** What the comment form says about the comment licence. */
  commentNotice: CommentLicenseNotice;
  /** The post's "ask for permission" link (all rights reserved), or null. */
  askUrl: string | null;
  reuse: ReuseFacts;
  images: CreditedImage[];
}

/**
 * Where to ask an author for permission: their contact (an email address
 * becomes a mailto: link whose subject names the post), else their first
 * http(s) link, else the site's attribution URL; null when there is none.
 */
export function permissionRequestUrl(
  contact: string | null,
  fallbacks: (string | null)[],
  title: string,
): string | null {
  const value = contact?.trim() ?? "";
  if (/^[^\s@<>()]+@[^\s@<>()]+\.[^\s@<>()]+$/.test(value)) {
    const subject = `Permission to reuse “${title}”`;
    return `mailto:${value}?subject=${encodeURIComponent(subject)}`;
  }
  if (/^mailto:/i.test(value) || /^https?:\/\//i.test(value)) return value;
  return fallbacks.find((url): url is string => !!url && /^https?:\/\//i.test(url)) ?? null;
}

/** See the module comment; throws nothing. */
export function postLicensing(input: PostLicensingInput): PostLicensing {
  const license = resolvePostLicense(input.post.license, input.site.defaultLicense);
  const commentLicense = resolveCommentLicense(input.site.commentLicense, input.site.defaultLicense);
  const askUrl = license.url
    ? null
    : permissionRequestUrl(input.author.contact, [input.author.url, input.site.attributionUrl], input.post.title);
  const commentNotice: CommentLicenseNotice = {
    licenseName: commentLicense.shortName,
    licenseUrl: commentLicense.url,
    note: input.site.commentLicenseText.trim(),
  };
  const reuse: ReuseFacts = {
    id: "reuse",
    heading: "Reuse this post",
    licenseName: license.fullName,
    licenseUrl: license.url,
    permissions: describePermissions(license),
    attribution: attribution({
      title: input.post.title,
      authorName: input.author.name,
      authorUrl: input.author.url,
      sourceUrl: input.postUrl,
      license,
    }),
    askUrl,
    askLabel: "Ask the author for permission",
  };
  const images = input.images.map((image): CreditedImage => {
    const label = labelLicenseUrl(image.licenseUrl);
    const terms = licenseTermsForUrl(image.licenseUrl);
    const creditText = imageCreditText({
      creator: image.creator,
      sourceName: image.sourceName,
      licenseName: label?.name ?? null,
    });
    const title = image.caption?.trim() || image.alt.trim() || "Photo";
    return {
      ...image,
      creditText,
      license: label,
      reuse: {
        id: `reuse-${image.anchor}`,
        heading: `Reuse the image “${title}”`,
        licenseName: terms?.shortName ?? label?.name ?? "Not stated",
        licenseUrl: label?.url ?? null,
        permissions: terms
          ? describePermissions(terms)
          : [
              label
                ? "This image is under a licence that is not a Creative Commons licence: read its terms before reusing it."
                : "No licence is stated for this image: ask its creator before reusing it.",
            ],
        attribution: imageAttribution({
          title,
          creator: image.creator,
          sourceName: image.sourceName,
          sourceUrl: image.sourceUrl,
          license: terms,
        }),
        askUrl: terms?.url ? null : (image.sourceUrl ?? label?.url ?? null),
        askLabel: label && !terms ? "Read the image's licence" : "Ask the image's creator",
      },
    };
  });
  return { license, commentLicense, commentNotice, askUrl, reuse, images };
}
