/**
 * The licence notice under a post: under an open licence, the Creative
 * Commons attribution line in ccREL (as the Creative Commons licence chooser
 * writes it, about the post's canonical URL) with a link to how to reuse it;
 * otherwise "All rights reserved" and how to ask the author.
 */
export function LicenseNotice({
  title,
  canonicalUrl,
  authorName,
  authorUrl,
  license,
  askUrl,
}: {
  /** The post's title. */
  title: string;
  /** The post's canonical (absolute) URL. */
  canonicalUrl: string;
  authorName: string;
  /** Who the notice credits: the author's first link, else the site's attribution URL; null for none. */
  authorUrl: string | null;
  /** The post's licence; a null `url` means all rights reserved. */
  license: { url: string | null; shortName: string };
  /** Where to ask the author for permission (all rights reserved), or null. */
  askUrl: string | null;
}) {
  return (
    <footer className="license-notice">
      {license.url ? (
        // ccREL as the Creative Commons licence chooser writes it, about the post's canonical URL.
        <p about={canonicalUrl}>
          <a property="dct:title" rel="cc:attributionURL" href={canonicalUrl} dir="auto">
            {title}
          </a>{" "}
          by{" "}
          {authorUrl ? (
            <a rel="cc:attributionURL dct:creator" property="cc:attributionName" href={authorUrl} dir="auto">
              {authorName}
            </a>
          ) : (
            <span property="cc:attributionName" dir="auto">
              {authorName}
            </span>
          )}{" "}
          is licensed under{" "}
          <a href={license.url} rel="license">
            {license.shortName}
          </a>
          . <a href="#reuse">How to reuse it</a>
        </p>
      ) : (
        <p>
          © <bdi>{authorName}</bdi>. All rights reserved.{" "}
          {askUrl ? (
            <>
              To reuse any of it, <a href={askUrl}>ask the author for permission</a>.
            </>
          ) : (
            "Please ask the author before reusing any of it."
          )}
        </p>
      )}
    </footer>
  );
}
