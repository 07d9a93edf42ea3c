import { findAuthor, listPostsByAuthor, type Author, type PostSummary } from "./posts.server";

/** What an author's page shows: the author entry, and the posts readers see by them, newest first. */
export interface AuthorPage {
  /** The entry, without its account email (never shown). */
  author: Omit<Author, "accountEmail">;
  posts: PostSummary[];
}

/**
 * The page at `/authors/<slug>`: the author entry (content/authors/<slug>.yaml)
 * and their posts, or null for an unknown author (the route answers 404). An
 * author without posts has a page with an empty list.
 */
export async function readAuthorPage(slug: string): Promise<AuthorPage | null> {
  const author = await findAuthor(slug);
  if (!author) return null;
  const { accountEmail: _accountEmail, ...shown } = author;
  return { author: shown, posts: await listPostsByAuthor(author.slug) };
}
