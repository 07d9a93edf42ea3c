/**
 * Reading a form's request body: the one way every action reads its form
 * (docs/decisions/0056-no-5xx-for-any-input.md), so what no field may hold is
 * decided once, for every form, before a route or a use-case sees a value.
 *
 * - NUL (U+0000) is removed from every field's name and text: no field means
 *   anything by it, and PostgreSQL cannot store it in text (a 500 before).
 * - Bytes that are not UTF-8 reach fields as U+FFFD (the WHATWG decoder every
 *   browser uses), which is text like any other.
 * - A body that is not a form (no or another Content-Type, a broken
 *   multipart body) is a 400 saying so; one larger than the limit a 413.
 */

/** The largest body (bytes) an ordinary form (sign-in, account, report, moderation…) may send. */
export const FORM_BYTE_LIMIT = 256 * 1024;
/**
 * A body larger than this is not even read to its end: the connection is
 * closed after the answer (a browser may then show its own error page).
 */
const MOST_BYTES_DRAINED = 64 * 1024 * 1024;

/** What a form body larger than its limit is answered with. */
export type TooLarge = (bytes: number, close: boolean) => Response;

const defaultTooLarge: TooLarge = (bytes, close) =>
  new Response(
    `This form was too large for the server to read (${bytes.toLocaleString("en-US")} bytes; at most ` +
      `${FORM_BYTE_LIMIT.toLocaleString("en-US")}). Shorten what you typed and send it again.`,
    { status: 413, headers: close ? { Connection: "close" } : {} },
  );

/**
 * The form data of a request, read as it streams in, every text value and
 * name without NUL.
 *
 * @param options.maxBytes the largest body read (Content-Length is not
 *   trusted: chunked bodies are counted too); `FORM_BYTE_LIMIT` by default.
 * @param options.tooLarge the response for a larger body; a plain 413 by default.
 * @throws Response 413 (from `tooLarge`) when the body is larger: it is read
 *   to its end (up to 64 MB) so the browser gets the answer rather than a
 *   reset connection; past 64 MB the connection is closed after it.
 * @throws Response 400 when the body cannot be read as a form
 *   (`application/x-www-form-urlencoded` or `multipart/form-data`).
 */
export async function readFormBody(
  request: Request,
  options: { maxBytes?: number; tooLarge?: TooLarge } = {},
): Promise<FormData> {
  const limit = options.maxBytes ?? FORM_BYTE_LIMIT;
  const tooLarge = options.tooLarge ?? defaultTooLarge;
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > MOST_BYTES_DRAINED) throw tooLarge(declared, true);

  const chunks: Uint8Array[] = [];
  let received = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await reader.read();
      } catch {
        throw unreadable();
      }
      if (next.done) break;
      received += next.value.byteLength;
      if (received > MOST_BYTES_DRAINED) {
        await reader.cancel().catch(() => {});
        throw tooLarge(received, true);
      }
      // Over the limit: keep reading (and dropping) to the end, then answer.
      if (received <= limit) chunks.push(next.value);
    }
  }
  if (received > limit) throw tooLarge(received, false);
  let form: FormData;
  try {
    form = await new Response(Buffer.concat(chunks), {
      headers: { "Content-Type": request.headers.get("content-type") ?? "" },
    }).formData();
  } catch {
    throw unreadable();
  }
  return withoutNul(form);
}

/**
 * A copy of `form` whose names and text values hold no NUL (U+0000); files
 * are kept as they are. For forms read another way (the import page's
 * multipart upload).
 */
export function withoutNul(form: FormData): FormData {
  const clean = new FormData();
  for (const [name, value] of form) {
    const key = name.replaceAll("\u0000", "");
    if (typeof value === "string") clean.append(key, value.replaceAll("\u0000", ""));
    else clean.append(key, value);
  }
  return clean;
}

function unreadable(): Response {
  return new Response("This form could not be read. Please send it from the site's own page.", {
    status: 400,
    headers: { "Content-Type": "text/plain; charset=utf-8" },
  });
}
