import { z } from "zod";

/**
 * Staffroom's own export format (`npm run export -- --format json`): the
 * whole site as one JSON document, so nothing is lost moving out, and so a
 * later import of our own format can check a file before trusting it
 * (`staffroomExportSchema.safeParse`). Plain data, no behaviour.
 *
 * Times are UTC ISO-8601 instants ("2013-06-09T13:12:00.000Z"); a post's
 * `published` is the calendar date its file holds ("2013-06-09"). Bodies are
 * Markdown as stored (posts: the Markdoc body the editor writes; comments: the
 * Markdown the comment form stored). Emails appear only in an export made with
 * `--include-emails`; otherwise the fields are absent.
 *
 * `version` changes whenever a field changes meaning or is removed; adding an
 * optional field keeps it.
 */

/** The format's version this code writes and reads. */
export const STAFFROOM_EXPORT_VERSION = 1;

const instant = z.iso.datetime();

/** A licence as the catalogue names it. */
export const exportedLicenseSchema = z.object({
  /** Catalogue id, e.g. "cc-by-nc-sa-3.0". */
  id: z.string(),
  shortName: z.string(),
  /** The deed's URL; null for all rights reserved. */
  url: z.string().nullable(),
});

/** An image's credit: the cover's or one inserted in the body. */
export const exportedImageSchema = z.object({
  /** Absolute URL of the image. */
  src: z.string(),
  alt: z.string(),
  creator: z.string(),
  sourceName: z.string(),
  sourceUrl: z.string().nullable(),
  licenseUrl: z.string().nullable(),
  /** Body images only: the caption. */
  caption: z.string().optional(),
});

export const exportedSiteSchema = z.object({
  title: z.string(),
  tagline: z.string(),
  /** The public origin, e.g. "https://staffroom.example.org". */
  url: z.string(),
  /** The site's default licence (catalogue id) and the licence it resolves to. */
  defaultLicense: z.string(),
  attributionName: z.string(),
  attributionUrl: z.string().nullable(),
  /** The setting for comments: a catalogue id or "site-default". */
  commentLicense: z.string(),
  /** The licence new comments are published under. */
  commentLicenseResolved: exportedLicenseSchema,
  commentLicenseText: z.string(),
  /** Characters (grapheme clusters) per comment part. */
  commentMaxChars: z.number().int(),
  commentMaxParts: z.number().int(),
  maxDisplayDepth: z.number().int(),
  allowAnonymous: z.boolean(),
  holdFirstTimeGuests: z.boolean(),
  maxLinks: z.number().int(),
  /** ISO 3166-1 alpha-2 region whose national phone formats the contact-details nudge reads; absent in exports before 2026-12-05. */
  phoneRegion: z.string().optional(),
});

export const exportedAuthorSchema = z.object({
  slug: z.string(),
  name: z.string(),
  role: z.string(),
  bio: z.string(),
  avatar: z.string().nullable(),
  contact: z.string().nullable(),
  links: z.array(z.object({ label: z.string(), url: z.string() })),
  /** The linked coach account's email: only with `--include-emails`. */
  accountEmail: z.string().nullable().optional(),
});

/** published | pending (held for moderation) | spam | removed (a tombstone: no name, website or text). */
export const exportedCommentStatusSchema = z.enum(["published", "pending", "spam", "removed"]);

export const exportedCommentSchema = z.object({
  /** Staffroom's id, unique in the site. */
  id: z.number().int(),
  /** The public number ("9.2"), or null while it has none (held, spam never published). */
  number: z.string().nullable(),
  /** The comment replied to (its `id`), or null at the top level. */
  parentId: z.number().int().nullable(),
  status: exportedCommentStatusSchema,
  /** guest | anonymous | member | author (the post's coach: the Author badge). */
  authorKind: z.enum(["guest", "anonymous", "member", "author"]),
  /** The name shown; null for a tombstone. */
  name: z.string().nullable(),
  website: z.string().nullable(),
  /** Only with `--include-emails`. */
  email: z.string().nullable().optional(),
  createdAt: instant,
  updatedAt: instant,
  editedAt: instant.nullable(),
  removedAt: instant.nullable(),
  /** The licence stated when it was submitted (or the site's comment licence for older comments). */
  license: exportedLicenseSchema,
  /** This part's Markdown as displayed; "" for a tombstone. */
  body: z.string(),
  /**
   * What the writer sent in one go. A submission longer than the site's limit
   * is shown as several comments (parts); `body` on part 1 of such a split
   * group holds the whole submission (null on the other parts and on
   * unsplit comments, whose own `body` is the whole submission).
   */
  submission: z.object({
    id: z.string(),
    partIndex: z.number().int().min(1),
    partCount: z.number().int().min(1),
    body: z.string().nullable(),
  }),
});

export const exportedPostSchema = z.object({
  slug: z.string(),
  /** The post's canonical address. */
  url: z.string(),
  title: z.string(),
  /** Calendar date as written, YYYY-MM-DD: for a published post, also the day readers see it from (00:00 UTC). */
  published: z.string(),
  /** "draft" (readers never see it) or "published"; absent in files exported before posts had a status: published. */
  status: z.enum(["draft", "published"]).optional(),
  /** The author entry's slug, or null. */
  author: z.string().nullable(),
  tags: z.array(z.string()),
  summary: z.string(),
  /** The post's own setting: a catalogue id or "site-default". */
  licenseSetting: z.string(),
  /** The licence the post is published under. */
  license: exportedLicenseSchema,
  commentsOpen: z.boolean(),
  cover: exportedImageSchema.nullable(),
  /** Credited images of the body, in order. */
  images: z.array(exportedImageSchema),
  /** The Markdoc body as the editor writes it (the file after its frontmatter). */
  body: z.string(),
  /** Every comment of the post, oldest first (by id). */
  comments: z.array(exportedCommentSchema),
});

/** The whole document. */
export const staffroomExportSchema = z.object({
  format: z.literal("staffroom-export"),
  version: z.literal(STAFFROOM_EXPORT_VERSION),
  exportedAt: instant,
  site: exportedSiteSchema,
  authors: z.array(exportedAuthorSchema),
  posts: z.array(exportedPostSchema),
  /**
   * Threads whose post has no readable file any more (deleted or renamed in
   * the editor): kept so that nothing is lost. Absent when there are none.
   */
  orphanThreads: z.array(z.object({ postSlug: z.string(), comments: z.array(exportedCommentSchema) })).optional(),
});

export type ExportedLicense = z.infer<typeof exportedLicenseSchema>;
export type ExportedImage = z.infer<typeof exportedImageSchema>;
export type ExportedSite = z.infer<typeof exportedSiteSchema>;
export type ExportedAuthor = z.infer<typeof exportedAuthorSchema>;
export type ExportedComment = z.infer<typeof exportedCommentSchema>;
export type ExportedPost = z.infer<typeof exportedPostSchema>;
export type StaffroomExport = z.infer<typeof staffroomExportSchema>;
