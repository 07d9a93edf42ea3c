/**
 * Blogger's export through Google Takeout (`Takeout/Blogger/Blogs/NAME/feed.atom`):
 * an Atom `<feed>` using the 2018 Blogger namespace
 * `http://schemas.google.com/blogger/2018`. Each entry says what it is in
 * `blogger:type` (POST, PAGE, COMMENT) and what became of it in
 * `blogger:status` (LIVE, DRAFT, SCHEDULED, SOFT_TRASHED, DELETED, PENDING,
 * SPAM…); a comment names its post in `blogger:parent` and the comment it
 * answers in `blogger:inReplyTo` (empty at the top level); a post's path on the
 * blog is `blogger:filename` ("/2013/06/first-day.html").
 *
 * Takeout's feed does not state the blog's address; when it has no
 * `<link rel="alternate">` either, a post's `oldUrls` hold the path alone
 * ("/2013/06/first-day.html") for the importer to join to the address it is given.
 */
import {
  type ImportHandlers,
  type ImportedBlog,
  type ImportedComment,
  type ImportedCommentStatus,
  type ImportedPost,
  ImportFileError,
} from "../model";
import { atomAuthor, atomLink, bloggerEntryId, bloggerSlug, withoutTrailingSlash } from "./atom";
import { NS } from "./detect";
import { instant } from "./instants";
import { type Emit, type XmlElement, type XmlRecordReader, attribute, child, childText, childrenNamed } from "./xml";

/** A comment's `blogger:status` as a Staffroom status; anything unknown is held for moderation. */
function commentStatus(status: string): ImportedCommentStatus {
  switch (status) {
    case "LIVE":
      return "approved";
    case "SPAM":
      return "spam";
    case "DELETED":
    case "SOFT_TRASHED":
    case "TRASHED":
      return "deleted";
    default:
      return "pending";
  }
}

/** The reader for a Takeout `feed.atom`; calls `handlers` through `emit` in file order. */
export function bloggerTakeoutReader(handlers: ImportHandlers, emit: Emit): XmlRecordReader {
  const blog: ImportedBlog = { format: "blogger-takeout", title: null, siteUrl: null, licenseNotice: null };
  let blogSent = false;
  const ownerUris = new Set<string>();
  const authorsSent = new Set<string>();
  // A post's permalink, for its comments' `?showComment=` addresses (one string per post).
  const permalinks = new Map<string, string>();
  // Posts deleted on Blogger: their comments are not imported either (few, whatever the blog's size).
  const deletedPosts = new Set<string>();

  const sendBlog = () => {
    if (blogSent) return;
    blogSent = true;
    const copy = { ...blog };
    emit(() => handlers.blog(copy));
  };

  const bloggerText = (entry: XmlElement, local: string) => childText(entry, local, NS.blogger2018);

  const post = (entry: XmlElement, id: string, kind: "post" | "page", status: string) => {
    if (status === "DELETED" || status === "SOFT_TRASHED" || status === "TRASHED") {
      deletedPosts.add(id);
      sendBlog();
      emit(() => handlers.skipped(`${kind} ${id}`, `it was deleted on Blogger (status ${status})`));
      return;
    }
    sendBlog();
    const author = atomAuthor(entry);
    const authorSourceId = author ? (author.uri ?? author.name) : null;
    if (author?.uri) ownerUris.add(author.uri);
    if (author && authorSourceId && !authorsSent.has(authorSourceId)) {
      authorsSent.add(authorSourceId);
      const a = { sourceId: authorSourceId, name: author.name ?? authorSourceId, email: author.email, url: author.uri };
      emit(() => handlers.author(a));
    }
    const filename = bloggerText(entry, "filename");
    const permalink = filename
      ? blog.siteUrl
        ? `${blog.siteUrl}${filename.startsWith("/") ? "" : "/"}${filename}`
        : filename
      : atomLink(entry, "alternate");
    if (permalink) permalinks.set(id, permalink);
    const tags: string[] = [];
    for (const category of childrenNamed(entry, "category", NS.atom)) {
      const term = attribute(category, "term")?.trim();
      if (term && !tags.includes(term)) tags.push(term);
    }
    const live = status === "LIVE";
    const record: ImportedPost = {
      sourceId: id,
      kind,
      title: child(entry, "title", NS.atom)?.text.trim() ?? "",
      html: child(entry, "content", NS.atom)?.text ?? "",
      summary: bloggerText(entry, "metaDescription") ?? childText(entry, "summary", NS.atom),
      published: live ? instant(childText(entry, "published", NS.atom)) : null,
      updated: instant(childText(entry, "updated", NS.atom)),
      status: live ? "published" : "draft",
      tags,
      authorSourceId,
      oldUrls: permalink ? [permalink] : [],
      slugHint: filename ? bloggerSlug(filename) : permalink ? bloggerSlug(permalink) : null,
      commentsOpen: true,
    };
    emit(() => handlers.post(record));
  };

  const comment = (entry: XmlElement, id: string, status: string) => {
    sendBlog();
    const postSourceId = bloggerText(entry, "parent");
    if (!postSourceId) {
      throw new ImportFileError("a COMMENT entry has no <blogger:parent>; expected the post it belongs to", entry.line);
    }
    if (deletedPosts.has(postSourceId)) {
      emit(() => handlers.skipped(`comment ${id}`, "its post was deleted on Blogger"));
      return;
    }
    // `inReplyTo` holds the parent comment's id, whole or as its number alone.
    const inReplyTo = bloggerText(entry, "inReplyTo");
    const ids = bloggerEntryId(id);
    const parentSourceId = inReplyTo
      ? /^\d+$/.test(inReplyTo) && ids
        ? `${ids.blog}.post-${inReplyTo}`
        : inReplyTo
      : null;
    const author = atomAuthor(entry);
    const authorType = author ? childText(author.element, "type", NS.blogger2018) : null;
    const anonymous = authorType === "ANONYMOUS" ? !author?.name || author.name === "Anonymous" : !author?.name;
    const published = instant(childText(entry, "published", NS.atom));
    if (!published) throw new ImportFileError("a COMMENT entry has no readable <published> date", entry.line);
    const trashed = bloggerText(entry, "trashed");
    const permalink = permalinks.get(postSourceId);
    const record: ImportedComment = {
      sourceId: id,
      postSourceId,
      parentSourceId,
      authorName: anonymous ? null : (author?.name ?? null),
      authorEmail: author?.email ?? null,
      authorUrl: author?.uri ?? null,
      byBlogOwner: !!author?.uri && ownerUris.has(author.uri),
      published,
      html: child(entry, "content", NS.atom)?.text ?? "",
      status: trashed ? "deleted" : commentStatus(status),
      type: "comment",
      // Blogger's comment permalink: the post's address with the comment's time in ms and its number.
      oldUrls: permalink && ids ? [`${permalink}?showComment=${Date.parse(published)}#c${ids.item}`] : [],
    };
    sendBlog();
    emit(() => handlers.comment(record));
  };

  return {
    open(path) {
      return path.length === 1;
    },
    record(element) {
      if (element.uri !== NS.atom) return;
      if (element.local === "title") {
        blog.title = element.text.trim() || null;
        return;
      }
      if (element.local === "link") {
        if ((attribute(element, "rel") ?? "alternate") === "alternate" && !blog.siteUrl) {
          const href = attribute(element, "href");
          if (href) blog.siteUrl = withoutTrailingSlash(href);
        }
        return;
      }
      if (element.local !== "entry") return;
      const id = childText(element, "id", NS.atom) ?? "";
      const type = (bloggerText(element, "type") ?? "").toUpperCase();
      const status = (bloggerText(element, "status") ?? "LIVE").toUpperCase();
      if (type === "POST") return post(element, id, "post", status);
      if (type === "PAGE") return post(element, id, "page", status);
      if (type === "COMMENT") return comment(element, id, status);
      sendBlog();
      emit(() => handlers.skipped(`entry ${id}`, `Blogger type "${type || "none"}" is not imported`));
    },
    end() {
      sendBlog();
    },
  };
}
