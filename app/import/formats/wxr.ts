/**
 * WordPress's export, WXR ("WordPress eXtended RSS") 1.1 and 1.2: an RSS 2.0
 * `<rss>` whose `<channel>` holds the site (`title`, `link`,
 * `wp:base_blog_url`), its authors (`wp:author`), and one `<item>` per post,
 * page, attachment or menu entry (`wp:post_type`), each with its comments
 * (`wp:comment`) inside it. Comments are handed on as each one closes, so a
 * post with thousands of them never sits whole in memory.
 */
import {
  type ImportHandlers,
  type ImportedAttachment,
  type ImportedBlog,
  type ImportedComment,
  type ImportedCommentStatus,
  type ImportedPost,
  ImportFileError,
} from "../model";
import { withoutTrailingSlash } from "./atom";
import { NS, isWxrNamespace } from "./detect";
import { instant, wxrGmtInstant } from "./instants";
import { type Emit, type XmlElement, type XmlRecordReader, attribute, childrenNamed } from "./xml";

/** The text of the first child with this local name in WXR's `wp:` namespace (any version), or null when empty. */
function wp(element: XmlElement, local: string): string | null {
  for (const c of element.children) if (c.local === local && isWxrNamespace(c.uri)) return c.text.trim() || null;
  return null;
}

/**
 * The value of a `wp:commentmeta` with key `key`, or null. Staffroom's export
 * writes `staffroom_license`, `staffroom_number` and `staffroom_parent`
 * (app/export/wxr-export.server.ts).
 */
function commentMeta(element: XmlElement, key: string): string | null {
  for (const meta of element.children) {
    if (meta.local === "commentmeta" && isWxrNamespace(meta.uri) && wp(meta, "meta_key") === key) {
      return wp(meta, "meta_value");
    }
  }
  return null;
}

/** The value of a `wp:postmeta` with key `key` (`_thumbnail_id`, `_wp_attachment_image_alt`), or null. */
function postMeta(item: XmlElement, key: string): string | null {
  for (const meta of item.children) {
    if (meta.local === "postmeta" && isWxrNamespace(meta.uri) && wp(meta, "meta_key") === key) {
      return wp(meta, "meta_value");
    }
  }
  return null;
}

/**
 * An attachment item as a cover image: `wp:attachment_url`, the alt text
 * (`_wp_attachment_image_alt`), the caption (the excerpt), and the credit
 * field by field when Staffroom's own export wrote it (`staffroom_credit_*`
 * postmeta, app/export/wxr-export.server.ts). Null without an address.
 */
function attachmentOf(fields: XmlElement, id: string): ImportedAttachment | null {
  const url = wp(fields, "attachment_url");
  if (!url || !/^https?:\/\//i.test(url)) return null;
  const parent = wp(fields, "post_parent");
  const creator = postMeta(fields, "staffroom_credit_creator");
  return {
    sourceId: id,
    parentSourceId: parent && parent !== "0" ? parent : null,
    image: {
      url,
      alt: postMeta(fields, "_wp_attachment_image_alt") ?? "",
      caption: body(fields, "encoded", (u) => u !== NS.content && /\/excerpt\/$/.test(u))?.trim() || null,
      credit: creator
        ? {
            creator,
            sourceName: postMeta(fields, "staffroom_credit_source_name") ?? "",
            sourceUrl: postMeta(fields, "staffroom_credit_source_url"),
            licenseUrl: postMeta(fields, "staffroom_credit_license_url"),
          }
        : null,
    },
  };
}

/** The raw text (untrimmed: bodies keep their white space) of the first child `local` in namespace `uri`. */
function body(element: XmlElement, local: string, uriTest: (uri: string) => boolean): string | null {
  for (const c of element.children) if (c.local === local && uriTest(c.uri)) return c.text;
  return null;
}

/** `wp:comment_approved` as a status: "1" shown, "0" held, "spam", "trash" (and "post-trashed") removed. */
function commentStatus(approved: string | null): ImportedCommentStatus {
  switch (approved) {
    case "1":
    case "approve":
      return "approved";
    case "spam":
      return "spam";
    case "trash":
    case "post-trashed":
      return "deleted";
    default:
      return "pending";
  }
}

/**
 * Why an item is not imported, or null for a post or page that is: attachments
 * and other post types (menu entries, revisions, custom types), and items
 * trashed or never saved. Read from the item's fields so far; WXR writes
 * `wp:post_type` and `wp:status` before the comments.
 */
function skipReason(fields: XmlElement): string | null {
  const type = wp(fields, "post_type") ?? "post";
  if (type === "attachment") return "attachments are files; images keep their addresses in the posts that show them";
  if (type !== "post" && type !== "page") return `WordPress post type "${type}" is not a post or a page`;
  const status = wp(fields, "status") ?? "publish";
  if (status === "trash" || status === "auto-draft" || status === "inherit")
    return `its WordPress status is "${status}"`;
  return null;
}

/** A WordPress author as the items name them (`dc:creator` is the login). */
interface WxrAuthor {
  id: string | null;
  email: string | null;
}

/** The item being read: its fields so far, and comments waiting for its `wp:post_id`. */
interface OpenItem {
  fields: XmlElement;
  waiting: XmlElement[];
}

/** The reader for a WXR file; calls `handlers` through `emit` in file order. */
export function wxrReader(handlers: ImportHandlers, emit: Emit): XmlRecordReader {
  const blog: ImportedBlog = { format: "wxr", title: null, siteUrl: null, licenseNotice: null };
  let blogSent = false;
  let channelLink: string | null = null;
  let baseBlogUrl: string | null = null;
  const authors = new Map<string, WxrAuthor>();
  let item: OpenItem | null = null;

  const sendBlog = () => {
    if (blogSent) return;
    blogSent = true;
    blog.siteUrl = baseBlogUrl ?? channelLink;
    const copy = { ...blog };
    emit(() => handlers.blog(copy));
  };

  const comment = (element: XmlElement, fields: XmlElement) => {
    const postSourceId = wp(fields, "post_id") ?? "";
    const id = wp(element, "comment_id");
    if (!id) throw new ImportFileError("a <wp:comment> has no <wp:comment_id>", element.line);
    // The comments of an item that is not imported (an attachment's, a trashed post's) go with it.
    const itemSkipped = skipReason(fields);
    if (itemSkipped !== null) {
      emit(() =>
        handlers.skipped(`comment ${id}`, `its ${wp(fields, "post_type") ?? "post"} is not imported: ${itemSkipped}`),
      );
      return;
    }
    const rawType = wp(element, "comment_type") ?? "comment";
    if (rawType !== "comment" && rawType !== "pingback" && rawType !== "trackback") {
      emit(() => handlers.skipped(`comment ${id}`, `WordPress comment type "${rawType}" is not a comment`));
      return;
    }
    // Staffroom's own export hangs a reply under a removed or spam comment on its nearest published
    // ancestor (what WordPress shows) and keeps the true parent in `staffroom_parent`: that one wins.
    const parent = commentMeta(element, "staffroom_parent") ?? wp(element, "comment_parent");
    const creator = body(fields, "creator", (u) => u === NS.dc)?.trim();
    const postAuthor = creator ? authors.get(creator) : undefined;
    const userId = wp(element, "comment_user_id");
    const email = wp(element, "comment_author_email");
    const byBlogOwner =
      (!!userId && userId !== "0" && userId === postAuthor?.id) ||
      (!!email && !!postAuthor?.email && email.toLowerCase() === postAuthor.email.toLowerCase());
    const published = wxrGmtInstant(wp(element, "comment_date_gmt")) ?? instant(wp(element, "comment_date"));
    if (!published) throw new ImportFileError(`comment ${id} has no readable <wp:comment_date_gmt>`, element.line);
    const record: ImportedComment = {
      sourceId: id,
      postSourceId,
      parentSourceId: parent && parent !== "0" ? parent : null,
      authorName: wp(element, "comment_author"),
      authorEmail: email,
      authorUrl: wp(element, "comment_author_url"),
      byBlogOwner,
      published,
      html: body(element, "comment_content", isWxrNamespace) ?? "",
      status: commentStatus(wp(element, "comment_approved")),
      type: rawType,
      oldUrls: [],
      licenseUrl: commentMeta(element, "staffroom_license"),
    };
    emit(() => handlers.comment(record));
  };

  const post = (fields: XmlElement) => {
    const id = wp(fields, "post_id");
    const type = wp(fields, "post_type") ?? "post";
    const title = body(fields, "title", (u) => u === "")?.trim() ?? "";
    const what = `${type} ${id ?? "without an id"}${title ? ` "${title}"` : ""}`;
    if (!id) throw new ImportFileError(`an <item> (${what}) has no <wp:post_id>`, fields.line);
    const why = skipReason(fields);
    // An attachment may be a post's cover (its `_thumbnail_id`, before or after it in the file).
    const attachment = type === "attachment" && handlers.attachment ? attachmentOf(fields, id) : null;
    if (attachment) {
      emit(() => handlers.attachment?.(attachment));
      return;
    }
    if (why !== null || (type !== "post" && type !== "page")) {
      emit(() => handlers.skipped(what, why ?? ""));
      return;
    }
    const wpStatus = wp(fields, "status") ?? "publish";
    // "future" is scheduled: published with its (later) date, which Staffroom keeps hidden until then
    // (without a readable date it stays a draft). "private" and "pending" are not public yet: drafts.
    const live = wpStatus === "publish";
    // A draft's date is kept when it has one (WordPress writes 0000-00-00 for a draft never published).
    const gmtDate = wxrGmtInstant(wp(fields, "post_date_gmt"));
    const scheduled = wpStatus === "future" && gmtDate !== null;
    const link = body(fields, "link", (u) => u === "")?.trim() || null;
    const guid = body(fields, "guid", (u) => u === "")?.trim() || null;
    const base = baseBlogUrl ?? channelLink;
    const oldUrls: string[] = [];
    const add = (url: string | null) => {
      if (url && /^https?:\/\//.test(url) && !oldUrls.includes(url)) oldUrls.push(url);
    };
    if (live) add(link);
    add(guid);
    if (base) add(`${base}/?${type === "page" ? "page_id" : "p"}=${id}`);
    const tags: string[] = [];
    const tagUrls: { tag: string; url: string }[] = [];
    for (const category of childrenNamed(fields, "category", "")) {
      const domain = attribute(category, "domain");
      if (domain !== "category" && domain !== "post_tag") continue;
      // "Uncategorized" is WordPress's placeholder on every post filed nowhere, not the writer's tag.
      const nicename = attribute(category, "nicename");
      if (domain === "category" && nicename === "uncategorized") continue;
      const name = category.text.trim();
      if (name && !tags.includes(name)) tags.push(name);
      // The tag's page on the old site (WordPress's default `category_base` and `tag_base`).
      if (name && nicename && base)
        tagUrls.push({ tag: name, url: `${base}/${domain === "category" ? "category" : "tag"}/${nicename}/` });
    }
    const creator = body(fields, "creator", (u) => u === NS.dc)?.trim() || null;
    const record: ImportedPost = {
      sourceId: id,
      kind: type,
      title,
      html: body(fields, "encoded", (u) => u === NS.content) ?? "",
      summary: body(fields, "encoded", (u) => u !== NS.content && /\/excerpt\/$/.test(u))?.trim() || null,
      published: live
        ? (wxrGmtInstant(wp(fields, "post_date_gmt")) ?? instant(body(fields, "pubDate", (u) => u === "")))
        : gmtDate,
      updated: wxrGmtInstant(wp(fields, "post_modified_gmt")),
      status: live || scheduled ? "published" : "draft",
      tags,
      authorSourceId: creator,
      oldUrls,
      slugHint: wp(fields, "post_name"),
      commentsOpen: (wp(fields, "comment_status") ?? "open") === "open",
      tagUrls,
      coverSourceId: postMeta(fields, "_thumbnail_id"),
    };
    emit(() => handlers.post(record));
  };

  return {
    open(path, element) {
      // <rss>, <channel> and <item> are walked; everything inside <channel> and <item> is captured child by child.
      if (path.length < 2) return false;
      if (path.length === 2 && element.local === "item" && element.uri === "") {
        sendBlog();
        item = {
          fields: { uri: "", local: "item", attributes: new Map(), text: "", children: [], line: element.line },
          waiting: [],
        };
        return false;
      }
      return true;
    },
    record(element, path) {
      if (path.length === 3 && item) {
        if (element.local === "comment" && isWxrNamespace(element.uri)) {
          if (wp(item.fields, "post_id")) comment(element, item.fields);
          else item.waiting.push(element);
        } else {
          item.fields.children.push(element);
        }
        return;
      }
      if (path.length !== 2) return;
      if (element.uri === "" && element.local === "title") blog.title = element.text.trim() || null;
      else if (element.uri === "" && element.local === "link")
        channelLink = withoutTrailingSlash(element.text.trim()) || null;
      else if (isWxrNamespace(element.uri) && element.local === "base_blog_url") {
        baseBlogUrl = withoutTrailingSlash(element.text.trim()) || null;
      } else if (isWxrNamespace(element.uri) && element.local === "author") {
        sendBlog();
        const login = wp(element, "author_login");
        if (!login) return;
        const email = wp(element, "author_email");
        authors.set(login, { id: wp(element, "author_id"), email });
        const author = {
          sourceId: login,
          name: wp(element, "author_display_name") ?? login,
          email,
          url: null,
        };
        emit(() => handlers.author(author));
      }
    },
    close(local, path) {
      if (local !== "item" || path.length !== 2 || !item) return;
      const { fields, waiting } = item;
      item = null;
      for (const c of waiting) comment(c, fields);
      post(fields);
    },
    end() {
      sendBlog();
    },
  };
}
