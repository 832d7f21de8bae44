import type { Db } from '../db/open.js';
import { bm25Scores, bm25Term, idf } from './bm25.js';
import type { DocumentText, IndexedDocument, PreparedIndexBatch, RelatedHit, SearchFilters, SearchHit, SearchIndex, SearchPage, Tier } from './engine.js';
import { normalizeText } from './normalize.js';
import { indexOf } from './list-ops.js';
import { ensureListKernels } from './kernels/list-kernels.js';
import { termVariants, type ParsedQuery, type Term } from './query.js';
import { SearchHelpers, type IndexView } from './search-helpers.js';
import { buildSegment, normalizeFields, type BuiltSegment, type SegmentInput } from './segment-builder.js';
import { FULL_RANK_LIMIT, newestOf, relatedCutoff, relatedInSegment, searchSegment, type DocumentFacts, type SegmentSearch, type SegmentSearchResult } from './segment-query.js';
import { SegmentStore, type SegmentInfo } from './segment-store.js';
import { entriesToRead, rememberingLookups, type ListSource } from './segment-terms.js';
import { termPhrase, type TermPhrase } from './tokenize.js';

/**
 * The embedded search engine: an inverted index of our own tokens (see segment-builder.ts) kept in
 * SQLite as immutable segments, one row per token per segment, plus a table of indexed documents.
 *
 * Why not FTS5: its per-token insert cost capped imports at ~500 articles/s, and its bm25() scores
 * every match. Here a batch of articles becomes one segment written in one pass, segments are merged
 * in the background of imports (tiered, by concatenation), and ranking is bounded: small match sets
 * get BM25 from the postings, large ones tier (title > tags > body) then recency.
 *
 * Documents are numbered by the index in write order. An update writes a new document and marks
 * the old one removed; a takedown marks it removed; removed numbers are skipped at query time. The
 * per-document facts queries need (article, date, category, length, live) are held in typed arrays
 * and refreshed when another connection commits (PRAGMA data_version) or we write. Storage is in
 * segment-store.ts; this file answers queries.
 */

export { FULL_RANK_LIMIT } from './segment-query.js';

export interface SegmentIndexOptions {
  /** Loads the text of documents, for scoring the short list of related results. */
  loadTexts: (ids: number[]) => Map<number, DocumentText>;
  /** Result pages kept for repeated queries (0 turns the cache off, as the benchmark does). */
  cacheEntries?: number;
  /** Segments of one level merged at a time (MERGE_FACTOR in segment-store.ts; tests use 2 to merge often). */
  mergeFactor?: number;
  /** Lists at least this long are kept in memory once read (CACHED_LIST_BYTES; tests lower it). */
  cachedListBytes?: number;
  /** Bytes of lists kept in memory per connection, this one's and each helper's (LIST_CACHE_BYTES). */
  listCacheBytes?: number;
  /** Bytes of freshly written segments kept for merging them from memory (RECENT_SEGMENT_BYTES; 0 reads them back). */
  recentSegmentBytes?: number;
  /**
   * Threads that evaluate some of a large query's segments while this one does the rest
   * (search-helpers.ts); an in-memory database cannot be shared and has none. Default: none.
   */
  helpers?: {
    threads: number;
    minDocuments: number;
    takeBackMs?: number;
    /** A query shares its segments only when this thread's share reads at least this many list entries (HELPER_MIN_ENTRIES). */
    minEntries?: number;
  };
}

/** A query's matches over every segment, before ranking. */
interface Evaluated {
  /** The matching documents, ascending: every segment's candidates joined. */
  docs: Int32Array;
  parts: SegmentSearchResult[];
}

/**
 * Below about this many list entries in the request thread's share, a query is done in one thread
 * (measured at 100k: such shares take under ~2 ms, where a helper's start-up eats the gain).
 */
export const HELPER_MIN_ENTRIES = 20_000;

const phrasesOf = (term: Term) => termVariants(term).map(termPhrase);

/** Consecutive segments' arrays joined in order (documents stay ascending). */
function concatArrays<T extends Int32Array | Float64Array | Uint8Array>(parts: T[], make: (length: number) => T): T {
  if (parts.length === 1) return parts[0]!;
  const out = make(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

const concatDocs = (parts: Int32Array[]) => concatArrays(parts, (n) => new Int32Array(n));

const EMPTY_INPUT: SegmentInput = { fields: { title: '', tags: [], summary: '', body: '' }, categoryId: 0, tagIds: [] };

function isBuiltSegment(batch: PreparedIndexBatch): batch is BuiltSegment {
  return batch.kind === 'segment';
}

export class SegmentSearchIndex implements SearchIndex {
  readonly #store: SegmentStore;
  readonly #loadTexts: SegmentIndexOptions['loadTexts'];
  readonly #cacheEntries: number;
  readonly #cache = new Map<string, SearchPage>();
  readonly #helpers: SearchHelpers | undefined;
  readonly #helperMinEntries: number;

  constructor(db: Db, options: SegmentIndexOptions) {
    // a build without the kernels fails here, at start, not at the first common phrase
    ensureListKernels();
    const cache = {
      ...(options.cachedListBytes !== undefined ? { cachedListBytes: options.cachedListBytes } : {}),
      ...(options.listCacheBytes !== undefined ? { listCacheBytes: options.listCacheBytes } : {}),
      ...(options.recentSegmentBytes !== undefined ? { recentSegmentBytes: options.recentSegmentBytes } : {}),
    };
    this.#store = new SegmentStore(db, options.mergeFactor, cache);
    this.#loadTexts = options.loadTexts;
    this.#cacheEntries = options.cacheEntries ?? 500;
    const helpers = options.helpers;
    this.#helperMinEntries = helpers?.minEntries ?? HELPER_MIN_ENTRIES;
    if (helpers && helpers.threads > 0 && !db.memory) this.#helpers = new SearchHelpers(db.name, { ...helpers, ...(options.listCacheBytes !== undefined ? { listCacheBytes: options.listCacheBytes } : {}) });
  }

  /** Stops the helper threads, if any were started. */
  async close(): Promise<void> {
    await this.#helpers?.close();
  }

  /** Helper threads started and working, and how their shares went. */
  get helperStats(): { working: number; answered: number; fellBack: number; takenBack: number } {
    return { working: this.#helpers?.working ?? 0, answered: 0, fellBack: 0, takenBack: 0, ...this.#helpers?.stats };
  }

  /** The per-document facts, as of the last sync. */
  get #docs() {
    return this.#store.docs;
  }

  /** Runs `work` in one read transaction. */
  #read<T>(work: () => T): T {
    return this.#store.read(work);
  }

  // --- writing -------------------------------------------------------------------------------

  upsert(doc: IndexedDocument): void {
    this.upsertMany([doc]);
  }

  /** Indexes a batch as one new segment (call inside the caller's write transaction). */
  upsertMany(docs: ReadonlyArray<IndexedDocument | undefined>, prepared?: PreparedIndexBatch): void {
    if (docs.every((doc) => doc === undefined)) return;
    const built =
      prepared && isBuiltSegment(prepared) && prepared.docCount === docs.length
        ? prepared
        : buildSegment(docs.map((doc) => (doc ? { fields: doc.normalized ?? normalizeFields(doc), categoryId: doc.categoryId, tagIds: doc.tagIds } : EMPTY_INPUT)));
    this.#store.write(docs, built);
  }

  remove(id: number): void {
    this.#store.remove(id);
  }

  clear(): void {
    this.#store.clear();
  }

  /** Merges segments between batches (see SegmentStore.maintain). Call outside any transaction. */
  maintain(): void {
    this.#store.maintain();
  }

  /** Brings the store up to date; the result cache goes when anything changed. */
  #sync(): void {
    if (this.#store.sync()) this.#cache.clear();
  }

  // --- evaluating segments -------------------------------------------------------------------------

  /** The arrays a segment's evaluation reads, as a plain object a helper can be sent. */
  #facts(): DocumentFacts {
    const { alive, category, minute, article } = this.#docs;
    return { alive, category, minute, article };
  }

  /** Each segment's part of a search: in this thread, or shared with the helper threads. */
  #searchSegments(search: SegmentSearch): SegmentSearchResult[] {
    const reader = this.#store.reader;
    const facts = this.#facts();
    const segments = this.#store.segments;
    if (!this.#helpers) return segments.map((segment) => searchSegment(reader, segment, search, facts));
    const lists = rememberingLookups(reader);
    const local = (segment: SegmentInfo) => searchSegment(reader, segment, search, facts, lists);
    return this.#helpers.evaluate(this.#view(), { kind: 'search', search, facts }, local, this.#worthSharing(lists, [...search.include, ...search.exclude]));
  }

  #view(): IndexView {
    return { segments: this.#store.segments, generation: this.#store.generation };
  }

  /** Whether a share of segments holds enough work for a helper to take the other shares. */
  #worthSharing(lists: ListSource, terms: TermPhrase[][]): (share: SegmentInfo[]) => boolean {
    return (share) => share.reduce((sum, segment) => sum + entriesToRead(lists, segment, terms), 0) >= this.#helperMinEntries;
  }

  // --- queries -----------------------------------------------------------------------------------

  /** The matching live documents of a query, with what ranking needs; null when nothing can match. */
  #evaluate(query: ParsedQuery, filters: SearchFilters, newest: number, ranked: boolean): Evaluated | null {
    if (query.include.length === 0) return null;
    const include = query.include.map(phrasesOf);
    const exclude = query.exclude.map(phrasesOf);
    const parts = this.#searchSegments({ include, exclude, categoryId: filters.categoryId, tagId: filters.tagId, newest, ranked });
    return { docs: concatDocs(parts.map((part) => part.candidates)), parts };
  }

  search(query: ParsedQuery, filters: SearchFilters, offset: number, limit: number): SearchPage {
    return this.#read(() => {
      this.#sync();
      const cacheKey = JSON.stringify([query.include, query.exclude, filters.categoryId ?? null, filters.tagId ?? null, offset, limit]);
      const cached = this.#cache.get(cacheKey);
      if (cached) {
        // refresh its place in the LRU order
        this.#cache.delete(cacheKey);
        this.#cache.set(cacheKey, cached);
        return cached;
      }
      const page = this.#rank(query, filters, offset, limit);
      if (this.#cacheEntries > 0) {
        this.#cache.set(cacheKey, page);
        if (this.#cache.size > this.#cacheEntries) this.#cache.delete(this.#cache.keys().next().value!);
      }
      return page;
    });
  }

  documentCount(): number {
    return this.#read(() => {
      this.#sync();
      return this.#docs.live;
    });
  }

  count(query: ParsedQuery, filters: SearchFilters): number {
    return this.#read(() => {
      this.#sync();
      return this.#evaluate(query, filters, 0, false)?.docs.length ?? 0;
    });
  }

  #rank(query: ParsedQuery, filters: SearchFilters, offset: number, limit: number): SearchPage {
    const evaluated = this.#evaluate(query, filters, offset + limit, true);
    if (!evaluated) return { total: 0, hits: [] };
    const { docs } = evaluated;
    const total = docs.length;
    if (total === 0 || offset >= total) return { total, hits: [] };
    const table = this.#docs;
    if (total <= FULL_RANK_LIMIT) {
      const tiers = this.#tiersFromSegments(evaluated);
      const score = this.#bm25(evaluated);
      const order = Array.from(docs.keys()).sort((a, b) => tiers(docs[a]!) - tiers(docs[b]!) || score[b]! - score[a]! || table.newer(docs[a]!, docs[b]!));
      return { total, hits: order.slice(offset, offset + limit).map((i) => ({ id: table.article[docs[i]!]!, tier: tiers(docs[i]!) })) };
    }
    // Too many to score in time: tiers in order, each newest first.
    const tiers = this.#newestFromSegments(evaluated.parts);
    const hits: SearchHit[] = [];
    let skip = offset;
    for (const tier of [0, 1, 2] as const) {
      if (hits.length >= limit) break;
      const { size, newest } = tiers[tier]!;
      if (skip >= size) {
        skip -= size;
        continue;
      }
      for (const doc of newest.subarray(skip, skip + limit - hits.length)) hits.push({ id: table.article[doc]!, tier });
      skip = 0;
    }
    return { total, hits };
  }

  /** BM25 of each document from the weighted occurrences the segments found. */
  #bm25({ docs, parts }: Evaluated): Float64Array {
    const table = this.#docs;
    const average = table.averageLength();
    const terms = parts[0]?.termLive.length ?? 0;
    const idfs = Array.from({ length: terms }, (_, j) => idf(parts.reduce((sum, part) => sum + part.termLive[j]!, 0), table.live));
    const weights = concatArrays(
      parts.map((part) => part.weights!),
      (n) => new Float64Array(n),
    );
    const scores = new Float64Array(docs.length);
    for (let i = 0; i < docs.length; i++) {
      const doc = docs[i]!;
      for (let j = 0; j < terms; j++) scores[i]! += bm25Term(idfs[j]!, weights[i * terms + j]!, table.length[doc]!, average);
    }
    return scores;
  }

  #tiersFromSegments({ docs, parts }: Evaluated): (doc: number) => Tier {
    const tiers = concatArrays(
      parts.map((part) => part.tiers!),
      (n) => new Uint8Array(n),
    );
    return (doc) => tiers[indexOf(docs, doc)]! as Tier;
  }

  /** Each tier's size and newest documents (as many as the segments were asked for), newest first. */
  #newestFromSegments(parts: SegmentSearchResult[]): Array<{ size: number; newest: Int32Array }> {
    const newer = this.#docs.newer;
    return [0, 1, 2].map((tier) => ({
      size: parts.reduce((sum, part) => sum + part.tierSizes[tier]!, 0),
      newest: concatDocs(parts.map((part) => part.newest[tier]!)).sort(newer),
    }));
  }

  related(words: string[], filters: SearchFilters, exclude: ReadonlySet<number>, limit: number): RelatedHit[] {
    if (words.length === 0) return [];
    return this.#read(() => {
      this.#sync();
      const table = this.#docs;
      const normalized = words.map(normalizeText);
      // The short list: most words first, newest first within a count. Exact results are left
      // out here (a handful), not per word: `wanted` leaves room for them.
      const wanted = limit * 3 + exclude.size;
      const related = { words: normalized.map((word) => phrasesOf({ text: word, alternatives: [] })), categoryId: filters.categoryId, tagId: filters.tagId, wanted };
      const reader = this.#store.reader;
      const facts = this.#facts();
      const lists = rememberingLookups(reader);
      const local = (segment: SegmentInfo) => relatedInSegment(reader, segment, related, facts, lists);
      const segments = this.#store.segments;
      const parts = this.#helpers ? this.#helpers.evaluate(this.#view(), { kind: 'related', related, facts }, local, this.#worthSharing(lists, related.words)) : segments.map(local);
      const documentFrequency = normalized.map((_, j) => parts.reduce((sum, part) => sum + part.wordLive[j]!, 0));
      const histogram = new Int32Array(256);
      for (const part of parts) for (let c = 1; c < 256; c++) histogram[c]! += part.histogram[c]!;
      const { best, cutoff, room } = relatedCutoff(histogram, wanted);
      if (best === 0) return [];
      // a segment's cutoff is at most the index's: its documents above the index's cutoff are all in
      // its `above`, and so are those at it, unless its own cutoff is that one
      const countOf = new Map<number, number>();
      const above: number[] = [];
      const atLevel: number[] = [];
      for (const part of parts) {
        part.above.forEach((doc, i) => {
          const c = part.aboveCounts[i]!;
          countOf.set(doc, c);
          if (c > cutoff) above.push(doc);
          else if (c === cutoff) atLevel.push(doc);
        });
        if (part.cutoff === cutoff) atLevel.push(...part.atCutoff);
      }
      for (const doc of atLevel) countOf.set(doc, cutoff);
      above.sort((a, b) => countOf.get(b)! - countOf.get(a)! || table.newer(a, b));
      const shortlist = [...above, ...newestOf(Int32Array.from(atLevel), room, table.newer)].filter((doc) => !exclude.has(table.article[doc]!)).slice(0, limit * 3);
      if (shortlist.length === 0) return [];
      // BM25 for the short list from the documents' text: a few dozen documents
      const texts = this.#loadTexts(shortlist.map((doc) => table.article[doc]!));
      const scores = bm25Scores(
        shortlist.map((doc) => texts.get(table.article[doc]!)),
        normalized.map((word, i) => ({ word, documents: documentFrequency[i]! })),
        table.live,
      );
      return shortlist
        .map((doc, i) => ({ doc, matched: countOf.get(doc)!, score: scores[i]! }))
        .sort((a, b) => b.matched - a.matched || b.score - a.score || table.newer(a.doc, b.doc))
        .slice(0, limit)
        .map(({ doc, matched }) => ({ id: table.article[doc]!, wordsMatched: matched }));
    });
  }
}

