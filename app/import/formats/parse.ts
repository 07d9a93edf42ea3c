/**
 * Reading any export an import accepts: the one entry point the import
 * command and the admin page call. The format is told from the root element
 * (app/import/formats/detect.ts), then the same stream goes on through that
 * format's reader; nothing is read twice and nothing is kept whole.
 */
import type { Readable } from "node:stream";
import { type ExportFormat, type ImportHandlers, ImportFileError } from "../model";
import { bloggerAtomReader } from "./blogger-atom";
import { bloggerTakeoutReader } from "./blogger-takeout";
import { ACCEPTED_FORMATS, assertXmlStart, detectFormat } from "./detect";
import { disqusReader } from "./disqus";
import { wxrReader } from "./wxr";
import { readXml } from "./xml";

const READERS = {
  "blogger-atom": bloggerAtomReader,
  "blogger-takeout": bloggerTakeoutReader,
  wxr: wxrReader,
  disqus: disqusReader,
} as const;

/**
 * Streams an export (UTF-8 bytes or text, e.g. `fs.createReadStream(file)`)
 * and calls `handlers` in file order as records are read: `blog` first, then
 * authors, posts, comments and skipped items (a comment may come before its
 * post or its parent). Each handler call is awaited before the next, so a
 * handler may write to a database as it goes.
 *
 * @returns the format the content was recognised as.
 * @throws ImportFileError (with line and column) for a file that is not XML,
 *   not an accepted format, malformed, truncated or hostile (DOCTYPE/ENTITY
 *   declarations, nesting deeper than 64, attributes over 64 Ki characters,
 *   text over 16 Mi characters); whatever a handler throws is passed on.
 */
export async function parseExport(
  input: AsyncIterable<string | Buffer> | Readable,
  handlers: ImportHandlers,
): Promise<ExportFormat> {
  let format: ExportFormat | null = null;
  await readXml(
    input,
    (root, emit) => {
      format = detectFormat(root);
      return READERS[format](handlers, emit);
    },
    assertXmlStart,
  );
  if (format === null) throw new ImportFileError(`the file is empty; ${ACCEPTED_FORMATS}`, 1, null);
  return format;
}
