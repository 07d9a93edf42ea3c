/**
 * Share links for a post: plain URLs that open the reader's own mail program
 * or the sharing page of a network, with the post's title and canonical URL
 * filled in. No scripts, images, iframes or trackers of any network are
 * loaded on our pages; a network learns of the share only when the reader
 * follows its link.
 *
 * Every value is percent-encoded with `encodeURIComponent` (spaces as %20,
 * `&`, `#`, `?`, `<`, quotes and non-ASCII encoded), so a hostile title cannot
 * end a parameter early or add one.
 */

/** What is shared: the post's title and its absolute canonical URL. */
export interface ShareTarget {
  title: string;
  /** Absolute canonical URL, e.g. "https://staffroom.example.org/posts/a-slug". */
  url: string;
}

/**
 * A `mailto:` link with the title as subject and title + URL as body (RFC
 * 6068: no recipient, values percent-encoded, line breaks as %0D%0A).
 */
export function emailShareUrl({ title, url }: ShareTarget): string {
  return `mailto:?subject=${encodeURIComponent(title)}&body=${encodeURIComponent(`${title}\r\n${url}`)}`;
}

/**
 * LinkedIn's share page. LinkedIn reads the title, description and picture
 * from the page's Open Graph tags, so only the URL is passed
 * (https://learn.microsoft.com/en-us/linkedin/consumer/integrations/self-serve/plugins/share-plugin).
 */
export function linkedInShareUrl({ url }: ShareTarget): string {
  return `https://www.linkedin.com/sharing/share-offsite/?url=${encodeURIComponent(url)}`;
}

/**
 * X's Post Web Intent with the title as text and the URL as `url`
 * (https://developer.x.com/en/docs/x-for-websites/tweet-button/guides/web-intent).
 */
export function xShareUrl({ title, url }: ShareTarget): string {
  return `https://x.com/intent/post?text=${encodeURIComponent(title)}&url=${encodeURIComponent(url)}`;
}

/**
 * The text put in a Mastodon post: the title, a space, the URL. A title so
 * long that the text would pass MAX_SHARE_TEXT is cut (at a grapheme
 * cluster, with "…"), so every post can be shared.
 */
export function mastodonShareText({ title, url }: ShareTarget): string {
  const room = MAX_SHARE_TEXT - url.length - 1;
  if (title.length <= room) return `${title} ${url}`;
  let cut = "";
  for (const { segment } of new Intl.Segmenter("en", { granularity: "grapheme" }).segment(title)) {
    if (cut.length + segment.length > room - 1) break;
    cut += segment;
  }
  return `${cut.trimEnd()}… ${url}`;
}

/** Our own route that sends a reader on to their Mastodon server (app/routes/share.mastodon.tsx). */
export const MASTODON_SHARE_ROUTE = "/share/mastodon";

/** The longest share text the Mastodon route passes on (a title and a URL fit many times over). */
export const MAX_SHARE_TEXT = 2000;

/** Result of checking a Mastodon server name typed by a reader. */
export type MastodonServerCheck = { ok: true; host: string } | { ok: false; message: string };

/**
 * Checks what a reader typed as "Your Mastodon server": a bare host name such
 * as `mastodon.social` (case and surrounding spaces do not matter; an
 * internationalised name is turned into its xn-- form).
 *
 * Refused, with a message saying what to type instead: an empty value; a
 * scheme (`https://x`); a path, query or fragment (`evil.com/path`); an
 * account or credentials (`user@host`, `@user@host`); a port (`host:1234`:
 * Mastodon servers answer on https's port, and allowing ports would let this
 * route point browsers at arbitrary services); IP addresses and single-label
 * names (`localhost`); anything not made of DNS labels (RFC 1035 letters,
 * digits and inner hyphens, 63 characters a label, 253 in all).
 */
export function checkMastodonServer(input: string): MastodonServerCheck {
  const value = input.trim();
  const example = "Type just your server's name, such as mastodon.social.";
  if (value === "") return { ok: false, message: `Please say which Mastodon server you use. ${example}` };
  if (value.length > 253) return { ok: false, message: `That is too long for a server name. ${example}` };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    return { ok: false, message: `Leave out the “https://” part. ${example}` };
  }
  if (value.includes("@")) {
    return {
      ok: false,
      message: `That looks like an account, not a server. For @name@mastodon.social the server is mastodon.social. ${example}`,
    };
  }
  if (/[/\\?#]/.test(value)) return { ok: false, message: `A server name has no “/”, “?” or “#”. ${example}` };
  if (value.includes(":")) return { ok: false, message: `A server name has no “:” or port number. ${example}` };
  if (/[\s%]/.test(value) || /\p{Cc}/u.test(value)) {
    return { ok: false, message: `A server name has no spaces or “%”. ${example}` };
  }
  let host: string;
  try {
    // The WHATWG URL parser lowercases and turns Unicode names into xn-- form.
    host = new URL(`https://${value}/`).hostname;
  } catch {
    return { ok: false, message: `That is not a server name. ${example}` };
  }
  const labels = host.split(".");
  const label = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
  if (labels.length < 2 || !labels.every((part) => label.test(part)) || /^\d+$/.test(labels[labels.length - 1])) {
    return { ok: false, message: `That is not a server name. ${example}` };
  }
  return { ok: true, host };
}

/**
 * The share page of a Mastodon server with the text filled in:
 * `https://<host>/share?text=…` (Mastodon's web share route; there is no
 * central share URL, since every server is its own site).
 * @param host a name `checkMastodonServer` accepted.
 * @throws TypeError when `host` was not checked and is not a bare host name.
 */
export function mastodonShareUrl(host: string, text: string): string {
  const checked = checkMastodonServer(host);
  if (!checked.ok || checked.host !== host)
    throw new TypeError(`mastodonShareUrl: "${host}" is not a checked server name`);
  return `https://${host}/share?text=${encodeURIComponent(text)}`;
}

/** Every share link of a post, for the ShareLinks component. */
export function shareLinks(target: ShareTarget) {
  return {
    email: emailShareUrl(target),
    linkedIn: linkedInShareUrl(target),
    x: xShareUrl(target),
    mastodonText: mastodonShareText(target),
  };
}
