import type { License } from "../licences/catalogue";

/**
 * How a feed states an entry's licence in words, beside the machine-readable
 * deed link (Atom `rel="license"`, RSS `creativeCommons:license`, the JSON
 * feed's `_license`).
 */

/** What a feed needs of a catalogue licence (`resolvePostLicense` / `resolveCommentLicense`). */
export type FeedLicense = Pick<License, "id" | "url" | "fullName" | "shortName">;

/**
 * A one-sentence rights statement for an entry (Atom `<rights>`, RSS
 * `dc:rights`): "Licensed under Creative Commons Attribution 4.0
 * International.", "Dedicated to the public domain under CC0 1.0 Universal."
 * or, for all rights reserved (no deed), "© <holder>. All rights reserved.".
 * @param holder who holds the copyright: the post's author or the comment's writer.
 */
export function rightsStatement(license: FeedLicense, holder: string): string {
  if (!license.url) return `© ${holder}. All rights reserved.`;
  if (license.id === "cc0-1.0") return `Dedicated to the public domain under ${license.fullName}.`;
  return `Licensed under ${license.fullName}.`;
}
