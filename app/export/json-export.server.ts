import type { Executor } from "../../db/client";
import type { License } from "../licences/catalogue";
import type { BodyImage } from "../posts/body.server";
import type { CoverImage } from "../posts/posts.server";
import { postUrl } from "../site/urls.server";
import {
  STAFFROOM_EXPORT_VERSION,
  type ExportedAuthor,
  type ExportedComment,
  type ExportedImage,
  type ExportedLicense,
  type ExportedPost,
  type ExportedSite,
} from "./json-format";
import {
  readPostComments,
  readPostForExport,
  readSiteForExport,
  slugsOfOrphanThreads,
  type CommentForExport,
} from "./site-read.server";

/**
 * The whole site in Staffroom's own JSON format (app/export/json-format.ts),
 * produced as text chunks: the head, then each post followed by its comments
 * one at a time, so the document is never held whole in memory.
 */

/** What the JSON export may add beyond what readers see. */
export interface JsonExportOptions {
  /** Include commenters' and coaches' email addresses (never by default: they are never displayed). */
  includeEmails?: boolean;
  /** The export's time (UTC); defaults to now. */
  now?: Date;
}

/**
 * Yields the JSON document in chunks (UTF-8 text; concatenated they parse as
 * one `StaffroomExport`). Reads the content under CONTENT_ROOT and the
 * comments in `db`, one post at a time. Throws whatever reading throws.
 */
export async function* jsonExportChunks(db: Executor, options: JsonExportOptions = {}): AsyncGenerator<string> {
  const site = await readSiteForExport();
  const { settings } = site;
  const head: ExportedSite = {
    title: settings.title,
    tagline: settings.tagline,
    url: site.origin,
    defaultLicense: settings.defaultLicense,
    attributionName: settings.attributionName,
    attributionUrl: settings.attributionUrl,
    commentLicense: settings.commentLicense,
    commentLicenseResolved: licenseOf(site.commentLicense),
    commentLicenseText: settings.commentLicenseText,
    commentMaxChars: settings.commentMaxChars,
    commentMaxParts: settings.commentMaxParts,
    maxDisplayDepth: settings.maxDisplayDepth,
    allowAnonymous: settings.allowAnonymous,
    holdFirstTimeGuests: settings.holdFirstTimeGuests,
    maxLinks: settings.maxLinks,
    phoneRegion: settings.phoneRegion,
  };
  const authors: ExportedAuthor[] = site.authors.map((author) => ({
    slug: author.slug,
    name: author.name,
    role: author.role,
    bio: author.bio,
    avatar: author.avatar,
    contact: author.contact,
    links: author.links,
    ...(options.includeEmails ? { accountEmail: author.accountEmail } : {}),
  }));
  yield `{"format":"staffroom-export","version":${STAFFROOM_EXPORT_VERSION},"exportedAt":${JSON.stringify(
    (options.now ?? new Date()).toISOString(),
  )},"site":${JSON.stringify(head)},"authors":${JSON.stringify(authors)},"posts":[`;

  let firstPost = true;
  const exported: string[] = [];
  for (const summary of site.posts) {
    const read = await readPostForExport(summary.slug, settings);
    if (!read) continue;
    exported.push(summary.slug);
    const { post } = read;
    const base = postUrl(post.slug);
    const fields: Omit<ExportedPost, "comments"> = {
      slug: post.slug,
      url: base,
      title: post.title,
      published: post.published,
      status: post.status,
      author: post.author?.slug ?? null,
      tags: post.tags,
      summary: post.summary,
      licenseSetting: post.license,
      license: licenseOf(read.license),
      commentsOpen: post.commentsOpen,
      cover: post.cover ? imageOf(post.cover, base) : null,
      images: post.images.map((image) => imageOf(image, base)),
      body: read.body,
    };
    // The post's fields, then its comments streamed into the same object.
    yield `${firstPost ? "" : ","}${JSON.stringify(fields).slice(0, -1)},"comments":[`;
    firstPost = false;
    const thread = await readPostComments(db, post.slug, site.commentLicense);
    for (let i = 0; i < thread.length; i++) {
      yield (i === 0 ? "" : ",") + JSON.stringify(commentOf(thread[i], options));
    }
    yield "]}";
  }
  yield "]";

  const orphans = await slugsOfOrphanThreads(db, exported);
  if (orphans.length > 0) {
    yield ',"orphanThreads":[';
    for (const [n, postSlug] of orphans.entries()) {
      yield `${n === 0 ? "" : ","}{"postSlug":${JSON.stringify(postSlug)},"comments":[`;
      const thread = await readPostComments(db, postSlug, site.commentLicense);
      for (let i = 0; i < thread.length; i++) {
        yield (i === 0 ? "" : ",") + JSON.stringify(commentOf(thread[i], options));
      }
      yield "]}";
    }
    yield "]";
  }
  yield "}\n";
}

function licenseOf(license: License): ExportedLicense {
  return { id: license.id, shortName: license.shortName, url: license.url };
}

function imageOf(image: CoverImage | BodyImage, base: string): ExportedImage {
  return {
    src: new URL(image.src, base).href,
    alt: image.alt,
    creator: image.creator,
    sourceName: image.sourceName,
    sourceUrl: image.sourceUrl,
    licenseUrl: image.licenseUrl,
    ...("caption" in image ? { caption: image.caption } : {}),
  };
}

/** A comment as the format holds it: a tombstone keeps its place and number but no name, website or text. */
function commentOf(comment: CommentForExport, options: JsonExportOptions): ExportedComment {
  const { row } = comment;
  const removed = row.status === "removed";
  return {
    id: row.id,
    number: comment.number,
    parentId: row.parentId,
    status: row.status,
    authorKind: row.authorKind,
    name: removed ? null : row.displayName,
    website: removed ? null : row.website,
    ...(options.includeEmails ? { email: removed ? null : row.email } : {}),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    editedAt: row.editedAt?.toISOString() ?? null,
    removedAt: row.removedAt?.toISOString() ?? null,
    license: licenseOf(comment.license),
    body: removed ? "" : row.body,
    submission: {
      id: row.submissionId,
      partIndex: row.partIndex,
      partCount: row.partCount,
      body: removed ? null : comment.submissionBody,
    },
  };
}
