import { hasAboutPage } from "~/pages/about.server";
import { listAuthors, listPosts } from "~/posts/posts.server";
import { absoluteUrl } from "~/site/urls.server";
import { sitemapPages, sitemapXml } from "./sitemap";

/**
 * The whole sitemap.xml for a request: every post from `listPosts()`, its
 * tags and months, every author's page and the About page when there is one
 * (see `sitemapPages`), each made absolute with the public
 * origin (SITE_URL when set, else the origin the request came to).
 * @param requestUrl `request.url`, used only when SITE_URL is unset.
 * @throws RangeError past 50,000 URLs (see `sitemapXml`).
 */
export async function siteSitemap(requestUrl: string): Promise<string> {
  const [posts, authors, about] = await Promise.all([listPosts(), listAuthors(), hasAboutPage()]);
  const pages = sitemapPages(
    posts.map((post) => ({ ...post, author: post.author?.slug ?? null })),
    { authors: authors.map((author) => author.slug), about },
  );
  return sitemapXml(pages.map((page) => ({ loc: absoluteUrl(page.path, requestUrl), lastmod: page.lastmod })));
}
