import type { Db } from '../db/open.js';
import { bm25Scores, bm25Term, idf } from './bm25.js';
import type { DocumentText, IndexedDocument, PreparedIndexBatch, RelatedHit, SearchFilters, SearchHit, SearchIndex, SearchPage, Tier } from './engine.js';
import { termOccursIn } from './match.js';
import { normalizeText } from './normalize.js';
import {
  bucketEntries,
  concatLists,
  isSplitList,
  POSITIONS_SUFFIX,
  concatPostings,
  findInBucket,
  indexOf,
  isBucket,
  packRows,
  countedMatches,
  decodePostings,
  intersectDocs,
  matchPhrase,
  subtractDocs,
  unionDocs,
  unionLists,
  unionMatches,
  type PhraseMatches,
  type PostingList,
} from './postings.js';
import { termVariants, type ParsedQuery, type Term } from './query.js';
import { buildSegment, compareKeys, normalizeFields, NS, TAG_BASE, WEIGHTS, type BuiltSegment, type SegmentInput } from './segment-builder.js';
import { CharClass, classOf } from './chars.js';
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
 * and refreshed when another connection commits (PRAGMA data_version) or we write.
 */

/** Match sets up to this size are ranked fully by BM25; larger ones by tier, then recency. */
export const FULL_RANK_LIMIT = 2000;
/** Segments of one level merged into one of the next. */
export const MERGE_FACTOR = 10;
const PREFIX_END = '\u{10FFFF}';
const EMPTY_MATCHES: PhraseMatches = { docs: new Int32Array(0), weights: new Float64Array(0), zones: new Uint8Array(0) };
const MERGE_PAGE_ROWS = 256;

export interface SegmentIndexOptions {
  /** Loads the text of documents, for verifying candidates of terms the index alone cannot decide. */
  loadTexts: (ids: number[]) => Map<number, DocumentText>;
  /** Result pages kept for repeated queries (0 turns the cache off, as the benchmark does). */
  cacheEntries?: number;
  /** Segments of one level merged at a time (MERGE_FACTOR; tests use 2 to merge often). */
  mergeFactor?: number;
}

interface SegmentInfo {
  id: number;
  base: number;
  span: number;
  level: number;
}

interface TermMatches {
  head: PhraseMatches;
  body: PhraseMatches;
  /** Documents holding the term anywhere (head or body), ascending. */
  docs: Int32Array;
  exact: boolean;
}

/** Per-document facts, indexed by document number. */
class DocumentTable {
  size = 0;
  live = 0;
  lengthSum = 0;
  article = new Int32Array(1024);
  minute = new Int32Array(1024);
  category = new Int32Array(1024);
  length = new Float32Array(1024);
  alive = new Uint8Array(1024);

  ensure(size: number): void {
    if (size <= this.article.length) return;
    let capacity = this.article.length;
    while (capacity < size) capacity *= 2;
    const grow = <T extends Int32Array | Float32Array | Uint8Array>(old: T, make: (n: number) => T): T => {
      const next = make(capacity);
      next.set(old);
      return next;
    };
    this.article = grow(this.article, (n) => new Int32Array(n));
    this.minute = grow(this.minute, (n) => new Int32Array(n));
    this.category = grow(this.category, (n) => new Int32Array(n));
    this.length = grow(this.length, (n) => new Float32Array(n));
    this.alive = grow(this.alive, (n) => new Uint8Array(n));
  }

  kill(doc: number): void {
    if (doc < this.size && this.alive[doc]) {
      this.alive[doc] = 0;
      this.live--;
      this.lengthSum -= this.length[doc]!;
    }
  }

  averageLength(): number {
    return this.live > 0 ? this.lengthSum / this.live : 1;
  }

  /** Newer first: later publish minute, then the higher article id. */
  newer = (a: number, b: number): number => this.minute[b]! - this.minute[a]! || this.article[b]! - this.article[a]!;
}

function isSingleCjk(token: string): boolean {
  const cp = token.codePointAt(0)!;
  return token.length === (cp > 0xffff ? 2 : 1) && classOf(cp) === CharClass.Cjk;
}

function concatMatches(parts: PhraseMatches[]): PhraseMatches {
  if (parts.length === 0) return EMPTY_MATCHES;
  if (parts.length === 1) return parts[0]!;
  const size = parts.reduce((sum, p) => sum + p.docs.length, 0);
  // counted lists' weights are their frequencies (Int32Array): kept that way, half the bytes
  const integral = parts.every((p) => p.weights instanceof Int32Array);
  const out: PhraseMatches = { docs: new Int32Array(size), weights: integral ? new Int32Array(size) : new Float64Array(size), zones: new Uint8Array(size) };
  let at = 0;
  for (const part of parts) {
    out.docs.set(part.docs, at);
    out.weights.set(part.weights, at);
    out.zones.set(part.zones, at);
    at += part.docs.length;
  }
  return out;
}

const EMPTY_INPUT: SegmentInput = { fields: { title: '', tags: [], summary: '', body: '' }, categoryId: 0, tagIds: [] };

function isBuiltSegment(batch: PreparedIndexBatch): batch is BuiltSegment {
  return batch.kind === 'segment';
}

const headWeight = (position: number) => (position < TAG_BASE ? WEIGHTS.title : WEIGHTS.tags);
const bodyWeight = () => WEIGHTS.body;

export class SegmentSearchIndex implements SearchIndex {
  readonly #db: Db;
  readonly #loadTexts: SegmentIndexOptions['loadTexts'];
  readonly #cacheEntries: number;
  readonly #mergeFactor: number;
  readonly #cache = new Map<string, SearchPage>();
  #docs = new DocumentTable();
  #segments: SegmentInfo[] = [];
  #maxSeq = 0;
  #dataVersion = -1;
  #stale = true;
  readonly #stmts;
  readonly #read: <T>(work: () => T) => T;

  constructor(db: Db, options: SegmentIndexOptions) {
    this.#db = db;
    this.#loadTexts = options.loadTexts;
    this.#cacheEntries = options.cacheEntries ?? 500;
    this.#mergeFactor = Math.max(2, options.mergeFactor ?? MERGE_FACTOR);
    this.#stmts = {
      dataVersion: db.prepare<[], number>('PRAGMA data_version').pluck(),
      segments: db.prepare<[], SegmentInfo>('SELECT id, base, span, level FROM search_segments ORDER BY base'),
      docsFrom: db
        .prepare<[number], [number, number, number, number, number, number | null]>(
          'SELECT doc, article_id, published_minute, category_id, length, removed_seq FROM search_docs WHERE doc >= ? ORDER BY doc',
        )
        .raw(),
      removedSince: db.prepare<[number], { doc: number; removed_seq: number }>('SELECT doc, removed_seq FROM search_docs WHERE removed_seq > ?'),
      maxDoc: db.prepare<[], number | null>('SELECT max(doc) FROM search_docs').pluck(),
      liveDocOf: db.prepare<[number], number>('SELECT doc FROM search_docs WHERE article_id = ? AND removed_seq IS NULL').pluck(),
      markRemoved: db.prepare<[number, number]>('UPDATE search_docs SET removed_seq = ? WHERE doc = ?'),
      maxSeq: db.prepare<[], number>('SELECT coalesce(max(removed_seq), 0) FROM search_docs').pluck(),
      nextDoc: db.prepare<[], number>('SELECT coalesce(max(base + span), 0) FROM search_segments').pluck(),
      nextSegment: db.prepare<[], number>('SELECT coalesce(max(id), 0) + 1 FROM search_segments').pluck(),
      insertDoc: db.prepare<[number, number, number, number, number]>(
        'INSERT INTO search_docs (doc, article_id, published_minute, category_id, length) VALUES (?, ?, ?, ?, ?)',
      ),
      insertPosting: db.prepare<[number, string, Uint8Array]>('INSERT INTO search_postings (segment, token, data) VALUES (?, ?, ?)'),
      insertSegment: db.prepare<[number, number, number, number]>('INSERT INTO search_segments (id, base, span, level) VALUES (?, ?, ?, ?)'),
      // the row holding `token`, if any: its own row, or the bucket that starts at or before it
      floorRow: db.prepare<[number, string], { token: string; data: Buffer }>(
        'SELECT token, data FROM search_postings WHERE segment = ? AND token <= ? ORDER BY token DESC LIMIT 1',
      ),
      positionsRow: db.prepare<[number, string], Buffer>('SELECT data FROM search_postings WHERE segment = ? AND token = ?').pluck(),
      rowsBetween: db.prepare<[number, string, string], { token: string; data: Buffer }>(
        'SELECT token, data FROM search_postings WHERE segment = ? AND token > ? AND token < ?',
      ),
      mergePage: db.prepare<[number, string, number], { token: string; data: Buffer }>(
        'SELECT token, data FROM search_postings WHERE segment = ? AND token > ? ORDER BY token LIMIT ?',
      ),
      dropPostings: db.prepare<[number]>('DELETE FROM search_postings WHERE segment = ?'),
      dropSegment: db.prepare<[number]>('DELETE FROM search_segments WHERE id = ?'),
    };
    const read = db.transaction((work: () => unknown) => work());
    this.#read = <T>(work: () => T) => read(work) as T;
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
    const base = this.#stmts.nextDoc.get()!;
    let seq = this.#stmts.maxSeq.get()!;
    docs.forEach((doc, i) => {
      // a document number without a search_docs row is never live: skipped entries stay dead
      if (!doc) return;
      const previous = this.#stmts.liveDocOf.get(doc.id);
      if (previous !== undefined) this.#stmts.markRemoved.run(++seq, previous);
      this.#stmts.insertDoc.run(base + i, doc.id, Math.floor(doc.publishedTs / 60), doc.categoryId, built.lengths[i]!);
    });
    const segment = this.#stmts.nextSegment.get()!;
    for (let k = 0; k < built.rows.length; k++) this.#stmts.insertPosting.run(segment, built.rowKeys[k]!, built.rows[k]!);
    this.#stmts.insertSegment.run(segment, base, built.docCount, 0);
    this.#stale = true;
  }

  remove(id: number): void {
    const previous = this.#stmts.liveDocOf.get(id);
    if (previous === undefined) return;
    this.#stmts.markRemoved.run(this.#stmts.maxSeq.get()! + 1, previous);
    this.#stale = true;
  }

  clear(): void {
    this.#db.exec('DELETE FROM search_postings; DELETE FROM search_segments; DELETE FROM search_docs;');
    this.#stale = true;
  }

  /**
   * Merges the newest segments while MERGE_FACTOR of them share a level, each merge in its own
   * transaction: so a query reads few segments and an import's write amplification stays at
   * about log_8 of the corpus in batches. Call outside any transaction.
   */
  maintain(): void {
    for (;;) {
      const segments = this.#stmts.segments.all();
      const tail = segments.slice(-this.#mergeFactor);
      if (tail.length < this.#mergeFactor || !tail.every((s) => s.level === tail[0]!.level)) return;
      this.#db.transaction(() => this.#merge(tail))();
      this.#stale = true;
    }
  }

  #merge(segments: SegmentInfo[]): void {
    const id = this.#stmts.nextSegment.get()!;
    const base = segments[0]!.base;
    const last = segments[segments.length - 1]!;
    for (const row of packRows(this.#mergedEntries(segments, base))) this.#stmts.insertPosting.run(id, row.key, row.data);
    for (const segment of segments) {
      this.#stmts.dropPostings.run(segment.id);
      this.#stmts.dropSegment.run(segment.id);
    }
    this.#stmts.insertSegment.run(id, base, last.base + last.span - base, segments[0]!.level + 1);
  }

  /** Every (key, list) of one segment in key order, read a page of rows at a time. */
  *#segmentEntries(segment: SegmentInfo): Generator<{ key: string; list: Uint8Array }> {
    let after = '';
    for (;;) {
      const rows = this.#stmts.mergePage.all(segment.id, after, MERGE_PAGE_ROWS);
      for (const row of rows) {
        if (row.token.endsWith(POSITIONS_SUFFIX)) continue;
        if (isBucket(row.data)) yield* bucketEntries(row.data);
        else yield { key: row.token, list: this.#wholeList(segment, row.token, row.data) };
      }
      if (rows.length < MERGE_PAGE_ROWS) return;
      after = rows[rows.length - 1]!.token;
    }
  }

  /** A list row with its positions row joined back on, when it was split in two. */
  #wholeList(segment: SegmentInfo, key: string, data: Uint8Array): Uint8Array {
    const positional = key[0] !== NS.bodyChar && key[0] !== NS.facet;
    if (!positional || !isSplitList(data)) return data;
    const positions = this.#stmts.positionsRow.get(segment.id, key + POSITIONS_SUFFIX)!;
    const whole = new Uint8Array(data.length + positions.length);
    whole.set(data);
    whole.set(positions, data.length);
    return whole;
  }

  /** The union of the segments' lists, key by key, each list rebased onto `base`. */
  *#mergedEntries(segments: SegmentInfo[], base: number): Generator<{ key: string; list: Uint8Array }> {
    const cursors = segments.map((segment) => {
      const entries = this.#segmentEntries(segment);
      return { segment, entries, head: entries.next() };
    });
    for (;;) {
      let smallest: string | undefined;
      for (const c of cursors) if (!c.head.done && (smallest === undefined || compareKeys(c.head.value.key, smallest) < 0)) smallest = c.head.value.key;
      if (smallest === undefined) return;
      const parts: Array<{ bytes: Uint8Array; base: number }> = [];
      for (const c of cursors) {
        if (!c.head.done && c.head.value.key === smallest) {
          parts.push({ bytes: c.head.value.list, base: c.segment.base });
          c.head = c.entries.next();
        }
      }
      yield { key: smallest, list: parts.length === 1 && parts[0]!.base === base ? parts[0]!.bytes : concatPostings(parts, base) };
    }
  }

  // --- state -----------------------------------------------------------------------------------

  /** Brings the in-memory document table up to the database (inside a read transaction). */
  #sync(): void {
    const version = this.#stmts.dataVersion.get()!;
    if (!this.#stale && version === this.#dataVersion) return;
    this.#dataVersion = version;
    this.#stale = false;
    this.#cache.clear();
    this.#segments = this.#stmts.segments.all();
    const maxDoc = this.#stmts.maxDoc.get() ?? -1;
    if (maxDoc < this.#docs.size - 1) {
      // the index was cleared (here or by another process): start over
      this.#docs = new DocumentTable();
      this.#maxSeq = 0;
    }
    const docs = this.#docs;
    // removals of documents already loaded first, from the last sequence number seen before this
    // load (new documents bring their own removal state)
    let maxSeq = this.#maxSeq;
    for (const row of this.#stmts.removedSince.all(this.#maxSeq)) {
      docs.kill(row.doc);
      if (row.removed_seq > maxSeq) maxSeq = row.removed_seq;
    }
    for (const [doc, articleId, minute, categoryId, length, removedSeq] of this.#stmts.docsFrom.iterate(docs.size)) {
      docs.ensure(doc + 1);
      docs.article[doc] = articleId;
      docs.minute[doc] = minute;
      docs.category[doc] = categoryId;
      docs.length[doc] = length;
      const alive = removedSeq === null;
      docs.alive[doc] = alive ? 1 : 0;
      if (alive) {
        docs.live++;
        docs.lengthSum += length;
      } else if (removedSeq > maxSeq) {
        maxSeq = removedSeq;
      }
      docs.size = doc + 1;
    }
    this.#maxSeq = maxSeq;
  }

  // --- reading postings --------------------------------------------------------------------------

  #list(segment: SegmentInfo, key: string, prefix: boolean): PostingList | undefined {
    const positional = key[0] !== NS.bodyChar && key[0] !== NS.facet;
    const decode = (bytes: Uint8Array, rowKey: string) =>
      decodePostings(bytes, segment.base, positional, () => this.#stmts.positionsRow.get(segment.id, rowKey + POSITIONS_SUFFIX)!);
    // (a positions row is never the row of a key: its bytes are no list, and may start with 0)
    const floor = this.#stmts.floorRow.get(segment.id, key);
    if (!prefix) {
      if (!floor || floor.token.endsWith(POSITIONS_SUFFIX)) return undefined;
      if (isBucket(floor.data)) {
        const bytes = findInBucket(floor.data, key);
        return bytes ? decode(bytes, key) : undefined;
      }
      return floor.token === key ? decode(floor.data, key) : undefined;
    }
    // every key starting with `key`: in the bucket at or before it, and in the rows after it
    const lists: PostingList[] = [];
    const collect = (row: { token: string; data: Buffer }) => {
      if (row.token.endsWith(POSITIONS_SUFFIX)) return;
      if (!isBucket(row.data)) {
        if (row.token.startsWith(key)) lists.push(decode(row.data, row.token));
        return;
      }
      for (const entry of bucketEntries(row.data)) if (entry.key.startsWith(key)) lists.push(decode(entry.list, entry.key));
    };
    if (floor) collect(floor);
    for (const row of this.#stmts.rowsBetween.all(segment.id, key, key + PREFIX_END)) collect(row);
    return lists.length > 0 ? unionLists(lists) : undefined;
  }

  /** Documents of one counted key over every segment. */
  #keyDocs(key: string): Int32Array {
    const lists: PostingList[] = [];
    for (const segment of this.#segments) {
      const list = this.#list(segment, key, false);
      if (list) lists.push(list);
    }
    return concatLists(lists).docs;
  }

  /** Where one phrase occurs in the head (title and tags) or the body (summary and body). */
  #phrase(field: 'head' | 'body', phrase: TermPhrase): PhraseMatches {
    const { tokens } = phrase;
    if (tokens.length === 0) return EMPTY_MATCHES;
    const head = field === 'head';
    const parts: PhraseMatches[] = [];
    if (tokens.length === 1 && phrase.prefix && isSingleCjk(tokens[0]!)) {
      // a single character: its own lists, so no prefix expansion over every bigram it starts
      const key = (head ? NS.headChar : NS.bodyChar) + tokens[0]!;
      for (const segment of this.#segments) {
        const list = this.#list(segment, key, false);
        if (list) parts.push(head ? matchPhrase([list], TAG_BASE, headWeight) : countedMatches(list, WEIGHTS.body));
      }
      return concatMatches(parts);
    }
    const ns = head ? NS.head : NS.body;
    const positions = head || tokens.length > 1;
    segments: for (const segment of this.#segments) {
      const lists: PostingList[] = [];
      for (let j = 0; j < tokens.length; j++) {
        const list = this.#list(segment, ns + tokens[j]!, phrase.prefix && j === tokens.length - 1);
        if (!list || list.docs.length === 0) continue segments;
        lists.push(list);
      }
      parts.push(positions ? matchPhrase(lists, TAG_BASE, head ? headWeight : bodyWeight) : countedMatches(lists[0]!, WEIGHTS.body));
    }
    return concatMatches(parts);
  }

  #term(term: Term): TermMatches {
    let head = EMPTY_MATCHES;
    let body = EMPTY_MATCHES;
    let exact = true;
    for (const variant of termVariants(term)) {
      const phrase = termPhrase(variant);
      exact &&= phrase.exact;
      head = unionMatches(head, this.#phrase('head', phrase));
      body = unionMatches(body, this.#phrase('body', phrase));
    }
    return { head, body, docs: unionDocs(head.docs, body.docs), exact };
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
    const terms = query.include.map((term) => this.#term(term));
    const excluded = query.exclude.map((term) => this.#term(term));
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
    if (filters.tagId !== undefined && docs.length > 0) docs = intersectDocs(docs, this.#keyDocs(`${NS.facet}t${filters.tagId}`));
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
      const allowed = filters.tagId !== undefined ? new Set(this.#keyDocs(`${NS.facet}t${filters.tagId}`)) : undefined;
      const normalized = words.map(normalizeText);
      const documentFrequency: number[] = [];
      let best = 0;
      const categoryId = filters.categoryId;
      for (const word of normalized) {
        const { docs } = this.#term({ text: word, alternatives: [] });
        documentFrequency.push(this.#liveCount(docs));
        for (let i = 0; i < docs.length; i++) {
          const doc = docs[i]!;
          if (!table.alive[doc] || (categoryId !== undefined && table.category[doc] !== categoryId)) continue;
          if (allowed && !allowed.has(doc)) continue;
          const c = counts[doc]! + 1;
          if (c > 255) continue;
          counts[doc] = c;
          if (c > best) best = c;
        }
      }
      if (best === 0) return [];
      // The short list: most words first, newest first within a count. One pass finds the count
      // from which the list is full; exact results are left out here (a handful), not per word.
      const wanted = limit * 3 + exclude.size;
      const histogram = new Int32Array(best + 1);
      for (let doc = 0; doc < counts.length; doc++) histogram[counts[doc]!]!++;
      let cutoff = best;
      let room = wanted;
      while (cutoff > 1 && histogram[cutoff]! < room) room -= histogram[cutoff--]!;
      const above: number[] = [];
      const atCutoff: number[] = [];
      for (let doc = 0; doc < counts.length; doc++) {
        const c = counts[doc]!;
        if (c > cutoff) above.push(doc);
        else if (c === cutoff) atCutoff.push(doc);
      }
      above.sort((a, b) => counts[b]! - counts[a]! || table.newer(a, b));
      const shortlist = [...above, ...this.#newest(Int32Array.from(atCutoff), room)].filter((doc) => !exclude.has(table.article[doc]!)).slice(0, limit * 3);
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
