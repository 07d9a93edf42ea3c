import type { SessionUser } from "../auth/lucia.server";
import { listAuthors } from "../posts/posts.server";
import type { KeystaticActor } from "./keystatic-writes.server";

/**
 * Who may use the Keystatic editor (`/keystatic`) and its API
 * (`/api/keystatic/*`): a signed-in coach or admin, in every environment,
 * the Vite dev server included. Keystatic's local mode has no authentication
 * of its own and writes files even in production (shared/STACK-NOTES.md), so
 * this check is the editor's only lock. Per-post rights are enforced on each
 * write by keystatic-writes.server.ts; app/http/editor-gate.server.ts turns
 * the answer into redirects and status codes.
 */

/** May this person use the editor, and as whom: `signed-out` or `not-an-editor` when not. */
export type EditorAccess =
  | { allowed: true; user: SessionUser; actor: KeystaticActor }
  | { allowed: false; reason: "signed-out" | "not-an-editor" };

/**
 * Decides editor access for the signed-in user (null: nobody signed in).
 * A coach acts as the author profiles whose account email is theirs.
 */
export async function editorAccess(user: SessionUser | null): Promise<EditorAccess> {
  if (!user) return { allowed: false, reason: "signed-out" };
  if (user.role !== "coach" && user.role !== "admin") return { allowed: false, reason: "not-an-editor" };
  const authors = await listAuthors();
  const authorSlugs = new Set(
    authors.filter((author) => author.accountEmail === user.email.toLowerCase()).map((author) => author.slug),
  );
  return { allowed: true, user, actor: { role: user.role === "admin" ? "admin" : "coach", authorSlugs } };
}
