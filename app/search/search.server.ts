import { loadPostCatalogue, type PostCatalogue, type PostSummary } from "../posts/posts.server";
import { pageOf } from "../posts/paging";
import { excerpt, highlight, type Segment } from "./highlight";
import type { ParsedQuery } from "./query";
import { SearchIndex, type MatchMode, type SearchDocument } from "./search-index";

/**
 * Site search wired to the posts: one index per process, brought up to date
 * with the post catalogue (app/posts/posts.server.ts) before each search, so
 * an edited post is found by its new words on the next request. Only posts
 * whose file changed are re-indexed.
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
  index: SearchIndex;
  bySlug: ReadonlyMap<string, PostSummary>;
}

let index: IndexState | null = null;
// Documents by their PostText object: a post's document is the same object while its file is unchanged.
const documents = new WeakMap<object, SearchDocument>();

async function currentIndex(): Promise<IndexState> {
  const catalogue = await loadPostCatalogue();
  if (index?.catalogue === catalogue) return index;
  const search = index?.index ?? new SearchIndex();
  search.sync(
    [...catalogue.texts.values()].map((text) => {
      let document = documents.get(text);
      if (!document) {
        document = { id: text.slug, title: text.title, tags: text.tags, summary: text.summary, body: text.bodyText };
        documents.set(text, document);
      }
      return document;
    }),
  );
  index = { catalogue, index: search, bySlug: new Map(catalogue.posts.map((post) => [post.slug, post])) };
  return index;
}

/**
 * Page `page` (1-based) of the posts matching a parsed query (kind "words"),
 * best first, `perPage` a page; null when the page is beyond the last
 * (page 1 always exists, possibly empty).
 */
export async function searchPosts(
  query: Extract<ParsedQuery, { kind: "words" }>,
  page: number,
  perPage?: number,
): Promise<SearchResults | null> {
  const { catalogue, index: search, bySlug } = await currentIndex();
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
