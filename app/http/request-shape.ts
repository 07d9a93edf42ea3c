/**
 * What every request must look like before any route sees it: a method the
 * site answers, and an address that decodes to text a database can hold.
 * scripts/server.mjs asks `refusalOf` first for every request and answers a
 * refusal itself, so an unusual method (PROPFIND, TRACE, a made-up one) or a
 * NUL byte in an address is a 4xx, never a route's 500
 * (docs/decisions/0056-no-5xx-for-any-input.md). Pure.
 */

/** The methods the site answers; every form is a GET or a POST (RFC 9110 §9.3). */
export const ALLOWED_METHODS = ["GET", "HEAD", "POST", "OPTIONS"] as const;

/** The `Allow` header sent with a 405 and with the answer to OPTIONS (RFC 9110 §10.2.1). */
export const ALLOW_HEADER = ALLOWED_METHODS.join(", ");

/** A request answered before routing: its status, headers and plain-text body. */
export interface Refusal {
  status: 204 | 400 | 405;
  headers: Record<string, string>;
  text: string;
}

/** C0 control characters other than tab, and DEL: never part of an address's meaning; NUL breaks PostgreSQL text. */
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;

/**
 * Whether a request is refused before routing, and how.
 *
 * - A method other than GET, HEAD, POST or OPTIONS: 405 with `Allow`.
 * - OPTIONS: 204 with `Allow` (the site has no cross-origin API to describe).
 * - A path with malformed percent-encoding (`%E0%A4%A`, `%FF` alone: not
 *   UTF-8), a decoded path holding a control character (`%00`, `%0A`), or a
 *   decoded query holding NUL (`%00`): 400 saying so. Other odd bytes in a
 *   query decode to U+FFFD (WHATWG URL) and reach routes as text.
 *
 * @param request the method as sent (any case) and the request target (a
 *   path with its query, e.g. "/members/%00?x=1", or an absolute URL).
 * @returns the refusal to send, or null to pass the request on. Never throws.
 */
export function refusalOf(request: { method: string; url: string }): Refusal | null {
  const method = request.method.toUpperCase();
  if (method === "OPTIONS") return { status: 204, headers: { Allow: ALLOW_HEADER }, text: "" };
  if (!(ALLOWED_METHODS as readonly string[]).includes(method)) {
    return {
      status: 405,
      headers: { Allow: ALLOW_HEADER, "Content-Type": "text/plain; charset=utf-8" },
      text: `This site answers ${ALLOW_HEADER} requests only, not ${method.slice(0, 40)}.`,
    };
  }
  const problem = addressProblem(request.url);
  if (problem === null) return null;
  return { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" }, text: problem };
}

function addressProblem(target: string): string | null {
  let url: URL;
  try {
    url = new URL(target, "http://site.invalid");
  } catch {
    return "This address could not be read. Check it and try again.";
  }
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return "This address has a malformed %-escape (it must be UTF-8, like %C3%A9 for é). Check it and try again.";
  }
  if (CONTROL.test(path)) return "This address holds a control character (such as %00), which no page here has.";
  for (const [name, value] of url.searchParams) {
    if (name.includes("\u0000") || value.includes("\u0000")) {
      return "This address's query holds a NUL character (%00), which no search or form here takes.";
    }
  }
  return null;
}
