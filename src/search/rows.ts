import { ByteReader, ByteWriter, readHeader } from './postings.js';

/**
 * How a segment's lists become rows of search_postings. Most tokens of a segment are rare (83 % of
 * lists are under 64 bytes in the benchmark corpus) and a row per list made the row count, not the
 * bytes, the cost of writing a segment. Lists under SMALL_LIST_BYTES that are neighbours in key
 * order share a bucket row keyed by its first token: a lookup reads the row with the greatest key
 * ≤ the token. A bucket starts with a 0 byte (a list never does: its first varint is a count ≥ 1),
 * then per entry: key length, UTF-8 key, list length, list. Long positions blocks get a row of
 * their own (see packRows). Pure.
 */

export const SMALL_LIST_BYTES = 64;
/** Positions blocks from this size are stored in a row of their own, keyed key + POSITIONS_SUFFIX. */
export const SPLIT_POSITIONS_BYTES = 4096;
/** Sorts right after its key and before any longer key (tokens hold no control characters). */
export const POSITIONS_SUFFIX = '\u0001';
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
      const { docsEnd } = readHeader(list);
      if (list.length - docsEnd >= SPLIT_POSITIONS_BYTES) {
        // a long list keeps its positions in the next row: a query that needs only documents
        // (single tokens, counts) then never copies them out of the database
        yield { key, data: list.subarray(0, docsEnd) };
        yield { key: key + POSITIONS_SUFFIX, data: list.subarray(docsEnd) };
      } else {
        yield { key, data: list };
      }
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
