import { getDatabase } from "../database.server";
import { luciaFor, type SessionUser } from "./lucia.server";

/**
 * Sessions (docs/architecture.md §6) in plain values: a request's `Cookie`
 * header in, the signed-in user and the `Set-Cookie` values to send back out.
 * Reading them from a request and answering with redirects is
 * app/http/session.server.ts's part.
 */

/** The signed-in user, if any, and the Set-Cookie values (refreshed or cleared session) to send back, possibly none. */
export interface CurrentSession {
  user: SessionUser | null;
  setCookies: string[];
}

/** A session id as lucia makes them (lower-case base32); anything else names no session. */
const SESSION_ID = /^[a-z0-9]{1,255}$/;

/**
 * The session id a `Cookie` header carries: null for none, "malformed" for a
 * value no session could have (a broken %-escape, NUL, other characters),
 * which is never looked up (PostgreSQL refuses NUL in text).
 */
function sessionIdIn(lucia: ReturnType<typeof luciaFor>, cookieHeader: string | null): string | null {
  let sessionId: string | null;
  try {
    sessionId = lucia.readSessionCookie(cookieHeader ?? "");
  } catch {
    return "malformed";
  }
  if (sessionId === null) return null;
  return SESSION_ID.test(sessionId) ? sessionId : "malformed";
}

/**
 * The session a `Cookie` header carries. A session used in its second half
 * is extended (a fresh cookie to send); an unknown or expired one is
 * cleared (a blank cookie to send).
 */
export async function readSession(cookieHeader: string | null): Promise<CurrentSession> {
  const lucia = luciaFor(await getDatabase());
  const sessionId = sessionIdIn(lucia, cookieHeader);
  if (sessionId === "malformed") return { user: null, setCookies: [lucia.createBlankSessionCookie().serialize()] };
  if (!sessionId) return { user: null, setCookies: [] };
  const { session, user } = await lucia.validateSession(sessionId);
  if (!session) return { user: null, setCookies: [lucia.createBlankSessionCookie().serialize()] };
  return {
    user: {
      id: user.id,
      email: user.email,
      displayName: user.displayName,
      role: user.role,
      emailVerified: user.emailVerified,
    },
    setCookies: session.fresh ? [lucia.createSessionCookie(session.id).serialize()] : [],
  };
}

/** Starts a session for a user; returns the Set-Cookie value. */
export async function startSession(userId: string): Promise<string> {
  const lucia = luciaFor(await getDatabase());
  const session = await lucia.createSession(userId, {});
  return lucia.createSessionCookie(session.id).serialize();
}

/** Ends the session a `Cookie` header carries (if any); returns the Set-Cookie that clears it. */
export async function closeSession(cookieHeader: string | null): Promise<string> {
  const lucia = luciaFor(await getDatabase());
  const sessionId = sessionIdIn(lucia, cookieHeader);
  if (sessionId && sessionId !== "malformed") await lucia.invalidateSession(sessionId);
  return lucia.createBlankSessionCookie().serialize();
}

/** Ends every session of a user ("sign out everywhere", password change, deletion). */
export async function endAllSessions(userId: string): Promise<void> {
  await luciaFor(await getDatabase()).invalidateUserSessions(userId);
}
