/**
 * What an import reads from another platform's export, whatever the format
 * (Blogger's Atom export or Takeout `feed.atom`, WordPress WXR 1.1/1.2,
 * Disqus XML, Staffroom's own JSON export): the contract between the parsers (app/import/formats/), the
 * converters (app/import/convert/) and the step that writes a Staffroom site
 * (app/import/apply.server.ts). Plain data, no behaviour.
 *
 * Times are UTC ISO-8601 instants ("2013-06-14T05:33:00.000Z"). HTML is as the
 * export holds it: never trusted, sanitized before it is converted or shown.
 * Source ids are the export's own, stable across re-exports of the same blog,
 * so a second import of the same (or a newer) file recognises what it has
 * already brought in.
 */

/** The export formats an import recognises, detected from the content, never from the file name. */
export type ExportFormat = "blogger-atom" | "blogger-takeout" | "wxr" | "disqus" | "staffroom-json";

/** The blog as a whole: what the export says about itself. */
export interface ImportedBlog {
  format: ExportFormat;
  /** The blog's title, or null when the export has none (Disqus). */
  title: string | null;
  /** The old site's address, e.g. "https://coach.blogspot.com" (no trailing slash), or null. */
  siteUrl: string | null;
  /** Text of a licence notice the export carries (Blogger's sidebar HTML gadget, say), or null. */
  licenseNotice: string | null;
}

/** A person who wrote posts or comments, as the export names them. */
export interface ImportedAuthor {
  /** The export's id (WXR `wp:author_id` or login, Blogger profile URI, Disqus username), or the name when there is none. */
  sourceId: string;
  name: string;
  email: string | null;
  url: string | null;
}

/** A post or page. */
export interface ImportedPost {
  /** The export's id: Blogger entry `<id>`, WXR `wp:post_id`, Disqus thread `dsq:id`. */
  sourceId: string;
  /** Pages are skipped unless the import keeps them as pages. */
  kind: "post" | "page";
  title: string;
  /** The body as the export holds it (HTML). */
  html: string;
  /** The export's own excerpt or summary, or null. */
  summary: string | null;
  /**
   * First published (for a scheduled post, when it is to be), or a draft's
   * intended date; null for a draft with none (WordPress's 0000-00-00).
   */
  published: string | null;
  /** Last updated, or null. */
  updated: string | null;
  status: "published" | "draft";
  /** Labels, categories and tags, as written (deduplicated, order kept). */
  tags: string[];
  /** The author's `sourceId`, or null. */
  authorSourceId: string | null;
  /**
   * Every absolute address the post had on the old site: its permalink first
   * (Blogger `/2013/06/slug.html`, WordPress `/YYYY/MM/DD/slug/` and `/?p=ID`),
   * for the new slug and for the redirects that keep old links working.
   */
  oldUrls: string[];
  /** The old slug when the export states one (WXR `wp:post_name`, Takeout `filename`), or null. */
  slugHint: string | null;
  /** Whether comments were open. */
  commentsOpen: boolean;
  /**
   * The old site's pages listing this post's tags, with the tag each lists
   * (WXR: `/category/NICENAME/`, `/tag/NICENAME/` from the `nicename`), for
   * redirects to the tag's Staffroom page; absent when the format's addresses
   * follow from the tag itself (Blogger's `/search/label/LABEL`).
   */
  tagUrls?: { tag: string; url: string }[];
  /**
   * The post's cover image when the export says which it is (Staffroom's own
   * exports), or null/absent. Optional: exports without covers leave it out.
   */
  cover?: ImportedCover | null;
  /**
   * The export's id of the attachment that is the post's cover (WXR
   * `_thumbnail_id` postmeta, WordPress's featured image), or null/absent.
   * The attachment is handed on by `ImportHandlers.attachment` and may come
   * before or after the post in the file; `cover`, when set, wins.
   */
  coverSourceId?: string | null;
  /**
   * The post's own licence setting (a catalogue id or "site-default") when
   * the export states it (Staffroom's own JSON); optional, absent or null:
   * the import's `--license` (or "site-default") applies.
   */
  license?: string | null;
  /**
   * The author entry (its slug) the post names on the site it came from
   * (Staffroom's own JSON); kept when this site has that entry, else the
   * import's `--author`. Optional, absent or null: the import's `--author`.
   */
  authorSlug?: string | null;
}

/** An image's credit, in the editor's fields (keystatic.config.ts `imageCreditFields`). */
export interface ImportedImageCredit {
  creator: string;
  /** Where the image was found ("Flickr"), or "". */
  sourceName: string;
  sourceUrl: string | null;
  /** The licence deed's URL, or null when none is named. */
  licenseUrl: string | null;
}

/** A cover image: its address on the old site, its alt text and its credit. */
export interface ImportedCover {
  /** Absolute address of the image file on the old site. */
  url: string;
  /** Alt text ("" when the export has none). */
  alt: string;
  /** The credit when the export records it field by field (Staffroom's own WXR), else null/absent. */
  credit?: ImportedImageCredit | null;
  /** The caption as typed (WordPress's attachment caption), read for a credit line when `credit` is absent. */
  caption?: string | null;
  /**
   * The path the cover field held on the Staffroom site it came from
   * (`/images/posts/<slug>/cover/image.png`): written to the cover field as
   * is when the file is not copied with `--images`. Optional, Staffroom's
   * own JSON only.
   */
  sitePath?: string | null;
}

/** A file the old site kept as an item of its own (a WXR `attachment`): read for covers only. */
export interface ImportedAttachment {
  /** The export's id (WXR `wp:post_id` of the attachment item). */
  sourceId: string;
  /** The post it was uploaded to (`wp:post_parent`), or null. */
  parentSourceId: string | null;
  /** The image as a cover would show it. */
  image: ImportedCover;
}

/** What became of a comment on the old platform. */
export type ImportedCommentStatus = "approved" | "pending" | "spam" | "deleted";

/** A comment, reply, pingback or trackback. */
export interface ImportedComment {
  /** The export's id: Blogger entry id, WXR `wp:comment_id`, Disqus post `dsq:id`. */
  sourceId: string;
  /** The post's `sourceId` (for Disqus, the thread's id; threads are matched to posts by link). */
  postSourceId: string;
  /** The comment replied to (its `sourceId`), or null at the top level. May appear later in the file. */
  parentSourceId: string | null;
  /** The writer's name as shown; null or empty means anonymous. */
  authorName: string | null;
  authorEmail: string | null;
  authorUrl: string | null;
  /** The export says the blog's owner (or a post's author) wrote it: shown with the Author badge. */
  byBlogOwner: boolean;
  published: string;
  /** The text as the export holds it (HTML; Disqus `message`, WXR `comment_content`). */
  html: string;
  status: ImportedCommentStatus;
  type: "comment" | "pingback" | "trackback";
  /** Absolute addresses of the comment on the old site (Blogger `?showComment=ID#cID`), for redirects. */
  oldUrls: string[];
  /**
   * The licence the comment was written under, as a deed URL, when the export
   * says (Staffroom's own WXR: the `staffroom_license` commentmeta); optional,
   * absent or null: not recorded, the site's comment licence is shown.
   */
  licenseUrl?: string | null;
  /**
   * The submission this comment is a part of, when the export records it
   * (Staffroom's own JSON): parts of one submission (same `id`, `partIndex`
   * 1…`partCount`) are stored again as one split submission with the same
   * parts. Optional, absent: each comment is its own submission.
   */
  submission?: { id: string; partIndex: number; partCount: number } | null;
}

/**
 * What a parser hands on, in file order. A parser streams: it calls these as
 * it reads and keeps no list of everything, so memory does not grow with the
 * file. `blog` comes before any post; a comment may come before its post or
 * its parent (the applier stages and orders them).
 */
export interface ImportHandlers {
  blog(blog: ImportedBlog): void | Promise<void>;
  author(author: ImportedAuthor): void | Promise<void>;
  post(post: ImportedPost): void | Promise<void>;
  comment(comment: ImportedComment): void | Promise<void>;
  /**
   * An attachment a post may name as its cover (`ImportedPost.coverSourceId`).
   * Optional: a reader without it hears of attachments through `skipped`.
   */
  attachment?(attachment: ImportedAttachment): void | Promise<void>;
  /** Something the export holds that is not imported (a template, settings, an attachment), and why. */
  skipped(what: string, why: string): void | Promise<void>;
}

/** A file that cannot be imported: what was wrong and where (1-based line and column), for the user. */
export class ImportFileError extends Error {
  constructor(
    message: string,
    readonly line: number | null = null,
    readonly column: number | null = null,
  ) {
    super(line === null ? message : `Line ${line}${column === null ? "" : `, column ${column}`}: ${message}`);
    this.name = "ImportFileError";
  }
}
