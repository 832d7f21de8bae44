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

import { kernelDecodeDocs, kernelDecodeWithin } from './kernels/list-kernels.js';

/** Writes `value` (as 32 bits unsigned) as a varint at bytes[at]; returns the offset after it. */
export function putVarint(bytes: Uint8Array, at: number, value: number): number {
  let v = value >>> 0;
  while (v >= 0x80) {
    bytes[at++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  bytes[at] = v;
  return at + 1;
}

function varintLength(value: number): number {
  const v = value >>> 0;
  return v < 1 << 7 ? 1 : v < 1 << 14 ? 2 : v < 1 << 21 ? 3 : v < 1 << 28 ? 4 : 5;
}

/** `bytes`, or a copy of its first `used` bytes twice as large as needed, with room for `extra` more. */
export function withRoom(bytes: Uint8Array, used: number, extra: number): Uint8Array {
  if (used + extra <= bytes.length) return bytes;
  let capacity = bytes.length * 2;
  while (capacity < used + extra) capacity *= 2;
  const grown = new Uint8Array(capacity);
  grown.set(bytes.subarray(0, used));
  return grown;
}

/** A growable byte buffer of varints. */
export class ByteWriter {
  bytes: Uint8Array;
  length = 0;

  constructor(capacity = 16) {
    this.bytes = new Uint8Array(capacity);
  }

  /** Makes room for `extra` more bytes. */
  reserve(extra: number): void {
    this.bytes = withRoom(this.bytes, this.length, extra);
  }

  varint(value: number): void {
    this.reserve(5);
    this.length = putVarint(this.bytes, this.length, value);
  }

  append(bytes: Uint8Array): void {
    this.reserve(bytes.length);
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
    // most values (gaps, frequencies, lengths) fit one byte
    if (byte < 0x80) return byte;
    let value = byte & 0x7f;
    let shift = 7;
    do {
      byte = bytes[this.offset++]!;
      value |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte >= 0x80);
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

  // The segment builder's lists come as (document, value) pairs at pairs[2 * from .. 2 * to), in
  // document order, a document's pairs together. Each list is written in one loop, room made for
  // the longest varints once: a batch has millions of entries.

  /** The documents of a positional list: each pair holds a position, in order within its document. */
  positionalPairs(pairs: Int32Array, from: number, to: number): void {
    this.#docs.reserve(15 * (to - from));
    this.#positions.reserve(5 * (to - from));
    const docs = this.#docs.bytes;
    const positions = this.#positions.bytes;
    let d = this.#docs.length;
    let p = this.#positions.length;
    let last = this.#last;
    for (let k = from; k < to; ) {
      const doc = pairs[2 * k]!;
      const entryStart = p;
      let previous = 0;
      let j = k;
      do {
        const position = pairs[2 * j + 1]!;
        p = putVarint(positions, p, position - previous);
        previous = position;
      } while (++j < to && pairs[2 * j] === doc);
      d = putVarint(docs, d, doc - last);
      d = putVarint(docs, d, j - k);
      d = putVarint(docs, d, p - entryStart);
      this.#count++;
      last = doc;
      k = j;
    }
    this.#docs.length = d;
    this.#positions.length = p;
    this.#last = last;
  }

  /** The documents of a counted list: each pair holds a frequency, added up per document. */
  countedPairs(pairs: Int32Array, from: number, to: number): void {
    this.#docs.reserve(10 * (to - from));
    const docs = this.#docs.bytes;
    let d = this.#docs.length;
    let last = this.#last;
    for (let k = from; k < to; ) {
      const doc = pairs[2 * k]!;
      let frequency = 0;
      do frequency += pairs[2 * k + 1]!;
      while (++k < to && pairs[2 * k] === doc);
      d = putVarint(docs, d, doc - last);
      d = putVarint(docs, d, frequency);
      this.#count++;
      last = doc;
    }
    this.#docs.length = d;
    this.#last = last;
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

  /** The size of the list as written. */
  get byteLength(): number {
    return varintLength(this.#count) + varintLength(this.#last) + varintLength(this.#docs.length) + this.#docs.length + this.#positions.length;
  }

  /** Entries written. */
  get count(): number {
    return this.#count;
  }

  /** The size of its positions block, the list's last bytes. */
  get positionsLength(): number {
    return this.#positions.length;
  }

  /** Writes the list at bytes[at..at + byteLength) (it must fit); returns the offset after it. */
  writeTo(bytes: Uint8Array, at: number): number {
    let end = putVarint(bytes, at, this.#count);
    end = putVarint(bytes, end, this.#last);
    end = putVarint(bytes, end, this.#docs.length);
    end = copyBytes(this.#docs, bytes, end);
    return copyBytes(this.#positions, bytes, end);
  }

  result(): Uint8Array {
    const out = new Uint8Array(this.byteLength);
    this.writeTo(out, 0);
    return out;
  }
}

/** Copies what `from` holds to to[at..); returns the offset after it. */
function copyBytes(from: ByteWriter, to: Uint8Array, at: number): number {
  const { bytes, length } = from;
  // most lists are a few bytes: a loop beats making a subarray to set() from
  if (length < 32) for (let i = 0; i < length; i++) to[at + i] = bytes[i]!;
  else to.set(bytes.subarray(0, length), at);
  return at + length;
}

/**
 * Where a decoded list's positions are: in the list's own row (`whole`), or, for a long list, in
 * chunks of POSITIONS_CHUNK_BYTES fetched when first read (rows.ts), so a query that checks a few
 * documents of a long list copies a few chunks out of the database, not the whole block.
 */
export interface PositionBytes {
  readonly whole: Uint8Array | undefined;
  /** Chunk n of a chunked block. */
  chunk(n: number): Uint8Array;
  /**
   * The whole block in order (the row itself, or every chunk) when it is read in one go anyway;
   * undefined when chunks are fetched one by one, for a few entries.
   */
  parts(): Uint8Array[] | undefined;
}

/** Positions blocks of split lists are stored in chunks of this many bytes (the last one shorter). */
export const POSITIONS_CHUNK_BYTES = 32768;

/**
 * A decoded list: documents (absolute) and frequencies; positions of entry i on demand, so a
 * phrase query decodes positions only for the documents that hold all its tokens.
 */
export interface PostingList {
  docs: Int32Array;
  freqs: Int32Array;
  /** Positions of entry i, ascending (positional lists only). */
  positions?: (i: number) => Int32Array;
  /** The same into `into` when it is long enough (else a new array); returns the array written. */
  positionsInto?: (i: number, into: Int32Array) => Int32Array;
  /** A decoded segment list's positions and where each entry's start: read in place. */
  raw?: { source: PositionBytes; offsets: Int32Array };
}

export const EMPTY_LIST: PostingList = { docs: new Int32Array(0), freqs: new Int32Array(0) };

interface ListHeader {
  count: number;
  last: number;
  docsStart: number;
  docsEnd: number;
}

export function readHeader(bytes: Uint8Array): ListHeader {
  const reader = new ByteReader(bytes);
  const count = reader.varint();
  const last = reader.varint();
  const docsLength = reader.varint();
  return { count, last, docsStart: reader.offset, docsEnd: reader.offset + docsLength };
}

/** Whether a positional list's row holds only its documents (positions in rows of their own). */
export function isSplitList(bytes: Uint8Array): boolean {
  // the header read without a reader object: merges ask this of every list row
  let at = 0;
  let count = 0;
  let docsLength = 0;
  for (let field = 0; field < 3; field++) {
    let byte = bytes[at++]!;
    let value = byte & 0x7f;
    for (let shift = 7; byte >= 0x80; shift += 7) {
      byte = bytes[at++]!;
      value |= (byte & 0x7f) << shift;
    }
    if (field === 0) count = value >>> 0;
    else if (field === 2) docsLength = value >>> 0;
  }
  return count > 0 && bytes.length === at + docsLength;
}

/** Entries per block of a skip table. */
export const SKIP_INTERVAL = 128;

/**
 * The skip table of a list's documents block docs[start..end) of `count` entries: for each block
 * of SKIP_INTERVAL entries after the first, the document before it and where the block starts in
 * the documents block and in the positions block, as varint gaps after a block count. With it a
 * query that needs a few documents of a long list decodes only the blocks that may hold them.
 */
export function skipTable(docs: Uint8Array, start: number, count: number, positional: boolean): Uint8Array {
  const blocks = Math.ceil(count / SKIP_INTERVAL);
  const out = new Uint8Array(blocks * 15 + 5);
  let o = putVarint(out, 0, blocks);
  // varints read inline: long lists (every merge writes one per common token) have thousands of entries
  let at = start;
  let doc = 0;
  let positions = 0;
  let lastDoc = 0;
  let lastAt = start;
  let lastPositions = 0;
  const fields = positional ? 3 : 2;
  for (let i = 0; i < count; i++) {
    if (i > 0 && i % SKIP_INTERVAL === 0) {
      o = putVarint(out, o, doc - lastDoc);
      o = putVarint(out, o, at - lastAt);
      o = putVarint(out, o, positions - lastPositions);
      lastDoc = doc;
      lastAt = at;
      lastPositions = positions;
    }
    for (let f = 0; f < fields; f++) {
      let byte = docs[at++]!;
      let value = byte & 0x7f;
      for (let shift = 7; byte >= 0x80; shift += 7) {
        byte = docs[at++]!;
        value |= (byte & 0x7f) << shift;
      }
      // field 0 is the document gap, 1 the frequency, 2 the positions' size
      if (f === 0) doc += value >>> 0;
      else if (f === 2) positions += value >>> 0;
    }
  }
  return out.slice(0, o);
}

/** A decoded skip table: block b starts after document before[b], at docsAt[b] and positionsAt[b]. */
export interface Skips {
  before: Int32Array;
  docsAt: Int32Array;
  positionsAt: Int32Array;
}

export function readSkips(bytes: Uint8Array): Skips {
  const reader = new ByteReader(bytes);
  const blocks = reader.varint();
  const skips = { before: new Int32Array(blocks), docsAt: new Int32Array(blocks), positionsAt: new Int32Array(blocks) };
  for (let b = 1; b < blocks; b++) {
    skips.before[b] = skips.before[b - 1]! + reader.varint();
    skips.docsAt[b] = skips.docsAt[b - 1]! + reader.varint();
    skips.positionsAt[b] = skips.positionsAt[b - 1]! + reader.varint();
  }
  return skips;
}

/** The positions chunks of a split list, fetched one at a time or all at once (rows.ts). */
export interface PositionChunks {
  one(n: number): Uint8Array;
  all(): Uint8Array[];
}

/**
 * Where a list's positions are read from: its own row, or chunks of a split list. A query that
 * reads the positions of a quarter or more of a list's entries gets all its chunks in one
 * statement: one statement per chunk cost ~12 µs each, 70 ms per query for common phrases at 1M.
 */
function positionBytes(bytes: Uint8Array, split: boolean, chunks: PositionChunks | undefined, dense: boolean): PositionBytes {
  if (!split) return { whole: bytes, chunk: () => bytes, parts: () => [bytes] };
  if (!chunks) throw new Error('positions of a split list were not given');
  if (dense) {
    let all: Uint8Array[] | undefined;
    return { whole: undefined, chunk: (n) => (all ??= chunks.all())[n]!, parts: () => (all ??= chunks.all()) };
  }
  const fetched = new Map<number, Uint8Array>();
  return {
    whole: undefined,
    parts: () => undefined,
    chunk(n) {
      let chunk = fetched.get(n);
      if (!chunk) fetched.set(n, (chunk = chunks.one(n)));
      return chunk;
    },
  };
}

/**
 * Decodes one segment's list, adding `base` to every document. `chunks` fetches the positions of
 * a split list (see rows.ts).
 */
export function decodePostings(bytes: Uint8Array, base: number, positional: boolean, chunks?: PositionChunks): PostingList {
  return decodeWithin(bytes, base, positional, undefined, undefined, chunks);
}

/**
 * The first index at or after `from` whose value is at least `value` in ascending `sorted`:
 * galloping, so a near one costs a step or two and a far one a logarithm. A prefix's hundreds of
 * rare expansions (.js at 1M: 409) each hold a document or two, far apart in `within`; walking to
 * them one by one cost 100 ms a query.
 */
function gallop(sorted: Int32Array, value: number, from: number): number {
  if (from >= sorted.length || sorted[from]! >= value) return from;
  // sorted[low] < value throughout; high is past it or holds one at least value
  let low = from;
  let step = 1;
  let high = from + 1;
  while (high < sorted.length && sorted[high]! < value) {
    low = high;
    step *= 2;
    high = low + step;
  }
  if (high > sorted.length) high = sorted.length;
  while (low + 1 < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < value) low = middle;
    else high = middle;
  }
  return high;
}

/**
 * Decodes the entries of one segment's list whose documents are in `within` (absolute, ascending;
 * every entry when undefined), reading only the blocks of the skip table that may hold them.
 */
export function decodeWithin(
  bytes: Uint8Array,
  base: number,
  positional: boolean,
  skips: Skips | undefined,
  within: Int32Array | undefined,
  chunks?: PositionChunks,
): PostingList {
  const header = readHeader(bytes);
  const { count, docsEnd } = header;
  // positions follow the documents, or (a long list) are in chunk rows of their own
  const split = positional && bytes.length === docsEnd && count > 0;
  // a literal of one shape, not a spread: this runs for each of a prefix's hundreds of expansions
  const where: EntriesAt = { count, docsStart: header.docsStart, docsEnd, base, positional, positionsStart: split ? 0 : docsEnd };
  const { docs, freqs, offsets } = (count >= KERNEL_MIN_ENTRIES && kernelDecodeWithin(bytes, where, skips, SKIP_INTERVAL, within)) || decodeEntries(bytes, where, skips, within);
  if (!offsets) return { docs, freqs };
  const list: PostingList = {
    docs,
    freqs,
    raw: { source: positionBytes(bytes, split, chunks, docs.length * 4 >= count), offsets },
    positions: (i) => positionsInto(list, i, new Int32Array(list.freqs[i]!)),
  };
  return list;
}

/** Lists shorter than this are decoded here: copying them in and out would cost what the kernel saves. */
const KERNEL_MIN_ENTRIES = 2048;

/** A positional list as stored, for the phrase kernel (list-kernels.ts). */
export interface EncodedList {
  /** The documents block: per entry the document gap, frequency and positions length (varints). */
  docs: Uint8Array;
  count: number;
  /** The positions block in order (a split list's chunks): entry after entry from its start. */
  positions: Uint8Array[];
}

/** Where a list's entries are, for decodeEntries and its kernel. */
export interface EntriesAt {
  count: number;
  docsStart: number;
  docsEnd: number;
  base: number;
  positional: boolean;
  /** Where the positions block starts, for the entries' offsets into it. */
  positionsStart: number;
}

/** A list's entries decoded: documents (absolute), frequencies, and offsets of their positions. */
export interface DecodedEntries {
  docs: Int32Array;
  freqs: Int32Array;
  offsets: Int32Array | undefined;
}

/**
 * decodeWithin's entries read in JS: the reference list-kernels.ts's decodeWithin is held to, and
 * the reader of short lists.
 */
export function decodeEntries(bytes: Uint8Array, where: EntriesAt, skips: Skips | undefined, within: Int32Array | undefined): DecodedEntries {
  const { count, docsStart, base, positionsStart } = where;
  const capacity = within ? Math.min(count, within.length) : count;
  const docs = new Int32Array(capacity);
  const freqs = new Int32Array(capacity);
  const offsets = where.positional ? new Int32Array(capacity) : undefined;
  let n = 0;
  if (!within) {
    const reader = new ByteReader(bytes, docsStart);
    let doc = base;
    let offset = positionsStart;
    for (let i = 0; i < count; i++) {
      doc += reader.varint();
      docs[i] = doc;
      freqs[i] = reader.varint();
      if (offsets) {
        offsets[i] = offset;
        offset += reader.varint();
      }
    }
    n = count;
  } else {
    const blocks = skips ? skips.before.length : 1;
    const reader = new ByteReader(bytes, docsStart);
    let w = 0;
    let b = 0;
    while (w < within.length && b < blocks) {
      const target = within[w]! - base;
      // the last block starting before the wanted document
      while (b + 1 < blocks && skips!.before[b + 1]! < target) b++;
      reader.offset = docsStart + (skips ? skips.docsAt[b]! : 0);
      let doc = skips ? skips.before[b]! : 0;
      let offset = positionsStart + (skips ? skips.positionsAt[b]! : 0);
      const end = skips ? Math.min(count, (b + 1) * SKIP_INTERVAL) : count;
      for (let i = b * SKIP_INTERVAL; i < end && w < within.length; i++) {
        doc += reader.varint();
        const frequency = reader.varint();
        const length = offsets ? reader.varint() : 0;
        w = gallop(within, doc + base, w);
        if (w < within.length && within[w]! - base === doc) {
          docs[n] = doc + base;
          freqs[n] = frequency;
          if (offsets) offsets[n] = offset;
          n++;
          w++;
        }
        offset += length;
      }
      b++;
    }
  }
  return { docs: docs.subarray(0, n), freqs: freqs.subarray(0, n), offsets: offsets?.subarray(0, n) };
}

/**
 * The documents of one segment's list alone (plus `base`): its frequencies and position lengths are
 * stepped over, not stored. A term's whole body list is read on every query that names it, and
 * most such queries only ask which documents hold it; this took 2-3 ms for 500k entries where
 * decodeWithin took 6-10 (which allocates and fills two more arrays).
 */
export function decodeDocs(bytes: Uint8Array, base: number, positional: boolean): Int32Array {
  const header = readHeader(bytes);
  if (header.count >= KERNEL_MIN_ENTRIES) {
    const docs = kernelDecodeDocs(bytes, { count: header.count, docsStart: header.docsStart, docsEnd: header.docsEnd, base, positional, positionsStart: 0 });
    if (docs) return docs;
  }
  // (no object made per call here: a Latin prefix reads hundreds of tiny lists, and one made for
  // each ran its queries ×1.2 slower at 100k)
  return decodeDocsOnly(bytes, header.docsStart, header.count, base, positional);
}

/** decodeDocs in JS: the reference list-kernels.ts's decodeDocs is held to, and the reader of short lists. */
export function decodeDocsOnly(bytes: Uint8Array, docsStart: number, count: number, base: number, positional: boolean): Int32Array {
  const docs = new Int32Array(count);
  let at = docsStart;
  let doc = base;
  for (let i = 0; i < count; i++) {
    let byte = bytes[at++]!;
    let gap = byte & 0x7f;
    for (let shift = 7; byte >= 0x80; shift += 7) {
      byte = bytes[at++]!;
      gap |= (byte & 0x7f) << shift;
    }
    doc += gap >>> 0;
    docs[i] = doc;
    // the frequency, then (positional lists) the length of the positions
    while (bytes[at++]! >= 0x80);
    if (positional) while (bytes[at++]! >= 0x80);
  }
  return docs;
}

/** Decodes entry i's positions into `into` (grown when short); returns the array written. */
export function positionsInto(list: PostingList, i: number, into: Int32Array): Int32Array {
  const raw = list.raw;
  if (!raw) return list.positionsInto ? list.positionsInto(i, into) : list.positions!(i);
  const count = list.freqs[i]!;
  const out = count <= into.length ? into : new Int32Array(count * 2);
  const start = raw.offsets[i]!;
  const { source } = raw;
  // varints read inline: this runs for every position a phrase query checks
  let chunkNumber = source.whole ? 0 : Math.floor(start / POSITIONS_CHUNK_BYTES);
  let bytes = source.whole ?? source.chunk(chunkNumber);
  let at = source.whole ? start : start - chunkNumber * POSITIONS_CHUNK_BYTES;
  let position = 0;
  for (let k = 0; k < count; k++) {
    let value = 0;
    let shift = 0;
    let byte: number;
    do {
      if (at === bytes.length) {
        bytes = source.chunk(++chunkNumber);
        at = 0;
      }
      byte = bytes[at++]!;
      value |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte >= 0x80);
    out[k] = position += value >>> 0;
  }
  return out;
}

/** Positions of lists read without `raw` (prefix unions), reused from call to call. */
let heldScratch: Int32Array = new Int32Array(64);

/**
 * Keeps the starts[0..alive) (ascending) for which entry i holds position start + shift; returns
 * how many are kept (moved to the front). Positions are decoded only as far as the last start
 * needs, without an array: this is the inner loop of phrase queries on common tokens. (Its varint
 * reading repeats positionsInto's on purpose: a shared reader object was slower in 4 of 4 A/B
 * queries at 1M.)
 */
export function keepFollowed(list: PostingList, i: number, starts: Int32Array, alive: number, shift: number): number {
  const raw = list.raw;
  const count = list.freqs[i]!;
  if (!raw) {
    const held = positionsInto(list, i, heldScratch);
    if (held.length > heldScratch.length) heldScratch = held;
    let kept = 0;
    let c = 0;
    for (let p = 0; p < alive; p++) {
      const wanted = starts[p]! + shift;
      while (c < count && held[c]! < wanted) c++;
      if (c < count && held[c] === wanted) starts[kept++] = starts[p]!;
    }
    return kept;
  }
  const start = raw.offsets[i]!;
  const { source } = raw;
  let chunkNumber = source.whole ? 0 : Math.floor(start / POSITIONS_CHUNK_BYTES);
  let bytes = source.whole ?? source.chunk(chunkNumber);
  let at = source.whole ? start : start - chunkNumber * POSITIONS_CHUNK_BYTES;
  let position = 0;
  let read = 0;
  let kept = 0;
  for (let p = 0; p < alive; p++) {
    const wanted = starts[p]! + shift;
    while (read < count && (read === 0 || position < wanted)) {
      let value = 0;
      let bit = 0;
      let byte: number;
      do {
        if (at === bytes.length) {
          bytes = source.chunk(++chunkNumber);
          at = 0;
        }
        byte = bytes[at++]!;
        value |= (byte & 0x7f) << bit;
        bit += 7;
      } while (byte >= 0x80);
      position += value >>> 0;
      read++;
    }
    if (read > 0 && position === wanted) starts[kept++] = starts[p]!;
    else if (read >= count && position < wanted) break;
  }
  return kept;
}

/**
 * Whether entry i holds start + shift for any of starts[0..alive) (ascending): keepFollowed for the
 * last token of a phrase whose occurrences need not be counted, stopping at the first one found
 * instead of reading the rest of the token's positions (the most frequent token is checked last).
 * (A flag on keepFollowed instead, with phraseDocs folded into matchPhrase, ran the densest
 * phrases at 1M 5-25 % slower.)
 */
export function anyFollowed(list: PostingList, i: number, starts: Int32Array, alive: number, shift: number): boolean {
  const raw = list.raw;
  if (!raw) return keepFollowed(list, i, starts, alive, shift) > 0;
  const count = list.freqs[i]!;
  const start = raw.offsets[i]!;
  const { source } = raw;
  let chunkNumber = source.whole ? 0 : Math.floor(start / POSITIONS_CHUNK_BYTES);
  let bytes = source.whole ?? source.chunk(chunkNumber);
  let at = source.whole ? start : start - chunkNumber * POSITIONS_CHUNK_BYTES;
  let position = 0;
  let read = 0;
  for (let p = 0; p < alive; p++) {
    const wanted = starts[p]! + shift;
    while (read < count && (read === 0 || position < wanted)) {
      let value = 0;
      let bit = 0;
      let byte: number;
      do {
        if (at === bytes.length) {
          bytes = source.chunk(++chunkNumber);
          at = 0;
        }
        byte = bytes[at++]!;
        value |= (byte & 0x7f) << bit;
        bit += 7;
      } while (byte >= 0x80);
      position += value >>> 0;
      read++;
    }
    if (read > 0 && position === wanted) return true;
    if (read >= count && position < wanted) return false;
  }
  return false;
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
