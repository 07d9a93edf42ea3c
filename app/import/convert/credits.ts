/**
 * Photo credits typed under an old post ("Photo Credit: NAME via SITE cc",
 * "Image: Jane Doe / Flickr / CC BY-SA 2.0", "Photo by X on Unsplash") read
 * into the structured credit the editor keeps for a cover (keystatic.config.ts
 * `cover`: creator, source name, source URL, licence URL; docs/architecture.md §5).
 * Pure: strings in, values out.
 */

/** A cover's credit, in the editor's fields. */
export interface ImportedCredit {
  creator: string;
  /** Where the image was found ("Flickr", "Compfight", "Unsplash"), or "". */
  sourceName: string;
  /** The link given for the creator (or else for the source), or null. */
  sourceUrl: string | null;
  /** The licence deed, e.g. "https://creativecommons.org/licenses/by-sa/2.0/", or null when none is named. */
  licenseUrl: string | null;
}

/** A piece of a credit line: text, and the link it carries if any. */
interface Segment {
  text: string;
  url: string | null;
}

const WITH_CREDIT_WORD =
  /^(?:(?:cover|header|featured)\s+)?(?:photo|image|picture|pic)\s+credits?\s*[:\-–—]?\s*|^credits?\s*:\s*/i;
const WITHOUT_CREDIT_WORD = /^(?:(?:cover|header|featured)\s+)?(?:photo|image|picture|pic)\s*[:\-–—]\s*/i;
const PHOTO_BY_ON = /^photo(?:graph)?\s+by\s+(.+?)\s+on\s+(.+)$/i;

/**
 * A licence named at the end of a credit: "cc" (its link, if any, is the
 * deed), "CC BY-SA 2.0", "CC0", "public domain".
 */
const LICENCE_AT_END =
  /(?:^|[\s,;(/|–—-])\s*(cc0(?:\s*1\.0)?|cc[\s-]+(by(?:-(?:nc|sa|nd)){0,2})[\s-]+(\d\.\d)|public domain|cc)\s*\)?\s*$/i;

const words = (text: string) => text.trim().split(/\s+/).filter(Boolean).length;

function licenceUrlFromWords(match: RegExpExecArray, link: string | null): string | null {
  const token = match[1].toLowerCase();
  if (link && /^https?:\/\/(?:www\.)?creativecommons\.org\//i.test(link)) return link;
  if (token.startsWith("cc0") || token === "public domain") {
    return token === "public domain" ? null : "https://creativecommons.org/publicdomain/zero/1.0/";
  }
  if (match[2] && match[3]) return `https://creativecommons.org/licenses/${match[2].toLowerCase()}/${match[3]}/`;
  return null;
}

/** The segments covering `text`'s characters [start, end), with their links. */
function linkWithin(segments: Segment[], start: number, end: number): string | null {
  let offset = 0;
  for (const segment of segments) {
    const from = offset;
    offset += segment.text.length;
    if (segment.url && from < end && offset > start && segment.text.trim()) return segment.url;
  }
  return null;
}

function cleanPart(text: string): string {
  return text
    .replace(/^[\s,;:/|–—-]+|[\s,;:/|–—-]+$/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** The credit named by `rest` (what follows "Photo credit:"), given the segments of the whole line and where `rest` starts. */
function parseRest(segments: Segment[], restStart: number, strict: boolean): ImportedCredit | null {
  const line = segments.map((s) => s.text).join("");
  let rest = line.slice(restStart).replace(/\.\s*$/, "");
  const restEnd = restStart + rest.length;
  let licenseUrl: string | null = null;
  let licenceNamed = false;
  const licence = LICENCE_AT_END.exec(rest);
  if (licence) {
    const tokenStart = restStart + licence.index + licence[0].indexOf(licence[1]);
    licenseUrl = licenceUrlFromWords(licence, linkWithin(segments, tokenStart, tokenStart + licence[1].length));
    licenceNamed = true;
    rest = rest.slice(0, licence.index);
  }
  // A link to a deed anywhere in the line names the licence too.
  licenseUrl ??=
    segments.find(
      (s) => s.url && /^https?:\/\/(?:www\.)?creativecommons\.org\/(?:licenses|publicdomain)\//i.test(s.url),
    )?.url ?? null;

  let creator = rest;
  let sourceName = "";
  let sourceAt = -1;
  const via = /\s+via\s+/i.exec(rest);
  const slash = /\s+[/|]\s+/.exec(rest);
  if (via) {
    creator = rest.slice(0, via.index);
    sourceName = rest.slice(via.index + via[0].length);
    sourceAt = via.index + via[0].length;
  } else if (slash) {
    creator = rest.slice(0, slash.index);
    sourceName = rest.slice(slash.index + slash[0].length).split(/\s+[/|]\s+/)[0];
    sourceAt = slash.index + slash[0].length;
  }
  creator = cleanPart(creator.replace(/^by\s+/i, ""));
  sourceName = cleanPart(sourceName);
  // A full stop inside the name ends a sentence, unless it follows an initial ("A. Photographer").
  if (!creator || words(creator) > 8 || words(sourceName) > 5 || /(?<!\b[A-Z])[.!?]\s/.test(creator)) return null;
  const creatorStart = line.indexOf(creator, restStart);
  const creatorUrl = creatorStart >= 0 ? linkWithin(segments, creatorStart, creatorStart + creator.length) : null;
  // A short linked name is a credit's mark too ("Image: [Jane Doe](…)"); a link inside a sentence is not.
  const marked = Boolean(via || slash || licenceNamed || (creatorUrl && words(creator) <= 4));
  if (strict && !marked) return null;
  // "Credit: where credit is due, …" is a sentence, not a name.
  if (!marked && (words(creator) > 5 || /[,;]/.test(creator))) return null;

  const sourceUrl = creatorUrl ?? (sourceAt >= 0 ? linkWithin(segments, restStart + sourceAt, restEnd) : null);
  return { creator, sourceName, sourceUrl: sourceUrl === licenseUrl ? null : sourceUrl, licenseUrl };
}

/** A whole credit line, as segments; null when the line is not a credit. */
function parseSegments(segments: Segment[]): ImportedCredit | null {
  const line = segments.map((s) => s.text).join("");
  if (line.length > 300 || line.includes("\n")) return null;
  const leading = line.length - line.trimStart().length;
  const trimmed = line.trim();

  const photoBy = PHOTO_BY_ON.exec(trimmed.replace(/\.\s*$/, ""));
  if (photoBy && words(photoBy[1]) <= 6 && words(photoBy[2]) <= 3) {
    const creatorStart = leading + trimmed.indexOf(photoBy[1]);
    const sourceStart = leading + trimmed.lastIndexOf(photoBy[2]);
    return {
      creator: cleanPart(photoBy[1]),
      sourceName: cleanPart(photoBy[2]),
      sourceUrl:
        linkWithin(segments, creatorStart, creatorStart + photoBy[1].length) ??
        linkWithin(segments, sourceStart, sourceStart + photoBy[2].length),
      licenseUrl: null,
    };
  }
  const withWord = WITH_CREDIT_WORD.exec(trimmed);
  if (withWord) return parseRest(segments, leading + withWord[0].length, false);
  const withoutWord = WITHOUT_CREDIT_WORD.exec(trimmed);
  if (withoutWord) return parseRest(segments, leading + withoutWord[0].length, true);
  return null;
}

/**
 * Reads a credit from plain text (a figure's caption, say): "Photo Credit:
 * Jane Doe via Flickr cc", "Image: Jane Doe / Flickr / CC BY-SA 2.0",
 * "Photo by Jane Doe on Unsplash". Returns the credit and what is left of
 * the text once the credit is taken (for a caption that was only a credit,
 * ""), or null when the text is not a credit. A bare "cc" without a deed link
 * names no licence (its version is unknown).
 */
export function parseCreditText(text: string): { credit: ImportedCredit; rest: string } | null {
  const credit = parseSegments([{ text: text.replace(/\s+/g, " "), url: null }]);
  return credit ? { credit, rest: "" } : null;
}

const MARKDOWN_LINK = /\[((?:\\.|[^\]\\])*)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;

const unescapeMarkdown = (text: string) => text.replace(/\\([\\`*_{}[\]()#+\-.!%~|<>])/g, "$1");

/** A Markdown line as segments: links with their URL, the rest as text without emphasis marks or escapes. */
function markdownSegments(line: string): Segment[] {
  const segments: Segment[] = [];
  const bare = line.replace(/(?<!\\)(?:\*\*|\*|__|(?<![\w])_|_(?![\w]))/g, "").replace(/\\$/, "");
  let last = 0;
  for (const match of bare.matchAll(MARKDOWN_LINK)) {
    if (match.index > last) segments.push({ text: unescapeMarkdown(bare.slice(last, match.index)), url: null });
    segments.push({ text: unescapeMarkdown(match[1]), url: match[2] });
    last = match.index + match[0].length;
  }
  if (last < bare.length) segments.push({ text: unescapeMarkdown(bare.slice(last)), url: null });
  return segments;
}

/** A post body with its credit line taken out, and the credit. */
export interface ExtractedCredit {
  credit: ImportedCredit;
  /** The body without the credit line (a paragraph left empty is removed). */
  markdown: string;
}

/**
 * Finds the first typed credit line in a converted post body (Markdown from
 * htmlToMarkdown): a paragraph, or one line of a paragraph broken with hard
 * breaks, that reads as a credit (see parseCreditText), links included
 * ("Photo Credit: [NAME](creator) via [Compfight](site) [cc](deed)": the
 * creator's link is the source URL, the deed the licence). Lines inside
 * fenced code are never read. Returns null when the body has no credit line.
 */
export function extractCredit(markdown: string): ExtractedCredit | null {
  const lines = markdown.split("\n");
  let inFence = false;
  for (let i = 0; i < lines.length; i++) {
    if (/^\s*(?:```|~~~)/.test(lines[i])) inFence = !inFence;
    if (inFence || !lines[i].trim()) continue;
    const credit = parseSegments(markdownSegments(lines[i].trim()));
    if (!credit) continue;
    const kept = [...lines];
    kept.splice(i, 1);
    // The line before ended in a hard break into the credit: it now ends the paragraph.
    if (i > 0 && (i >= kept.length || !kept[i].trim())) kept[i - 1] = kept[i - 1].replace(/\\$/, "");
    const body = kept
      .join("\n")
      .replace(/\n{3,}/g, "\n\n")
      .trim();
    return { credit, markdown: body ? `${body}\n` : "" };
  }
  return null;
}
