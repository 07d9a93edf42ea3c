import { redirect } from "@remix-run/node";
import type { Role } from "../../db/schema";
import { getDatabase } from "../database.server";
import { signinPath } from "../discovery/paths";
import { luciaFor, type SessionUser } from "./lucia.server";

/**
 * The HTTP side of sessions: reading the cookie, refreshing it, starting and
 * ending sessions. Loaders and actions pass `headers` on in their response,
 * so a session extended by this request sends its refreshed cookie back.
 */

export interface RequestUser {
  user: SessionUser | null;
  /** Set-Cookie to send back (refreshed or cleared session), possibly empty. */
  headers: Headers;
}

/** The signed-in user, if any, and the cookie headers to return. */
export async function getRequestUser(request: Request): Promise<RequestUser> {
  const lucia = luciaFor(await getDatabase());
  const headers = new Headers();
  const sessionId = lucia.readSessionCookie(request.headers.get("cookie") ?? "");
  if (!sessionId) return { user: null, headers };
  const { session, user } = await lucia.validateSession(sessionId);
  if (!session) {
    headers.append("Set-Cookie", lucia.createBlankSessionCookie().serialize());
    return { user: null, headers };
  }
  if (session.fresh) headers.append("Set-Cookie", lucia.createSessionCookie(session.id).serialize());
  return {
    user: { id: user.id, email: user.email, displayName: user.displayName, role: user.role },
    headers,
  };
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
    const to = options.redirectTo ?? returnPath(request);
    throw redirect(signinPath(to), { headers: current.headers });
  }
  if (options.roles && !options.roles.includes(current.user.role)) {
    throw new Response("Your account cannot open this page.", { status: 403, headers: current.headers });
  }
  return current as RequestUser & { user: SessionUser };
}

/** Starts a session for a user; returns the Set-Cookie value. */
export async function startSession(userId: string): Promise<string> {
  const lucia = luciaFor(await getDatabase());
  const session = await lucia.createSession(userId, {});
  return lucia.createSessionCookie(session.id).serialize();
}

/** Ends this request's session (if any); returns the Set-Cookie that clears it. */
export async function endSession(request: Request): Promise<string> {
  const lucia = luciaFor(await getDatabase());
  const sessionId = lucia.readSessionCookie(request.headers.get("cookie") ?? "");
  if (sessionId) await lucia.invalidateSession(sessionId);
  return lucia.createBlankSessionCookie().serialize();
}

/** Ends every session of a user ("sign out everywhere", password change, deletion). */
export async function endAllSessions(userId: string): Promise<void> {
  await luciaFor(await getDatabase()).invalidateUserSessions(userId);
}

/** Headers carrying one or more Set-Cookie values, merged with `base`. */
export function cookieHeaders(base: Headers, ...cookies: string[]): Headers {
  const headers = new Headers(base);
  for (const cookie of cookies) headers.append("Set-Cookie", cookie);
  return headers;
}
