/**
 * The byte format of one token's postings in one index segment, and the list operations queries
 * are built from. Pure: no database, no fastify.
 *
 * A posting list is varints: a header (document count, last document, length of the documents
 * block), the documents block and, for positional lists, the positions block. Per document, in
 * ascending order, the documents block holds the gap from the previous document (the first entry
 * is the document itself), the frequency and, for positional lists, how many bytes its positions
 * take; the positions block holds each document's position gaps. Keeping positions apart lets a
 * query read documents without touching positions. Documents are numbered relative to their
 * segment, so a segment can be built before it knows where it will be stored, and lists of
 * neighbouring segments concatenate with only their seam re-encoded.
 */

/** A growable byte buffer of varints. */
export class ByteWriter {
  bytes: Uint8Array;
  length = 0;

  constructor(capacity = 16) {
    this.bytes = new Uint8Array(capacity);
  }

  #reserve(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    let capacity = this.bytes.length * 2;
    while (capacity < this.length + extra) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  varint(value: number): void {
    this.#reserve(5);
    let v = value >>> 0;
    while (v >= 0x80) {
      this.bytes[this.length++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.bytes[this.length++] = v;
  }

  append(bytes: Uint8Array): void {
    this.#reserve(bytes.length);
    this.bytes.set(bytes, this.length);
    this.length += bytes.length;
  }

  result(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

/** Reads varints from a byte array. */
export class ByteReader {
  offset: number;

  constructor(
    readonly bytes: Uint8Array,
    offset = 0,
  ) {
    this.offset = offset;
  }

  varint(): number {
    const bytes = this.bytes;
    let byte = bytes[this.offset++]!;
    let value = byte & 0x7f;
    let shift = 7;
    while (byte & 0x80) {
      byte = bytes[this.offset++]!;
      value |= (byte & 0x7f) << shift;
      shift += 7;
    }
    return value >>> 0;
  }

  skipVarints(count: number): void {
    const bytes = this.bytes;
    let offset = this.offset;
    for (let i = 0; i < count; i++) while (bytes[offset++]! & 0x80);
    this.offset = offset;
  }
}

/**
 * Writes one token's list: documents in ascending order, each with its frequency and (positional
 * lists) its positions. Reused for every list of a segment.
 */
export class ListWriter {
  readonly #docs = new ByteWriter(1 << 12);
  readonly #positions = new ByteWriter(1 << 12);
  #count = 0;
  #last = 0;

  reset(): void {
    this.#docs.length = 0;
    this.#positions.length = 0;
    this.#count = 0;
    this.#last = 0;
  }

  /** A document of a counted list. */
  counted(doc: number, frequency: number): void {
    this.#docs.varint(this.#count === 0 ? doc : doc - this.#last);
    this.#docs.varint(frequency);
    this.#count++;
    this.#last = doc;
  }

  /** A document of a positional list with positions[from..to) (ascending). */
  positional(doc: number, positions: ArrayLike<number>, from: number, to: number): void {
    const start = this.#positions.length;
    let previous = 0;
    for (let j = from; j < to; j++) {
      this.#positions.varint(positions[j]! - previous);
      previous = positions[j]!;
    }
    this.#docs.varint(this.#count === 0 ? doc : doc - this.#last);
    this.#docs.varint(to - from);
    this.#docs.varint(this.#positions.length - start);
    this.#count++;
    this.#last = doc;
  }

  readonly #header = new ByteWriter(16);

  result(): Uint8Array {
    const header = this.#header;
    header.length = 0;
    header.varint(this.#count);
    header.varint(this.#last);
    header.varint(this.#docs.length);
    const out = new Uint8Array(header.length + this.#docs.length + this.#positions.length);
    out.set(header.bytes.subarray(0, header.length));
    out.set(this.#docs.bytes.subarray(0, this.#docs.length), header.length);
    out.set(this.#positions.bytes.subarray(0, this.#positions.length), header.length + this.#docs.length);
    return out;
  }
}

/**
 * A decoded list: documents (absolute) and frequencies; positions of entry i on demand, so a
 * phrase query decodes positions only for the documents that hold all its tokens.
 */
export interface PostingList {
  docs: Int32Array;
  freqs: Int32Array;
  /** Positions of entry i, ascending (positional lists only). */
  positions?: (i: number) => Int32Array;
}

export const EMPTY_LIST: PostingList = { docs: new Int32Array(0), freqs: new Int32Array(0) };

interface ListHeader {
  count: number;
  last: number;
  docsStart: number;
  docsEnd: number;
}

function readHeader(bytes: Uint8Array): ListHeader {
  const reader = new ByteReader(bytes);
  const count = reader.varint();
  const last = reader.varint();
  const docsLength = reader.varint();
  return { count, last, docsStart: reader.offset, docsEnd: reader.offset + docsLength };
}

/** The number of documents in an encoded list, from its header. */
export function postingCount(bytes: Uint8Array): number {
  return new ByteReader(bytes).varint();
}

/** Decodes one segment's list, adding `base` to every document. */
export function decodePostings(bytes: Uint8Array, base: number, positional: boolean): PostingList {
  const { count, docsStart, docsEnd } = readHeader(bytes);
  const reader = new ByteReader(bytes, docsStart);
  const docs = new Int32Array(count);
  const freqs = new Int32Array(count);
  let doc = base;
  if (!positional) {
    for (let i = 0; i < count; i++) {
      doc += reader.varint();
      docs[i] = doc;
      freqs[i] = reader.varint();
    }
    return { docs, freqs };
  }
  const offsets = new Int32Array(count);
  let offset = docsEnd;
  for (let i = 0; i < count; i++) {
    doc += reader.varint();
    docs[i] = doc;
    freqs[i] = reader.varint();
    offsets[i] = offset;
    offset += reader.varint();
  }
  const positions = (i: number) => {
    const out = new Int32Array(freqs[i]!);
    const at = new ByteReader(bytes, offsets[i]!);
    let position = 0;
    for (let k = 0; k < out.length; k++) out[k] = position += at.varint();
    return out;
  };
  return { docs, freqs, positions };
}

/**
 * Concatenates lists of neighbouring segments into one list relative to the first segment's base.
 * `parts` are in document order, each with the base of its segment. Only the seam is re-encoded.
 */
export function concatPostings(parts: Array<{ bytes: Uint8Array; base: number }>, newBase: number): Uint8Array {
  let count = 0;
  let lastAbsolute = 0;
  let previous = -1;
  const docBlocks: Uint8Array[] = [];
  const positionBlocks: Uint8Array[] = [];
  for (const { bytes, base } of parts) {
    const header = readHeader(bytes);
    if (header.count === 0) continue;
    const reader = new ByteReader(bytes, header.docsStart);
    const firstAbsolute = base + reader.varint();
    const seam = new ByteWriter(6);
    seam.varint(previous < 0 ? firstAbsolute - newBase : firstAbsolute - previous);
    docBlocks.push(seam.result(), bytes.subarray(reader.offset, header.docsEnd));
    positionBlocks.push(bytes.subarray(header.docsEnd));
    count += header.count;
    lastAbsolute = base + header.last;
    previous = lastAbsolute;
  }
  const docsLength = docBlocks.reduce((sum, b) => sum + b.length, 0);
  const out = new ByteWriter(docsLength + positionBlocks.reduce((sum, b) => sum + b.length, 0) + 16);
  out.varint(count);
  out.varint(count === 0 ? 0 : lastAbsolute - newBase);
  out.varint(docsLength);
  for (const block of docBlocks) out.append(block);
  for (const block of positionBlocks) out.append(block);
  return out.result();
}

/** Concatenates decoded lists whose documents do not overlap and are in order. */
export function concatLists(lists: PostingList[]): PostingList {
  if (lists.length === 1) return lists[0]!;
  if (lists.length === 0) return EMPTY_LIST;
  const total = lists.reduce((sum, l) => sum + l.docs.length, 0);
  const docs = new Int32Array(total);
  const freqs = new Int32Array(total);
  const owner = new Int32Array(total);
  const starts: number[] = [];
  let at = 0;
  lists.forEach((list, n) => {
    docs.set(list.docs, at);
    freqs.set(list.freqs, at);
    owner.fill(n, at, at + list.docs.length);
    starts.push(at);
    at += list.docs.length;
  });
  if (!lists.every((l) => l.positions)) return { docs, freqs };
  return { docs, freqs, positions: (i) => lists[owner[i]!]!.positions!(i - starts[owner[i]!]!) };
}

/** Merges lists that may share documents (a prefix's expansions): positions are united and sorted. */
export function unionLists(lists: PostingList[]): PostingList {
  const present = lists.filter((l) => l.docs.length > 0);
  if (present.length === 0) return EMPTY_LIST;
  if (present.length === 1) return present[0]!;
  const withPositions = present.every((l) => l.positions);
  const byDoc = new Map<number, { freq: number; parts: Array<[PostingList, number]> }>();
  for (const list of present) {
    for (let i = 0; i < list.docs.length; i++) {
      const doc = list.docs[i]!;
      let entry = byDoc.get(doc);
      if (!entry) byDoc.set(doc, (entry = { freq: 0, parts: [] }));
      entry.freq += list.freqs[i]!;
      entry.parts.push([list, i]);
    }
  }
  const ordered = [...byDoc.keys()].sort((a, b) => a - b);
  const docs = Int32Array.from(ordered);
  const freqs = Int32Array.from(ordered, (doc) => byDoc.get(doc)!.freq);
  if (!withPositions) return { docs, freqs };
  return {
    docs,
    freqs,
    positions: (i) => {
      const parts = byDoc.get(ordered[i]!)!.parts;
      if (parts.length === 1) return parts[0]![0].positions!(parts[0]![1]);
      return Int32Array.from(parts.flatMap(([list, k]) => Array.from(list.positions!(k)))).sort();
    },
  };
}

/** A phrase's matches in one field: documents, occurrence counts, and where it first/last occurs. */
export interface PhraseMatches {
  docs: Int32Array;
  /** Occurrences, weighted by the caller's field weights. */
  weights: Float64Array;
  /** Bit 1: an occurrence before `split`; bit 2: one at or after it. */
  zones: Uint8Array;
}

/** Index of the first entry ≥ doc at or after `from` (galloping: lists are sorted). */
function seek(docs: Int32Array, doc: number, from: number): number {
  let c = from;
  let step = 1;
  while (c + step < docs.length && docs[c + step]! < doc) {
    c += step;
    step *= 2;
  }
  while (c < docs.length && docs[c]! < doc) c++;
  return c;
}

/**
 * Documents where lists[0..k) occur at consecutive positions. `weightOf(position)` gives each
 * occurrence's weight and `split` the position that divides the field's two zones (title | tags).
 * Documents are intersected first; positions are decoded only for documents holding every token.
 */
export function matchPhrase(lists: PostingList[], split: number, weightOf: (position: number) => number): PhraseMatches {
  const k = lists.length;
  // drive by the shortest list
  let driver = 0;
  for (let j = 1; j < k; j++) if (lists[j]!.docs.length < lists[driver]!.docs.length) driver = j;
  const lead = lists[driver]!;
  const size = lead.docs.length;
  const out = { docs: new Int32Array(size), weights: new Float64Array(size), zones: new Uint8Array(size) };
  let n = 0;
  const cursor = new Int32Array(k);
  const held: Int32Array[] = new Array<Int32Array>(k);
  outer: for (let i = 0; i < size; i++) {
    const doc = lead.docs[i]!;
    for (let j = 0; j < k; j++) {
      if (j === driver) {
        cursor[j] = i;
        continue;
      }
      const docs = lists[j]!.docs;
      const c = seek(docs, doc, cursor[j]!);
      cursor[j] = c;
      if (c >= docs.length) break outer;
      if (docs[c] !== doc) continue outer;
    }
    for (let j = 0; j < k; j++) held[j] = lists[j]!.positions!(cursor[j]!);
    let weight = 0;
    let zones = 0;
    const first = held[0]!;
    for (let p = 0; p < first.length; p++) {
      const start = first[p]!;
      let all = true;
      for (let j = 1; j < k && all; j++) all = contains(held[j]!, start + j);
      if (all) {
        weight += weightOf(start);
        zones |= start < split ? 1 : 2;
      }
    }
    if (zones === 0) continue;
    out.docs[n] = doc;
    out.weights[n] = weight;
    out.zones[n] = zones;
    n++;
  }
  return { docs: out.docs.subarray(0, n), weights: out.weights.subarray(0, n), zones: out.zones.subarray(0, n) };
}

function contains(sorted: Int32Array, value: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid]!;
    if (v === value) return true;
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** Matches of a counted (position-free) list: every document, weighted by its frequency. */
export function countedMatches(list: PostingList, weight: number): PhraseMatches {
  const weights = new Float64Array(list.docs.length);
  for (let i = 0; i < weights.length; i++) weights[i] = list.freqs[i]! * weight;
  return { docs: list.docs, weights, zones: new Uint8Array(list.docs.length).fill(2) };
}

/** Union of two match sets: weights add, zones combine. */
export function unionMatches(a: PhraseMatches, b: PhraseMatches): PhraseMatches {
  if (a.docs.length === 0) return b;
  if (b.docs.length === 0) return a;
  const size = a.docs.length + b.docs.length;
  const docs = new Int32Array(size);
  const weights = new Float64Array(size);
  const zones = new Uint8Array(size);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.docs.length || j < b.docs.length) {
    const da = i < a.docs.length ? a.docs[i]! : Number.MAX_SAFE_INTEGER;
    const db = j < b.docs.length ? b.docs[j]! : Number.MAX_SAFE_INTEGER;
    if (da === db) {
      docs[n] = da;
      weights[n] = a.weights[i]! + b.weights[j]!;
      zones[n] = a.zones[i]! | b.zones[j]!;
      i++;
      j++;
    } else if (da < db) {
      docs[n] = da;
      weights[n] = a.weights[i]!;
      zones[n] = a.zones[i]!;
      i++;
    } else {
      docs[n] = db;
      weights[n] = b.weights[j]!;
      zones[n] = b.zones[j]!;
      j++;
    }
    n++;
  }
  return { docs: docs.subarray(0, n), weights: weights.subarray(0, n), zones: zones.subarray(0, n) };
}

/** Sorted documents of both. */
export function intersectDocs(a: Int32Array, b: Int32Array): Int32Array {
  const [small, large] = a.length <= b.length ? [a, b] : [b, a];
  const out = new Int32Array(small.length);
  let n = 0;
  let j = 0;
  for (let i = 0; i < small.length; i++) {
    const doc = small[i]!;
    let step = 1;
    while (j + step < large.length && large[j + step]! < doc) {
      j += step;
      step *= 2;
    }
    while (j < large.length && large[j]! < doc) j++;
    if (j >= large.length) break;
    if (large[j] === doc) out[n++] = doc;
  }
  return out.subarray(0, n);
}

/** Sorted documents of `a` that are not in `b`. */
export function subtractDocs(a: Int32Array, b: Int32Array): Int32Array {
  if (b.length === 0) return a;
  const out = new Int32Array(a.length);
  let n = 0;
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    const doc = a[i]!;
    while (j < b.length && b[j]! < doc) j++;
    if (j < b.length && b[j] === doc) continue;
    out[n++] = doc;
  }
  return out.subarray(0, n);
}

// --- bucket rows ------------------------------------------------------------------------------
//
// Most tokens of a segment are rare (83 % of lists are under 64 bytes in the benchmark corpus) and
// a row per list made the row count, not the bytes, the cost of writing a segment. Lists under
// SMALL_LIST_BYTES that are neighbours in key order share a bucket row keyed by its first token:
// a lookup reads the row with the greatest key ≤ the token. A bucket starts with a 0 byte (a list
// never does: its first varint is a count ≥ 1), then per entry: key length, UTF-8 key, list length,
// list.

export const SMALL_LIST_BYTES = 64;
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
      yield { key, data: list };
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
