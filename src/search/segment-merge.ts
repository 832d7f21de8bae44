import { isSplitList, putVarint } from './postings.js';
import { isAuxiliaryKey, isBucket, POSITIONS_SUFFIX, RowWriter, type WritableList } from './rows.js';
import { isPositionalKey } from './segment-reader.js';

/**
 * Merging segments into one, at the level of their rows' bytes. A merge goes through every list of
 * every segment (600,000 for ten import batches of 5,000 articles): reading bucket entries as
 * (key, list) objects with decoded keys, and writing each merged list on its own before packing it,
 * allocated ~750 MB per merge and took ~0.75 s of the writer's time (measured at 50,000 articles).
 * Here keys stay UTF-8 (compared as bytes, which is their order: SQLite's BINARY), lists are
 * copied from the rows they are in straight into the merged rows, and only the documents at the
 * seams between segments are re-encoded. Pure: no database.
 */

/**
 * A segment's rows in key order, as a cursor: its positions chunk and skip table rows skipped, and
 * a list whose positions are in chunk rows given whole (its row joined with its chunks).
 */
export interface RowCursor {
  /** Moves to the next row; false past the last. */
  next(): boolean;
  readonly key: string;
  readonly data: Uint8Array;
}

export interface MergeSource {
  /** The first document number of the segment: its lists' documents count from it. */
  base: number;
  rows: RowCursor;
}

/** The rows of a merged segment: rows[i] is keyed keys[i]. */
export interface MergedRows {
  keys: string[];
  rows: Uint8Array[];
}

const utf8 = new TextEncoder();

/** One segment's lists one at a time: its current key (UTF-8) and list, as ranges of bytes. */
class ListCursor {
  readonly base: number;
  readonly #rows: RowCursor;
  /** The current row when it is a bucket, else undefined. */
  #bucket: Uint8Array | undefined;
  /** Where the next entry of the bucket starts. */
  #next = 0;
  /** A list row's key, encoded. */
  #keyScratch = new Uint8Array(64);
  done = false;
  keyBytes: Uint8Array = this.#keyScratch;
  keyStart = 0;
  keyEnd = 0;
  list: Uint8Array = this.#keyScratch;
  listStart = 0;
  listEnd = 0;

  constructor(source: MergeSource) {
    this.base = source.base;
    this.#rows = source.rows;
    this.advance();
  }

  advance(): void {
    const bucket = this.#bucket;
    if (bucket && this.#next < bucket.length) {
      let at = this.#next;
      const keyLength = varintAt(bucket, at);
      at = varintEnd;
      this.keyBytes = bucket;
      this.keyStart = at;
      this.keyEnd = at += keyLength;
      const listLength = varintAt(bucket, at);
      at = varintEnd;
      this.list = bucket;
      this.listStart = at;
      this.listEnd = this.#next = at + listLength;
      return;
    }
    this.#bucket = undefined;
    const rows = this.#rows;
    if (!rows.next()) {
      this.done = true;
      return;
    }
    if (isBucket(rows.data)) {
      this.#bucket = rows.data;
      // past the bucket's 0 byte
      this.#next = 1;
      this.advance();
      return;
    }
    const key = rows.key;
    if (this.#keyScratch.length < 3 * key.length) this.#keyScratch = new Uint8Array(3 * key.length);
    this.keyBytes = this.#keyScratch;
    this.keyStart = 0;
    this.keyEnd = utf8.encodeInto(key, this.#keyScratch).written;
    this.list = rows.data;
    this.listStart = 0;
    this.listEnd = rows.data.length;
  }
}

/** Where the last varintAt stopped (module state: a merge runs on one thread, start to end). */
let varintEnd = 0;

/** The varint at bytes[at] (32 bits unsigned); sets varintEnd to the offset after it. */
function varintAt(bytes: Uint8Array, at: number): number {
  let byte = bytes[at++]!;
  let value = byte & 0x7f;
  for (let shift = 7; byte >= 0x80; shift += 7) {
    byte = bytes[at++]!;
    value |= (byte & 0x7f) << shift;
  }
  varintEnd = at;
  return value >>> 0;
}

function varintLength(value: number): number {
  const v = value >>> 0;
  return v < 1 << 7 ? 1 : v < 1 << 14 ? 2 : v < 1 << 21 ? 3 : v < 1 << 28 ? 4 : 5;
}

/** Compares two cursors' keys as bytes. */
function compareKeyBytes(a: ListCursor, b: ListCursor): number {
  const x = a.keyBytes;
  const y = b.keyBytes;
  const n = Math.min(a.keyEnd - a.keyStart, b.keyEnd - b.keyStart);
  for (let i = 0; i < n; i++) {
    const d = x[a.keyStart + i]! - y[b.keyStart + i]!;
    if (d !== 0) return d;
  }
  return a.keyEnd - a.keyStart - (b.keyEnd - b.keyStart);
}

/**
 * One key's lists from several segments, in document order, as one list rebased onto `base`:
 * each part's documents block is copied but for its first document, re-encoded as the gap from
 * the previous part's last (postings.ts: the first entry of a list holds its document itself).
 */
class MergedList implements WritableList {
  base = 0;
  parts = 0;
  readonly #lists: Uint8Array[] = [];
  #starts = new Int32Array(16);
  #ends = new Int32Array(16);
  #bases = new Int32Array(16);
  // per part, as read from its header
  #docsEnds = new Int32Array(16);
  /** Where the part's documents block goes on after its first document's gap. */
  #restStarts = new Int32Array(16);
  #seams = new Int32Array(16);
  count = 0;
  #last = 0;
  #docsLength = 0;
  positionsLength = 0;
  byteLength = 0;

  reset(base: number): void {
    this.base = base;
    this.parts = 0;
  }

  add(list: Uint8Array, start: number, end: number, base: number): void {
    if (this.parts === this.#starts.length) this.#grow();
    const p = this.parts++;
    this.#lists[p] = list;
    this.#starts[p] = start;
    this.#ends[p] = end;
    this.#bases[p] = base;
  }

  /** Reads the parts' headers and sizes the merged list; call after the last add. */
  seal(): void {
    let count = 0;
    let docsLength = 0;
    let positionsLength = 0;
    let previous = -1;
    let lastAbsolute = 0;
    for (let p = 0; p < this.parts; p++) {
      const list = this.#lists[p]!;
      const partCount = varintAt(list, this.#starts[p]!);
      const last = varintAt(list, varintEnd);
      const docsBytes = varintAt(list, varintEnd);
      const docsStart = varintEnd;
      const docsEnd = docsStart + docsBytes;
      this.#docsEnds[p] = docsEnd;
      positionsLength += this.#ends[p]! - docsEnd;
      if (partCount === 0) {
        this.#seams[p] = -1;
        continue;
      }
      const firstAbsolute = this.#bases[p]! + varintAt(list, docsStart);
      this.#restStarts[p] = varintEnd;
      const seam = previous < 0 ? firstAbsolute - this.base : firstAbsolute - previous;
      this.#seams[p] = seam;
      docsLength += varintLength(seam) + docsEnd - varintEnd;
      count += partCount;
      lastAbsolute = this.#bases[p]! + last;
      previous = lastAbsolute;
    }
    this.count = count;
    this.#last = count === 0 ? 0 : lastAbsolute - this.base;
    this.#docsLength = docsLength;
    this.positionsLength = positionsLength;
    this.byteLength = varintLength(count) + varintLength(this.#last) + varintLength(docsLength) + docsLength + positionsLength;
  }

  writeTo(bytes: Uint8Array, at: number): number {
    let end = putVarint(bytes, at, this.count);
    end = putVarint(bytes, end, this.#last);
    end = putVarint(bytes, end, this.#docsLength);
    for (let p = 0; p < this.parts; p++) {
      if (this.#seams[p]! < 0) continue;
      end = putVarint(bytes, end, this.#seams[p]!);
      end = copy(this.#lists[p]!, this.#restStarts[p]!, this.#docsEnds[p]!, bytes, end);
    }
    for (let p = 0; p < this.parts; p++) end = copy(this.#lists[p]!, this.#docsEnds[p]!, this.#ends[p]!, bytes, end);
    return end;
  }

  #grow(): void {
    const grown = (array: Int32Array) => {
      const bigger = new Int32Array(array.length * 2);
      bigger.set(array);
      return bigger;
    };
    this.#starts = grown(this.#starts);
    this.#ends = grown(this.#ends);
    this.#bases = grown(this.#bases);
    this.#docsEnds = grown(this.#docsEnds);
    this.#restStarts = grown(this.#restStarts);
    this.#seams = grown(this.#seams);
  }
}

/** One list copied as it is (a key in one segment only, already numbered from the merged base). */
class CopiedList implements WritableList {
  list: Uint8Array = new Uint8Array(0);
  start = 0;
  end = 0;
  count = 0;
  positionsLength = 0;

  set(list: Uint8Array, start: number, end: number): void {
    this.list = list;
    this.start = start;
    this.end = end;
    this.count = varintAt(list, start);
    varintAt(list, varintEnd);
    const docsBytes = varintAt(list, varintEnd);
    this.positionsLength = end - (varintEnd + docsBytes);
  }

  get byteLength(): number {
    return this.end - this.start;
  }

  writeTo(bytes: Uint8Array, at: number): number {
    return copy(this.list, this.start, this.end, bytes, at);
  }
}

/** Copies from[start..end) to to[at..); returns the offset after it. */
function copy(from: Uint8Array, start: number, end: number, to: Uint8Array, at: number): number {
  // most lists are a few bytes: a loop beats making a subarray to set() from
  if (end - start < 32) for (let i = start; i < end; i++) to[at++] = from[i]!;
  else {
    to.set(from.subarray(start, end), at);
    at += end - start;
  }
  return at;
}

/**
 * Merges segments that follow one another in document order (`sources`, each numbered from its
 * base) into the rows of one segment numbered from `base`. `capacity`: the bytes to start with
 * (the sources' bytes: a merged segment is about as large as its parts).
 */
export function mergeSegments(sources: MergeSource[], base: number, capacity: number): MergedRows {
  const out = new RowWriter(capacity + (1 << 16));
  const cursors = sources.map((source) => new ListCursor(source));
  const atKey: ListCursor[] = [];
  const merged = new MergedList();
  const copied = new CopiedList();
  for (;;) {
    let smallest: ListCursor | undefined;
    for (const c of cursors) if (!c.done && (smallest === undefined || compareKeyBytes(c, smallest) < 0)) smallest = c;
    if (!smallest) break;
    atKey.length = 0;
    for (const c of cursors) if (!c.done && (c === smallest || compareKeyBytes(c, smallest) === 0)) atKey.push(c);
    let list: WritableList;
    if (atKey.length === 1 && smallest.base === base) {
      copied.set(smallest.list, smallest.listStart, smallest.listEnd);
      list = copied;
    } else {
      merged.reset(base);
      for (const c of atKey) merged.add(c.list, c.listStart, c.listEnd, c.base);
      merged.seal();
      list = merged;
    }
    // written before the cursors move on: the key's bytes may be a cursor's scratch
    out.addUtf8(smallest.keyBytes, smallest.keyStart, smallest.keyEnd, list);
    for (const c of atKey) c.advance();
  }
  return { keys: out.keys, rows: out.rows() };
}

/** A built segment's rows as a cursor (rowKeys[i] keys rows[i]; a split list's chunk rows follow it). */
export function builtRows({ rowKeys, rows }: { rowKeys: readonly string[]; rows: readonly Uint8Array[] }): RowCursor {
  let i = -1;
  const cursor = {
    key: '',
    data: new Uint8Array(0) as Uint8Array,
    next(): boolean {
      for (;;) {
        if (++i >= rows.length) return false;
        const key = rowKeys[i]!;
        if (isAuxiliaryKey(key)) continue;
        const row = rows[i]!;
        cursor.key = key;
        cursor.data = !isBucket(row) && isPositionalKey(key) && isSplitList(row) ? joinChunks(row, chunkRowsAfter(rowKeys, rows, i)) : row;
        return true;
      }
    },
  };
  return cursor;
}

function chunkRowsAfter(rowKeys: readonly string[], rows: readonly Uint8Array[], i: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  const prefix = rowKeys[i]! + POSITIONS_SUFFIX;
  for (let j = i + 1; j < rows.length && rowKeys[j]!.startsWith(prefix); j++) chunks.push(rows[j]!);
  return chunks;
}

/** A list row with its positions chunks joined back on. */
export function joinChunks(data: Uint8Array, chunks: Uint8Array[]): Uint8Array {
  const whole = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, data.length));
  whole.set(data);
  let at = data.length;
  for (const chunk of chunks) {
    whole.set(chunk, at);
    at += chunk.length;
  }
  return whole;
}
