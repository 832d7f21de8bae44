import { ByteReader, ByteWriter, POSITIONS_CHUNK_BYTES, putVarint, readHeader, skipTable, withRoom, type ListWriter } from './postings.js';

/**
 * How a segment's lists become rows of search_postings. Most tokens of a segment are rare (83 % of
 * lists are under 64 bytes in the benchmark corpus) and a row per list made the row count, not the
 * bytes, the cost of writing a segment. Lists under SMALL_LIST_BYTES that are neighbours in key
 * order share a bucket row keyed by its first token: a lookup reads the row with the greatest key
 * ≤ the token. A bucket starts with a 0 byte (a list never does: its first varint is a count ≥ 1),
 * then per entry: key length, UTF-8 key, list length, list. Long positions blocks are stored in
 * chunk rows of their own, and long positional lists get a skip table row (see packRows). Pure.
 */

export const SMALL_LIST_BYTES = 64;
/** Positions blocks from this size are stored in chunk rows of their own (positionsKey). */
export const SPLIT_POSITIONS_BYTES = 4096;
/** Positional lists of this many entries get a skip table row (postings.ts skipTable). */
export const SKIP_MIN_ENTRIES = 1024;
/** Auxiliary rows sort right after their key and before any longer key (tokens hold no control characters). */
export const POSITIONS_SUFFIX = '\u0001';
export const SKIP_SUFFIX = '\u0002';

/** The row key of chunk n of a split list's positions (fixed width, so chunks sort in order). */
export function positionsKey(key: string, chunk: number): string {
  return `${key}${POSITIONS_SUFFIX}${String(chunk).padStart(6, '0')}`;
}

/** Whether a row holds a positions chunk or a skip table rather than a key's list or a bucket. */
export function isAuxiliaryKey(rowKey: string): boolean {
  return rowKey.includes(POSITIONS_SUFFIX) || rowKey.endsWith(SKIP_SUFFIX);
}
export const BUCKET_BYTES = 4096;

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

export function isBucket(row: Uint8Array): boolean {
  return row[0] === 0;
}

/** Groups a segment's sorted (key, list) pairs into rows: big lists alone, small ones in buckets. */
export function* packRows(entries: Iterable<{ key: string; list: Uint8Array }>): Generator<{ key: string; data: Uint8Array }> {
  let bucket: ByteWriter | undefined;
  let bucketKey = '';
  const flush = function* () {
    if (bucket) yield { key: bucketKey, data: bucket.result() };
    bucket = undefined;
  };
  for (const { key, list } of entries) {
    if (list.length >= SMALL_LIST_BYTES) {
      yield* flush();
      const { count, docsStart, docsEnd } = readHeader(list);
      if (list.length - docsEnd >= SPLIT_POSITIONS_BYTES) {
        // a long list keeps its positions in chunk rows: a query that needs only documents
        // (single tokens, counts) never copies them out of the database, and one that checks a
        // few documents copies only their chunks
        yield { key, data: list.subarray(0, docsEnd) };
        for (let at = docsEnd, n = 0; at < list.length; at += POSITIONS_CHUNK_BYTES, n++) {
          yield { key: positionsKey(key, n), data: list.subarray(at, Math.min(list.length, at + POSITIONS_CHUNK_BYTES)) };
        }
      } else {
        yield { key, data: list };
      }
      if (list.length > docsEnd && count >= SKIP_MIN_ENTRIES) yield { key: key + SKIP_SUFFIX, data: skipTable(list, docsStart, count, true) };
      continue;
    }
    if (!bucket) {
      bucket = new ByteWriter(BUCKET_BYTES + 256);
      bucket.varint(0);
      bucketKey = key;
    }
    const keyBytes = utf8.encode(key);
    bucket.varint(keyBytes.length);
    bucket.append(keyBytes);
    bucket.varint(list.length);
    bucket.append(list);
    if (bucket.length >= BUCKET_BYTES) yield* flush();
  }
  yield* flush();
}

/** The (key, list) entries of a bucket row, in key order. */
export function* bucketEntries(row: Uint8Array): Generator<{ key: string; list: Uint8Array }> {
  const reader = new ByteReader(row, 1);
  while (reader.offset < row.length) {
    const keyLength = reader.varint();
    const key = utf8Decoder.decode(row.subarray(reader.offset, reader.offset + keyLength));
    reader.offset += keyLength;
    const listLength = reader.varint();
    yield { key, list: row.subarray(reader.offset, reader.offset + listLength) };
    reader.offset += listLength;
  }
}

/** The list of `key` in a bucket row, if it holds one. */
export function findInBucket(row: Uint8Array, key: string): Uint8Array | undefined {
  const wanted = utf8.encode(key);
  const reader = new ByteReader(row, 1);
  while (reader.offset < row.length) {
    const keyLength = reader.varint();
    const start = reader.offset;
    reader.offset += keyLength;
    const listLength = reader.varint();
    if (keyLength === wanted.length) {
      let same = true;
      for (let i = 0; i < keyLength && same; i++) same = row[start + i] === wanted[i];
      if (same) return row.subarray(reader.offset, reader.offset + listLength);
    }
    reader.offset += listLength;
  }
  return undefined;
}

/**
 * The rows packRows makes of a segment's lists (the two must agree byte for byte), written as the lists are encoded: every
 * row is a view of one buffer, so no list, key or bucket is allocated on its own.
 */
export class RowWriter {
  bytes: Uint8Array;
  length = 0;
  readonly keys: string[] = [];
  readonly #ends: number[] = [];
  /** Where the open bucket starts, or -1. */
  #bucket = -1;
  #bucketKey = '';

  constructor(capacity: number) {
    this.bytes = new Uint8Array(capacity);
  }

  add(key: string, list: ListWriter): void {
    const size = list.byteLength;
    if (size >= SMALL_LIST_BYTES) {
      // long lists: positions in chunk rows, a skip table (see packRows)
      const skips = list.positionsLength > 0 && list.count >= SKIP_MIN_ENTRIES ? list.skipTable() : undefined;
      this.#reserve(size + (skips?.length ?? 0));
      this.#closeBucket();
      this.length = list.writeTo(this.bytes, this.length);
      const positions = list.positionsLength;
      if (positions >= SPLIT_POSITIONS_BYTES) {
        const start = this.length - positions;
        this.#row(key, start);
        for (let at = start, n = 0; at < this.length; at += POSITIONS_CHUNK_BYTES, n++) this.#row(positionsKey(key, n), Math.min(this.length, at + POSITIONS_CHUNK_BYTES));
      } else {
        this.#row(key, this.length);
      }
      if (skips) {
        this.bytes.set(skips, this.length);
        this.length += skips.length;
        this.#row(key + SKIP_SUFFIX, this.length);
      }
      return;
    }
    // the list and its key (at most 3 bytes a unit), two varints and the bucket's 0
    this.#reserve(size + 3 * key.length + 11);
    if (this.#bucket < 0) {
      this.#bucket = this.length;
      this.#bucketKey = key;
      this.bytes[this.length++] = 0;
    }
    const bytes = this.bytes;
    let at = putVarint(bytes, this.length, utf8Length(key));
    at = putUtf8(bytes, at, key);
    at = putVarint(bytes, at, size);
    this.length = list.writeTo(bytes, at);
    if (this.length - this.#bucket >= BUCKET_BYTES) this.#closeBucket();
  }

  /** The rows, once every list is added. */
  rows(): Uint8Array[] {
    this.#closeBucket();
    const rows: Uint8Array[] = [];
    let start = 0;
    for (const end of this.#ends) {
      rows.push(this.bytes.subarray(start, end));
      start = end;
    }
    return rows;
  }

  #row(key: string, end: number): void {
    this.keys.push(key);
    this.#ends.push(end);
  }

  #closeBucket(): void {
    if (this.#bucket < 0) return;
    this.#row(this.#bucketKey, this.length);
    this.#bucket = -1;
  }

  #reserve(extra: number): void {
    this.bytes = withRoom(this.bytes, this.length, extra);
  }
}

/** The UTF-8 size of well-formed UTF-16 text (index tokens are: scanning splits no pair). */
function utf8Length(text: string): number {
  let length = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // a surrogate pair is 4 bytes for 2 units; others 1 to 3 bytes for 1
    if (code >= 0x80) length += code >= 0xd800 && code <= 0xdfff ? 1 : code >= 0x800 ? 2 : 1;
  }
  return length;
}

/** Writes well-formed UTF-16 text as UTF-8 at bytes[at]; returns the offset after it. */
function putUtf8(bytes: Uint8Array, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) {
      bytes[at++] = code;
    } else if (code < 0x800) {
      bytes[at++] = 0xc0 | (code >> 6);
      bytes[at++] = 0x80 | (code & 0x3f);
    } else if (code >= 0xd800 && code <= 0xdbff) {
      const cp = ((code - 0xd800) << 10) + (text.charCodeAt(++i) - 0xdc00) + 0x10000;
      bytes[at++] = 0xf0 | (cp >> 18);
      bytes[at++] = 0x80 | ((cp >> 12) & 0x3f);
      bytes[at++] = 0x80 | ((cp >> 6) & 0x3f);
      bytes[at++] = 0x80 | (cp & 0x3f);
    } else {
      bytes[at++] = 0xe0 | (code >> 12);
      bytes[at++] = 0x80 | ((code >> 6) & 0x3f);
      bytes[at++] = 0x80 | (code & 0x3f);
    }
  }
  return at;
}
