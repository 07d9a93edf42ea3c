import { getEnv } from "../env.server";

/**
 * Whether the Keystatic editor (`/keystatic`) and its API (`/api/keystatic/*`)
 * may be used. Until accounts exist there is no sign-in to check, so the
 * editor is open only on the Vite dev server (`npm run dev`, a developer's own
 * machine) or when EDITOR_OPEN_WITHOUT_AUTH is set on a trusted machine.
 * Keystatic's local mode has no authentication of its own and writes files
 * even in production (shared/STACK-NOTES.md).
 */
export function isEditorOpen(): boolean {
  const env = getEnv();
  return env.NODE_ENV === "development" || env.EDITOR_OPEN_WITHOUT_AUTH;
}

/** Throws the 404 a closed editor answers with, so it does not advertise itself. */
export function requireEditorOpen(): void {
  if (!isEditorOpen()) throw new Response("Not found", { status: 404 });
}
