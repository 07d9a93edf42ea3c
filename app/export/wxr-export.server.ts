import sanitizeHtml from "sanitize-html";
import { createCB } from "xmlbuilder2";
import type { XMLBuilderCB } from "xmlbuilder2/lib/interfaces";
import type { Executor } from "../../db/client";
import { renderCommentMarkdown } from "../comments/markdown.server";
import { absolutizeUrls } from "../feeds/absolute-urls";
import { xmlSafe } from "../feeds/xml-safe";
import { labelLicenseUrl } from "../licences/metadata";
import { imageCreditText } from "../licences/reuse";
import type { CoverImage } from "../posts/posts.server";
import { postVisibility, type PostVisibility } from "../posts/visibility";
import { postUrl } from "../site/urls.server";
import { readPostComments, readPostForExport, readSiteForExport, type CommentForExport } from "./site-read.server";

/**
 * The whole site as WordPress eXtended RSS 1.2, the file WordPress's own
 * importer (Tools → Import → WordPress) reads: channel head, authors, tag
 * definitions, then one `<item>` per post with its comments. Element names,
 * their order and which values are CDATA follow WordPress's own exporter
 * (Tools → Export).
 *
 * How Staffroom maps onto WordPress:
 * - posts are `post`s with status `publish`, `draft`, or `future` for a post
 *   scheduled after the export's moment (`postVisibility`), numbered 1, 2, … oldest first
 *   (`wp:post_id`); the body is the post rendered by the site's renderer
 *   (app/posts/body.server.ts), every URL absolute; tags are `post_tag` terms;
 * - a post's cover is its featured image, as WordPress writes one: an
 *   `attachment` item (numbered after the posts, `wp:post_parent` its post)
 *   with `wp:attachment_url`, the alt text as `_wp_attachment_image_alt`, the
 *   credit line as its caption (`excerpt:encoded`) and field by field as
 *   `staffroom_credit_*` postmeta, named by the post's `_thumbnail_id`;
 * - a comment's `wp:comment_id` is Staffroom's comment id; statuses map to
 *   `wp:comment_approved` as published → 1, pending → 0, spam → spam,
 *   removed → trash (a tombstone: no name, website or text);
 * - WordPress has no comment parts: a submission split into several parts is
 *   ONE WordPress comment, with the id of its first part and the whole
 *   submission as its content; a reply to any of its parts replies to it;
 * - WordPress shows no reply under a trashed or spam comment (its threaded
 *   query only walks down from shown comments), where Staffroom shows replies
 *   under the tombstone: a reply's `wp:comment_parent` is therefore its
 *   nearest published ancestor (0 at the top), as WordPress itself moves
 *   replies up when it deletes a comment; the true parent's id is kept in a
 *   `staffroom_parent` commentmeta. Found by importing into WordPress 6.1.9
 *   with WordPress Importer 0.8 (docs/verification/wxr-in-wordpress.md);
 * - WordPress's importer inserts a post's comments in `wp:comment_id` order
 *   and maps a parent only once inserted, so a parent's id must be smaller
 *   than its replies' (true of Staffroom's ids: a parent is always stored first);
 * - WordPress shows a comment through wpautop, which turns every line break
 *   inside a paragraph into `<br />`: the soft line breaks that Staffroom's
 *   Markdown shows as spaces are written as spaces (code blocks keep theirs);
 * - the comment's licence is a `wp:commentmeta` (`staffroom_license`: the
 *   deed's URL, or the licence's name when it has none), and its Staffroom
 *   number another (`staffroom_number`);
 * - the coach's replies on their own post carry the post author's
 *   `wp:author_id` as `wp:comment_user_id`; everyone else's is 0;
 * - a thread whose post has no readable file is left out (a WordPress
 *   comment needs its post); the JSON export keeps it (`orphanThreads`);
 * - dates are UTC: `wp:post_date` equals `wp:post_date_gmt` (a post has a
 *   calendar date only, so 00:00:00), likewise for comments. WordPress's
 *   importer takes a post whose title and date match one already there
 *   (compared as MySQL does, ignoring case and accents) for that post and
 *   files its comments under it: the second and later posts of one day with
 *   the same title are dated 1, 2, … seconds after midnight.
 *
 * Text XML 1.0 cannot carry (most C0 controls, unpaired surrogates) is
 * dropped; CDATA holding `]]>` is split into adjacent sections as WordPress
 * does, so hostile text always yields well-formed XML.
 */

/** What the WXR export may add beyond what readers see. */
export interface WxrExportOptions {
  /** Include commenters' and coaches' email addresses (never by default). */
  includeEmails?: boolean;
  /** The export's time (UTC); defaults to now. */
  now?: Date;
}

const NAMESPACES = {
  version: "2.0",
  "xmlns:excerpt": "http://wordpress.org/export/1.2/excerpt/",
  "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
  "xmlns:wfw": "http://wellformedweb.org/CommentAPI/",
  "xmlns:dc": "http://purl.org/dc/elements/1.1/",
  "xmlns:wp": "http://wordpress.org/export/1.2/",
};

/** `wp:status` for each post visibility at the export's moment: WordPress's own words for the same three states. */
const WP_STATUS: Record<PostVisibility["kind"], string> = { public: "publish", scheduled: "future", draft: "draft" };

/** `wp:comment_approved` for each Staffroom status. */
const APPROVED: Record<CommentForExport["row"]["status"], string> = {
  published: "1",
  pending: "0",
  spam: "spam",
  removed: "trash",
};

/**
 * Yields the WXR document in chunks (UTF-8 text), one post's item (and
 * within it one comment) at a time. Reads the content under CONTENT_ROOT and
 * the comments in `db`. Throws whatever reading throws.
 */
export async function* wxrExportChunks(db: Executor, options: WxrExportOptions = {}): AsyncGenerator<string> {
  const site = await readSiteForExport();
  let pending: string[] = [];
  const flush = () => {
    const chunk = pending.join("");
    pending = [];
    return chunk;
  };
  // No pretty printing: it would indent the CDATA inside text elements, and
  // WordPress reads that whitespace as part of the value. Line breaks between
  // elements (`open`, `close`) keep the file readable and line-based readers happy.
  const xml = createCB({ data: (chunk: string) => pending.push(chunk) });

  xml.dec({ version: "1.0", encoding: "UTF-8" });
  const rss = xml.ele("rss", NAMESPACES);
  const channel = open(rss, "channel");
  text(channel, "title", site.settings.title);
  text(channel, "link", site.origin);
  text(channel, "description", site.settings.tagline);
  text(channel, "pubDate", (options.now ?? new Date()).toUTCString().replace("GMT", "+0000"));
  text(channel, "language", "en");
  text(channel, "wp:wxr_version", "1.2");
  text(channel, "wp:base_site_url", site.origin);
  text(channel, "wp:base_blog_url", site.origin);

  const authorIds = new Map<string, number>();
  site.authors.forEach((author, i) => {
    authorIds.set(author.slug, i + 1);
    const element = open(channel, "wp:author");
    text(element, "wp:author_id", String(i + 1));
    cdata(element, "wp:author_login", author.slug);
    cdata(element, "wp:author_email", options.includeEmails ? (author.accountEmail ?? "") : "");
    cdata(element, "wp:author_display_name", author.name);
    cdata(element, "wp:author_first_name", "");
    cdata(element, "wp:author_last_name", "");
    close(element);
  });

  const tagSlugs = new Map<string, string>();
  for (const post of site.posts) {
    for (const tag of post.tags) {
      if (tagSlugs.has(tag)) continue;
      tagSlugs.set(tag, uniqueSlug(tagSlug(tag), new Set(tagSlugs.values())));
      const element = open(channel, "wp:tag");
      text(element, "wp:term_id", String(tagSlugs.size));
      cdata(element, "wp:tag_slug", tagSlugs.get(tag)!);
      cdata(element, "wp:tag_name", tag);
      close(element);
    }
  }
  yield flush();

  const now = new Date();
  let postId = 0;
  const sameTitleAndDay = new Map<string, number>();
  for (const summary of site.posts) {
    postId++;
    const read = await readPostForExport(summary.slug, site.settings);
    if (!read) continue;
    const { post } = read;
    const url = postUrl(post.slug);
    const titleKey = `${post.published} ${post.title
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .trim()}`;
    const seconds = sameTitleAndDay.get(titleKey) ?? 0;
    sameTitleAndDay.set(titleKey, seconds + 1);
    const time = new Date(seconds * 1000).toISOString().slice(11, 19); // "00:00:00", "00:00:01", …
    const date = `${post.published} ${time}`;
    const authorLogin = post.author?.slug ?? "";
    const item = open(channel, "item");
    text(item, "title", post.title);
    text(item, "link", url);
    text(item, "pubDate", new Date(`${post.published}T${time}Z`).toUTCString().replace("GMT", "+0000"));
    cdata(item, "dc:creator", authorLogin);
    open(item, "guid", { isPermaLink: "false" }).txt(xmlSafe(url)).up();
    text(item, "description", "");
    cdata(item, "content:encoded", absolutizeUrls(post.bodyHtml, url));
    cdata(item, "excerpt:encoded", post.summary);
    text(item, "wp:post_id", String(postId));
    text(item, "wp:post_date", date);
    text(item, "wp:post_date_gmt", date);
    text(item, "wp:comment_status", post.commentsOpen ? "open" : "closed");
    text(item, "wp:ping_status", "closed");
    text(item, "wp:post_name", post.slug);
    text(item, "wp:status", WP_STATUS[postVisibility(post, now).kind]);
    text(item, "wp:post_parent", "0");
    text(item, "wp:menu_order", "0");
    text(item, "wp:post_type", "post");
    text(item, "wp:post_password", "");
    text(item, "wp:is_sticky", "0");
    for (const tag of post.tags) {
      const category = open(item, "category", { domain: "post_tag", nicename: tagSlugs.get(tag) ?? tagSlug(tag) });
      cdataInto(category, tag);
      category.up();
    }
    postMeta(item, "staffroom_license", read.license.url ?? read.license.fullName);
    // The featured image's item, numbered after every post's so the ids never meet.
    const coverId = post.cover ? String(site.posts.length + postId) : null;
    if (coverId) postMeta(item, "_thumbnail_id", coverId);
    yield flush();

    const thread = await readPostComments(db, post.slug, site.commentLicense);
    // A split submission is one WordPress comment: its first part's id stands for every part.
    const wordpressId = new Map<number, number>();
    const firstPartOf = new Map<string, number>();
    for (const { row } of thread) {
      if (row.partIndex === 1) firstPartOf.set(row.submissionId, row.id);
      wordpressId.set(row.id, firstPartOf.get(row.submissionId) ?? row.id);
    }
    const rowById = new Map(thread.map(({ row }) => [row.id, row]));
    /** The WordPress parent: the nearest ancestor WordPress shows (published), or 0. */
    const shownParent = (parentId: number | null): number => {
      for (let id = parentId; id !== null; ) {
        const first = rowById.get(wordpressId.get(id) ?? id);
        if (!first) return 0;
        if (first.status === "published") return first.id;
        id = first.parentId;
      }
      return 0;
    };
    const coachId = post.author ? (authorIds.get(post.author.slug) ?? 0) : 0;
    for (const comment of thread) {
      const { row } = comment;
      if (wordpressId.get(row.id) !== row.id) continue; // a later part: already in its submission's comment
      const removed = row.status === "removed";
      const when = wordpressDate(row.createdAt);
      const element = open(item, "wp:comment");
      text(element, "wp:comment_id", String(row.id));
      cdata(element, "wp:comment_author", removed ? "" : row.displayName);
      text(element, "wp:comment_author_email", options.includeEmails && !removed ? (row.email ?? "") : "");
      text(element, "wp:comment_author_url", removed ? "" : (row.website ?? ""));
      text(element, "wp:comment_author_IP", "");
      text(element, "wp:comment_date", when);
      text(element, "wp:comment_date_gmt", when);
      cdata(
        element,
        "wp:comment_content",
        removed ? "" : withoutSoftBreaks(renderCommentMarkdown(comment.submissionBody ?? row.body)),
      );
      text(element, "wp:comment_approved", APPROVED[row.status]);
      text(element, "wp:comment_type", "comment");
      const parent = row.parentId === null ? 0 : (wordpressId.get(row.parentId) ?? 0);
      text(element, "wp:comment_parent", String(shownParent(row.parentId)));
      text(element, "wp:comment_user_id", String(row.authorKind === "author" ? coachId : 0));
      commentMeta(element, "staffroom_license", comment.license.url ?? comment.license.fullName);
      if (comment.number) commentMeta(element, "staffroom_number", comment.number);
      if (parent !== shownParent(row.parentId)) commentMeta(element, "staffroom_parent", String(parent));
      close(element);
      yield flush();
    }
    close(item);
    if (post.cover && coverId) coverItem(channel, post.cover, { id: coverId, parentId: String(postId), url, date });
    yield flush();
  }
  close(channel);
  close(rss);
  xml.end();
  yield `${flush()}\n`;
}

/**
 * Comment HTML with each line break in running text made a space, as a
 * browser shows Staffroom's soft line breaks; WordPress would show each one
 * as a `<br />` (wpautop). Text in `pre` and `code` keeps its line breaks
 * (wpautop leaves `pre` alone). Expects sanitized HTML and keeps every tag
 * and attribute of it.
 */
function withoutSoftBreaks(html: string): string {
  return sanitizeHtml(html, {
    allowedTags: false,
    allowedAttributes: false,
    // Comment HTML never holds script or style (app/comments/markdown.server.ts); say so to sanitize-html.
    allowVulnerableTags: true,
    textFilter: (text, tag) => (tag === "pre" || tag === "code" ? text : text.replace(/\n/g, " ")),
  }).trim();
}

/** A "YYYY-MM-DD HH:MM:SS" UTC time, as WordPress stores dates. */
function wordpressDate(at: Date): string {
  return at.toISOString().slice(0, 19).replace("T", " ");
}

/**
 * A post's cover as WordPress exports a featured image: an `attachment` item
 * whose parent is the post. Its caption is the credit line the post page
 * shows ("Photo: creator via source, licence"); the credit's fields are
 * `staffroom_credit_*` postmeta, read back exactly by Staffroom's import.
 */
function coverItem(
  channel: XMLBuilderCB,
  cover: CoverImage,
  post: { id: string; parentId: string; url: string; date: string },
): void {
  const src = new URL(cover.src, post.url).href;
  const credited = cover.creator.trim() !== "";
  const item = open(channel, "item");
  text(item, "title", cover.alt || "Cover image");
  text(item, "link", `${post.url}#cover`);
  cdata(item, "dc:creator", "");
  open(item, "guid", { isPermaLink: "false" }).txt(xmlSafe(src)).up();
  text(item, "description", "");
  cdata(item, "content:encoded", "");
  cdata(
    item,
    "excerpt:encoded",
    credited ? imageCreditText({ ...cover, licenseName: labelLicenseUrl(cover.licenseUrl)?.name ?? null }) : "",
  );
  text(item, "wp:post_id", post.id);
  text(item, "wp:post_date", post.date);
  text(item, "wp:post_date_gmt", post.date);
  text(item, "wp:comment_status", "closed");
  text(item, "wp:ping_status", "closed");
  text(item, "wp:post_name", `cover-${post.parentId}`);
  text(item, "wp:status", "inherit");
  text(item, "wp:post_parent", post.parentId);
  text(item, "wp:menu_order", "0");
  text(item, "wp:post_type", "attachment");
  text(item, "wp:post_password", "");
  text(item, "wp:is_sticky", "0");
  cdata(item, "wp:attachment_url", src);
  if (cover.alt) postMeta(item, "_wp_attachment_image_alt", cover.alt);
  if (credited) {
    postMeta(item, "staffroom_credit_creator", cover.creator);
    if (cover.sourceName) postMeta(item, "staffroom_credit_source_name", cover.sourceName);
    if (cover.sourceUrl) postMeta(item, "staffroom_credit_source_url", cover.sourceUrl);
    if (cover.licenseUrl) postMeta(item, "staffroom_credit_license_url", cover.licenseUrl);
  }
  close(item);
}

/** A WordPress-style term slug ("Professional Development" → "professional-development"); non-Latin text is kept percent-encoded as WordPress does. */
function tagSlug(tag: string): string {
  const ascii = tag
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-+|-+$/g, "");
  return encodeURIComponent(ascii || "tag").toLowerCase();
}

function uniqueSlug(slug: string, taken: ReadonlySet<string>): string {
  if (!taken.has(slug)) return slug;
  let n = 2;
  while (taken.has(`${slug}-${n}`)) n++;
  return `${slug}-${n}`;
}

/** `<name>value</name>`: escaped text, with characters XML cannot carry dropped. */
function text(parent: XMLBuilderCB, name: string, value: string): void {
  const element = open(parent, name);
  if (value) element.txt(xmlSafe(value));
  element.up();
}

/** `<name><![CDATA[value]]></name>`, as WordPress's exporter writes text fields. */
function cdata(parent: XMLBuilderCB, name: string, value: string): void {
  const element = open(parent, name);
  cdataInto(element, value);
  element.up();
}

/**
 * Writes `value` into `element` as CDATA. A CDATA section cannot hold
 * `]]>`, so the text is split there into adjacent sections
 * (`]]` ends one, `>` starts the next), which an XML reader joins back into
 * the same text; WordPress's own exporter splits it the same way.
 */
function cdataInto(element: XMLBuilderCB, value: string): void {
  const pieces = xmlSafe(value).split("]]>");
  pieces.forEach((piece, i) => {
    const section = (i > 0 ? ">" : "") + piece + (i < pieces.length - 1 ? "]]" : "");
    element.dat(section);
  });
}

function postMeta(item: XMLBuilderCB, key: string, value: string): void {
  const meta = open(item, "wp:postmeta");
  text(meta, "wp:meta_key", key);
  cdata(meta, "wp:meta_value", value);
  close(meta);
}

function commentMeta(comment: XMLBuilderCB, key: string, value: string): void {
  const meta = open(comment, "wp:commentmeta");
  text(meta, "wp:meta_key", key);
  cdata(meta, "wp:meta_value", value);
  close(meta);
}

/** Starts an element on a new line (`parent` and the result are the same streaming builder, now inside the element). */
function open(parent: XMLBuilderCB, name: string, attributes?: Record<string, string>): XMLBuilderCB {
  return parent
    .txt("\n")
    .ele(
      name,
      attributes ? Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, xmlSafe(v)])) : undefined,
    );
}

/** Ends a container element on a line of its own. */
function close(element: XMLBuilderCB): void {
  element.txt("\n").up();
}
