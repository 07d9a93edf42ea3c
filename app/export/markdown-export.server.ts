import { createWriteStream } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Executor } from "../../db/client";
import { postUrl } from "../site/urls.server";
import { readPostComments, readPostForExport, readSiteForExport, type CommentForExport } from "./site-read.server";

/**
 * The site as a folder of Markdown, for people rather than programs: for
 * each post, `<slug>.md` (the post file exactly as the editor writes it,
 * frontmatter and all, so it can be dropped back into content/posts) and,
 * when it has comments, `<slug>.comments.md`: the discussion in reading order,
 * each comment under a heading with its number, name and date (UTC), replies
 * nested below the comment they answer (one heading level deeper, down to
 * level 6), tombstones as "This comment was removed", then the comments that
 * have no number yet (held for moderation, spam). A thread whose post has
 * no readable file is left out here; the JSON export keeps it.
 */

/** What was written: the post files and discussion files, as paths under the folder. */
export interface MarkdownExportResult {
  posts: number;
  files: string[];
}

/**
 * Writes every readable post and its discussion into `dir` (created when
 * missing; files of the same names are replaced). Reads the content under
 * CONTENT_ROOT and the comments in `db`, one post at a time; a discussion is
 * streamed to its file comment by comment. Throws on a read or write error.
 */
export async function writeMarkdownExport(db: Executor, dir: string): Promise<MarkdownExportResult> {
  const site = await readSiteForExport();
  await mkdir(dir, { recursive: true });
  const result: MarkdownExportResult = { posts: 0, files: [] };
  for (const summary of site.posts) {
    const read = await readPostForExport(summary.slug, site.settings);
    if (!read) continue;
    const postFile = `${read.post.slug}.md`;
    await writeFile(path.join(dir, postFile), read.source);
    result.posts++;
    result.files.push(postFile);
    const thread = await readPostComments(db, read.post.slug, site.commentLicense);
    if (thread.length === 0) continue;
    const discussionFile = `${read.post.slug}.comments.md`;
    await pipeline(
      Readable.from(discussionChunks(read.post.title, postUrl(read.post.slug), thread)),
      createWriteStream(path.join(dir, discussionFile)),
    );
    result.files.push(discussionFile);
  }
  return result;
}

function* discussionChunks(title: string, url: string, thread: readonly CommentForExport[]): Generator<string> {
  yield `# Discussion: ${escapeMarkdown(title)}\n\nThe comments on [${escapeMarkdown(title)}](<${url}>). ` +
    "Each comment's number is its number on the site; replies follow the comment they answer.\n";
  const numbered = thread.filter((comment) => comment.number !== null);
  const children = new Map<number | null, CommentForExport[]>();
  for (const comment of numbered) {
    const siblings = children.get(comment.row.parentId) ?? [];
    siblings.push(comment);
    children.set(comment.row.parentId, siblings);
  }
  for (const siblings of children.values()) siblings.sort((a, b) => (a.row.position ?? 0) - (b.row.position ?? 0));
  // Depth-first by number, without recursion: a deep thread cannot overflow the stack.
  const stack = [...(children.get(null) ?? [])].reverse().map((comment) => ({ comment, depth: 0 }));
  while (stack.length > 0) {
    const { comment, depth } = stack.pop()!;
    yield commentMarkdown(comment, Math.min(2 + depth, 6), comment.number!);
    const replies = children.get(comment.row.id) ?? [];
    for (let i = replies.length - 1; i >= 0; i--) stack.push({ comment: replies[i], depth: depth + 1 });
  }
  const byId = new Map(thread.map((comment) => [comment.row.id, comment]));
  for (const [status, heading] of [
    ["pending", "Held for moderation"],
    ["spam", "Spam"],
  ] as const) {
    const unnumbered = thread.filter((comment) => comment.number === null && comment.row.status === status);
    if (unnumbered.length === 0) continue;
    yield `\n## ${heading}\n`;
    for (const comment of unnumbered) {
      const parent = comment.row.parentId === null ? undefined : byId.get(comment.row.parentId);
      const label = parent ? `reply to ${parent.number ?? "an unnumbered comment"}` : "top level";
      yield commentMarkdown(comment, 3, `(${label})`);
    }
  }
}

function commentMarkdown(comment: CommentForExport, level: number, label: string): string {
  const { row } = comment;
  const when = `${row.createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  const hashes = "#".repeat(level);
  if (row.status === "removed") return `\n${hashes} ${label} · ${when}\n\n*This comment was removed.*\n`;
  const name = escapeMarkdown(row.displayName);
  const who = row.website ? `[${name}](<${row.website.replace(/[<>\s]/g, encodeURIComponent)}>)` : name;
  const badge = row.authorKind === "author" ? " (post author)" : "";
  const part = row.partCount > 1 ? ` · Part ${row.partIndex} of ${row.partCount}` : "";
  return `\n${hashes} ${label} · ${who}${badge} · ${when}${part}\n\n${row.body.trimEnd()}\n`;
}

/** Text shown literally in Markdown: the characters that would start markup are backslash-escaped. */
function escapeMarkdown(value: string): string {
  return value.replace(/[\\`*_[\]<>#|!]/g, "\\$&").replace(/\s+/g, " ");
}
