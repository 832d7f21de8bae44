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
  /** A decoded segment list's bytes and where each entry's positions start: read in place. */
  raw?: { bytes: Uint8Array; offsets: Int32Array };
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

/** Whether a positional list's row holds only its documents (positions in the next row). */
export function isSplitList(bytes: Uint8Array): boolean {
  const { count, docsEnd } = readHeader(bytes);
  return count > 0 && bytes.length === docsEnd;
}

/** Decodes one segment's list, adding `base` to every document. */
export function decodePostings(bytes: Uint8Array, base: number, positional: boolean, separatePositions?: () => Uint8Array): PostingList {
  const { count, docsStart, docsEnd } = readHeader(bytes);
  const docs = new Int32Array(count);
  const freqs = new Int32Array(count);
  const offsets = positional ? new Int32Array(count) : undefined;
  // the hottest loop of a query: varints read inline, with a one-byte fast path (most values)
  // positions follow the documents, or (a long list split in two rows) start a row of their own
  const split = positional && bytes.length === docsEnd && count > 0;
  let p = docsStart;
  let doc = base;
  let offset = split ? 0 : docsEnd;
  for (let i = 0; i < count; i++) {
    let byte = bytes[p++]!;
    let value = byte;
    if (byte >= 0x80) {
      value = byte & 0x7f;
      let shift = 7;
      do {
        byte = bytes[p++]!;
        value |= (byte & 0x7f) << shift;
        shift += 7;
      } while (byte >= 0x80);
    }
    doc += value;
    docs[i] = doc;
    byte = bytes[p++]!;
    value = byte;
    if (byte >= 0x80) {
      value = byte & 0x7f;
      let shift = 7;
      do {
        byte = bytes[p++]!;
        value |= (byte & 0x7f) << shift;
        shift += 7;
      } while (byte >= 0x80);
    }
    freqs[i] = value;
    if (offsets) {
      offsets[i] = offset;
      byte = bytes[p++]!;
      value = byte;
      if (byte >= 0x80) {
        value = byte & 0x7f;
        let shift = 7;
        do {
          byte = bytes[p++]!;
          value |= (byte & 0x7f) << shift;
          shift += 7;
        } while (byte >= 0x80);
      }
      offset += value;
    }
  }
  if (!offsets) return { docs, freqs };
  let block: Uint8Array | undefined = split ? undefined : bytes;
  const raw = {
    get bytes(): Uint8Array {
      if (block) return block;
      if (!separatePositions) throw new Error('positions of a split list were not given');
      return (block = separatePositions());
    },
    offsets,
  };
  const positions = (i: number) => positionsInto({ docs, freqs, raw }, i, new Int32Array(freqs[i]!));
  return { docs, freqs, positions, raw };
}

/** Decodes entry i's positions into `into` (grown when short); returns the array written. */
function positionsInto(list: PostingList, i: number, into: Int32Array): Int32Array {
  const raw = list.raw;
  if (!raw) return list.positions!(i);
  const count = list.freqs[i]!;
  const out = count <= into.length ? into : new Int32Array(count * 2);
  const bytes = raw.bytes;
  let offset = raw.offsets[i]!;
  let position = 0;
  for (let k = 0; k < count; k++) {
    let byte = bytes[offset++]!;
    let value = byte & 0x7f;
    let shift = 7;
    while (byte & 0x80) {
      byte = bytes[offset++]!;
      value |= (byte & 0x7f) << shift;
      shift += 7;
    }
    out[k] = position += value;
  }
  return out;
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

/**
 * Merges lists that may share documents (a prefix's expansions): frequencies add up and the
 * positions of a document are its sources' positions, united and sorted when asked for.
 */
export function unionLists(lists: PostingList[]): PostingList {
  const present = lists.filter((l) => l.docs.length > 0);
  if (present.length === 0) return EMPTY_LIST;
  if (present.length === 1) return present[0]!;
  const k = present.length;
  const withPositions = present.every((l) => l.positions);
  const total = present.reduce((sum, l) => sum + l.docs.length, 0);
  const docs = new Int32Array(total);
  const freqs = new Int32Array(total);
  // for positions: the sources (list, entry) of output document i are src[srcStart[i] .. srcStart[i+1])
  const srcStart = withPositions ? new Int32Array(total + 1) : undefined;
  const srcList = withPositions ? new Int32Array(total) : undefined;
  const srcEntry = withPositions ? new Int32Array(total) : undefined;
  const cursor = new Int32Array(k);
  // a binary min-heap of list numbers keyed by their current document
  const heap = Int32Array.from({ length: k }, (_, i) => i);
  const docAt = (list: number) => present[list]!.docs[cursor[list]!]!;
  const siftDown = (from: number, size: number) => {
    let i = from;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < size && docAt(heap[l]!) < docAt(heap[m]!)) m = l;
      if (r < size && docAt(heap[r]!) < docAt(heap[m]!)) m = r;
      if (m === i) return;
      const t = heap[i]!;
      heap[i] = heap[m]!;
      heap[m] = t;
      i = m;
    }
  };
  let size = k;
  for (let i = (size >> 1) - 1; i >= 0; i--) siftDown(i, size);
  let n = -1;
  let sources = 0;
  while (size > 0) {
    const list = heap[0]!;
    const entry = cursor[list]!;
    const doc = present[list]!.docs[entry]!;
    if (n < 0 || docs[n] !== doc) {
      n++;
      docs[n] = doc;
      if (srcStart) srcStart[n] = sources;
    }
    freqs[n]! += present[list]!.freqs[entry]!;
    if (srcList && srcEntry) {
      srcList[sources] = list;
      srcEntry[sources] = entry;
    }
    sources++;
    cursor[list] = entry + 1;
    if (entry + 1 >= present[list]!.docs.length) {
      heap[0] = heap[--size]!;
    }
    siftDown(0, size);
  }
  const count = n + 1;
  if (!srcStart || !srcList || !srcEntry) return { docs: docs.subarray(0, count), freqs: freqs.subarray(0, count) };
  srcStart[count] = sources;
  return {
    docs: docs.subarray(0, count),
    freqs: freqs.subarray(0, count),
    positions: (i) => {
      const from = srcStart[i]!;
      const to = srcStart[i + 1]!;
      if (to - from === 1) return present[srcList[from]!]!.positions!(srcEntry[from]!);
      const parts: Int32Array[] = [];
      for (let j = from; j < to; j++) parts.push(present[srcList[j]!]!.positions!(srcEntry[j]!));
      const out = new Int32Array(parts.reduce((sum, p) => sum + p.length, 0));
      let at = 0;
      for (const part of parts) {
        out.set(part, at);
        at += part.length;
      }
      return out.sort();
    },
  };
}

/** A phrase's matches in one field: documents, occurrence counts, and where it first/last occurs. */
export interface PhraseMatches {
  docs: Int32Array;
  /** Occurrences, weighted by the caller's field weights (a counted list's own frequencies). */
  weights: Float64Array | Int32Array;
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
  // positions are decoded into one scratch array per token, not a new array per document
  const scratch: Int32Array[] = Array.from({ length: k }, () => new Int32Array(64));
  // tokens in order of their lists' lengths: the rarest tokens filter first
  const order = Array.from({ length: k }, (_, j) => j).sort((a, b) => lists[a]!.docs.length - lists[b]!.docs.length);
  let starts = new Int32Array(64);
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
    // Starts that survive every token so far, checked one token at a time from the rarest:
    // most candidates of a rare phrase fail after one or two tokens, and the positions of the
    // remaining tokens are then never decoded.
    const firstToken = order[0]!;
    const got = positionsInto(lists[firstToken]!, cursor[firstToken]!, scratch[firstToken]!);
    if (got.length > scratch[firstToken]!.length) scratch[firstToken] = got;
    let alive = lists[firstToken]!.freqs[cursor[firstToken]!]!;
    if (starts.length < alive) starts = new Int32Array(alive * 2);
    for (let p = 0; p < alive; p++) starts[p] = got[p]! - firstToken;
    for (let o = 1; o < k && alive > 0; o++) {
      const j = order[o]!;
      const list = lists[j]!;
      const held = positionsInto(list, cursor[j]!, scratch[j]!);
      if (held.length > scratch[j]!.length) scratch[j] = held;
      const count = list.freqs[cursor[j]!]!;
      let kept = 0;
      for (let p = 0; p < alive; p++) if (indexOf(held, starts[p]! + j, count) >= 0) starts[kept++] = starts[p]!;
      alive = kept;
    }
    let weight = 0;
    let zones = 0;
    for (let p = 0; p < alive; p++) {
      const start = starts[p]!;
      if (start < 0) continue;
      weight += weightOf(start);
      zones |= start < split ? 1 : 2;
    }
    if (zones === 0) continue;
    out.docs[n] = doc;
    out.weights[n] = weight;
    out.zones[n] = zones;
    n++;
  }
  return { docs: out.docs.subarray(0, n), weights: out.weights.subarray(0, n), zones: out.zones.subarray(0, n) };
}

/** Index of `value` in the first `length` entries of ascending `sorted`, or -1. */
export function indexOf(sorted: Int32Array, value: number, length = sorted.length): number {
  let lo = 0;
  let hi = length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid]!;
    if (v === value) return mid;
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Matches of a counted (position-free) list: every document, weighted by its frequency. */
export function countedMatches(list: PostingList, weight: number): PhraseMatches {
  // a weight of 1 (the body) is the frequencies themselves: no copy of a list that may be huge
  let weights: Float64Array | Int32Array = list.freqs;
  if (weight !== 1) {
    weights = new Float64Array(list.docs.length);
    for (let i = 0; i < weights.length; i++) weights[i] = list.freqs[i]! * weight;
  }
  return { docs: list.docs, weights, zones: new Uint8Array(list.docs.length).fill(2) };
}

/** Sorted documents of either. */
export function unionDocs(a: Int32Array, b: Int32Array): Int32Array {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out = new Int32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      out[n++] = x;
      i++;
      j++;
    } else if (x < y) {
      out[n++] = x;
      i++;
    } else {
      out[n++] = y;
      j++;
    }
  }
  while (i < a.length) out[n++] = a[i++]!;
  while (j < b.length) out[n++] = b[j++]!;
  return out.subarray(0, n);
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
