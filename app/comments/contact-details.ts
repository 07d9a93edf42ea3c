/**
 * Spotting contact details in a public comment (an email address, a phone
 * number, a messaging handle), so the writer can be asked before they are
 * published for everyone to read. Pure; shared by server and tests.
 * Deliberately cautious: it only has to prompt a second look, never refuse.
 */

export interface ContactDetail {
  kind: "email" | "phone" | "handle";
  /** The text as written. */
  text: string;
}

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.\p{L}{2,}/gu;
// Addresses written to dodge harvesters: "jane [at] example [dot] com",
// "jane(at)example(dot)org". Bare words ("jane at example dot com") count
// only when the last label is a common top-level domain, so "the class at
// lunch dot the i's" is left alone.
const AT = String.raw`\s*[\[({<]\s*(?:at|@)\s*[\])}>]\s*`;
const DOT = String.raw`\s*[\[({<]\s*(?:dot|\.)\s*[\])}>]\s*`;
const LABEL = String.raw`[\p{L}\p{N}-]+`;
const OBFUSCATED_EMAIL = new RegExp(
  String.raw`(?<![\p{L}\p{N}])[\p{L}\p{N}._%+-]+${AT}${LABEL}(?:${DOT}${LABEL})*${DOT}\p{L}{2,}(?![\p{L}\p{N}])`,
  "giu",
);
const COMMON_TLDS =
  "com|org|net|edu|gov|io|co|uk|au|nz|ca|ie|us|de|fr|nl|es|it|ch|se|no|dk|fi|sg|hk|in|za|ae|jp|cn|kr|info|me";
const SPELLED_EMAIL = new RegExp(
  String.raw`(?<![\p{L}\p{N}])[\p{L}\p{N}._%+-]+\s+at\s+${LABEL}(?:\s+dot\s+${LABEL})*\s+dot\s+(?:${COMMON_TLDS})(?![\p{L}\p{N}])`,
  "giu",
);
// 8 to 15 digits (ITU-T E.164 allows at most 15), with the usual separators.
const PHONE = /(?<![\p{L}\p{N}])\+?\(?\d[\d\s().-]{6,}\d(?![\p{L}\p{N}])/gu;
const SERVICES =
  "video[- ]?call|skype|zoom|teams|facetime|whatsapp|telegram|signal|wechat|line|viber|discord|slack|instagram|insta|twitter|x|facebook|snapchat|tiktok|mastodon|threads|linkedin";
const HANDLE_PHRASE = new RegExp(
  `\\b(?:my|our)\\s+(?:${SERVICES})(?:\\s+(?:name|id|handle|username|user\\s*name|number|address|account))?\\s+(?:is|:)\\s+([^\\s,;]+)`,
  "giu",
);
const REACH_ME = /\b(?:reach|contact|find|add|message|call|text|dm)\s+me\s+(?:on|at|via)\s+[^.,;\n]{2,60}/giu;

/** Contact details found in a comment's Markdown, in order, without duplicates. */
export function findContactDetails(markdown: string): ContactDetail[] {
  // Code is quoted material, not the writer's own details.
  const text = markdown.replace(/```[\s\S]*?```|`[^`\n]*`/g, " ");
  const found: ContactDetail[] = [];
  const add = (kind: ContactDetail["kind"], value: string) => {
    const clean = value.trim().replace(/[.)]+$/, "");
    if (!found.some((d) => d.text === clean)) found.push({ kind, text: clean });
  };
  for (const match of text.matchAll(EMAIL)) add("email", match[0]);
  for (const match of text.matchAll(OBFUSCATED_EMAIL)) add("email", match[0]);
  for (const match of text.matchAll(SPELLED_EMAIL)) add("email", match[0]);
  for (const match of text.matchAll(PHONE)) {
    const digits = match[0].replace(/\D/g, "");
    // Years, dates and ranges are not phone numbers.
    const candidate = match[0].trim();
    const dateOrRange =
      /^\d{4}\s*[-–]\s*\d{4}$/.test(candidate) ||
      /^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$/.test(candidate) ||
      /^\d{4}[./-]\d{1,2}[./-]\d{1,2}$/.test(candidate);
    if (digits.length >= 8 && digits.length <= 15 && !dateOrRange) add("phone", candidate);
  }
  for (const match of text.matchAll(HANDLE_PHRASE)) add("handle", match[0]);
  for (const match of text.matchAll(REACH_ME)) {
    if (!found.some((d) => match[0].includes(d.text))) add("handle", match[0]);
  }
  return found;
}
