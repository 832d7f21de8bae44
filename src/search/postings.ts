/**
 * The byte format of one token's postings in one index segment, and the list operations queries
 * are built from. Pure: no database, no fastify.
 *
 * A posting list is varints: a header (document count, last document) and then, per document in
 * ascending order, the gap from the previous document (the first entry is the document itself),
 * the term frequency and, for positional lists, that many position gaps. Documents are numbered
 * relative to their segment, so a segment can be built before it knows where it will be stored,
 * and two lists of neighbouring segments concatenate with only their seam re-encoded.
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

/** Builds one token's posting list; documents must arrive in ascending order. */
export class PostingBuilder {
  readonly #body = new ByteWriter(8);
  #count = 0;
  #last = 0;

  /** Adds a document with its positions (ascending) or, for counted lists, its frequency. */
  add(doc: number, positions: ArrayLike<number> | null, frequency = positions ? positions.length : 1): void {
    const body = this.#body;
    body.varint(this.#count === 0 ? doc : doc - this.#last);
    body.varint(frequency);
    if (positions) {
      let previous = 0;
      for (let i = 0; i < positions.length; i++) {
        body.varint(positions[i]! - previous);
        previous = positions[i]!;
      }
    }
    this.#count++;
    this.#last = doc;
  }

  result(): Uint8Array {
    const out = new ByteWriter(this.#body.length + 10);
    out.varint(this.#count);
    out.varint(this.#last);
    out.append(this.#body.bytes.subarray(0, this.#body.length));
    return out.result();
  }
}

/** A decoded list: documents (absolute), frequencies and, when asked for, positions. */
export interface PostingList {
  docs: Int32Array;
  freqs: Int32Array;
  /** positions of docs[i] are positions[posStart[i] .. posStart[i + 1]) */
  posStart?: Int32Array;
  positions?: Int32Array;
}

export const EMPTY_LIST: PostingList = { docs: new Int32Array(0), freqs: new Int32Array(0) };

/** The number of documents in an encoded list, from its header. */
export function postingCount(bytes: Uint8Array): number {
  return new ByteReader(bytes).varint();
}

/**
 * Decodes one segment's list, adding `base` to every document. `positional` says whether the list
 * carries positions; `keepPositions` whether to return them (otherwise they are skipped).
 */
export function decodePostings(bytes: Uint8Array, base: number, positional: boolean, keepPositions: boolean): PostingList {
  const reader = new ByteReader(bytes);
  const count = reader.varint();
  reader.varint();
  const docs = new Int32Array(count);
  const freqs = new Int32Array(count);
  let doc = base;
  if (!positional || !keepPositions) {
    for (let i = 0; i < count; i++) {
      doc += reader.varint();
      docs[i] = doc;
      const freq = reader.varint();
      freqs[i] = freq;
      if (positional) reader.skipVarints(freq);
    }
    return { docs, freqs };
  }
  const posStart = new Int32Array(count + 1);
  let positions = new Int32Array(Math.max(16, count * 2));
  let filled = 0;
  for (let i = 0; i < count; i++) {
    doc += reader.varint();
    docs[i] = doc;
    const freq = reader.varint();
    freqs[i] = freq;
    posStart[i] = filled;
    if (filled + freq > positions.length) {
      const grown = new Int32Array(Math.max(positions.length * 2, filled + freq));
      grown.set(positions.subarray(0, filled));
      positions = grown;
    }
    let position = 0;
    for (let k = 0; k < freq; k++) {
      position += reader.varint();
      positions[filled++] = position;
    }
  }
  posStart[count] = filled;
  return { docs, freqs, posStart, positions: positions.subarray(0, filled) };
}

/**
 * Concatenates lists of neighbouring segments into one list relative to the first segment's base.
 * `parts` are in document order, each with the base of its segment.
 */
export function concatPostings(parts: Array<{ bytes: Uint8Array; base: number }>, newBase: number): Uint8Array {
  let count = 0;
  let lastAbsolute = 0;
  const bodies: Uint8Array[] = [];
  let previous = -1;
  for (const { bytes, base } of parts) {
    const reader = new ByteReader(bytes);
    const partCount = reader.varint();
    const partLast = reader.varint();
    if (partCount === 0) continue;
    const firstRelative = reader.varint();
    const firstAbsolute = base + firstRelative;
    const seam = new ByteWriter(6);
    seam.varint(previous < 0 ? firstAbsolute - newBase : firstAbsolute - previous);
    bodies.push(seam.result(), bytes.subarray(reader.offset));
    count += partCount;
    lastAbsolute = base + partLast;
    previous = lastAbsolute;
  }
  const out = new ByteWriter(bodies.reduce((sum, b) => sum + b.length, 10));
  out.varint(count);
  out.varint(count === 0 ? 0 : lastAbsolute - newBase);
  for (const body of bodies) out.append(body);
  return out.result();
}

/** Concatenates decoded lists whose documents do not overlap and are in order. */
export function concatLists(lists: PostingList[]): PostingList {
  if (lists.length === 1) return lists[0]!;
  if (lists.length === 0) return EMPTY_LIST;
  const total = lists.reduce((sum, l) => sum + l.docs.length, 0);
  const docs = new Int32Array(total);
  const freqs = new Int32Array(total);
  const withPositions = lists.every((l) => l.positions);
  const posTotal = withPositions ? lists.reduce((sum, l) => sum + l.positions!.length, 0) : 0;
  const posStart = withPositions ? new Int32Array(total + 1) : undefined;
  const positions = withPositions ? new Int32Array(posTotal) : undefined;
  let at = 0;
  let posAt = 0;
  for (const list of lists) {
    docs.set(list.docs, at);
    freqs.set(list.freqs, at);
    if (posStart && positions) {
      for (let i = 0; i < list.docs.length; i++) posStart[at + i] = posAt + list.posStart![i]!;
      positions.set(list.positions!, posAt);
      posAt += list.positions!.length;
    }
    at += list.docs.length;
  }
  if (posStart) posStart[total] = posAt;
  return posStart ? { docs, freqs, posStart, positions: positions! } : { docs, freqs };
}

/** Merges lists that may share documents (prefix expansions): positions are united and sorted. */
export function unionLists(lists: PostingList[]): PostingList {
  const present = lists.filter((l) => l.docs.length > 0);
  if (present.length === 0) return EMPTY_LIST;
  if (present.length === 1) return present[0]!;
  const withPositions = present.every((l) => l.positions);
  const byDoc = new Map<number, { freq: number; positions: number[] }>();
  for (const list of present) {
    for (let i = 0; i < list.docs.length; i++) {
      const doc = list.docs[i]!;
      let entry = byDoc.get(doc);
      if (!entry) byDoc.set(doc, (entry = { freq: 0, positions: [] }));
      entry.freq += list.freqs[i]!;
      if (withPositions) for (let p = list.posStart![i]!; p < list.posStart![i + 1]!; p++) entry.positions.push(list.positions![p]!);
    }
  }
  const ordered = [...byDoc.keys()].sort((a, b) => a - b);
  const docs = Int32Array.from(ordered);
  const freqs = Int32Array.from(ordered, (doc) => byDoc.get(doc)!.freq);
  if (!withPositions) return { docs, freqs };
  const posStart = new Int32Array(ordered.length + 1);
  const all: number[] = [];
  ordered.forEach((doc, i) => {
    posStart[i] = all.length;
    all.push(...byDoc.get(doc)!.positions.sort((a, b) => a - b));
  });
  posStart[ordered.length] = all.length;
  return { docs, freqs, posStart, positions: Int32Array.from(all) };
}

/** A phrase's matches in one field: documents, occurrence counts, and where it first/last occurs. */
export interface PhraseMatches {
  docs: Int32Array;
  /** Occurrences, weighted by the caller's field weights. */
  weights: Float64Array;
  /** Bit 1: an occurrence before `split`; bit 2: one at or after it. */
  zones: Uint8Array;
}

/**
 * Documents where lists[0..k) occur at consecutive positions. `weightOf(position)` gives each
 * occurrence's weight and `split` the position that divides the field's two zones (title | tags).
 */
export function matchPhrase(lists: PostingList[], split: number, weightOf: (position: number) => number): PhraseMatches {
  const k = lists.length;
  const first = lists[0]!;
  const out = { docs: new Int32Array(first.docs.length), weights: new Float64Array(first.docs.length), zones: new Uint8Array(first.docs.length) };
  let n = 0;
  const cursor = new Int32Array(k);
  for (let i = 0; i < first.docs.length; i++) {
    const doc = first.docs[i]!;
    let present = true;
    for (let j = 1; j < k; j++) {
      const docs = lists[j]!.docs;
      let c = cursor[j]!;
      // gallop forward: lists are sorted
      let step = 1;
      while (c + step < docs.length && docs[c + step]! < doc) {
        c += step;
        step *= 2;
      }
      while (c < docs.length && docs[c]! < doc) c++;
      cursor[j] = c;
      if (c >= docs.length) {
        present = false;
        i = first.docs.length;
        break;
      }
      if (docs[c] !== doc) {
        present = false;
        break;
      }
    }
    if (!present) continue;
    let weight = 0;
    let zones = 0;
    if (k === 1) {
      for (let p = first.posStart![i]!; p < first.posStart![i + 1]!; p++) {
        const position = first.positions![p]!;
        weight += weightOf(position);
        zones |= position < split ? 1 : 2;
      }
    } else {
      for (let p = first.posStart![i]!; p < first.posStart![i + 1]!; p++) {
        const start = first.positions![p]!;
        let all = true;
        for (let j = 1; j < k && all; j++) all = hasPosition(lists[j]!, cursor[j]!, start + j);
        if (all) {
          weight += weightOf(start);
          zones |= start < split ? 1 : 2;
        }
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

function hasPosition(list: PostingList, index: number, position: number): boolean {
  let lo = list.posStart![index]!;
  let hi = list.posStart![index + 1]! - 1;
  const positions = list.positions!;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const value = positions[mid]!;
    if (value === position) return true;
    if (value < position) lo = mid + 1;
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
