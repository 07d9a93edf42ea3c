/**
 * Disqus's export: `<disqus xmlns="http://disqus.com"
 * xmlns:dsq="http://disqus.com/disqus-internals">` holding `<category>`
 * elements, then one `<thread dsq:id>` per page that had comments (its `link`,
 * `title`, `createdAt`, `isClosed`, `isDeleted`), then one `<post dsq:id>` per
 * comment (`message` HTML, `createdAt`, `isDeleted`, `isSpam`, `author`, the
 * `thread dsq:id` it belongs to and the `parent dsq:id` it answers).
 *
 * A thread is not a post: Disqus never held the article. Each becomes a
 * placeholder post (empty `html`, its link first in `oldUrls`) that the
 * importer matches to a Staffroom post by that link.
 */
import { type ImportHandlers, type ImportedComment, type ImportedPost, ImportFileError } from "../model";
import { NS } from "./detect";
import { instant } from "./instants";
import { type Emit, type XmlElement, type XmlRecordReader, attribute, child, childText } from "./xml";

/** The `dsq:id` of an element. */
function dsqId(element: XmlElement | null): string | null {
  return element ? attribute(element, "id", NS.disqusInternals) : null;
}

/** A Disqus boolean child ("true"/"false"). */
function flag(element: XmlElement, local: string): boolean {
  return childText(element, local, NS.disqus) === "true";
}

/** The reader for a Disqus export; calls `handlers` through `emit` in file order. */
export function disqusReader(handlers: ImportHandlers, emit: Emit): XmlRecordReader {
  // The username that opened each thread (its site's moderator): one short string per thread.
  const threadOwners = new Map<string, string>();
  // Threads deleted on Disqus: their comments go with them.
  const deletedThreads = new Set<string>();

  const thread = (element: XmlElement) => {
    const id = dsqId(element);
    if (!id) throw new ImportFileError("a <thread> has no dsq:id", element.line);
    const link = childText(element, "link", NS.disqus);
    const title = childText(element, "title", NS.disqus) ?? "";
    if (flag(element, "isDeleted")) {
      deletedThreads.add(id);
      emit(() => handlers.skipped(`thread ${id} (${link ?? title})`, "it was deleted on Disqus"));
      return;
    }
    const author = child(element, "author", NS.disqus);
    const username = author ? childText(author, "username", NS.disqus) : null;
    if (username) threadOwners.set(id, username);
    const record: ImportedPost = {
      sourceId: id,
      kind: "post",
      title,
      html: "",
      summary: null,
      published: instant(childText(element, "createdAt", NS.disqus)),
      updated: null,
      status: "published",
      tags: [],
      authorSourceId: null,
      oldUrls: link ? [link] : [],
      slugHint: null,
      commentsOpen: !flag(element, "isClosed"),
    };
    emit(() => handlers.post(record));
  };

  const post = (element: XmlElement) => {
    const id = dsqId(element);
    if (!id) throw new ImportFileError("a <post> has no dsq:id", element.line);
    const threadId = dsqId(child(element, "thread", NS.disqus));
    if (!threadId)
      throw new ImportFileError(`post ${id} has no <thread dsq:id=…>; expected the thread it belongs to`, element.line);
    if (deletedThreads.has(threadId)) {
      emit(() => handlers.skipped(`comment ${id}`, "its thread was deleted on Disqus"));
      return;
    }
    const published = instant(childText(element, "createdAt", NS.disqus));
    if (!published) throw new ImportFileError(`post ${id} has no readable <createdAt>`, element.line);
    const author = child(element, "author", NS.disqus);
    const username = author ? childText(author, "username", NS.disqus) : null;
    const record: ImportedComment = {
      sourceId: id,
      postSourceId: threadId,
      parentSourceId: dsqId(child(element, "parent", NS.disqus)),
      authorName: author ? childText(author, "name", NS.disqus) : null,
      authorEmail: author ? childText(author, "email", NS.disqus) : null,
      authorUrl: author ? childText(author, "url", NS.disqus) : null,
      byBlogOwner: !!username && threadOwners.get(threadId) === username,
      published,
      html: child(element, "message", NS.disqus)?.text ?? "",
      status: flag(element, "isDeleted")
        ? "deleted"
        : flag(element, "isSpam")
          ? "spam"
          : childText(element, "isApproved", NS.disqus) === "false"
            ? "pending"
            : "approved",
      type: "comment",
      oldUrls: [],
    };
    emit(() => handlers.comment(record));
  };

  emit(() => handlers.blog({ format: "disqus", title: null, siteUrl: null, licenseNotice: null }));

  return {
    open(path) {
      return path.length === 1;
    },
    record(element) {
      if (element.uri !== NS.disqus) return;
      if (element.local === "thread") thread(element);
      else if (element.local === "post") post(element);
    },
    end() {},
  };
}
