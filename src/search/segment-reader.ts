import type { Db } from '../db/open.js';
import { decodeDocs, decodeWithin, readHeader, readSkips, type EncodedList, type PositionChunks, type PostingList, type Skips } from './postings.js';
import { unionLists } from './list-ops.js';
import { bucketEntries, findInBucket, isAuxiliaryKey, isBucket, positionsKey, POSITIONS_SUFFIX, SKIP_MIN_ENTRIES, SKIP_SUFFIX } from './rows.js';
import { NS } from './segment-builder.js';
import { ByteBoundedCache } from './byte-cache.js';

/**
 * Reading one key's lists out of a stored segment. Needs nothing but the postings table, so the
 * search helper thread (segment-worker.ts) reads through its own connection with the same code.
 */

const PREFIX_END = '\u{10FFFF}';

/**
 * Lists of at least this many bytes are kept in memory once read, and so are the positions chunks
 * of split lists (rows.ts). Copying a 1.5 MB row out of SQLite (its overflow pages) took 1-2.5 ms
 * at 1M articles, fetching the chunks of common tokens 20-50 ms per phrase query, and the common
 * tokens such rows belong to come back query after query. Keeping lists from 4 KB rather than
 * 64 KB made 100k-article queries ×0.83-0.91 (related results, 2- to 4-character terms, Latin
 * prefixes), where most words' lists are that size, and left 1M ones as they were.
 */
export const CACHED_LIST_BYTES = 4 * 1024;
/**
 * Bytes of lists kept per connection (SEARCH_LIST_CACHE_MB). At 1M articles the benchmark's query
 * mix reads more than 128 MB of lists: with that bound its later runs read most lists from SQLite
 * again (the lists of 数据配置 take ~100 ms to read, ~50 ms to match), and at 512 MB they did not.
 */
export const LIST_CACHE_BYTES = 512 * 1024 * 1024;

export interface ListCacheOptions {
  /** Lists at least this long are kept once read (CACHED_LIST_BYTES; tests lower it). */
  cachedListBytes?: number;
  /** Bytes kept in all (LIST_CACHE_BYTES). */
  listCacheBytes?: number;
}

/**
 * Names the state of the index a segment belongs to: segment ids are never reused within a
 * generation, and clearing the index starts a new one, so a cached list is never a stale one.
 */
export const SEARCH_GENERATION_KEY = 'search_index_generation';

/** Whether a key's lists hold positions (the character and facet namespaces count only). */
export function isPositionalKey(key: string): boolean {
  return key[0] !== NS.bodyChar && key[0] !== NS.facet;
}

export interface SegmentInfo {
  id: number;
  base: number;
  span: number;
  level: number;
}

/** One key's list in one segment, found but not decoded. */
export interface ListRef {
  /** Entries in the list. */
  count: number;
  decode(): PostingList;
  /** The documents alone (decodeDocs). */
  docs(): Int32Array;
  /** Only the entries whose documents are in `docs` (absolute, ascending). */
  decodeWithin(docs: Int32Array): PostingList;
  /** The list as stored (positional lists only), every positions chunk fetched. */
  encoded(): EncodedList | undefined;
}

/** One key's list as read from its row or bucket. */
interface KeyedList {
  key: string;
  bytes: Uint8Array;
}

/**
 * What the list cache holds: a list, a split list's positions chunks, or the lists of every key
 * starting with a prefix (read by range, they were read afresh on every query: 15 ms for a short
 * Latin prefix at 1M articles).
 */
type CachedValue = Uint8Array | Uint8Array[] | KeyedList[];

export class PostingsReader {
  readonly #stmts;
  /** Long lists and positions chunks read before, by segment and key. */
  readonly #lists: ByteBoundedCache<string, CachedValue>;
  #generation = 0;
  readonly #cachedListBytes: number;

  constructor(db: Db, cache: ListCacheOptions = {}) {
    this.#cachedListBytes = cache.cachedListBytes ?? CACHED_LIST_BYTES;
    this.#lists = new ByteBoundedCache(cache.listCacheBytes ?? LIST_CACHE_BYTES);
    this.#stmts = {
      // the row holding `token`, if any: its own row, or the bucket that starts at or before it
      floorRow: db.prepare<[number, string], { token: string; data: Buffer }>(
        'SELECT token, data FROM search_postings WHERE segment = ? AND token <= ? ORDER BY token DESC LIMIT 1',
      ),
      auxiliaryRow: db.prepare<[number, string], Buffer>('SELECT data FROM search_postings WHERE segment = ? AND token = ?').pluck(),
      positionChunks: db
        .prepare<[number, string, string], Buffer>('SELECT data FROM search_postings WHERE segment = ? AND token > ? AND token < ? ORDER BY token')
        .pluck(),
      generation: db.prepare<[string], number>('SELECT value FROM site_meta WHERE key = ?').pluck(),
      rowsBetween: db.prepare<[number, string, string], { token: string; data: Buffer }>(
        'SELECT token, data FROM search_postings WHERE segment = ? AND token > ? AND token < ?',
      ),
    };
  }

  /** The index's generation as of this connection's transaction (see SEARCH_GENERATION_KEY). */
  readGeneration(): number {
    return this.#stmts.generation.get(SEARCH_GENERATION_KEY) ?? 0;
  }

  /** Says which generation the segments read from now belong to; lists of another are dropped. */
  useGeneration(generation: number): void {
    if (generation === this.#generation) return;
    this.#generation = generation;
    this.forgetLists();
  }

  /** Bytes of lists kept now (never more than the bound once a list is kept). */
  get cachedBytes(): number {
    return this.#lists.bytes;
  }

  forgetLists(): void {
    this.#lists.clear();
  }

  /** The positions chunks of a split list, in order. */
  positionChunks(segment: SegmentInfo, key: string): Buffer[] {
    return this.#stmts.positionChunks.all(segment.id, key + POSITIONS_SUFFIX, key + SKIP_SUFFIX);
  }

  /**
   * The lists of `key` in one segment (every key starting with it when `prefix`), read from their
   * rows but not decoded: a phrase query decodes the shortest first and only the entries of the
   * others that can still match.
   */
  refs(segment: SegmentInfo, key: string, prefix: boolean): ListRef[] {
    if (!prefix) {
      const cacheKey = `${segment.id}:${key}`;
      const cached = this.#recall(cacheKey) as Uint8Array | undefined;
      if (cached) return [this.#ref(segment, key, cached)];
      const bytes = this.#listOf(segment, key);
      if (!bytes) return [];
      if (bytes.length >= this.#cachedListBytes) this.#keep(cacheKey, bytes, bytes.length);
      return [this.#ref(segment, key, bytes)];
    }
    const cacheKey = `prefix ${segment.id}:${key}`;
    let lists = this.#recall(cacheKey) as KeyedList[] | undefined;
    if (!lists) {
      lists = this.#listsStartingWith(segment, key);
      const bytes = lists.reduce((sum, list) => sum + list.bytes.length, 0);
      if (bytes >= this.#cachedListBytes) this.#keep(cacheKey, lists, bytes);
    }
    return lists.map((list) => this.#ref(segment, list.key, list.bytes));
  }

  /** Every key starting with `key` and its list: in the bucket at or before it, and in the rows after it. */
  #listsStartingWith(segment: SegmentInfo, key: string): KeyedList[] {
    const floor = this.#stmts.floorRow.get(segment.id, key);
    const lists: KeyedList[] = [];
    const collect = (row: { token: string; data: Buffer }) => {
      if (isAuxiliaryKey(row.token)) return;
      if (!isBucket(row.data)) {
        if (row.token.startsWith(key)) lists.push({ key: row.token, bytes: row.data });
        return;
      }
      // copied out of the bucket, so that a cached prefix keeps only its own lists' bytes
      for (const entry of bucketEntries(row.data)) if (entry.key.startsWith(key)) lists.push({ key: entry.key, bytes: entry.list.slice() });
    };
    if (floor) collect(floor);
    for (const row of this.#stmts.rowsBetween.all(segment.id, key, key + PREFIX_END)) collect(row);
    return lists;
  }

  /** The bytes of one key's list in a segment, from its own row or its bucket. */
  #listOf(segment: SegmentInfo, key: string): Uint8Array | undefined {
    const floor = this.#stmts.floorRow.get(segment.id, key);
    // (an auxiliary row is never the row of a key: its bytes are no list)
    if (!floor || isAuxiliaryKey(floor.token)) return undefined;
    if (isBucket(floor.data)) return findInBucket(floor.data, key);
    return floor.token === key ? floor.data : undefined;
  }

  /** A cached value, now the most recently used. */
  #recall(cacheKey: string): CachedValue | undefined {
    return this.#lists.get(cacheKey);
  }

  #keep(cacheKey: string, value: CachedValue, bytes: number): void {
    this.#lists.set(cacheKey, value, bytes);
  }

  /** Chunk n of a split list's positions: from the cache (alone, or with all of the list's), else read and kept. */
  #chunk(segment: SegmentInfo, key: string, n: number): Uint8Array {
    const all = this.#recall(`${segment.id}:${key}${POSITIONS_SUFFIX}`) as Uint8Array[] | undefined;
    if (all) return all[n]!;
    const cacheKey = `${segment.id}:${positionsKey(key, n)}`;
    let chunk = this.#recall(cacheKey) as Uint8Array | undefined;
    if (!chunk) {
      chunk = this.#stmts.auxiliaryRow.get(segment.id, positionsKey(key, n))!;
      this.#keep(cacheKey, chunk, chunk.length);
    }
    return chunk;
  }

  /** Every chunk of a split list's positions, cached as one entry. */
  #allChunks(segment: SegmentInfo, key: string): Uint8Array[] {
    const cacheKey = `${segment.id}:${key}${POSITIONS_SUFFIX}`;
    let all = this.#recall(cacheKey) as Uint8Array[] | undefined;
    if (!all) {
      all = this.positionChunks(segment, key);
      this.#keep(
        cacheKey,
        all,
        all.reduce((sum, chunk) => sum + chunk.length, 0),
      );
    }
    return all;
  }

  #ref(segment: SegmentInfo, key: string, bytes: Uint8Array): ListRef {
    const positional = isPositionalKey(key);
    const { count } = readHeader(bytes);
    const chunks: PositionChunks = {
      one: (n) => this.#chunk(segment, key, n),
      all: () => this.#allChunks(segment, key),
    };
    let skips: Skips | undefined;
    return {
      count,
      decode: () => decodeWithin(bytes, segment.base, positional, undefined, undefined, chunks),
      docs: () => decodeDocs(bytes, segment.base, positional),
      decodeWithin: (docs) => {
        if (positional && count >= SKIP_MIN_ENTRIES) skips ??= readSkips(this.#stmts.auxiliaryRow.get(segment.id, key + SKIP_SUFFIX)!);
        return decodeWithin(bytes, segment.base, positional, skips, docs, chunks);
      },
      encoded: () => {
        if (!positional) return undefined;
        const { docsStart, docsEnd } = readHeader(bytes);
        const split = count > 0 && bytes.length === docsEnd;
        return { docs: bytes.subarray(docsStart, docsEnd), count, positions: split ? this.#allChunks(segment, key) : [bytes.subarray(docsEnd)] };
      },
    };
  }

  list(segment: SegmentInfo, key: string, prefix: boolean): PostingList | undefined {
    const refs = this.refs(segment, key, prefix);
    if (refs.length === 0) return undefined;
    return refs.length === 1 ? refs[0]!.decode() : unionLists(refs.map((ref) => ref.decode()));
  }
}
