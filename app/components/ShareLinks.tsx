import { MASTODON_SHARE_ROUTE, shareLinks, type ShareTarget } from "~/discovery/share";

/**
 * "Share this post": email, LinkedIn and X as plain links, and Mastodon as a
 * small GET form to our own route (every Mastodon server is its own site, so
 * the reader names theirs). No network's scripts, images or iframes; works
 * without JavaScript.
 */
export function ShareLinks({ title, url }: ShareTarget) {
  const links = shareLinks({ title, url });
  return (
    <section className="share" id="share" aria-labelledby="share-heading">
      <h2 id="share-heading">Share this post</h2>
      <ul className="share-links">
        <li>
          <a href={links.email}>Email</a>
        </li>
        <li>
          <a href={links.linkedIn} rel="noopener noreferrer">
            LinkedIn
          </a>
        </li>
        <li>
          <a href={links.x} rel="noopener noreferrer">
            X
          </a>
        </li>
      </ul>
      <MastodonShareForm text={links.mastodonText} />
    </section>
  );
}

/**
 * The Mastodon form: "Your Mastodon server: [ ] Share on Mastodon". A plain
 * `<form>` (not Remix's), so the answer, a redirect to another site, is
 * followed by the browser as an ordinary navigation.
 */
export function MastodonShareForm({
  text,
  server = "",
  error = null,
}: {
  text: string;
  /** The value to show again after a refusal. */
  server?: string;
  error?: string | null;
}) {
  return (
    <form method="get" action={MASTODON_SHARE_ROUTE} className="share-mastodon">
      <label htmlFor="mastodon-server">Your Mastodon server:</label>{" "}
      <input
        id="mastodon-server"
        name="server"
        type="text"
        defaultValue={server}
        placeholder="mastodon.social"
        required
        inputMode="url"
        autoComplete="off"
        autoCapitalize="none"
        spellCheck={false}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? "mastodon-server-error" : undefined}
      />{" "}
      <input type="hidden" name="text" value={text} />
      <button type="submit" className="button small">
        Share on Mastodon
      </button>
      {error ? (
        <p className="form-error" id="mastodon-server-error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
