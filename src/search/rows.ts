import { ByteReader, POSITIONS_CHUNK_BYTES, putVarint, readHeader, skipTable, withRoom } from './postings.js';

/**
 * How a segment's lists become rows of search_postings. Most tokens of a segment are rare (83 % of
 * lists are under 64 bytes in the benchmark corpus) and a row per list made the row count, not the
 * bytes, the cost of writing a segment. Lists under SMALL_LIST_BYTES that are neighbours in key
 * order share a bucket row keyed by its first token: a lookup reads the row with the greatest key
 * ≤ the token. A bucket starts with a 0 byte (a list never does: its first varint is a count ≥ 1),
 * then per entry: key length, UTF-8 key, list length, list. Long positions blocks are stored in
 * chunk rows of their own, and long positional lists get a skip table row (see RowWriter). Pure.
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
  // a chunk key ends in the suffix and six digits (positionsKey); tokens hold no control characters
  const n = rowKey.length;
  return rowKey.charCodeAt(n - 1) === SKIP_CODE || (n >= 7 && rowKey.charCodeAt(n - 7) === POSITIONS_CODE);
}
const POSITIONS_CODE = POSITIONS_SUFFIX.charCodeAt(0);
const SKIP_CODE = SKIP_SUFFIX.charCodeAt(0);
export const BUCKET_BYTES = 4096;

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

export function isBucket(row: Uint8Array): boolean {
  return row[0] === 0;
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

/** A list ready to be written into a row (postings.ts ListWriter, or a merge's list). */
export interface WritableList {
  /** The size of the list as written. */
  readonly byteLength: number;
  /** Its entries. */
  readonly count: number;
  /** The size of its positions block, the list's last bytes (0 for a counted list). */
  readonly positionsLength: number;
  /** Writes the list at bytes[at..at + byteLength) (it must fit); returns the offset after it. */
  writeTo(bytes: Uint8Array, at: number): number;
}

/**
 * A segment's rows, written as its lists come in key order: small lists share bucket rows, long
 * ones get rows of their own with their positions in chunk rows and a skip table row (the format
 * above). Every row is a view of one buffer, so no list, key or bucket is allocated on its own.
 * A built segment and a merge of segments both write their rows here, so a merged segment holds
 * exactly the rows one built from all its documents would.
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

  add(key: string, list: WritableList): void {
    const size = list.byteLength;
    if (size >= SMALL_LIST_BYTES) {
      this.#addLong(key, list);
      return;
    }
    // the list and its key (at most 3 bytes a unit), two varints and the bucket's 0
    this.#reserve(size + 3 * key.length + 11);
    this.#openBucket(key);
    const bytes = this.bytes;
    let at = putVarint(bytes, this.length, utf8Length(key));
    at = putUtf8(bytes, at, key);
    this.#endEntry(putVarint(bytes, at, size), list);
  }

  /**
   * The same for a key given as UTF-8 bytes, keyBytes[keyStart..keyEnd): a merge reads keys out of
   * bucket rows that way, and a bucket entry's key is copied as it is, never decoded.
   */
  addUtf8(keyBytes: Uint8Array, keyStart: number, keyEnd: number, list: WritableList): void {
    const size = list.byteLength;
    if (size >= SMALL_LIST_BYTES) {
      this.#addLong(utf8Decoder.decode(keyBytes.subarray(keyStart, keyEnd)), list);
      return;
    }
    const keyLength = keyEnd - keyStart;
    this.#reserve(size + keyLength + 11);
    if (this.#bucket < 0) this.#openBucket(utf8Decoder.decode(keyBytes.subarray(keyStart, keyEnd)));
    const bytes = this.bytes;
    let at = putVarint(bytes, this.length, keyLength);
    for (let i = keyStart; i < keyEnd; i++) bytes[at++] = keyBytes[i]!;
    this.#endEntry(putVarint(bytes, at, size), list);
  }

  /** A long list: positions in chunk rows, a skip table (see the format above). */
  #addLong(key: string, list: WritableList): void {
    this.#reserve(list.byteLength);
    this.#closeBucket();
    const start = this.length;
    this.length = list.writeTo(this.bytes, start);
    const positions = list.positionsLength;
    if (positions >= SPLIT_POSITIONS_BYTES) {
      const positionsStart = this.length - positions;
      this.#row(key, positionsStart);
      for (let at = positionsStart, n = 0; at < this.length; at += POSITIONS_CHUNK_BYTES, n++) this.#row(positionsKey(key, n), Math.min(this.length, at + POSITIONS_CHUNK_BYTES));
    } else {
      this.#row(key, this.length);
    }
    if (positions > 0 && list.count >= SKIP_MIN_ENTRIES) {
      // read off the documents block just written
      const skips = skipTable(this.bytes, start + readHeader(this.bytes.subarray(start)).docsStart, list.count, true);
      this.#reserve(skips.length);
      this.bytes.set(skips, this.length);
      this.length += skips.length;
      this.#row(key + SKIP_SUFFIX, this.length);
    }
  }

  /** Opens a bucket keyed `key` unless one is open (room for its 0 byte is reserved). */
  #openBucket(key: string): void {
    if (this.#bucket >= 0) return;
    this.#bucket = this.length;
    this.#bucketKey = key;
    this.bytes[this.length++] = 0;
  }

  /** Writes a bucket entry's list at `at`, after its key and length, and closes a full bucket. */
  #endEntry(at: number, list: WritableList): void {
    this.length = list.writeTo(this.bytes, at);
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
