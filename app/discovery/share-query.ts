import { z } from "zod";
import { firstParam } from "../site/query-params";
import { MAX_SHARE_TEXT, checkMastodonServer } from "./share";

/**
 * The Mastodon share route's query (/share/mastodon?server=<host>&text=<text>,
 * app/routes/share.mastodon.tsx), read with conform's
 * `parseWithZod(searchParams, { schema: mastodonShareQuerySchema, disableAutoCoercion: true })`
 * (automatic coercion would turn an empty value into a missing one).
 * Never refused: it sorts every query into one of three kinds.
 */

/** Shown when the share text is missing, blank or longer than MAX_SHARE_TEXT code units. */
export const NOTHING_TO_SHARE =
  "There is nothing to share from this address. Use the Share on Mastodon form under a post.";

/**
 * - `nothing-to-share`: no usable text; `server` and `text` are what came, to show back and find a way back;
 * - `bad-server`: a usable text but a server name checkMastodonServer (./share.ts) refuses, with its message;
 * - `share`: the server's host name (lower-cased, xn-- form) and the text to share.
 */
export type MastodonShareQuery =
  | { kind: "nothing-to-share"; server: string; text: string; message: string }
  | { kind: "bad-server"; server: string; text: string; message: string }
  | { kind: "share"; host: string; text: string };

/** A parameter's first value; "" when missing or not text. */
const firstValue = firstParam.transform((value) => value ?? "");

export const mastodonShareQuerySchema = z
  .object({ server: firstValue, text: firstValue })
  .transform(({ server, text }): MastodonShareQuery => {
    if (text.trim() === "" || text.length > MAX_SHARE_TEXT) {
      return { kind: "nothing-to-share", server, text, message: NOTHING_TO_SHARE };
    }
    const checked = checkMastodonServer(server);
    return checked.ok
      ? { kind: "share", host: checked.host, text }
      : { kind: "bad-server", server, text, message: checked.message };
  });
