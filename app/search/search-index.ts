import MiniSearch, { type SearchResult } from "minisearch";
import { foldWord, tokenize } from "./text";

/**
 * The full-text index of the site's posts, in memory.
 *
 * Built on MiniSearch (a small, maintained, dependency-free full-text engine):
 * it ranks with BM25+ and gives per-field boosts, prefix and fuzzy matching,
 * AND/OR combination and incremental add/discard, all of which a hand-made
 * index would have to re-invent. This module fixes how Staffroom uses it:
 *
 * - fields and boosts: title ×6, tags ×5, summary ×2, body ×1, so a word in a
 *   post's title or tags ranks it above a post with the word in its summary,
 *   which ranks above a post with it only in the body;
 * - words are cut and folded as `text.ts` says (case- and accent-insensitive);
 * - every word must match ("all"); when no post has them all, posts with some
 *   of them ("some"); when none has any, similar spellings ("similar": an edit
 *   distance of about one letter in four, for words of 4 letters or more);
 * - the last word also matches longer words it begins, when the query says so.
 *
 * Pure in-memory code taking plain values; `search.server.ts` feeds it posts.
 */

/** What is indexed of a post. `id` is the post's slug. */
export interface SearchDocument {
  id: string;
  title: string;
  tags: readonly string[];
  summary: string;
  /** The body as plain text (no markup). */
  body: string;
}

export type SearchField = "title" | "tags" | "summary" | "body";

/** How the hits matched: every word, some of the words, or similar spellings. */
export type MatchMode = "all" | "some" | "similar";

export interface SearchHit {
  id: string;
  /** Relevance, higher first; comparable only within one search. */
  score: number;
  /** The post's own words that matched, folded (for highlighting): "coaching" for a query "coach". */
  terms: string[];
  /** The fields any word matched in. */
  fields: SearchField[];
}

export interface SearchOutcome {
  mode: MatchMode;
  /** Best first; ties by id. */
  hits: SearchHit[];
}

const FIELD_BOOSTS: Readonly<Record<SearchField, number>> = { title: 6, tags: 5, summary: 2, body: 1 };
const FIELDS = Object.keys(FIELD_BOOSTS) as SearchField[];
/** Words this long or longer may match similar spellings in the "similar" fallback. */
const MIN_FUZZY_LENGTH = 4;

export class SearchIndex {
  private readonly engine = new MiniSearch<SearchDocument>({
    fields: FIELDS,
    storeFields: [],
    extractField: (document, field) => {
      const value = document[field as keyof SearchDocument];
      return Array.isArray(value) ? value.join("\n") : (value as string);
    },
    tokenize: (text) => tokenize(text),
    processTerm: (term) => foldWord(term) || null,
  });
  /** The documents indexed, by id: `sync` compares objects by identity. */
  private readonly documents = new Map<string, SearchDocument>();

  constructor(documents: Iterable<SearchDocument> = []) {
    this.sync(documents);
  }

  /** How many documents are indexed. */
  get size(): number {
    return this.documents.size;
  }

  /**
   * Makes the index hold exactly `documents`: adds new ids, re-indexes an id
   * whose document is a different object than last time, drops missing ids.
   * Callers keep a document's object while its post is unchanged, so an edit
   * to one post re-indexes one document. Throws on a repeated id.
   */
  sync(documents: Iterable<SearchDocument>): void {
    const seen = new Set<string>();
    for (const document of documents) {
      if (seen.has(document.id)) throw new Error(`Two search documents have the id "${document.id}"`);
      seen.add(document.id);
      const indexed = this.documents.get(document.id);
      if (indexed === document) continue;
      if (indexed) this.engine.discard(document.id);
      this.engine.add(document);
      this.documents.set(document.id, document);
    }
    for (const id of [...this.documents.keys()]) {
      if (!seen.has(id)) {
        this.engine.discard(id);
        this.documents.delete(id);
      }
    }
  }

  /**
   * Posts matching `words` (folded, as `parseQuery` gives them), best first,
   * falling back from "all" to "some" to "similar" as described above.
   * An empty `words` finds nothing.
   */
  search(words: readonly string[], options: { prefixLast?: boolean } = {}): SearchOutcome {
    if (words.length === 0) return { mode: "all", hits: [] };
    const query = words.join(" ");
    const last = words.length - 1;
    const prefix = (_term: string, i: number) => options.prefixLast === true && i === last;
    const base = { boost: FIELD_BOOSTS, prefix, fuzzy: false as const };

    const all = this.engine.search(query, { ...base, combineWith: "AND" });
    if (all.length > 0) return { mode: "all", hits: toHits(all) };
    if (words.length > 1) {
      const some = this.engine.search(query, { ...base, combineWith: "OR" });
      if (some.length > 0) return { mode: "some", hits: toHits(some) };
    }
    const similar = this.engine.search(query, {
      ...base,
      combineWith: "OR",
      fuzzy: (term) => (term.length >= MIN_FUZZY_LENGTH ? 0.25 : false),
    });
    return { mode: "similar", hits: toHits(similar) };
  }
}

function toHits(results: SearchResult[]): SearchHit[] {
  return results
    .map((result) => {
      const fields = new Set<SearchField>();
      for (const matched of Object.values(result.match)) for (const field of matched) fields.add(field as SearchField);
      return {
        id: String(result.id),
        score: result.score,
        terms: result.terms,
        fields: FIELDS.filter((f) => fields.has(f)),
      };
    })
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
