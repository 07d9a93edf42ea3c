import { generateAtomFeed, generateJsonFeed, generateRssFeed } from "feedsmith";
import { absolutizeUrls } from "./absolute-urls";
import { rightsStatement, type FeedLicense } from "./licence";
import { feedText, xmlSafe, xmlSafeDeep } from "./xml-safe";

/**
 * The site's feeds (the whole site, or one tag) in three formats, from plain
 * values: Atom 1.0 (RFC 4287), RSS 2.0 (https://www.rssboard.org/rss-specification)
 * and JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/). Each entry is a
 * whole post (its body, with URLs made absolute) and carries its licence:
 * Atom `<link rel="license">` (RFC 4946), RSS `<creativeCommons:license>`
 * (http://backend.userland.com/creativeCommonsRssModule) and a JSON Feed
 * extension object `_license`.
 *
 * Written with feedsmith, not with `feed` (also a well-kept generator): `feed`
 * 6.0 gives an Atom entry one link only, so no `rel="license"` beside the
 * alternate, knows no RSS namespaces (an item's `creativeCommons:license`
 * would need a hand-made namespace declaration), and leaves `]]>` inside CDATA
 * to the caller. feedsmith emits any entry links, the Creative Commons RSS
 * module and Dublin Core natively, declares their namespaces, escapes `&` and
 * `<` in attributes and splits CDATA at `]]>`. What no escaping can fix,
 * characters XML 1.0 forbids, is dropped here first (`xmlSafeDeep`).
 */

/**
 * How many posts a site or tag feed holds: the newest 20. Enough for a reader
 * that polls every few days to miss nothing on a blog of a few posts a week,
 * while each fetch stays small, since every entry carries a whole post.
 */
export const SITE_FEED_MAX_ENTRIES = 20;

/** One post as a feed entry. */
export interface FeedPost {
  /** The post's permalink, absolute: the entry's id and link, and the base for relative URLs in `bodyHtml`. */
  url: string;
  title: string;
  /** Plain text (may be empty). */
  summary: string;
  /** The rendered, sanitized body (`getPost(slug).bodyHtml`); relative URLs are fine. */
  bodyHtml: string;
  /** Calendar date as written, YYYY-MM-DD; published and updated at 00:00:00 UTC that day. */
  published: string;
  author: { name: string; url: string | null } | null;
  tags: readonly string[];
  /** The post's licence (`resolvePostLicense`). */
  license: FeedLicense;
  /** The cover image, absolute URL, or null. */
  image: string | null;
}

/** Everything a feed says, in plain values. */
export interface SiteFeedInput {
  /** e.g. "Practice Notes", or "Practice Notes: posts tagged “coaching”". */
  title: string;
  /** Plain text (may be empty). */
  subtitle: string;
  /** The page the feed follows, absolute: the home page, or the tag's page. */
  pageUrl: string;
  /** This feed's own address in each format, absolute (each format's self link). */
  feedUrls: { atom: string; rss: string; json: string };
  /** Where a tag's page lives: the tag's URL is this plus the encoded tag. Categories name it as their scheme/domain. */
  tagBaseUrl: string;
  /** The site's author, for entries without one (Atom needs an author for each entry). */
  siteAuthor: { name: string; url: string | null };
  /** Newest first; only the first SITE_FEED_MAX_ENTRIES are used. */
  posts: readonly FeedPost[];
}

/** Where `_license` is documented: it says in JSON what the CC RSS module's element says in RSS. */
const JSON_LICENSE_EXTENSION_ABOUT = "http://backend.userland.com/creativeCommonsRssModule";

interface Entry {
  url: string;
  title: string;
  summary: string;
  html: string;
  date: Date;
  author: { name: string; url: string | null };
  tags: string[];
  license: FeedLicense;
  rights: string;
  image: string | null;
}

/** The feed's entries, cleaned once for all formats: forbidden characters out, URLs absolute, at most 20. */
function entries(input: SiteFeedInput): Entry[] {
  return input.posts.slice(0, SITE_FEED_MAX_ENTRIES).map((post) => {
    const author = post.author && feedText(post.author.name) ? post.author : input.siteAuthor;
    const name = feedText(author.name) || "Anonymous";
    return xmlSafeDeep({
      url: post.url,
      // Feed generators trim every value and leave out an empty one, but Atom and JSON Feed need an entry title.
      title: feedText(post.title) || "Untitled",
      summary: feedText(post.summary),
      html: absolutizeUrls(xmlSafe(post.bodyHtml), post.url),
      date: postDate(post.published),
      author: { name, url: author.url },
      tags: post.tags.map(feedText).filter(Boolean),
      license: post.license,
      rights: rightsStatement(post.license, name),
      image: post.image,
    });
  });
}

/** 00:00:00 UTC of a YYYY-MM-DD calendar date; the epoch for a malformed one, so a feed is never refused. */
function postDate(published: string): Date {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(published) ? new Date(`${published}T00:00:00Z`) : new Date(Number.NaN);
  return Number.isNaN(date.getTime()) ? new Date(0) : date;
}

/** The newest entry's date, or the epoch for a feed with no entries. */
function feedUpdated(list: readonly Entry[]): Date {
  return list.reduce((newest, entry) => (entry.date > newest ? entry.date : newest), new Date(0));
}

/** Every format needs a feed title: the site's, or "Feed" if it has none a feed can carry. */
function feedTitle(input: SiteFeedInput): string {
  return feedText(input.title) || "Feed";
}

/** A plain string as HTML text: where a format declares a field HTML, plain text must not turn into markup. */
function textToHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Atom 1.0 (RFC 4287), UTF-8 text. Feed: `id` and `rel="self"` the Atom
 * URL, `rel="alternate"` the page, `title`/`subtitle` as text, `updated` the
 * newest entry's date (UTC, ISO-8601) and an author (the site's); no
 * feed-level licence or rights, since entries would inherit them (RFC 4946
 * §2.3, RFC 4287 §4.2.10) and posts differ in licence. Entry:
 * `id` and `rel="alternate"` the permalink, `title` and `summary` as text,
 * `content type="html"` the whole post, `author` (name, uri when known),
 * `published` = `updated` = the post's date at 00:00:00Z, one `category` per
 * tag (term and label the tag, scheme the tag pages' base URL),
 * `rel="license"` the deed URL (none for all rights reserved) and `rights` a
 * sentence naming the licence. Throws only if the generator refuses its input
 * (a feed with no id or title, which `input` always has).
 */
export function buildAtomFeed(input: SiteFeedInput): string {
  const list = entries(input);
  return generateAtomFeed(
    xmlSafeDeep({
      id: input.feedUrls.atom,
      title: { value: feedTitle(input), type: "text" },
      ...(feedText(input.subtitle) ? { subtitle: { value: input.subtitle, type: "text" } } : {}),
      links: [
        { href: input.pageUrl, rel: "alternate", type: "text/html" },
        { href: input.feedUrls.atom, rel: "self", type: "application/atom+xml" },
      ],
      updated: feedUpdated(list),
      authors: [personAtom(input.siteAuthor)],
      generator: { text: "Staffroom" },
      entries: list.map((entry) => ({
        id: entry.url,
        title: { value: entry.title, type: "text" },
        ...(entry.summary ? { summary: { value: entry.summary, type: "text" } } : {}),
        content: { value: entry.html, type: "html" },
        links: [
          { href: entry.url, rel: "alternate", type: "text/html" },
          ...(entry.license.url ? [{ href: entry.license.url, rel: "license" }] : []),
        ],
        authors: [personAtom(entry.author)],
        published: entry.date,
        updated: entry.date,
        categories: entry.tags.map((tag) => ({ term: tag, label: tag, scheme: input.tagBaseUrl })),
        rights: { value: entry.rights, type: "text" },
      })),
    }),
    { strict: true },
  );
}

function personAtom(person: { name: string; url: string | null }) {
  return { name: person.name, ...(person.url ? { uri: person.url } : {}) };
}

/**
 * RSS 2.0 (https://www.rssboard.org/rss-specification), UTF-8 text. Channel:
 * `title`, `link` the page, `description` the subtitle (the title when
 * empty), `lastBuildDate` and `pubDate` the newest post's date (RFC 822,
 * GMT) and `atom:link rel="self"`; no channel `copyright` or
 * `creativeCommons:license`, which items without their own would inherit
 * (an all-rights-reserved post must not). Item: `title`, `link` and `guid
 * isPermaLink="true"` the permalink, `description` the summary as HTML,
 * `content:encoded` the whole post, `dc:creator` the author's name (RSS's
 * own `author` must be an email address, which is never published),
 * `pubDate`, one `category` per tag (domain the tag pages' base URL),
 * `creativeCommons:license` the deed URL (none for all rights reserved; the
 * CC RSS module's rule) and `dc:rights` a sentence naming the licence.
 */
export function buildRssFeed(input: SiteFeedInput): string {
  const list = entries(input);
  const updated = feedUpdated(list);
  return generateRssFeed(
    xmlSafeDeep({
      title: feedTitle(input),
      link: input.pageUrl,
      description: feedText(input.subtitle) || feedTitle(input),
      pubDate: updated,
      lastBuildDate: updated,
      generator: "Staffroom",
      docs: "https://www.rssboard.org/rss-specification",
      atom: { links: [{ href: input.feedUrls.rss, rel: "self", type: "application/rss+xml" }] },
      items: list.map((entry) => ({
        title: entry.title,
        link: entry.url,
        guid: { value: entry.url, isPermaLink: true },
        ...(entry.summary ? { description: textToHtml(entry.summary) } : {}),
        content: { encoded: entry.html },
        pubDate: entry.date,
        categories: entry.tags.map((tag) => ({ name: tag, domain: input.tagBaseUrl })),
        dc: { creators: [entry.author.name], rights: [entry.rights] },
        ...(entry.license.url ? { creativeCommons: { licenses: [entry.license.url] } } : {}),
      })),
    }),
    { strict: true },
  );
}

/** The JSON Feed extension object that states a licence (JSON Feed 1.1 §Extensions: a key starting "_"). */
function licenseExtension(license: FeedLicense, rights: string) {
  return {
    about: JSON_LICENSE_EXTENSION_ABOUT,
    ...(license.url ? { url: license.url } : {}),
    name: license.fullName,
    rights,
  };
}

/**
 * JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/), as JSON text.
 * Top level: `title`, `description`, `home_page_url` the page, `feed_url`
 * the JSON URL and `authors` (the site's); licences are per item only. Item: `id` and `url`
 * the permalink, `title`, `summary`, `content_html` the whole post,
 * `date_published` = `date_modified` the post's date at 00:00:00Z
 * (ISO-8601, UTC), `tags`, `authors` (name, url when known), `image` the
 * cover, and `_license`: `{ about, url, name, rights }` with `url` the deed
 * (left out for all rights reserved). The same characters as in the XML
 * feeds are dropped, so every format carries the same text.
 */
export function buildJsonFeed(input: SiteFeedInput): string {
  const list = entries(input);
  const feed = generateJsonFeed(
    xmlSafeDeep({
      title: feedTitle(input),
      ...(feedText(input.subtitle) ? { description: input.subtitle } : {}),
      home_page_url: input.pageUrl,
      feed_url: input.feedUrls.json,
      authors: [personJson(input.siteAuthor)],
      items: list.map((entry) => ({
        id: entry.url,
        url: entry.url,
        title: entry.title,
        ...(entry.summary ? { summary: entry.summary } : {}),
        content_html: entry.html,
        date_published: entry.date,
        date_modified: entry.date,
        ...(entry.tags.length ? { tags: entry.tags } : {}),
        authors: [personJson(entry.author)],
        ...(entry.image ? { image: entry.image } : {}),
        _license: licenseExtension(entry.license, entry.rights),
      })),
    }),
    { strict: true },
  );
  return JSON.stringify(feed, null, 2);
}

function personJson(person: { name: string; url: string | null }) {
  return { name: person.name, ...(person.url ? { url: person.url } : {}) };
}
