import { redirect } from "@remix-run/node";
import type { SessionUser } from "../auth/lucia.server";
import { signinPath } from "../discovery/paths";
import { editorAccess } from "../editor/access.server";
import type { KeystaticActor } from "../editor/keystatic-writes.server";
import { getRequestUser, returnPath } from "./session.server";

/**
 * The editor's lock as HTTP (app/editor/access.server.ts decides who may):
 * its pages send someone not signed in to sign in, its API answers with
 * status codes and never redirects.
 */

export interface EditorGate {
  user: SessionUser;
  actor: KeystaticActor;
  /** Set-Cookie to send back (refreshed or cleared session), possibly empty. */
  headers: Headers;
}

/**
 * For the editor's pages: sends someone not signed in to the sign-in page
 * (and back afterwards) with 302; answers 403 to a member.
 */
export async function requireEditorPage(request: Request): Promise<EditorGate> {
  const { user, headers } = await getRequestUser(request);
  const access = await editorAccess(user);
  if (access.allowed) return { user: access.user, actor: access.actor, headers };
  if (access.reason === "signed-out") throw redirect(signinPath(returnPath(request)), { status: 302, headers });
  throw new Response("Only coaches and admins can use the editor. Ask an admin if you write for this site.", {
    status: 403,
    headers,
  });
}

/** For the editor's API: 401 when not signed in, 403 for a member (JSON `{ error }`); no redirects. */
export async function requireEditorApi(request: Request): Promise<EditorGate> {
  const { user, headers } = await getRequestUser(request);
  const access = await editorAccess(user);
  if (access.allowed) return { user: access.user, actor: access.actor, headers };
  if (access.reason === "signed-out") throw jsonError("Sign in as a coach or admin to use the editor.", 401, headers);
  throw jsonError("Only coaches and admins can use the editor.", 403, headers);
}

/** A JSON `{ error }` answer, typed as Remix's `json()` typed it; a plain Response, since this is a resource route. */
function jsonError(error: string, status: number, base: Headers): Response {
  const headers = new Headers(base);
  headers.set("Content-Type", "application/json; charset=utf-8");
  return new Response(JSON.stringify({ error }), { status, headers });
}
