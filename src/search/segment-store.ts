import type { Db } from '../db/open.js';
import { ByteBoundedCache } from './byte-cache.js';
import { concatLists, isSplitList, type PostingList } from './postings.js';
import { isAuxiliaryKey, isBucket } from './rows.js';
import type { BuiltSegment } from './segment-builder.js';
import { builtRows, joinChunks, mergeSegments, type RowCursor } from './segment-merge.js';
import { isPositionalKey, PostingsReader, SEARCH_GENERATION_KEY, type ListCacheOptions, type SegmentInfo } from './segment-reader.js';

export type { ListRef, SegmentInfo } from './segment-reader.js';

/**
 * The segment index's storage: its three tables (migration 0005), the per-document facts held in
 * memory, writing and merging segments, and reading one key's list from a segment. Queries are in
 * segment-index.ts.
 */

/** Segments of one level merged into one of the next. */
export const MERGE_FACTOR = 10;
const MERGE_PAGE_ROWS = 256;

/**
 * Bytes of freshly written level-0 segments a store keeps as built, so that merging them reads
 * them from memory, not back out of SQLite (at 100,000 articles reading took 1.5 s of each 4 s
 * merge, measured). Ten import batches of 5,000 articles hold ~170 MB.
 */
export const RECENT_SEGMENT_BYTES = 256 * 1024 * 1024;

/**
 * Level-0 segments this store wrote, as built. An entry is used only for the segment it was
 * written as (id, base, span) in the same index generation: ids are reused only after a clear,
 * which starts a new generation.
 */
class RecentSegments {
  readonly #entries: ByteBoundedCache<number, { base: number; span: number; generation: number; built: BuiltSegment }>;

  constructor(limit: number) {
    this.#entries = new ByteBoundedCache(limit);
  }

  remember(id: number, base: number, generation: number, built: BuiltSegment): void {
    // in place of what a write that was rolled back left under the id this write took
    this.#entries.set(id, { base, span: built.docCount, generation, built }, built.rows.reduce((sum, row) => sum + row.length, 0));
  }

  recall(segment: SegmentInfo, generation: number): BuiltSegment | undefined {
    const entry = this.#entries.get(segment.id);
    // only level-0 segments are remembered: a merged segment that got the id of a write rolled back never matches
    return entry && segment.level === 0 && entry.base === segment.base && entry.span === segment.span && entry.generation === generation ? entry.built : undefined;
  }

  forget(id: number): void {
    this.#entries.delete(id);
  }

  clear(): void {
    this.#entries.clear();
  }
}

/** One document of a batch to store: its article and what the in-memory table keeps of it. */
export interface StoredDocument {
  id: number;
  publishedTs: number;
  categoryId: number;
}

/** A typed array over shared memory: search helper threads read it where it is (see DocumentFacts). */
function shared<T extends Int32Array | Float32Array | Uint8Array>(make: new (buffer: SharedArrayBuffer) => T, bytesPerElement: number, size: number): T {
  return new make(new SharedArrayBuffer(size * bytesPerElement));
}

/** Per-document facts, indexed by document number. */
export class DocumentTable {
  size = 0;
  live = 0;
  lengthSum = 0;
  article = shared(Int32Array, 4, 1024);
  minute = shared(Int32Array, 4, 1024);
  category = shared(Int32Array, 4, 1024);
  length = shared(Float32Array, 4, 1024);
  alive = shared(Uint8Array, 1, 1024);

  ensure(size: number): void {
    if (size <= this.article.length) return;
    let capacity = this.article.length;
    while (capacity < size) capacity *= 2;
    const grow = <T extends Int32Array | Float32Array | Uint8Array>(old: T, make: new (buffer: SharedArrayBuffer) => T, bytesPerElement: number): T => {
      const next = shared(make, bytesPerElement, capacity);
      next.set(old);
      return next;
    };
    this.article = grow(this.article, Int32Array, 4);
    this.minute = grow(this.minute, Int32Array, 4);
    this.category = grow(this.category, Int32Array, 4);
    this.length = grow(this.length, Float32Array, 4);
    this.alive = grow(this.alive, Uint8Array, 1);
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

export class SegmentStore {
  readonly #db: Db;
  readonly #mergeFactor: number;
  #docs = new DocumentTable();
  #segments: SegmentInfo[] = [];
  #maxSeq = 0;
  #dataVersion = -1;
  #generation = -1;
  #stale = true;
  readonly #stmts;
  readonly #reader: PostingsReader;
  readonly #recent: RecentSegments;
  /** Runs `work` in one read transaction, so every statement in it sees one snapshot. */
  readonly read: <T>(work: () => T) => T;

  constructor(db: Db, mergeFactor = MERGE_FACTOR, cache: ListCacheOptions & { recentSegmentBytes?: number } = {}) {
    this.#db = db;
    this.#recent = new RecentSegments(cache.recentSegmentBytes ?? RECENT_SEGMENT_BYTES);
    this.#mergeFactor = Math.max(2, mergeFactor);
    this.#reader = new PostingsReader(db, cache);
    this.#stmts = {
      dataVersion: db.prepare<[], number>('PRAGMA data_version').pluck(),
      nextGeneration: db.prepare<[string]>('INSERT INTO site_meta (key, value) VALUES (?, 1) ON CONFLICT (key) DO UPDATE SET value = value + 1'),
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
      mergePage: db.prepare<[number, string, number], { token: string; data: Buffer }>(
        'SELECT token, data FROM search_postings WHERE segment = ? AND token > ? ORDER BY token LIMIT ?',
      ),
      dropPostings: db.prepare<[number]>('DELETE FROM search_postings WHERE segment = ?'),
      dropSegment: db.prepare<[number]>('DELETE FROM search_segments WHERE id = ?'),
    };
    const read = db.transaction((work: () => unknown) => work());
    this.read = <T>(work: () => T) => read(work) as T;
  }

  /** The per-document facts, as of the last sync. */
  get docs(): DocumentTable {
    return this.#docs;
  }

  /** The index's generation as of the last sync (see SEARCH_GENERATION_KEY). */
  get generation(): number {
    return this.#generation;
  }

  /** The segments in document order, as of the last sync. */
  get segments(): readonly SegmentInfo[] {
    return this.#segments;
  }

  /**
   * Stores a built segment for `docs` (undefined entries keep their document number, never live);
   * call inside the caller's write transaction.
   */
  write(docs: ReadonlyArray<StoredDocument | undefined>, built: BuiltSegment): void {
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
    this.#recent.remember(segment, base, this.#reader.readGeneration(), built);
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
    // a new generation: another connection's sync() sees the index was cleared, however it was refilled
    this.#stmts.nextGeneration.run(SEARCH_GENERATION_KEY);
    // the document table starts over too: sync() can tell a cleared index by its numbers only
    // while it holds fewer documents than before, and a refilled one may hold more
    this.#docs = new DocumentTable();
    this.#maxSeq = 0;
    this.#recent.clear();
    this.#stale = true;
  }

  /**
   * Merges the newest segments while MERGE_FACTOR of them share a level, each merge in its own
   * transaction: so a query reads few segments and an import's write amplification stays at
   * about log_10 of the corpus in batches. Call outside any transaction.
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
    const generation = this.#reader.readGeneration();
    let bytes = 0;
    const sources = segments.map((segment) => {
      const built = this.#recent.recall(segment, generation);
      bytes += built ? built.rows.reduce((sum, row) => sum + row.length, 0) : 0;
      return { base: segment.base, rows: built ? builtRows(built) : this.#storedRows(segment) };
    });
    const merged = mergeSegments(sources, base, bytes);
    for (let k = 0; k < merged.rows.length; k++) this.#stmts.insertPosting.run(id, merged.keys[k]!, merged.rows[k]!);
    for (const segment of segments) {
      this.#recent.forget(segment.id);
      this.#stmts.dropPostings.run(segment.id);
      this.#stmts.dropSegment.run(segment.id);
    }
    this.#stmts.insertSegment.run(id, base, last.base + last.span - base, segments[0]!.level + 1);
  }

  /** A stored segment's rows in key order (see RowCursor), read a page of rows at a time. */
  #storedRows(segment: SegmentInfo): RowCursor {
    const page = this.#stmts.mergePage;
    const reader = this.#reader;
    let rows: Array<{ token: string; data: Uint8Array }> = [];
    let i = 0;
    let last = false;
    const cursor = {
      key: '',
      data: new Uint8Array(0) as Uint8Array,
      next(): boolean {
        for (;;) {
          if (i === rows.length) {
            if (last) return false;
            rows = page.all(segment.id, rows.length > 0 ? rows[rows.length - 1]!.token : '', MERGE_PAGE_ROWS);
            last = rows.length < MERGE_PAGE_ROWS;
            i = 0;
            if (rows.length === 0) return false;
          }
          const row = rows[i++]!;
          if (isAuxiliaryKey(row.token)) continue;
          cursor.key = row.token;
          cursor.data = !isBucket(row.data) && isPositionalKey(row.token) && isSplitList(row.data) ? joinChunks(row.data, reader.positionChunks(segment, row.token)) : row.data;
          return true;
        }
      },
    };
    return cursor;
  }

  // --- state -----------------------------------------------------------------------------------

  /**
   * Brings the in-memory document table up to the database (call inside `read`); true when
   * anything may have changed since the last call.
   */
  sync(): boolean {
    const version = this.#stmts.dataVersion.get()!;
    if (!this.#stale && version === this.#dataVersion) return false;
    this.#dataVersion = version;
    this.#stale = false;
    this.#segments = this.#stmts.segments.all();
    const generation = this.#reader.readGeneration();
    const maxDoc = this.#stmts.maxDoc.get() ?? -1;
    // the index was cleared (here or by another process) since the last sync: start over (plain
    // SQL that empties the tables, as a migration may, is seen by the numbers alone)
    if (generation !== this.#generation || maxDoc < this.#docs.size - 1) {
      this.#generation = generation;
      this.#reader.useGeneration(generation);
      this.#reader.forgetLists();
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
    return true;
  }

  // --- reading postings --------------------------------------------------------------------------

  /** Reads lists out of this connection's segments. */
  get reader(): PostingsReader {
    return this.#reader;
  }

  list(segment: SegmentInfo, key: string, prefix: boolean): PostingList | undefined {
    return this.#reader.list(segment, key, prefix);
  }

  /** Documents of one counted key over every segment. */
  keyDocs(key: string): Int32Array {
    const lists: PostingList[] = [];
    for (const segment of this.#segments) {
      const list = this.list(segment, key, false);
      if (list) lists.push(list);
    }
    return concatLists(lists).docs;
  }

}
