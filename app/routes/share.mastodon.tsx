import { json, redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { MastodonShareForm } from "~/components/ShareLinks";
import { MAX_SHARE_TEXT, checkMastodonServer, mastodonShareUrl } from "~/discovery/share";

// /share/mastodon?server=<host>&text=<text>: the post page's Mastodon form
// lands here; a good server name answers 303 to https://<host>/share?text=…,
// anything else a 400 page that says why and gives the form back with the value.
export async function loader({ request }: LoaderFunctionArgs) {
  const params = new URL(request.url).searchParams;
  const server = params.get("server") ?? "";
  const text = params.get("text") ?? "";
  if (text.trim() === "" || text.length > MAX_SHARE_TEXT) {
    return json(
      { server, text: "", message: "There is nothing to share from this address. Use the Share on Mastodon form under a post." },
      { status: 400, headers: { "Cache-Control": "no-store" } },
    );
  }
  const checked = checkMastodonServer(server);
  if (!checked.ok) return json({ server, text, message: checked.message }, { status: 400, headers: { "Cache-Control": "no-store" } });
  return redirect(mastodonShareUrl(checked.host, text), { status: 303, headers: { "Cache-Control": "no-store" } });
}

export const meta: MetaFunction = () => [
  { title: "Share on Mastodon" },
  { name: "robots", content: "noindex" },
];

export default function ShareOnMastodon() {
  const { server, text, message } = useLoaderData<typeof loader>();
  return (
    <section className="error-page narrow">
      <h1>Share on Mastodon</h1>
      {server ? (
        <p>
          We could not send you to “<strong>{server}</strong>”.
        </p>
      ) : null}
      {text ? <MastodonShareForm text={text} server={server} error={message} /> : <p>{message}</p>}
      <p>
        <Link to="/">Go to the home page</Link>
      </p>
    </section>
  );
}
