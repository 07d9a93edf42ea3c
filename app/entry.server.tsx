import { PassThrough } from "node:stream";
import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { boot } from "./boot.server";

/**
 * How long (ms) single fetch waits for a loader's promises before rejecting
 * them; Remix reads this export. The render is aborted a second later, so
 * the rejections reach the browser first (Remix single fetch guide).
 */
export const streamTimeout = 5_000;

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  _loadContext: AppLoadContext,
) {
  const waitForAll = isbot(request.headers.get("user-agent") ?? "");
  return new Promise((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(<RemixServer context={remixContext} url={request.url} />, {
      [waitForAll ? "onAllReady" : "onShellReady"]() {
        shellRendered = true;
        const body = new PassThrough();
        responseHeaders.set("Content-Type", "text/html; charset=utf-8");
        responseHeaders.set("X-Content-Type-Options", "nosniff");
        // A page may ask for a stricter one (pages whose address holds a token from an email).
        if (!responseHeaders.has("Referrer-Policy")) {
          responseHeaders.set("Referrer-Policy", "strict-origin-when-cross-origin");
        }
        responseHeaders.set("X-Frame-Options", "SAMEORIGIN");
        resolve(
          new Response(createReadableStreamFromReadable(body), {
            headers: responseHeaders,
            status: responseStatusCode,
          }),
        );
        pipe(body);
      },
      onShellError(error: unknown) {
        reject(error);
      },
      onError(error: unknown) {
        responseStatusCode = 500;
        if (shellRendered) console.error(error);
      },
    });
    setTimeout(abort, streamTimeout + 1_000);
  });
}

// The dev server has no start-up hook: it boots when it loads this entry
// (scripts/server.mjs boots the production server itself).
if (import.meta.env.DEV) boot().catch((error) => console.error("Staffroom did not start:", error));

// For scripts/server.mjs: its cross-site check, what it refuses before routing
// (methods, addresses), its settings, and boot() (migrations, demo, workers)
// to run before it starts listening.
export { isSameOriginRequest } from "./auth/origin";
export { refusalOf } from "./http/request-shape";
export { getEnv } from "./env.server";
export { boot };
