import type { License } from "./catalogue";
import escapeHtml from "escape-html";

/**
 * "May I use this?" answered from the licence itself (docs/architecture.md §5): what the
 * licence allows and requires in plain words, and a ready attribution in the
 * Title, Author, Source, Licence form the Creative Commons wiki recommends
 * ("Best practices for attribution"), in plain text, HTML with ccREL markup
 * (as the CC licence chooser emits it) and Markdown. Pure; shared by server,
 * browser and tests.
 */

/**
 * What `describePermissions` needs of a licence: a catalogue `License`, or
 * the terms of another Creative Commons deed an image is under
 * (`licenseTermsForUrl`). `url` null means all rights reserved.
 */
export type LicenseTerms = Pick<License, "shortName" | "url" | "permissions"> & { version: string | null };

/** Which later licences an adaptation may use under a ShareAlike licence (the deeds' "same licence" terms). */
function shareAlikeTerms(license: LicenseTerms): string {
  const name = license.shortName;
  if (license.version === "4.0") {
    return `If you adapt it and share your adaptation, you must release it under ${name} or a later version of it (or a licence Creative Commons lists as compatible).`;
  }
  const latest = name.replace(/ \d\.\d.*$/, " 4.0");
  return `If you adapt it and share your adaptation, you must release it under ${name}, a later version of it (such as ${latest}), or a Creative Commons port of it with the same elements.`;
}

/**
 * Plain-language sentences on what the licence allows and requires, in the
 * order a reader asks: may I share it? adapt it? use it commercially? what
 * must I do? Source: the licence deeds at creativecommons.org.
 */
export function describePermissions(license: LicenseTerms): string[] {
  const p = license.permissions;
  if (!license.url) {
    return [
      "All rights are reserved: you may read it here, but copying, sharing or adapting it needs the author's permission.",
      "Ask the author before reusing any of it.",
    ];
  }
  if (!p.attribution) {
    return [
      "You may copy, share and adapt it, for any purpose, even commercially, without asking.",
      "Credit is not required, though it is appreciated.",
    ];
  }
  const sentences = ["You may copy and share it in any medium or format, without asking."];
  sentences.push(
    p.adapt
      ? "You may adapt it: remix, translate, transform and build upon it."
      : "You may not share adaptations of it: share it only as it is (you may adapt it for your own private use).",
  );
  sentences.push(
    p.commercial
      ? "You may use it for any purpose, even commercially."
      : "You may not use it for commercial purposes: for money, or for commercial advantage.",
  );
  sentences.push(
    "You must give credit: the title, the author, a link to the source and the licence, and say if you changed it.",
  );
  if (p.shareAlike) sentences.push(shareAlikeTerms(license));
  return sentences;
}

/** What an attribution names. */
export interface AttributionFacts {
  title: string;
  authorName: string;
  authorUrl: string | null;
  /** The post's canonical address. */
  sourceUrl: string;
  license: License;
}

const escapeMarkdown = (text: string) => text.replace(/([\\`*_[\]()#+!|<>])/g, "\\$1");

/**
 * A ready attribution (Title, Author, Source, Licence) in three forms, or
 * null for all rights reserved (nothing to attribute under; ask instead).
 */
export function attribution(facts: AttributionFacts): { text: string; html: string; markdown: string } | null {
  const { license } = facts;
  if (!license.url) return null;
  const text = `“${facts.title}” by ${facts.authorName} (${facts.sourceUrl}) is licensed under ${license.shortName} (${license.url}).`;
  const author = facts.authorUrl
    ? `<a rel="cc:attributionURL dct:creator" property="cc:attributionName" href="${escapeHtml(facts.authorUrl)}">${escapeHtml(facts.authorName)}</a>`
    : `<span property="cc:attributionName">${escapeHtml(facts.authorName)}</span>`;
  const html =
    `<p xmlns:cc="http://creativecommons.org/ns#" xmlns:dct="http://purl.org/dc/terms/">` +
    `<a property="dct:title" rel="cc:attributionURL" href="${escapeHtml(facts.sourceUrl)}">${escapeHtml(facts.title)}</a> by ${author} ` +
    `is licensed under <a href="${escapeHtml(license.url)}" rel="license noopener noreferrer">${escapeHtml(license.shortName)}</a></p>`;
  const authorMd = facts.authorUrl
    ? `[${escapeMarkdown(facts.authorName)}](${facts.authorUrl})`
    : escapeMarkdown(facts.authorName);
  const markdown = `[${escapeMarkdown(facts.title)}](${facts.sourceUrl}) by ${authorMd} is licensed under [${license.shortName}](${license.url}).`;
  return { text, html, markdown };
}

/** What an image's attribution names (docs/architecture.md §5: creator, source, licence). */
export interface ImageAttributionFacts {
  /** What the image shows (its alt text), used as its title; may be empty. */
  title: string;
  creator: string;
  sourceName: string;
  /** The page the image came from, or null. */
  sourceUrl: string | null;
  /** The image's licence; null when no licence is stated. */
  license: LicenseTerms | null;
}

/**
 * The credit line shown under an image and used as its JSON-LD `creditText`:
 * "Photo: <creator> via <source>, <licence>", leaving out what is not known.
 */
export function imageCreditText(
  facts: Pick<ImageAttributionFacts, "creator" | "sourceName"> & { licenseName: string | null },
): string {
  const creator = facts.creator.trim() || "unknown creator";
  const via = facts.sourceName.trim() ? ` via ${facts.sourceName.trim()}` : "";
  return `Photo: ${creator}${via}${facts.licenseName ? `, ${facts.licenseName}` : ""}`;
}

/**
 * A ready attribution for an image (Title, Author, Source, Licence, as for a
 * post), in plain text, HTML with ccREL and Markdown; null when the image
 * carries no open licence (all rights reserved or none stated: ask instead).
 * With no attribution required (CC0, Public Domain Mark) a courtesy credit is
 * still offered.
 */
export function imageAttribution(
  facts: ImageAttributionFacts,
): { text: string; html: string; markdown: string } | null {
  const { license } = facts;
  if (!license?.url) return null;
  const title = facts.title.trim() || "Photo";
  const creator = facts.creator.trim() || "unknown creator";
  const via = facts.sourceName.trim() ? ` via ${facts.sourceName.trim()}` : "";
  const source = facts.sourceUrl ? ` (${facts.sourceUrl})` : "";
  const text = `“${title}” by ${creator}${via}${source} is licensed under ${license.shortName} (${license.url}).`;
  const titleHtml = facts.sourceUrl
    ? `<a property="dct:title" rel="cc:attributionURL" href="${escapeHtml(facts.sourceUrl)}">${escapeHtml(title)}</a>`
    : `<span property="dct:title">${escapeHtml(title)}</span>`;
  const html =
    `<p xmlns:cc="http://creativecommons.org/ns#" xmlns:dct="http://purl.org/dc/terms/">` +
    `${titleHtml} by <span property="cc:attributionName">${escapeHtml(creator)}</span>${escapeHtml(via)} ` +
    `is licensed under <a href="${escapeHtml(license.url)}" rel="license noopener noreferrer">${escapeHtml(license.shortName)}</a></p>`;
  const titleMd = facts.sourceUrl ? `[${escapeMarkdown(title)}](${facts.sourceUrl})` : `“${escapeMarkdown(title)}”`;
  const markdown = `${titleMd} by ${escapeMarkdown(creator)}${escapeMarkdown(via)} is licensed under [${license.shortName}](${license.url}).`;
  return { text, html, markdown };
}
