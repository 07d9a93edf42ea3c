import { json } from "@remix-run/node";
import { getRequestUser, returnPath } from "../auth/session.server";
import type { SessionUser } from "../auth/lucia.server";
import { signinPath } from "../discovery/paths";
import { listAuthors } from "../posts/posts.server";
import type { KeystaticActor } from "./keystatic-writes.server";

/**
 * Who may use the Keystatic editor (`/keystatic`) and its API
 * (`/api/keystatic/*`): a signed-in coach or admin, in every environment,
 * the Vite dev server included. Keystatic's local mode has no authentication
 * of its own and writes files even in production (shared/STACK-NOTES.md), so
 * this check is the editor's only lock. Per-post rights are enforced on each
 * write by keystatic-writes.server.ts.
 */

export interface EditorAccess {
  user: SessionUser;
  actor: KeystaticActor;
  headers: Headers;
}

async function actorFor(user: SessionUser): Promise<KeystaticActor> {
  const authors = await listAuthors();
  const authorSlugs = new Set(
    authors.filter((author) => author.accountEmail === user.email.toLowerCase()).map((author) => author.slug),
  );
  return { role: user.role === "admin" ? "admin" : "coach", authorSlugs };
}

/**
 * For the editor's pages: sends someone not signed in to the sign-in page
 * (and back afterwards); answers 403 to a member.
 */
export async function requireEditorPage(request: Request): Promise<EditorAccess> {
  const { user, headers } = await getRequestUser(request);
  if (!user) {
    throw new Response(null, {
      status: 302,
      headers: {
        Location: signinPath(returnPath(request)),
        ...Object.fromEntries(headers),
      },
    });
  }
  if (user.role !== "coach" && user.role !== "admin") {
    throw new Response("Only coaches and admins can use the editor. Ask an admin if you write for this site.", {
      status: 403,
      headers,
    });
  }
  return { user, actor: await actorFor(user), headers };
}

/** For the editor's API: 401 when not signed in, 403 for a member; no redirects. */
export async function requireEditorApi(request: Request): Promise<EditorAccess> {
  const { user, headers } = await getRequestUser(request);
  if (!user) throw json({ error: "Sign in as a coach or admin to use the editor." }, { status: 401, headers });
  if (user.role !== "coach" && user.role !== "admin") {
    throw json({ error: "Only coaches and admins can use the editor." }, { status: 403, headers });
  }
  return { user, actor: await actorFor(user), headers };
}
