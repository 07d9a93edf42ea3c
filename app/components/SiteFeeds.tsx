import { siteFeeds } from "~/discovery/paths";

/**
 * Feed autodiscovery for every page: `<link rel="alternate">` to the site's
 * Atom, RSS and JSON feeds of new posts, drawn in the document head so feed
 * readers and browser extensions find them from any page.
 */
export function SiteFeedLinks({ siteTitle }: { siteTitle: string }) {
  return (
    <>
      {siteFeeds(siteTitle).map((feed) => (
        <link key={feed.href} rel="alternate" type={feed.type} title={feed.title} href={feed.href} />
      ))}
    </>
  );
}

/** The same feeds as visible links (footer), for readers whose browser shows no autodiscovery. */
export function SiteFeedsNav({ siteTitle }: { siteTitle: string }) {
  const feeds = siteFeeds(siteTitle);
  return (
    <p className="site-feeds">
      Follow new posts:{" "}
      {feeds.map((feed, index) => (
        <span key={feed.href}>
          {index > 0 ? " · " : null}
          <a href={feed.href} type={feed.type}>
            {feed.format}
          </a>
        </span>
      ))}
    </p>
  );
}
