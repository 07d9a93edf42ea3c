import {
  decideKeystaticWrite,
  type KeystaticActor,
  parseKeystaticUpdate,
  readExistingPost,
} from "../editor/keystatic-writes.server";

/**
 * For the `/api/keystatic/*` action: throws the Response to send when `actor`
 * may not make this request, and returns when Keystatic may handle it.
 * Any method other than GET/HEAD is treated as a write whatever the URL says
 * (Keystatic answers unknown routes with 404 anyway). The body is read from a
 * clone, so Keystatic still reads the same bytes afterwards. 400 when the body
 * is not an update Keystatic would accept; 403 with the reason when refused.
 * `baseDirectory` must be where Keystatic writes (its `localBaseDirectory`;
 * the route passes none, so `process.cwd()`).
 */
export async function requireKeystaticWriteAllowed(
  request: Request,
  actor: KeystaticActor,
  baseDirectory: string = process.cwd(),
): Promise<void> {
  if (request.method === "GET" || request.method === "HEAD") return;
  if (actor.role === "admin") return;
  const body = new Uint8Array(await request.clone().arrayBuffer());
  const update = parseKeystaticUpdate(body, request.headers.get("content-type"));
  if (!update) throw new Response("Bad data", { status: 400 });
  const decision = await decideKeystaticWrite(update, actor, (slug) => readExistingPost(baseDirectory, slug));
  if (!decision.allowed) throw new Response(decision.reason, { status: 403 });
}
