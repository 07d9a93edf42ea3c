import { parseWithZod } from "@conform-to/zod/v4";
import { json, redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { MastodonShareForm } from "~/components/ShareLinks";
import { publicOrigin } from "~/site/urls.server";
import { NOTHING_TO_SHARE, mastodonShareQuerySchema } from "~/discovery/share-query";
import { mastodonShareUrl } from "~/discovery/share";

// /share/mastodon?server=<host>&text=<text>: the post page's Mastodon form
// lands here; a good server name answers 303 to https://<host>/share?text=…,
// anything else a 400 page that says why and gives the form back with the value.
// A link from another site is not followed straight to another server (we
// would be an open redirect): the reader is shown where it leads and clicks
// on. Browsers send Sec-Fetch-Site (Fetch Metadata); our own form is
// "same-origin", and a request without the header (older browsers, tools)
// is treated as ours.
export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const query = parseWithZod(url.searchParams, { schema: mastodonShareQuerySchema, disableAutoCoercion: true });
  const noStore = { "Cache-Control": "no-store" };
  // The schema never refuses (app/discovery/share-query.ts); were it to, there would be nothing to share.
  const value =
    query.status === "success"
      ? query.value
      : ({ kind: "nothing-to-share", server: "", text: "", message: NOTHING_TO_SHARE } as const);
  const back = postPathIn(value.text, publicOrigin(request.url));
  switch (value.kind) {
    case "nothing-to-share":
      return json(
        { server: value.server, text: "", back, confirmUrl: null, message: value.message },
        { status: 400, headers: noStore },
      );
    case "bad-server":
      return json(
        {
          server: value.server,
          text: value.text,
          back,
          confirmUrl: null,
          message: value.message,
        },
        { status: 400, headers: noStore },
      );
    case "share": {
      const target = mastodonShareUrl(value.host, value.text);
      const fetchSite = request.headers.get("sec-fetch-site");
      if (fetchSite && fetchSite !== "same-origin" && fetchSite !== "none") {
        return json(
          {
            server: value.host,
            text: value.text,
            back,
            confirmUrl: target,
            message: null,
          },
          { headers: noStore },
        );
      }
      return redirect(target, { status: 303, headers: noStore });
    }
  }
}

/** The path of one of our posts named in the share text ("Title https://site/posts/slug"), for a way back. */
function postPathIn(text: string, origin: string): string | null {
  for (const word of text.split(/\s+/)) {
    try {
      const url = new URL(word);
      if (url.origin === origin && /^\/posts\/[a-z0-9-]+$/.test(url.pathname)) return url.pathname;
    } catch {
      // not a URL
    }
  }
  return null;
}

export const meta: MetaFunction = () => [{ title: "Share on Mastodon" }, { name: "robots", content: "noindex" }];

export default function ShareOnMastodon() {
  const { server, text, message, back, confirmUrl } = useLoaderData<typeof loader>();
  return (
    <section className="error-page narrow">
      <h1>Share on Mastodon</h1>
      {confirmUrl ? (
        <p>
          This link shares a post on the Mastodon server <strong>{server}</strong>.{" "}
          <a href={confirmUrl} rel="noopener noreferrer">
            {`Continue to ${server}`}
          </a>
        </p>
      ) : (
        <>
          {server ? (
            <p>
              We could not send you to “<strong>{server}</strong>”.
            </p>
          ) : null}
          {text ? <MastodonShareForm text={text} server={server} error={message} /> : <p>{message}</p>}
        </>
      )}
      <p>{back ? <Link to={back}>Back to the post</Link> : <Link to="/">Go to the home page</Link>}</p>
    </section>
  );
}
