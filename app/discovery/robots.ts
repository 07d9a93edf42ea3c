/**
 * robots.txt, as RFC 9309 (the Robots Exclusion Protocol) defines it: one
 * group for every crawler (`User-agent: *`), `Allow`/`Disallow` rules matched
 * against the path and query (`*` for any characters, longest match wins), and
 * a `Sitemap:` line with an absolute URL (sitemaps.org). Rules are advice to
 * well-behaved crawlers, not access control: every path below also checks who
 * is asking.
 *
 * Like WordPress (`Disallow: /wp-admin/`) and Ghost (`/ghost/`, `/email/`,
 * `/r/`, member APIs), we keep crawlers out of the editor, its API, account
 * and moderation pages, sign-in forms and one-use action links, and let them
 * read everything public: posts, tags, the archive, feeds, comment permalinks.
 */

/** Paths (RFC 9309 patterns) no crawler needs, each with the reason it is there. */
const DISALLOWED: readonly { path: string; why: string }[] = [
  { path: "/keystatic", why: "the editor" },
  { path: "/api/", why: "the editor's API and any other endpoint" },
  { path: "/account", why: "a signed-in person's settings" },
  { path: "/moderation", why: "the moderation queue" },
  { path: "/admin/", why: "administration" },
  { path: "/signin", why: "the sign-in form (its ?redirectTo= varies per page)" },
  { path: "/signup", why: "the sign-up form" },
  { path: "/password-reset", why: "the password-reset form and its one-use links from email" },
  { path: "/verify-email/", why: "one-use email verification links" },
  { path: "/signout", why: "an action, not a page" },
  { path: "/unsubscribe/", why: "one-click unsubscribe links from email" },
  { path: "/comments/*/edit", why: "a writer's edit form" },
  { path: "/comments/*/remove", why: "an action" },
  { path: "/comments/*/report", why: "the report form" },
  { path: "/share/", why: "redirects to other sites (share on Mastodon)" },
  { path: "/*?*replyTo=", why: "one copy of a post per comment replied to (WordPress's replytocom problem)" },
  { path: "/*?*draft=", why: "a kept draft, for its writer only" },
  { path: "/search?", why: "search results are not pages of their own" },
];

/**
 * The robots.txt text: allow the site, disallow `DISALLOWED`, point at the sitemap.
 * @param sitemapUrl absolute URL of sitemap.xml, e.g. "https://staffroom.example.org/sitemap.xml".
 * @throws TypeError when `sitemapUrl` is not an absolute URL (RFC 9309 §2.3 / sitemaps.org ask for one).
 */
export function robotsTxt({ sitemapUrl }: { sitemapUrl: string }): string {
  const sitemap = new URL(sitemapUrl).href;
  return [
    "# Staffroom: the public site is open to every crawler.",
    "User-agent: *",
    "Allow: /",
    ...DISALLOWED.map(({ path }) => `Disallow: ${path}`),
    "",
    `Sitemap: ${sitemap}`,
    "",
  ].join("\n");
}
