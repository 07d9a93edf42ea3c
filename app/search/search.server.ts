import { loadPostCatalogue, type PostCatalogue, type PostSummary } from "../posts/posts.server";
import { pageOf } from "../posts/paging";
import { isPublic } from "../posts/visibility";
import { excerpt, highlight, type Segment } from "./highlight";
import type { ParsedQuery } from "./query";
import { SearchIndex, type MatchMode, type SearchDocument } from "./search-index";

/**
 * Site search wired to the posts: one index per process, brought up to date
 * with the post catalogue (app/posts/posts.server.ts) before each search, so
 * an edited post is found by its new words on the next request. Only posts
 * whose file changed are re-indexed. The index holds only the posts readers
 * may see at the moment of the search (`isPublic`): drafts and scheduled
 * posts are never indexed, so they cannot be found, ranked against, or
 * change the match mode; a scheduled post joins the index at its time.
 */

/** One result as the page shows it: plain values, words to mark already cut into segments. */
export interface SearchResultItem {
  slug: string;
  title: Segment[];
  /** Calendar date as written, YYYY-MM-DD. */
  published: string;
  authorName: string | null;
  /** The author entry's slug: the byline links to their page. */
  authorSlug: string | null;
  /** The post's tags, each flagged when it matched. */
  tags: { name: string; matched: boolean }[];
  /** From the summary or the body, whichever shows more of the matched words. */
  excerpt: Segment[];
  cutBefore: boolean;
  cutAfter: boolean;
}

export interface SearchResults {
  mode: MatchMode;
  total: number;
  page: number;
  pageCount: number;
  /** 1-based position of the first result on this page. */
  first: number;
  items: SearchResultItem[];
}

interface IndexState {
  catalogue: PostCatalogue;
  /** The public posts' slugs the index was synced with, joined by newlines. */
  publicKey: string;
  index: SearchIndex;
  bySlug: ReadonlyMap<string, PostSummary>;
}

let index: IndexState | null = null;
// Documents by their PostText object: a post's document is the same object while its file is unchanged.
const documents = new WeakMap<object, SearchDocument>();

async function currentIndex(now: Date): Promise<IndexState> {
  const catalogue = await loadPostCatalogue();
  const visible = catalogue.posts.filter((post) => isPublic(post, now)).map((post) => post.slug);
  const publicKey = visible.join("\n");
  if (index?.catalogue === catalogue && index.publicKey === publicKey) return index;
  const search = index?.index ?? new SearchIndex();
  const texts = visible.map((slug) => catalogue.texts.get(slug)).filter((text) => text !== undefined);
  search.sync(
    texts.map((text) => {
      let document = documents.get(text);
      if (!document) {
        document = { id: text.slug, title: text.title, tags: text.tags, summary: text.summary, body: text.bodyText };
        documents.set(text, document);
      }
      return document;
    }),
  );
  const bySlug = new Map(catalogue.posts.filter((post) => isPublic(post, now)).map((post) => [post.slug, post]));
  index = { catalogue, publicKey, index: search, bySlug };
  return index;
}

/**
 * Page `page` (1-based) of the posts matching a parsed query (kind "words"),
 * best first, `perPage` a page; null when the page is beyond the last
 * (page 1 always exists, possibly empty). Only posts public at `now` (default:
 * the moment of the call) are searched.
 */
export async function searchPosts(
  query: Extract<ParsedQuery, { kind: "words" }>,
  page: number,
  perPage?: number,
  now: Date = new Date(),
): Promise<SearchResults | null> {
  const { catalogue, index: search, bySlug } = await currentIndex(now);
  const outcome = search.search(query.words, { prefixLast: query.prefixLast });
  const chosen = pageOf(outcome.hits, page, perPage);
  if (!chosen) return null;
  const items: SearchResultItem[] = [];
  for (const hit of chosen.items) {
    const post = bySlug.get(hit.id);
    const text = catalogue.texts.get(hit.id);
    if (!post || !text) continue;
    const terms = new Set(hit.terms);
    const fromSummary = excerpt(text.summary, terms, 48);
    const fromBody = excerpt(text.bodyText, terms, 36);
    const best = fromBody.matchedWords > fromSummary.matchedWords || !text.summary.trim() ? fromBody : fromSummary;
    items.push({
      slug: post.slug,
      title: highlight(post.title, terms),
      published: post.published,
      authorName: post.author?.name ?? null,
      authorSlug: post.author?.slug ?? null,
      tags: post.tags.map((name) => ({ name, matched: highlight(name, terms).some((segment) => segment.mark) })),
      excerpt: best.segments,
      cutBefore: best.cutBefore,
      cutAfter: best.cutAfter,
    });
  }
  return {
    mode: outcome.mode,
    total: chosen.total,
    page: chosen.page,
    pageCount: chosen.pageCount,
    first: chosen.first,
    items,
  };
}
