import type { AppLoadContext } from "@remix-run/node";

/**
 * The client's address for rate limits (docs/architecture.md §6): what scripts/server.mjs
 * puts in the load context, which is `X-Forwarded-For`'s client only when the
 * direct peer is a configured trusted proxy (TRUSTED_PROXIES), otherwise the
 * peer itself. The dev server has no load context: every client is "local".
 */
export function clientAddress(context: AppLoadContext): string {
  const address = (context as { clientAddress?: unknown }).clientAddress;
  return typeof address === "string" && address ? address : "local";
}
