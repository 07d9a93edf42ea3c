import { readFile } from "node:fs/promises";
import type { ImportSource } from "./apply.server";
import {
  type ImportedAuthor,
  type ImportedBlog,
  type ImportedComment,
  ImportFileError,
  type ImportedPost,
} from "./model";

/**
 * A STAND-IN source for `npm run import` until the export parsers
 * (app/import/formats/) are in: reads a JSON file holding the import model
 * itself, `{ blog, authors, posts, comments }` (the shapes of ./model.ts),
 * and hands it on in that order. It reads the whole file into memory, which
 * the streaming parsers do not; it is meant for tests and hand-made files.
 * Throws `ImportFileError` when the file is not JSON of that shape.
 */
export function jsonModelSource(file: string): ImportSource {
  return async (handlers) => {
    let data: {
      blog?: ImportedBlog;
      authors?: ImportedAuthor[];
      posts?: ImportedPost[];
      comments?: ImportedComment[];
    };
    try {
      data = JSON.parse(await readFile(file, "utf8"));
    } catch (error) {
      throw new ImportFileError(`${file} is not a JSON import model: ${(error as Error).message}`);
    }
    if (!data || typeof data !== "object" || !data.blog || !Array.isArray(data.posts)) {
      throw new ImportFileError(`${file} is not a JSON import model: expected { blog, authors, posts, comments }.`);
    }
    await handlers.blog(data.blog);
    for (const author of data.authors ?? []) await handlers.author(author);
    for (const post of data.posts) await handlers.post(post);
    for (const comment of data.comments ?? []) await handlers.comment(comment);
  };
}
