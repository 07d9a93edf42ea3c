import path from "node:path";
import { renderPostBody } from "../posts/body.server";
import { contentReader, contentRoot, fileSignature, messageOf } from "../posts/content-files.server";
import { assertMarkdocWithinLimits } from "../posts/markdoc-limits";
import { readFile } from "node:fs/promises";

/**
 * The About page (`/about`): the Keystatic singleton `about`, stored as
 * content/about.md (YAML frontmatter with its title, and a Markdoc body
 * rendered and sanitized exactly as a post body is, credited images
 * included). Kept in memory while the file's signature is unchanged.
 */

const ABOUT_FILE = "content/about.md";

/** The About page as drawn. */
export interface AboutPage {
  title: string;
  /** Sanitized HTML of the Markdoc body. */
  bodyHtml: string;
}

let cached: { root: string; signature: string; page: AboutPage | null } | null = null;

/**
 * The About page as the file says now, or null when the site has none (no
 * content/about.md) or its file cannot be read or parsed (logged; readers get
 * a 404 rather than an error page).
 */
export async function getAboutPage(): Promise<AboutPage | null> {
  const root = contentRoot();
  const signature = await fileSignature(path.join(root, ABOUT_FILE));
  if (signature === null) return null;
  if (cached && cached.root === root && cached.signature === signature) return cached.page;
  let page: AboutPage | null = null;
  try {
    assertMarkdocWithinLimits(await readFile(path.join(root, ABOUT_FILE), "utf8"));
    const entry = await contentReader().singletons.about.read();
    if (entry) {
      const { node } = await entry.body();
      page = Object.freeze({ title: entry.title.trim() || "About", bodyHtml: renderPostBody(node).html });
    }
  } catch (error) {
    console.error(`The About page ${ABOUT_FILE} cannot be shown: ${messageOf(error)}`);
  }
  cached = { root, signature, page };
  return page;
}

/** True when the site has an About page a reader can open (for the header, footer and sitemap). */
export async function hasAboutPage(): Promise<boolean> {
  return (await getAboutPage()) !== null;
}
