import type { Db } from '../db/open.js';
import { bm25Scores, bm25Term, idf } from './bm25.js';
import type { DocumentText, IndexedDocument, PreparedIndexBatch, RelatedHit, SearchFilters, SearchHit, SearchIndex, SearchPage, Tier } from './engine.js';
import { termOccursIn } from './match.js';
import { normalizeText } from './normalize.js';
import { indexOf, intersectDocs, subtractDocs, unionDocs, type PhraseMatches } from './list-ops.js';
import { termVariants, type ParsedQuery, type Term } from './query.js';
import { SearchHelpers } from './search-helpers.js';
import { buildSegment, normalizeFields, NS, type BuiltSegment, type SegmentInput } from './segment-builder.js';
import { SegmentStore, type SegmentInfo } from './segment-store.js';
import { concatMatches, termsInSegment } from './segment-terms.js';
import { termPhrase } from './tokenize.js';

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

/** Match sets up to this size are ranked fully by BM25; larger ones by tier, then recency. */
export const FULL_RANK_LIMIT = 2000;

export interface SegmentIndexOptions {
  /** Loads the text of documents, for verifying candidates of terms the index alone cannot decide. */
  loadTexts: (ids: number[]) => Map<number, DocumentText>;
  /** Result pages kept for repeated queries (0 turns the cache off, as the benchmark does). */
  cacheEntries?: number;
  /** Segments of one level merged at a time (MERGE_FACTOR in segment-store.ts; tests use 2 to merge often). */
  mergeFactor?: number;
  /**
   * Threads that evaluate some of a large query's segments while this one does the rest
   * (search-helpers.ts); an in-memory database cannot be shared and has none. Default: none.
   */
  helpers?: { threads: number; minDocuments: number };
}

interface TermMatches {
  head: PhraseMatches;
  body: PhraseMatches;
  /** Documents holding the term anywhere (head or body), ascending. */
  docs: Int32Array;
  exact: boolean;
}

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

  constructor(db: Db, options: SegmentIndexOptions) {
    this.#store = new SegmentStore(db, options.mergeFactor);
    this.#loadTexts = options.loadTexts;
    this.#cacheEntries = options.cacheEntries ?? 500;
    const helpers = options.helpers;
    if (helpers && helpers.threads > 0 && !db.memory) this.#helpers = new SearchHelpers(db.name, helpers);
  }

  /** Stops the helper threads, if any were started. */
  async close(): Promise<void> {
    await this.#helpers?.close();
  }

  /** Helper threads started and working, and how their shares went. */
  get helperStats(): { working: number; answered: number; fellBack: number } {
    return { working: this.#helpers?.working ?? 0, answered: this.#helpers?.stats.answered ?? 0, fellBack: this.#helpers?.stats.fellBack ?? 0 };
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

  // --- reading postings --------------------------------------------------------------------------

  /**
   * Where each term occurs, over every segment: the segments are evaluated in this thread or
   * shared with the helper threads, and their matches joined in document order.
   */
  #terms(terms: readonly Term[]): TermMatches[] {
    const phrases = terms.map((term) => termVariants(term).map(termPhrase));
    const reader = this.#store.reader;
    const local = (segment: SegmentInfo) => termsInSegment(reader, segment, phrases);
    const segments = this.#store.segments;
    const bySegment = this.#helpers ? this.#helpers.evaluate(segments, phrases, local) : segments.map(local);
    return phrases.map((variants, t) => {
      const head = concatMatches(bySegment.map((matches) => matches[t]!.head));
      const body = concatMatches(bySegment.map((matches) => matches[t]!.body));
      return { head, body, docs: unionDocs(head.docs, body.docs), exact: variants.every((phrase) => phrase.exact) };
    });
  }

  #liveCount(docs: Int32Array): number {
    const alive = this.#docs.alive;
    let n = 0;
    for (let i = 0; i < docs.length; i++) n += alive[docs[i]!] ?? 0;
    return n;
  }

  // --- queries -----------------------------------------------------------------------------------

  /** The matching live documents of a query, with what ranking needs; null when nothing can match. */
  #evaluate(query: ParsedQuery, filters: SearchFilters): { docs: Int32Array; terms: TermMatches[]; verified: boolean } | null {
    if (query.include.length === 0) return null;
    const evaluated = this.#terms([...query.include, ...query.exclude]);
    const terms = evaluated.slice(0, query.include.length);
    const excluded = evaluated.slice(query.include.length);
    const verified = terms.some((t) => !t.exact) || excluded.some((t) => !t.exact);
    const bySize = [...terms].sort((a, b) => a.docs.length - b.docs.length);
    let docs = bySize[0]!.docs;
    for (const t of bySize.slice(1)) {
      if (docs.length === 0) break;
      docs = intersectDocs(docs, t.docs);
    }
    const { alive, category } = this.#docs;
    const categoryId = filters.categoryId;
    const kept = new Int32Array(docs.length);
    let n = 0;
    for (let i = 0; i < docs.length; i++) {
      const doc = docs[i]!;
      if (alive[doc] && (categoryId === undefined || category[doc] === categoryId)) kept[n++] = doc;
    }
    docs = kept.subarray(0, n);
    if (filters.tagId !== undefined && docs.length > 0) docs = intersectDocs(docs, this.#store.keyDocs(`${NS.facet}t${filters.tagId}`));
    for (const t of excluded) if (t.exact) docs = subtractDocs(docs, t.docs);
    if (verified) docs = this.#verify(docs, query);
    return { docs, terms, verified };
  }

  /** Checks candidates of terms the index can only narrow against the documents' text. */
  #verify(docs: Int32Array, query: ParsedQuery): Int32Array {
    const articleOf = this.#docs.article;
    const texts = this.#loadTexts(Array.from(docs, (doc) => articleOf[doc]!));
    const holds = (term: Term, within: string[]) => termVariants(term).some((v) => within.some((f) => termOccursIn(v, f)));
    const kept: number[] = [];
    for (const doc of docs) {
      const text = texts.get(articleOf[doc]!);
      if (!text) continue;
      const fields = [normalizeText(text.title), ...text.tags.map(normalizeText), normalizeText(text.summary), normalizeText(text.body)];
      if (query.include.every((term) => holds(term, fields)) && !query.exclude.some((term) => holds(term, fields))) kept.push(doc);
    }
    return Int32Array.from(kept);
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
      return this.#evaluate(query, filters)?.docs.length ?? 0;
    });
  }

  #rank(query: ParsedQuery, filters: SearchFilters, offset: number, limit: number): SearchPage {
    const evaluated = this.#evaluate(query, filters);
    if (!evaluated) return { total: 0, hits: [] };
    const { docs, terms } = evaluated;
    const total = docs.length;
    if (total === 0 || offset >= total) return { total, hits: [] };
    const tiers = evaluated.verified ? this.#tiersFromText(docs, query) : this.#tiersFromHead(docs, terms);
    const table = this.#docs;
    const hits: SearchHit[] = [];
    if (total <= FULL_RANK_LIMIT) {
      const score = this.#bm25(docs, terms);
      const order = Array.from(docs.keys()).sort((a, b) => tiers.of(docs[a]!) - tiers.of(docs[b]!) || score[b]! - score[a]! || table.newer(docs[a]!, docs[b]!));
      for (const i of order.slice(offset, offset + limit)) hits.push({ id: table.article[docs[i]!]!, tier: tiers.of(docs[i]!) });
      return { total, hits };
    }
    // Too many to score in time: tiers in order, each newest first.
    let skip = offset;
    for (const [tier, members] of [[0, tiers.title], [1, tiers.tags], [2, tiers.rest]] as const) {
      if (hits.length >= limit) break;
      if (skip >= members.length) {
        skip -= members.length;
        continue;
      }
      for (const doc of this.#newest(members, skip + limit - hits.length).slice(skip)) hits.push({ id: table.article[doc]!, tier });
      skip = 0;
    }
    return { total, hits };
  }

  /** BM25 of each document from the weighted occurrences in the postings. */
  #bm25(docs: Int32Array, terms: TermMatches[]): Float64Array {
    const table = this.#docs;
    const average = table.averageLength();
    const scores = new Float64Array(docs.length);
    for (const t of terms) {
      const termIdf = idf(this.#liveCount(t.docs), table.live);
      for (let i = 0; i < docs.length; i++) {
        const doc = docs[i]!;
        const h = indexOf(t.head.docs, doc);
        const b = indexOf(t.body.docs, doc);
        const weight = (h >= 0 ? t.head.weights[h]! : 0) + (b >= 0 ? t.body.weights[b]! : 0);
        scores[i]! += bm25Term(termIdf, weight, table.length[doc]!, average);
      }
    }
    return scores;
  }

  /** Tier 0: every term in the title; 1: every term in title or tags; 2: the rest. */
  #tiersFromHead(docs: Int32Array, terms: TermMatches[]) {
    let inHead = docs;
    for (const t of terms) inHead = intersectDocs(inHead, t.head.docs);
    const title = new Int32Array(inHead.length);
    const tags = new Int32Array(inHead.length);
    let titled = 0;
    let tagged = 0;
    // inHead is in every term's head list: one cursor per list walks it once (no searching)
    const cursors = new Int32Array(terms.length);
    for (let i = 0; i < inHead.length; i++) {
      const doc = inHead[i]!;
      let allTitle = true;
      for (let j = 0; j < terms.length; j++) {
        const head = terms[j]!.head;
        let c = cursors[j]!;
        while (head.docs[c]! < doc) c++;
        cursors[j] = c;
        if ((head.zones[c]! & 1) === 0) allTitle = false;
      }
      if (allTitle) title[titled++] = doc;
      else tags[tagged++] = doc;
    }
    return this.#tierSets(title.subarray(0, titled), tags.subarray(0, tagged), subtractDocs(docs, inHead));
  }

  #tiersFromText(docs: Int32Array, query: ParsedQuery) {
    const texts = this.#loadTexts(Array.from(docs, (doc) => this.#docs.article[doc]!));
    const title: number[] = [];
    const tags: number[] = [];
    const rest: number[] = [];
    const holds = (term: Term, within: string[]) => termVariants(term).some((v) => within.some((f) => termOccursIn(v, f)));
    for (const doc of docs) {
      const text = texts.get(this.#docs.article[doc]!);
      const titleText = text ? normalizeText(text.title) : '';
      const tagTexts = text ? text.tags.map(normalizeText) : [];
      if (query.include.every((t) => holds(t, [titleText]))) title.push(doc);
      else if (query.include.every((t) => holds(t, [titleText, ...tagTexts]))) tags.push(doc);
      else rest.push(doc);
    }
    return this.#tierSets(Int32Array.from(title), Int32Array.from(tags), Int32Array.from(rest));
  }

  #tierSets(title: Int32Array, tags: Int32Array, rest: Int32Array) {
    // the lookup is for small match sets only (ranked fully): built when first asked
    let inTitle: Set<number> | undefined;
    let inTags: Set<number> | undefined;
    const of = (doc: number): Tier => {
      inTitle ??= new Set(title);
      inTags ??= new Set(tags);
      return inTitle.has(doc) ? 0 : inTags.has(doc) ? 1 : 2;
    };
    return { title, tags, rest, of };
  }

  /** The `count` newest of `docs`, newest first, without sorting them all. */
  #newest(docs: Int32Array, count: number): number[] {
    const newer = this.#docs.newer;
    if (count >= docs.length) return Array.from(docs).sort(newer);
    // a min-heap (by recency) of the best `count` so far: its root is the oldest of them
    const heap: number[] = [];
    const older = (a: number, b: number) => newer(a, b) > 0;
    const siftDown = (i: number) => {
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && older(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && older(heap[r]!, heap[m]!)) m = r;
        if (m === i) return;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    };
    for (const doc of docs) {
      if (heap.length < count) {
        heap.push(doc);
        for (let i = heap.length - 1; i > 0; ) {
          const parent = (i - 1) >> 1;
          if (!older(heap[i]!, heap[parent]!)) break;
          [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
          i = parent;
        }
      } else if (newer(doc, heap[0]!) < 0) {
        heap[0] = doc;
        siftDown(0);
      }
    }
    return heap.sort(newer);
  }

  related(words: string[], filters: SearchFilters, exclude: ReadonlySet<number>, limit: number): RelatedHit[] {
    if (words.length === 0) return [];
    return this.#read(() => {
      this.#sync();
      const table = this.#docs;
      const counts = new Uint8Array(table.size);
      const allowed = filters.tagId !== undefined ? new Set(this.#store.keyDocs(`${NS.facet}t${filters.tagId}`)) : undefined;
      const normalized = words.map(normalizeText);
      const documentFrequency: number[] = [];
      const categoryId = filters.categoryId;
      for (const { docs } of this.#terms(normalized.map((word) => ({ text: word, alternatives: [] })))) {
        documentFrequency.push(this.#liveCount(docs));
        for (let i = 0; i < docs.length; i++) {
          const c = counts[docs[i]!]! + 1;
          if (c <= 255) counts[docs[i]!] = c;
        }
      }
      // one pass over the documents, not one per word and document: documents that may not be
      // shown (removed, another category, without the tag) drop out, and the counts are tallied
      const histogram = new Int32Array(256);
      let best = 0;
      for (let doc = 0; doc < counts.length; doc++) {
        const c = counts[doc]!;
        if (c === 0) continue;
        if (!table.alive[doc] || (categoryId !== undefined && table.category[doc] !== categoryId) || (allowed && !allowed.has(doc))) {
          counts[doc] = 0;
          continue;
        }
        histogram[c]!++;
        if (c > best) best = c;
      }
      if (best === 0) return [];
      // The short list: most words first, newest first within a count. The histogram gives the
      // count from which the list is full; exact results are left out here (a handful), not per word.
      const wanted = limit * 3 + exclude.size;
      let cutoff = best;
      let room = wanted;
      while (cutoff > 1 && histogram[cutoff]! < room) room -= histogram[cutoff--]!;
      const above: number[] = [];
      const atCutoff = new Int32Array(histogram[cutoff]!);
      let atCount = 0;
      for (let doc = 0; doc < counts.length; doc++) {
        const c = counts[doc]!;
        if (c > cutoff) above.push(doc);
        else if (c === cutoff) atCutoff[atCount++] = doc;
      }
      above.sort((a, b) => counts[b]! - counts[a]! || table.newer(a, b));
      const shortlist = [...above, ...this.#newest(atCutoff, room)].filter((doc) => !exclude.has(table.article[doc]!)).slice(0, limit * 3);
      if (shortlist.length === 0) return [];
      // BM25 for the short list from the documents' text: a few dozen documents
      const texts = this.#loadTexts(shortlist.map((doc) => table.article[doc]!));
      const scores = bm25Scores(
        shortlist.map((doc) => texts.get(table.article[doc]!)),
        normalized.map((word, i) => ({ word, documents: documentFrequency[i]! })),
        table.live,
      );
      return shortlist
        .map((doc, i) => ({ doc, matched: counts[doc]!, score: scores[i]! }))
        .sort((a, b) => b.matched - a.matched || b.score - a.score || table.newer(a.doc, b.doc))
        .slice(0, limit)
        .map(({ doc, matched }) => ({ id: table.article[doc]!, wordsMatched: matched }));
    });
  }
}
