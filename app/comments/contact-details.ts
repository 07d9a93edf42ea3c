import { findNumbers, getCountries, isSupportedCountry } from "libphonenumber-js/max";
import { LinkifyIt } from "linkify-it";

/**
 * Spotting contact details in a public comment (an email address, a phone
 * number, a messaging handle), so the writer can be asked before they are
 * published for everyone to read. Pure; shared by server and tests.
 * Deliberately cautious: it only has to prompt a second look, never refuse.
 *
 * Phone numbers are recognised by libphonenumber-js (Google's libphonenumber
 * numbering plans), not by counting digits, so ISBNs, order numbers, dates
 * and times are left alone; email addresses by linkify-it. Only the forms
 * people write to dodge address harvesters ("jane [at] example [dot] com")
 * are matched by patterns of our own, since no library reads those.
 */

export interface ContactDetail {
  kind: "email" | "phone" | "handle";
  /** The text as written. */
  text: string;
}

/** How to read what a comment holds. */
export interface ContactDetailOptions {
  /**
   * The country (ISO 3166-1 alpha-2, e.g. "US", "GB") whose national format
   * a number written without "+country code" is read in; the site setting
   * "Phone numbers without a country code". Numbers written with "+" are
   * recognised whatever it is. Unknown codes read only international numbers.
   */
  phoneRegion?: string;
}

/** The countries libphonenumber-js knows, for the site setting's choices (ISO 3166-1 alpha-2). */
export function phoneRegions(): string[] {
  return getCountries();
}

const linkify = new LinkifyIt();

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
// Words that make the number after them an identifier, not a phone: "order 4455667788", "ISBN 978…", "#12345678".
const IDENTIFIER_BEFORE =
  /(?:\b(?:isbn(?:-1[03])?|issn|doi|order|invoice|ticket|case|ref(?:erence)?|receipt|account|acct|id|serial|tracking|item|sku)\b\.?\s*(?:no\.?|number|#)?\s*[:#]?\s*|#\s*)$/i;
const SERVICES =
  "video[- ]?call|skype|zoom|teams|facetime|whatsapp|telegram|signal|wechat|line|viber|discord|slack|instagram|insta|twitter|x|facebook|snapchat|tiktok|mastodon|threads|linkedin";
const HANDLE_PHRASE = new RegExp(
  `\\b(?:my|our)\\s+(?:${SERVICES})(?:\\s+(?:name|id|handle|username|user\\s*name|number|address|account))?\\s+(?:is|:)\\s+([^\\s,;]+)`,
  "giu",
);
const REACH_ME = /\b(?:reach|contact|find|add|message|call|text|dm)\s+me\s+(?:on|at|via)\s+[^.,;\n]{2,60}/giu;

/**
 * Contact details found in a comment's Markdown, in order of kind (emails,
 * phones, handles), without duplicates. Text in code spans and blocks is
 * quoted material and is not searched; links' addresses are (a `mailto:`
 * link is an email address).
 */
export function findContactDetails(markdown: string, options: ContactDetailOptions = {}): ContactDetail[] {
  // Code is quoted material, not the writer's own details.
  const text = markdown.replace(/```[\s\S]*?```|`[^`\n]*`/g, " ");
  const found: ContactDetail[] = [];
  const add = (kind: ContactDetail["kind"], value: string) => {
    const clean = value.trim().replace(/[.)]+$/, "");
    if (!found.some((d) => d.text === clean)) found.push({ kind, text: clean });
  };
  for (const match of linkify.match(text) ?? []) {
    if (match.schema === "mailto:" || (match.schema === "" && match.url.startsWith("mailto:"))) {
      add("email", match.raw.replace(/^mailto:/i, ""));
    }
  }
  for (const match of text.matchAll(OBFUSCATED_EMAIL)) add("email", match[0]);
  for (const match of text.matchAll(SPELLED_EMAIL)) add("email", match[0]);
  for (const phone of findPhoneNumbers(text, options.phoneRegion)) add("phone", phone);
  for (const match of text.matchAll(HANDLE_PHRASE)) add("handle", match[0]);
  for (const match of text.matchAll(REACH_ME)) {
    if (!found.some((d) => match[0].includes(d.text))) add("handle", match[0]);
  }
  return found;
}

/**
 * Phone numbers in `text` as written: every number in international format
 * ("+44 20 7946 0958") that is valid in its country's numbering plan, and
 * numbers in `region`'s national format ("(212) 555-0123" for "US") written
 * with the separators people write phone numbers with. A number right after
 * a word that makes it an identifier ("order", "ISBN", "#") is not a phone.
 */
function findPhoneNumbers(text: string, region: string | undefined): string[] {
  const country = region?.toUpperCase();
  const defaultCountry = country && isSupportedCountry(country) ? country : undefined;
  const numbers: string[] = [];
  // The `v2` form returns positions; its default leniency ("VALID") checks each number against its country's plan.
  for (const { startsAt, endsAt } of findNumbers(text, { defaultCountry, v2: true })) {
    const written = text.slice(startsAt, endsAt);
    if (IDENTIFIER_BEFORE.test(text.slice(Math.max(0, startsAt - 24), startsAt))) continue;
    // A bare run of digits in national form is more often an id than a phone number.
    if (!written.startsWith("+") && !/[\s().-]/.test(written)) continue;
    numbers.push(written);
  }
  return numbers;
}
