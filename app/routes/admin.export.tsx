import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { getDatabase } from "~/database.server";
import { exportChunks, exportFileFacts } from "~/export/export.server";
import { requireUser } from "~/http/session.server";

const downloadQuery = z.object({ format: z.enum(["json", "wxr"]) });

/**
 * `/admin/export?format=json|wxr` (a resource route: no page of its own):
 * admins only; the whole site as an attachment, streamed one post at a time.
 * Any other format answers 400 (the Markdown folder is `npm run export` only).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const { headers } = await requireUser(request, { roles: ["admin"] });
  const query = downloadQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) {
    throw new Response("Choose format=json (everything, Staffroom's own format) or format=wxr (WordPress).", {
      status: 400,
      headers,
    });
  }
  const { format } = query.data;

  const db = await getDatabase();
  const facts = exportFileFacts(format);
  const chunks = exportChunks(db, format);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
  const responseHeaders = new Headers(headers);
  responseHeaders.set("Content-Type", facts.type);
  responseHeaders.set("Content-Disposition", `attachment; filename="${facts.name}"`);
  responseHeaders.set("Cache-Control", "no-store");
  return new Response(body, { status: 200, headers: responseHeaders });
}
