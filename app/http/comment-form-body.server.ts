import { formatCount } from "../comments/characters";
import type { CommentRules } from "../comments/validation";
import { readFormBody } from "./form-body.server";

/**
 * Reading a comment form's request body with a size guard that follows the
 * site's comment limits, so the limit people meet is the one the counter
 * states, in characters (grapheme clusters), with their text back in the
 * form; a byte guard only stops bodies no allowed comment could produce.
 */

/**
 * Bytes a form may spend per allowed character: a grapheme cluster of a
 * family emoji is 25 bytes of UTF-8, 75 once percent-encoded in an
 * `application/x-www-form-urlencoded` body; CJK text is 9 per character.
 */
const BYTES_PER_CHARACTER = 96;
/** Room for the form's other fields (name, email, website, hidden fields). */
const OTHER_FIELDS_BYTES = 64 * 1024;
/**
 * The largest comment form body (bytes) read for `rules`: the most characters
 * a comment may have (`limit` × `maxParts`) at `BYTES_PER_CHARACTER` each,
 * plus the other fields. 3.9 MB for the default 10 parts of 4,096 characters.
 */
export function commentFormByteLimit(rules: Pick<CommentRules, "limit" | "maxParts">): number {
  return rules.limit * rules.maxParts * BYTES_PER_CHARACTER + OTHER_FIELDS_BYTES;
}

/**
 * The page text for a body over `commentFormByteLimit`: what happened, how
 * long a comment may be (characters) and what to do. Its text could not be
 * read, so it cannot be shown back.
 */
export function tooLargeToReadMessage(rules: Pick<CommentRules, "limit" | "maxParts">, bytes: number): string {
  const most = rules.limit * rules.maxParts;
  return (
    `This form was too large for the server to read (${megabytes(bytes)} MB; a comment here can be at most ` +
    `${formatCount(most)} characters, posted as up to ${formatCount(rules.maxParts)} parts of ` +
    `${formatCount(rules.limit)}, about ${megabytes(commentFormByteLimit(rules))} MB). Your comment was not saved. ` +
    "Go back to the page (your browser usually keeps what you typed), copy your text somewhere safe, " +
    `shorten it to at most ${formatCount(most)} characters or post it as two comments, and send it again.`
  );
}

function megabytes(bytes: number): string {
  return (bytes / 1_000_000).toLocaleString("en-US", { maximumFractionDigits: 1 });
}

/**
 * The form data of a comment form's request, read as it streams in, as
 * `readFormBody` reads every form (no NUL in any field).
 *
 * @returns the parsed form when the body is at most
 *   `commentFormByteLimit(rules)` bytes (Content-Length is not trusted:
 *   chunked bodies are counted too).
 * @throws Response 413 with `tooLargeToReadMessage` when it is larger: the
 *   body is read to its end (up to 64 MB) so the browser gets the page rather
 *   than a reset connection; past 64 MB the connection is closed after it.
 * @throws Response 400 when the body cannot be read as a form.
 */
export function readCommentFormBody(
  request: Request,
  rules: Pick<CommentRules, "limit" | "maxParts">,
): Promise<FormData> {
  return readFormBody(request, {
    maxBytes: commentFormByteLimit(rules),
    tooLarge: (bytes, close) =>
      new Response(tooLargeToReadMessage(rules, bytes), {
        status: 413,
        headers: close ? { Connection: "close" } : {},
      }),
  });
}
