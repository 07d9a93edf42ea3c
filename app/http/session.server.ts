import { redirect } from "@remix-run/node";
import type { Role } from "../../db/schema";
import type { SessionUser } from "../auth/lucia.server";
import { closeSession, readSession } from "../auth/session.server";
import { signinPath } from "../discovery/paths";

/**
 * The HTTP side of sessions: reading the cookie from a request, answering
 * someone not signed in or not allowed, and carrying Set-Cookie on. Loaders
 * and actions pass `headers` on in their response, so a session extended by
 * this request sends its refreshed cookie back.
 */

// Routes start and end sessions through this module too.
export { endAllSessions, startSession } from "../auth/session.server";

export interface RequestUser {
  user: SessionUser | null;
  /** Set-Cookie to send back (refreshed or cleared session), possibly empty. */
  headers: Headers;
}

/** The signed-in user, if any, and the cookie headers to return. */
export async function getRequestUser(request: Request): Promise<RequestUser> {
  const { user, setCookies } = await readSession(request.headers.get("cookie"));
  return { user, headers: cookieHeaders(new Headers(), ...setCookies) };
}

/** The path and query of the request, to come back to after signing in. */
export function returnPath(request: Request): string {
  const url = new URL(request.url);
  return url.pathname + url.search;
}

/**
 * The signed-in user with one of `roles` (any role when omitted). Otherwise
 * throws: a redirect to the sign-in page (which brings them back) when
 * nobody is signed in, 403 when the role is not enough.
 */
export async function requireUser(
  request: Request,
  options: { roles?: readonly Role[]; redirectTo?: string } = {},
): Promise<RequestUser & { user: SessionUser }> {
  const current = await getRequestUser(request);
  if (!current.user) {
    throw redirect(signinPath(options.redirectTo ?? returnPath(request)), { headers: current.headers });
  }
  if (options.roles && !options.roles.includes(current.user.role)) {
    throw new Response("Your account cannot open this page.", { status: 403, headers: current.headers });
  }
  return current as RequestUser & { user: SessionUser };
}

/** Ends this request's session (if any); returns the Set-Cookie that clears it. */
export async function endSession(request: Request): Promise<string> {
  return closeSession(request.headers.get("cookie"));
}

/**
 * `response` with the Set-Cookie values of `headers` added: for responses
 * made elsewhere (a library's handler, a thrown Response), so a session this
 * request extended still sends its refreshed cookie back. The body is passed
 * on unread.
 */
export function withSessionCookies(response: Response, headers: Headers): Response {
  const cookies = headers.getSetCookie();
  if (cookies.length === 0) return response;
  const merged = new Headers(response.headers);
  for (const cookie of cookies) merged.append("Set-Cookie", cookie);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers: merged });
}

/** Headers carrying one or more Set-Cookie values, merged with `base`. */
export function cookieHeaders(base: Headers, ...cookies: string[]): Headers {
  const headers = new Headers(base);
  for (const cookie of cookies) headers.append("Set-Cookie", cookie);
  return headers;
}
