/**
 * Blogger's classic export ("Back up content" in Blogger's settings): one Atom
 * `<feed>` whose entries are told apart by a category in the scheme
 * `http://schemas.google.com/g/2005#kind`, term `…/blogger/2008/kind#post`,
 * `#page`, `#comment`, `#settings` or `#template`.
 *
 * A comment names its post with `thr:in-reply-to ref=` (the post's entry id)
 * and the comment it answers with `<link rel="related">`, the parent's feed
 * address ("…/feeds/BLOG/POST/comments/default/PARENT"). A removed comment
 * carries `gd:extendedProperty name="blogger.contentRemoved" value="true"`.
 * The classic export holds only published comments: Blogger leaves pending
 * and spam ones out of it.
 */
import {
  type ImportHandlers,
  type ImportedBlog,
  type ImportedComment,
  type ImportedPost,
  ImportFileError,
} from "../model";
import { atomAuthor, atomLink, bloggerEntryId, bloggerSlug, withoutTrailingSlash } from "./atom";
import { ACCEPTED_FORMATS, NS } from "./detect";
import { instant } from "./instants";
import { type Emit, type XmlElement, type XmlRecordReader, attribute, child, childText, childrenNamed } from "./xml";

const KIND_PREFIX = "http://schemas.google.com/blogger/2008/kind#";

/** A Creative Commons address in a template or gadget: the sign that the blog states a licence. */
const CC_URL = /https?:\/\/creativecommons\.org\/(?:licenses|publicdomain)\/[a-z0-9.\-/]+/i;

/**
 * The licence notice in a Blogger template or gadget's HTML: the text around
 * its Creative Commons link, tags removed, followed by the link. Null when the
 * HTML names no Creative Commons licence.
 */
export function licenseNoticeIn(html: string): string | null {
  // The layout escapes gadget HTML once more inside the template: undo that first.
  const unescaped = html
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");
  const match = CC_URL.exec(unescaped);
  if (!match) return null;
  const before = unescaped.slice(Math.max(0, match.index - 300), match.index);
  const after = unescaped.slice(match.index, match.index + 500);
  // Keep from the start of the element holding the link to the end of its sentence.
  const start = Math.max(before.lastIndexOf("<div"), before.lastIndexOf("<p"), before.lastIndexOf("<span"));
  const text = `${before.slice(Math.max(0, start))}${after}`
    .replace(/^[^<]*>/, "")
    .replace(/<[^>]*>?/g, " ")
    .replace(/\s+/g, " ")
    .replace(/ ([.,;])/g, "$1")
    .trim();
  // Up to the end of the sentence that speaks of the licence ("4.0" is no sentence end).
  const sentence = /^.*?licen[sc]e.*?(?:\.(?=\s|$)|$)/i.exec(text)?.[0] ?? text.slice(0, 200);
  return `${sentence.trim()} ${match[0]}`.trim();
}

/** The reader for a classic Blogger export; calls `handlers` through `emit` in file order. */
export function bloggerAtomReader(handlers: ImportHandlers, emit: Emit): XmlRecordReader {
  const blog: ImportedBlog = { format: "blogger-atom", title: null, siteUrl: null, licenseNotice: null };
  let blogSent = false;
  let feedId: string | null = null;
  // Who owns the blog: the feed's author and the authors of its posts (a few, however big the blog).
  const ownerUris = new Set<string>();
  const ownerEmails = new Set<string>();
  const authorsSent = new Set<string>();
  let settings = 0;

  // What comes before the first post (the template, settings) waits, so that `blog`, which
  // carries the licence notice read from the template, is the first thing handed on.
  const held: Array<() => void | Promise<void>> = [];
  const sendBlog = () => {
    if (blogSent) return;
    blogSent = true;
    const copy = { ...blog };
    emit(() => handlers.blog(copy));
    for (const call of held.splice(0)) emit(call);
  };
  const afterBlog = (call: () => void | Promise<void>) => {
    if (blogSent) emit(call);
    else held.push(call);
  };

  const kindOf = (entry: XmlElement): string | null => {
    for (const category of childrenNamed(entry, "category", NS.atom)) {
      if (attribute(category, "scheme") !== NS.bloggerKind) continue;
      const term = attribute(category, "term") ?? "";
      return term.startsWith(KIND_PREFIX) ? term.slice(KIND_PREFIX.length) : term;
    }
    return null;
  };

  const extendedProperty = (entry: XmlElement, name: string): string | null => {
    for (const p of childrenNamed(entry, "extendedProperty", NS.gdata)) {
      if (attribute(p, "name") === name) return attribute(p, "value");
    }
    return null;
  };

  const post = (entry: XmlElement, id: string, kind: "post" | "page") => {
    sendBlog();
    const author = atomAuthor(entry);
    let authorSourceId: string | null = null;
    if (author) {
      authorSourceId = author.uri ?? author.name ?? null;
      if (author.uri) ownerUris.add(author.uri);
      if (author.email) ownerEmails.add(author.email.toLowerCase());
      if (authorSourceId && !authorsSent.has(authorSourceId)) {
        authorsSent.add(authorSourceId);
        const a = {
          sourceId: authorSourceId,
          name: author.name ?? authorSourceId,
          email: author.email,
          url: author.uri,
        };
        emit(() => handlers.author(a));
      }
    }
    // `app:control/app:draft` ("yes") in either Atom Publishing Protocol namespace Blogger has used.
    const draft = childText(child(entry, "control") ?? entry, "draft") === "yes";
    const permalink = atomLink(entry, "alternate", "text/html") ?? atomLink(entry, "alternate");
    const tags: string[] = [];
    for (const category of childrenNamed(entry, "category", NS.atom)) {
      if (attribute(category, "scheme") !== NS.bloggerLabel) continue;
      const term = attribute(category, "term")?.trim();
      if (term && !tags.includes(term)) tags.push(term);
    }
    const record: ImportedPost = {
      sourceId: id,
      kind,
      title: child(entry, "title", NS.atom)?.text.trim() ?? "",
      html: child(entry, "content", NS.atom)?.text ?? "",
      summary: childText(entry, "summary", NS.atom),
      published: draft ? null : instant(childText(entry, "published", NS.atom)),
      updated: instant(childText(entry, "updated", NS.atom)),
      status: draft ? "draft" : "published",
      tags,
      authorSourceId,
      oldUrls: permalink ? [permalink] : [],
      slugHint: permalink ? bloggerSlug(permalink) : null,
      commentsOpen: true,
    };
    emit(() => handlers.post(record));
  };

  const comment = (entry: XmlElement, id: string) => {
    sendBlog();
    const inReplyTo = child(entry, "in-reply-to", NS.thread);
    const postSourceId = inReplyTo ? attribute(inReplyTo, "ref") : null;
    if (!postSourceId) {
      throw new ImportFileError(
        "a comment entry has no <thr:in-reply-to ref=…>; expected the post it belongs to",
        entry.line,
      );
    }
    // `<link rel="related">` is the parent comment's feed address; its last segment is the parent's number.
    let parentSourceId: string | null = null;
    const related = atomLink(entry, "related");
    const parentNumber = related ? /\/(\d+)\/?$/.exec(related)?.[1] : undefined;
    const ids = bloggerEntryId(id);
    if (parentNumber && ids) parentSourceId = `${ids.blog}.post-${parentNumber}`;
    const author = atomAuthor(entry);
    // Blogger names a visitor without a profile "Anonymous": that is no name.
    const anonymous = !author?.uri && (!author?.name || author.name === "Anonymous");
    const byBlogOwner =
      (!!author?.uri && ownerUris.has(author.uri)) || (!!author?.email && ownerEmails.has(author.email.toLowerCase()));
    const alternate = atomLink(entry, "alternate");
    const published = instant(childText(entry, "published", NS.atom));
    if (!published) throw new ImportFileError("a comment entry has no readable <published> date", entry.line);
    const record: ImportedComment = {
      sourceId: id,
      postSourceId,
      parentSourceId,
      authorName: anonymous ? null : (author?.name ?? null),
      authorEmail: author?.email ?? null,
      authorUrl: anonymous ? null : (author?.uri ?? null),
      byBlogOwner,
      published,
      html: child(entry, "content", NS.atom)?.text ?? "",
      status: extendedProperty(entry, "blogger.contentRemoved") === "true" ? "deleted" : "approved",
      type: "comment",
      oldUrls: alternate ? [alternate] : [],
    };
    emit(() => handlers.comment(record));
  };

  return {
    open(path) {
      // Every child of <feed> is small except entries, and entries are the records: capture each.
      return path.length === 1;
    },
    record(element) {
      if (element.uri !== NS.atom) return;
      switch (element.local) {
        case "id":
          feedId = element.text.trim();
          return;
        case "title":
          blog.title = element.text.trim() || null;
          return;
        case "link":
          if ((attribute(element, "rel") ?? "alternate") === "alternate" && !blog.siteUrl) {
            const href = attribute(element, "href");
            if (href) blog.siteUrl = withoutTrailingSlash(href);
          }
          return;
        case "author": {
          const uri = childText(element, "uri", NS.atom);
          const email = childText(element, "email", NS.atom);
          if (uri) ownerUris.add(uri);
          if (email && email.toLowerCase() !== "noreply@blogger.com") ownerEmails.add(email.toLowerCase());
          return;
        }
        case "entry":
          break;
        default:
          return;
      }
      const id = childText(element, "id", NS.atom) ?? "";
      const kind = kindOf(element);
      if (kind === null) {
        if (!feedId?.startsWith("tag:blogger.com")) {
          throw new ImportFileError(
            `this Atom feed is not a Blogger export (its entries carry no Blogger kind category); ${ACCEPTED_FORMATS}`,
            element.line,
          );
        }
        afterBlog(() =>
          handlers.skipped(`entry ${id}`, "it carries no Blogger kind, so it is neither a post nor a comment"),
        );
        return;
      }
      if (kind === "post" || kind === "page") return post(element, id, kind);
      if (kind === "comment") return comment(element, id);
      if (kind === "template") {
        const notice = licenseNoticeIn(child(element, "content", NS.atom)?.text ?? "");
        if (notice && !blog.licenseNotice) blog.licenseNotice = notice;
        afterBlog(() =>
          handlers.skipped(
            "the blog's template",
            "Staffroom has its own layout; only a licence notice is read from it",
          ),
        );
        return;
      }
      if (kind === "settings") {
        // A gadget's or the blog's own settings may hold the licence notice too.
        const notice = licenseNoticeIn(child(element, "content", NS.atom)?.text ?? "");
        if (notice && !blog.licenseNotice) blog.licenseNotice = notice;
        settings += 1;
        return;
      }
      afterBlog(() => handlers.skipped(`entry ${id}`, `Blogger kind "${kind}" is not imported`));
    },
    end() {
      if (settings > 0) {
        const count = settings;
        afterBlog(() => handlers.skipped(`${count} Blogger settings entries`, "Staffroom's settings are its own"));
      }
      sendBlog();
    },
  };
}
