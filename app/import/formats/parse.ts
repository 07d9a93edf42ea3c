/**
 * Reading any export an import accepts: the one entry point the import
 * command and the admin page call. The file's first character tells JSON
 * from XML; the format is then told from the root element or the JSON's
 * first member (app/import/formats/detect.ts), and the same stream goes on
 * through that format's reader; nothing is read twice and nothing is kept whole.
 */
import type { Readable } from "node:stream";
import { type ExportFormat, type ImportHandlers, ImportFileError } from "../model";
import { bloggerAtomReader } from "./blogger-atom";
import { bloggerTakeoutReader } from "./blogger-takeout";
import { ACCEPTED_FORMATS, assertXmlStart, detectFormat, isJsonStart } from "./detect";
import { disqusReader } from "./disqus";
import { readStaffroomJson } from "./staffroom-json";
import { wxrReader } from "./wxr";
import { readXml } from "./xml";

const READERS = {
  "blogger-atom": bloggerAtomReader,
  "blogger-takeout": bloggerTakeoutReader,
  wxr: wxrReader,
  disqus: disqusReader,
} as const;

/**
 * Streams an export (bytes or text, e.g. `fs.createReadStream(file)`; JSON in UTF-8)
 * and calls `handlers` in file order as records are read: `blog` first, then
 * authors, posts, comments and skipped items (a comment may come before its
 * post or its parent). Each handler call is awaited before the next, so a
 * handler may write to a database as it goes.
 *
 * @returns the format the content was recognised as.
 * @throws ImportFileError (with line and column, or for JSON a path such as
 *   `posts[3].comments[7].createdAt`) for a file that is neither XML nor JSON,
 *   not an accepted format, JSON other than a Staffroom export of the version
 *   this code reads or not matching its schema (./staffroom-json.ts), not UTF-8 JSON, malformed, truncated or hostile (DOCTYPE/ENTITY
 *   declarations, nesting deeper than 64, attributes over 64 Ki characters,
 *   text over 16 Mi characters); whatever a handler throws is passed on.
 */
export async function parseExport(
  input: AsyncIterable<string | Buffer> | Readable,
  handlers: ImportHandlers,
): Promise<ExportFormat> {
  const { start, rest } = await peekStart(input);
  if (isJsonStart(start)) {
    await readStaffroomJson(utf8Text(rest), handlers);
    return "staffroom-json";
  }
  let format: ExportFormat | null = null;
  await readXml(
    rest,
    (root, emit) => {
      format = detectFormat(root);
      return READERS[format](handlers, emit);
    },
    assertXmlStart,
  );
  if (format === null) throw new ImportFileError(`the file is empty; ${ACCEPTED_FORMATS}`, 1, null);
  return format;
}

/** A UTF-8 byte-order mark, which is not part of the document. */
const BOM = "\uFEFF";

/**
 * The input's first characters that are not white space (or a byte-order
 * mark), read without losing anything: `rest` yields the whole input again,
 * from its first chunk.
 */
async function peekStart(
  input: AsyncIterable<string | Buffer> | Readable,
): Promise<{ start: string; rest: AsyncIterable<string | Buffer> }> {
  const iterator = (input as AsyncIterable<string | Buffer>)[Symbol.asyncIterator]();
  const read: (string | Buffer)[] = [];
  let start = "";
  let ended = false;
  while (start === "") {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    read.push(next.value);
    const text = typeof next.value === "string" ? next.value : next.value.subarray(0, 64).toString("latin1");
    start = text.replace(/^(?:\uFEFF|\xEF\xBB\xBF|[\s\0\xFE\xFF])+/, "").slice(0, 64);
  }
  async function* rest(): AsyncGenerator<string | Buffer> {
    yield* read;
    if (ended) return;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  return { start, rest: rest() };
}

/**
 * Bytes decoded as UTF-8 (RFC 8259 §8.1: JSON exchanged between systems is
 * UTF-8), a leading byte-order mark dropped; text passed on as it is.
 * @throws ImportFileError for bytes that are not UTF-8.
 */
async function* utf8Text(input: AsyncIterable<string | Buffer>): AsyncGenerator<string> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let first = true;
  const strip = (text: string) => {
    if (first && text.length > 0) {
      first = false;
      return text.startsWith(BOM) ? text.slice(1) : text;
    }
    return text;
  };
  try {
    for await (const chunk of input)
      yield strip(typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true }));
    yield strip(decoder.decode());
  } catch (error) {
    if (error instanceof TypeError) {
      throw new ImportFileError("the file is not UTF-8 text; a Staffroom JSON export is written in UTF-8", null, null);
    }
    throw error;
  }
}
