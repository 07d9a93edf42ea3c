/**
 * Reading an export's XML safely and as a stream: the one place an import
 * touches raw XML. It wraps saxes (a non-validating streaming parser that
 * never loads a DTD nor expands a declared entity) and adds the refusals an
 * upload from a stranger needs: any DOCTYPE (so no external entity and no
 * "billion laughs" expansion), nesting deeper than a bound, an attribute or a
 * text run longer than a bound. Every refusal and every syntax error becomes
 * an `ImportFileError` naming the line and column and what was expected.
 *
 * Records are captured as small element trees ("an entry", "an item", "a
 * comment") and handed on one at a time, so memory follows the largest record,
 * never the file.
 */
import type { Readable } from "node:stream";
import { SaxesParser, type SaxesTagNS } from "saxes";
import { ImportFileError } from "../model";

/** The bounds an import holds any file to. */
export const XML_LIMITS = {
  /** Elements open at once, root included. Real exports nest under 10 deep. */
  maxDepth: 64,
  /** Characters in one attribute value (64 Ki). */
  maxAttributeChars: 64 * 1024,
  /** Characters of text (and CDATA) in one element: a post body of 16 Mi characters is far beyond any real one. */
  maxTextChars: 16 * 1024 * 1024,
  /** Characters one captured record (an entry, an item, a comment) may hold in all. */
  maxRecordChars: 64 * 1024 * 1024,
  /** Elements one captured record may hold: a Blogger entry has about twenty. */
  maxRecordElements: 100_000,
  /** Attributes on one element: real exports write at most a handful. */
  maxAttributes: 256,
} as const;

/** Input is fed to the parser in pieces of this many characters, so the limits are checked often. */
const PIECE_CHARS = 64 * 1024;

/** An element of a captured record: its namespace and local name, attributes, text and child elements. */
export interface XmlElement {
  /** Namespace URI ("" for none). */
  uri: string;
  local: string;
  /** Attribute values keyed by `"{uri}local"`, or `local` for attributes without a namespace. */
  attributes: Map<string, string>;
  /** Text and CDATA directly inside the element, concatenated, entities decoded. */
  text: string;
  children: XmlElement[];
  /** 1-based line where the element opens, for messages. */
  line: number;
}

/** The root element as detection sees it: its name, namespace and the namespaces it declares. */
export interface XmlRoot {
  uri: string;
  local: string;
  /** Declared namespaces: prefix ("" for the default) to URI. */
  namespaces: Record<string, string>;
  line: number;
}

/**
 * What a format reader does with the stream of elements. `open` is called for
 * every element with the path of open elements above it (root first); when it
 * returns true the element is captured and handed to `record` whole once it
 * closes; its descendants are then not offered to `open`.
 */
export interface XmlRecordReader {
  open(path: readonly string[], element: XmlElement): boolean;
  record(element: XmlElement, path: readonly string[]): void;
  /** Called when an element that was not captured closes (`path` is its ancestors), e.g. a WXR `<item>` whose children were captured one by one. */
  close?(local: string, path: readonly string[]): void;
  /** Called once after the root closes. */
  end(): void;
}

/** Queued work of a reader (handler calls); awaited between pieces so async handlers keep order and back-pressure. */
export type Emit = (call: () => void | Promise<void>) => void;

/** An attribute's value by local name (no namespace) or `{uri}local`. */
export function attribute(element: XmlElement, local: string, uri = ""): string | null {
  return element.attributes.get(uri === "" ? local : `{${uri}}${local}`) ?? null;
}

/** The first child with this local name (in namespace `uri` when given, else any namespace), or null. */
export function child(element: XmlElement, local: string, uri?: string): XmlElement | null {
  for (const c of element.children) if (c.local === local && (uri === undefined || c.uri === uri)) return c;
  return null;
}

/** Every child with this local name (in namespace `uri` when given). */
export function childrenNamed(element: XmlElement, local: string, uri?: string): XmlElement[] {
  return element.children.filter((c) => c.local === local && (uri === undefined || c.uri === uri));
}

/** The trimmed text of the first such child, or null when it is missing or empty. */
export function childText(element: XmlElement, local: string, uri?: string): string | null {
  const text = child(element, local, uri)?.text.trim();
  return text ? text : null;
}

/** A readable name for an element in messages: `<wp:comment>` style is not known here, so `<local>`. */
function show(local: string): string {
  return `<${local}>`;
}

/** saxes prefixes its messages with "line:column: "; the ImportFileError carries those itself. */
function stripPosition(message: string): string {
  return message.replace(/^\d+:\d+: /, "");
}

/**
 * The decoder for a file, from its first bytes: a UTF-16 byte-order mark, or
 * the `encoding` its XML declaration names (old WordPress sites export in
 * ISO-8859-1 or windows-1252), else UTF-8.
 * @throws ImportFileError when the declared encoding is unknown.
 */
function decoderFor(head: Buffer): TextDecoder {
  if (head[0] === 0xff && head[1] === 0xfe) return new TextDecoder("utf-16le");
  if (head[0] === 0xfe && head[1] === 0xff) return new TextDecoder("utf-16be");
  const declared = /^(?:\uFEFF)?<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(
    head.subarray(0, 200).toString("latin1"),
  )?.[1];
  try {
    return new TextDecoder(declared ?? "utf-8");
  } catch {
    throw new ImportFileError(
      `the file declares the encoding "${declared}", which an import cannot read; save it as UTF-8`,
      1,
      null,
    );
  }
}

/** Bytes to hold back before choosing a decoder: enough for any XML declaration. */
const HEAD_BYTES = 256;

async function* chunksOf(input: AsyncIterable<string | Buffer> | Readable): AsyncGenerator<string> {
  let decoder: TextDecoder | null = null;
  let head: Buffer[] = [];
  let headBytes = 0;
  let first = true;
  function* pieces(text: string): Generator<string> {
    let rest = text;
    if (first && rest.length > 0) {
      // A byte-order mark is not part of the document.
      if (rest.charCodeAt(0) === 0xfeff) rest = rest.slice(1);
      first = false;
    }
    for (let i = 0; i < rest.length; i += PIECE_CHARS) yield rest.slice(i, i + PIECE_CHARS);
  }
  for await (const chunk of input as AsyncIterable<string | Buffer>) {
    if (typeof chunk === "string") {
      yield* pieces(chunk);
      continue;
    }
    if (decoder === null) {
      head.push(chunk);
      headBytes += chunk.length;
      if (headBytes < HEAD_BYTES) continue;
      const bytes = Buffer.concat(head);
      head = [];
      decoder = decoderFor(bytes);
      yield* pieces(decoder.decode(bytes, { stream: true }));
      continue;
    }
    yield* pieces(decoder.decode(chunk, { stream: true }));
  }
  if (decoder === null && headBytes > 0) {
    const bytes = Buffer.concat(head);
    decoder = decoderFor(bytes);
    yield* pieces(decoder.decode(bytes, { stream: true }));
  }
  if (decoder) yield* pieces(decoder.decode());
}

/**
 * Streams `input` (bytes in UTF-8, UTF-16 or the encoding the XML declaration names; or text) through saxes. `chooseReader` is
 * called once with the root element and returns the reader for the rest (it
 * throws `ImportFileError` for a root no format has). Handler calls the
 * readers queue through `emit` are awaited in order as the file is read.
 *
 * @throws ImportFileError for anything that is not well-formed XML, a DOCTYPE,
 *   nesting deeper than `XML_LIMITS.maxDepth`, an attribute or text beyond the
 *   limits, a file that ends early, or a file with no root element.
 */
export async function readXml(
  input: AsyncIterable<string | Buffer> | Readable,
  chooseReader: (root: XmlRoot, emit: Emit) => XmlRecordReader,
  checkStart: (start: string) => void = () => {},
): Promise<void> {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const queue: Array<() => void | Promise<void>> = [];
  const emit: Emit = (call) => {
    queue.push(call);
  };
  const refuse = (message: string, line = parser.line, column: number | null = parser.column): never => {
    throw new ImportFileError(message, line, column);
  };

  let reader: XmlRecordReader | null = null;
  // Names of the open elements, root first; and where each opened, for "ends inside" messages.
  const path: string[] = [];
  const openedOn: Array<{ name: string; line: number }> = [];
  // The record being captured: its open elements (innermost last) and the characters it holds.
  const capture: XmlElement[] = [];
  let captureChars = 0;
  let captureElements = 0;
  let attributeCount = 0;
  let rootClosed = false;
  // Position of the last event: a gap longer than a text node may be is one token growing without bound.
  let lastEvent = 0;

  const addText = (text: string) => {
    const into = capture[capture.length - 1];
    if (!into) return;
    if (into.text.length + text.length > XML_LIMITS.maxTextChars) {
      refuse(
        `${show(into.local)} (opened on line ${into.line}) holds more than ${XML_LIMITS.maxTextChars} characters of text; no export needs that much`,
      );
    }
    captureChars += text.length;
    if (captureChars > XML_LIMITS.maxRecordChars) {
      refuse(`the record opened on line ${capture[0]?.line} holds more than ${XML_LIMITS.maxRecordChars} characters`);
    }
    into.text += text;
  };

  parser.on("error", (error) => refuse(`${stripPosition(error.message)}; the file is not well-formed XML`));
  // saxes reports a DOCTYPE where it ends; the person fixing the file wants where it begins.
  let doctypeLine: number | null = null;
  parser.on("doctype", (doctype) => {
    const what = /<!ENTITY/i.test(doctype) ? "an ENTITY declaration (inside a DOCTYPE)" : "a DOCTYPE declaration";
    const ends = parser.line;
    refuse(
      `the file contains ${what}${doctypeLine !== null && doctypeLine !== ends ? ` (lines ${doctypeLine} to ${ends})` : ""}; an export never needs one, and an import refuses them so that no external entity is fetched and no entity is expanded`,
      doctypeLine ?? ends,
      doctypeLine === null ? parser.column : null,
    );
  });
  parser.on("opentagstart", () => {
    lastEvent = parser.position;
    attributeCount = 0;
  });
  parser.on("attribute", (attr) => {
    lastEvent = parser.position;
    attributeCount += 1;
    if (attributeCount > XML_LIMITS.maxAttributes) {
      refuse(`an element has more than ${XML_LIMITS.maxAttributes} attributes; no export writes that many`);
    }
    if (attr.value.length > XML_LIMITS.maxAttributeChars) {
      refuse(`the attribute ${attr.name} is longer than ${XML_LIMITS.maxAttributeChars} characters`);
    }
  });
  parser.on("opentag", (tag: SaxesTagNS) => {
    lastEvent = parser.position;
    if (rootClosed) refuse(`a second root element <${tag.name}>; expected the end of the file`);
    if (path.length + 1 > XML_LIMITS.maxDepth) {
      refuse(`elements nest more than ${XML_LIMITS.maxDepth} deep (at <${tag.name}>); no export nests that deep`);
    }
    const attributes = new Map<string, string>();
    for (const a of Object.values(tag.attributes)) {
      if (a.prefix === "xmlns" || a.name === "xmlns") continue;
      attributes.set(a.uri ? `{${a.uri}}${a.local}` : a.local, a.value);
    }
    const element: XmlElement = {
      uri: tag.uri ?? "",
      local: tag.local ?? tag.name,
      attributes,
      text: "",
      children: [],
      line: parser.line,
    };
    if (reader === null) {
      reader = chooseReader(
        { uri: element.uri, local: element.local, namespaces: { ...(tag.ns ?? {}) }, line: parser.line },
        emit,
      );
    }
    if (capture.length > 0) {
      captureElements += 1;
      if (captureElements > XML_LIMITS.maxRecordElements) {
        refuse(
          `the record opened on line ${capture[0]?.line} holds more than ${XML_LIMITS.maxRecordElements} elements`,
        );
      }
      capture[capture.length - 1]?.children.push(element);
      capture.push(element);
    } else if (reader.open(path, element)) {
      capture.push(element);
      captureChars = 0;
      captureElements = 1;
    }
    path.push(element.local);
    openedOn.push({ name: tag.name, line: parser.line });
  });
  parser.on("closetag", () => {
    lastEvent = parser.position;
    const local = path.pop() ?? "";
    openedOn.pop();
    const element = capture.pop();
    if (element === undefined) reader?.close?.(local, path);
    else if (capture.length === 0) reader?.record(element, path);
    if (path.length === 0) {
      rootClosed = true;
      reader?.end();
    }
  });
  parser.on("text", (text) => {
    lastEvent = parser.position;
    if (path.length === 0) {
      if (text.trim() !== "") refuse("text outside the root element; expected an XML export");
      return;
    }
    addText(text);
  });
  parser.on("cdata", (text) => {
    lastEvent = parser.position;
    addText(text);
  });
  parser.on("comment", () => {
    lastEvent = parser.position;
  });
  parser.on("processinginstruction", () => {
    lastEvent = parser.position;
  });

  const drain = async () => {
    while (queue.length > 0) {
      const call = queue.shift();
      if (call) await call();
    }
  };

  let started = false;
  for await (const piece of chunksOf(input)) {
    if (!started && piece.trim() !== "") {
      started = true;
      checkStart(piece.trimStart());
    }
    if (reader === null && doctypeLine === null) {
      const at = piece.indexOf("<!DOCTYPE");
      if (at >= 0) doctypeLine = parser.line + (piece.slice(0, at).match(/\n/g)?.length ?? 0);
    }
    parser.write(piece);
    if (parser.position - lastEvent > XML_LIMITS.maxTextChars + PIECE_CHARS) {
      refuse(
        `more than ${XML_LIMITS.maxTextChars} characters without a tag (one text, attribute, comment or declaration that long); no export needs that`,
      );
    }
    await drain();
  }
  if (path.length > 0) {
    const inside = openedOn[openedOn.length - 1];
    refuse(
      `the file ends inside <${inside?.name}> (opened on line ${inside?.line}); expected </${inside?.name}>: the file looks truncated`,
    );
  }
  if (reader === null) refuse("the file has no root element; expected an XML export", parser.line, null);
  parser.close();
  await drain();
}
