import { oldPathOf } from "./redirects.server";

/**
 * Links between imported posts (docs/decisions/0046): a link in an imported
 * body (post or comment) to another post of the old blog, by any address the
 * import recorded as a redirect (Blogger `/2013/06/slug.html`, WordPress
 * `/?p=42`, `/2013/06/14/slug/`; absolute on the old site's host, or
 * site-relative), becomes the post's Staffroom path `/posts/<slug>`. Links
 * elsewhere, and links to comments (`?showComment=`), are left as they are
 * (the latter still redirect). Pure apart from its counter.
 */

/** Rewrites old links; counts what it rewrote. */
export interface LinkRewriter {
  /** The link's new address, or `href` unchanged. */
  rewrite(href: string): string;
  /** Links rewritten so far. */
  readonly rewritten: number;
}

/** A host as compared: lower case, without `www.`; Blogger's country domains (`name.blogspot.co.uk`) as `name.blogspot.com`. */
function hostKey(host: string): string {
  return host
    .toLowerCase()
    .replace(/^www\./, "")
    .replace(/\.blogspot\.[a-z.]+$/, ".blogspot.com");
}

/**
 * A rewriter for one import.
 * @param book old stored paths (redirects.server.ts `oldPathOf` form) → the post path they redirect to.
 * @param oldAddresses absolute addresses on the old site (its home, posts' permalinks): their hosts are the old site's.
 */
export function linkRewriter(book: ReadonlyMap<string, string>, oldAddresses: Iterable<string>): LinkRewriter {
  const hosts = new Set<string>();
  for (const address of oldAddresses) {
    try {
      hosts.add(hostKey(new URL(address).host));
    } catch {
      // not an absolute address: names no host
    }
  }
  let rewritten = 0;
  return {
    rewrite(href) {
      const trimmed = href.trim();
      if (!trimmed || trimmed.startsWith("#")) return href;
      let url: URL;
      try {
        url = new URL(trimmed, "http://old.invalid/");
      } catch {
        return href;
      }
      const relative = url.host === "old.invalid" && !/^[a-z][a-z0-9+.-]*:|^\/\//i.test(trimmed);
      if (!relative && (!/^https?:$/.test(url.protocol) || !hosts.has(hostKey(url.host)))) return href;
      const oldPath = oldPathOf(url.href);
      const target = oldPath ? book.get(oldPath) : undefined;
      if (!target) return href;
      rewritten++;
      // The old page's own anchors are gone; its discussion is still at #comments.
      return url.hash === "#comments" ? `${target}#comments` : target;
    },
    get rewritten() {
      return rewritten;
    },
  };
}
