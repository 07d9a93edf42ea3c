/**
 * The tag index: every tag with the number of posts carrying it.
 *
 * A tag is its exact text, as the tag page matches it (`listPostsByTag`):
 * "Coaching" and "coaching" are two tags, listed side by side. Its address is
 * `tagPath` (app/discovery/paths.ts): `/tags/<tag>` percent-encoded.
 *
 * Pure: no Node or DOM APIs.
 */

export interface TagCount {
  name: string;
  /** Posts carrying the tag. */
  count: number;
}

export type TagOrder = "name" | "count";

// Case- and accent-insensitive first ("édition" beside "edition"), numbers in numeric order.
const byName = new Intl.Collator("en", { sensitivity: "base", numeric: true });

/**
 * Every tag of `posts` with its count. `order` "name" sorts A to Z ignoring
 * case and accents (ties by exact text, so the order is stable); "count" puts
 * the most used first, ties by name. A tag repeated on one post counts once.
 */
export function countTags(posts: readonly { tags: readonly string[] }[], order: TagOrder = "name"): TagCount[] {
  const counts = new Map<string, number>();
  for (const post of posts) {
    for (const tag of new Set(post.tags)) counts.set(tag, (counts.get(tag) ?? 0) + 1);
  }
  const tags = [...counts].map(([name, count]) => ({ name, count }));
  const compareNames = (a: TagCount, b: TagCount) =>
    byName.compare(a.name, b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  return tags.sort(order === "count" ? (a, b) => b.count - a.count || compareNames(a, b) : compareNames);
}
