import { kernelMarkedUnion, kernelMergedUnion } from './kernels/list-kernels.js';
import { anyFollowed, EMPTY_LIST, keepFollowed, positionsInto, type PostingList } from './postings.js';

/**
 * Operations on decoded lists that queries are built from: uniting prefix expansions, matching
 * phrases by positions, and sorted-set operations on document numbers. Pure.
 */

/**
 * Merges lists that may share documents (a prefix's expansions): frequencies add up and the
 * positions of a document are its sources' positions, united and sorted when asked for. Which
 * sources a document has is worked out only then: a one-token body query reads no positions.
 */
export function unionLists(lists: PostingList[]): PostingList {
  const present = lists.filter((l) => l.docs.length > 0);
  if (present.length === 0) return EMPTY_LIST;
  if (present.length === 1) return present[0]!;
  const total = present.reduce((sum, l) => sum + l.docs.length, 0);
  let first = Number.MAX_SAFE_INTEGER;
  let last = -1;
  for (const l of present) {
    first = Math.min(first, l.docs[0]!);
    last = Math.max(last, l.docs[l.docs.length - 1]!);
  }
  // common prefixes (jav: java, javascript, ...) cover much of a segment: adding into an array
  // over the documents is then cheaper than merging the lists through a heap
  const { docs, freqs } =
    total * DENSE_UNION_RATIO >= last - first + 1 ? denseUnion(present, first, last - first + 1) : dominatedUnion(present, total) ?? heapUnion(present, total);
  if (!present.every((l) => l.positions)) return { docs, freqs };
  let united: UnitedPositions | undefined;
  return {
    docs,
    freqs,
    positions: (i) => (united ??= unitedPositions(present, docs))(i, new Int32Array(freqs[i]!)),
    positionsInto: (i, into) => (united ??= unitedPositions(present, docs))(i, into),
  };
}

/** Positions of a united list's entry i, into `into` when it is long enough (else a new array). */
type UnitedPositions = (i: number, into: Int32Array) => Int32Array;

/** Lists whose entries add up to at least 1/DENSE_UNION_RATIO of the documents they span are united densely. */
const DENSE_UNION_RATIO = 4;
/** Unions of this many entries or more go to the kernels (list-kernels.ts): shorter ones cost more to copy than they save. */
const KERNEL_UNION_ENTRIES = 2048;

/**
 * The union when one list holds nearly every entry (a prefix's word and its many rare extensions):
 * the others are merged through the heap, then with it in one pass, so most entries are copied
 * once instead of going through the heap. Undefined when no list dominates.
 */
function dominatedUnion(present: PostingList[], total: number): { docs: Int32Array; freqs: Int32Array } | undefined {
  let largest = 0;
  for (let l = 1; l < present.length; l++) if (present[l]!.docs.length > present[largest]!.docs.length) largest = l;
  const big = present[largest]!;
  if (big.docs.length * DOMINANT_SHARE < total * (DOMINANT_SHARE - 1)) return undefined;
  const others = present.filter((_, l) => l !== largest);
  const rest = others.length === 1 ? others[0]! : heapUnion(others, total - big.docs.length);
  const docs = new Int32Array(big.docs.length + rest.docs.length);
  const freqs = new Int32Array(docs.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < big.docs.length || j < rest.docs.length) {
    const a = i < big.docs.length ? big.docs[i]! : Number.MAX_SAFE_INTEGER;
    const b = j < rest.docs.length ? rest.docs[j]! : Number.MAX_SAFE_INTEGER;
    docs[n] = Math.min(a, b);
    freqs[n] = (a <= b ? big.freqs[i++]! : 0) + (b <= a ? rest.freqs[j++]! : 0);
    n++;
  }
  return { docs: docs.subarray(0, n), freqs: freqs.subarray(0, n) };
}

/** A list holding at least (DOMINANT_SHARE − 1) / DOMINANT_SHARE of a union's entries is merged with the rest in one pass. */
const DOMINANT_SHARE = 10;

/** The united documents and frequencies, merged through a binary min-heap of the lists. */
function heapUnion(present: PostingList[], total: number): { docs: Int32Array; freqs: Int32Array } {
  const k = present.length;
  const docs = new Int32Array(total);
  const freqs = new Int32Array(total);
  const cursor = new Int32Array(k);
  // list numbers keyed by their current document
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
  while (size > 0) {
    const list = heap[0]!;
    const entry = cursor[list]!;
    const doc = present[list]!.docs[entry]!;
    if (n < 0 || docs[n] !== doc) docs[++n] = doc;
    freqs[n]! += present[list]!.freqs[entry]!;
    cursor[list] = entry + 1;
    if (entry + 1 >= present[list]!.docs.length) heap[0] = heap[--size]!;
    siftDown(0, size);
  }
  return { docs: docs.subarray(0, n + 1), freqs: freqs.subarray(0, n + 1) };
}

/** The united documents and frequencies, counted into an array indexed by document - first. */
function denseUnion(present: PostingList[], first: number, span: number): { docs: Int32Array; freqs: Int32Array } {
  const frequency = new Int32Array(span);
  for (const { docs, freqs } of present) for (let i = 0; i < docs.length; i++) frequency[docs[i]! - first]! += freqs[i]!;
  let count = 0;
  for (let d = 0; d < span; d++) if (frequency[d] !== 0) count++;
  const docs = new Int32Array(count);
  const freqs = new Int32Array(count);
  let n = 0;
  for (let d = 0; d < span; d++) {
    if (frequency[d] === 0) continue;
    docs[n] = d + first;
    freqs[n++] = frequency[d]!;
  }
  return { docs, freqs };
}

/**
 * Positions of output document i of a union over `docs`: its sources' positions, united and
 * sorted. The sources (list, entry) of document i are src[srcStart[i] .. srcStart[i+1]), found by
 * walking each list against the united documents once.
 */
function unitedPositions(present: PostingList[], docs: Int32Array): UnitedPositions {
  const count = docs.length;
  const srcStart = new Int32Array(count + 1);
  const slotsOf = present.map((list) => {
    const slots = new Int32Array(list.docs.length);
    let at = 0;
    for (let e = 0; e < list.docs.length; e++) {
      // galloping: a prefix's many rare expansions (.js: .json, .jsx, …) hold a document or two
      // each, far apart in the united list
      at = seek(docs, list.docs[e]!, at);
      slots[e] = at;
      srcStart[at + 1]!++;
    }
    return slots;
  });
  for (let i = 0; i < count; i++) srcStart[i + 1]! += srcStart[i]!;
  const fill = srcStart.slice(0, count);
  const srcList = new Int32Array(srcStart[count]!);
  const srcEntry = new Int32Array(srcStart[count]!);
  slotsOf.forEach((slots, l) => {
    for (let e = 0; e < slots.length; e++) {
      const at = fill[slots[e]!]!++;
      srcList[at] = l;
      srcEntry[at] = e;
    }
  });
  // (called for every candidate of a phrase: one source, the usual case, is read without allocating)
  return (i, into) => {
    const from = srcStart[i]!;
    const to = srcStart[i + 1]!;
    if (to - from === 1) return positionsInto(present[srcList[from]!]!, srcEntry[from]!, into);
    const parts: Int32Array[] = [];
    for (let j = from; j < to; j++) parts.push(present[srcList[j]!]!.positions!(srcEntry[j]!));
    const total = parts.reduce((sum, p) => sum + p.length, 0);
    const out = total <= into.length ? into : new Int32Array(total);
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    out.subarray(0, total).sort();
    return out;
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
export function seek(docs: Int32Array, doc: number, from: number): number {
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
 * Documents where lists[0..k) occur at consecutive positions (or at `offsets` from the first). `weightOf(position)` gives each
 * occurrence's weight and `split` the position that divides the field's two zones (title | tags).
 * Documents are intersected first; positions are decoded only for documents holding every token.
 */
export function matchPhrase(lists: PostingList[], split: number, weightOf: (position: number) => number, offsets?: ArrayLike<number>): PhraseMatches {
  const k = lists.length;
  if (k === 1) return weighedEntries(lists[0]!, split, weightOf);
  // where each token sits after the first: the next position, unless the phrase skips tokens
  const shift = (j: number) => (offsets ? offsets[j]! : j);
  // drive by the shortest list
  let driver = 0;
  for (let j = 1; j < k; j++) if (lists[j]!.docs.length < lists[driver]!.docs.length) driver = j;
  const lead = lists[driver]!;
  const size = lead.docs.length;
  const out = { docs: new Int32Array(size), weights: new Float64Array(size), zones: new Uint8Array(size) };
  let n = 0;
  const cursor = new Int32Array(k);
  // the starting token's positions are decoded into one scratch array, not a new array per document
  let scratch: Int32Array = new Int32Array(64);
  let starts = new Int32Array(64);
  const byFrequency = new Int32Array(k);
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
    // Tokens in order of how often they occur in this document: the rarest gives the candidate
    // starts, and each next one keeps those it follows, decoding its positions only as far as
    // needed. Most candidates of a rare phrase fail after one or two tokens.
    for (let j = 0; j < k; j++) {
      const frequency = lists[j]!.freqs[cursor[j]!]!;
      let at = j;
      while (at > 0 && lists[byFrequency[at - 1]!]!.freqs[cursor[byFrequency[at - 1]!]!]! > frequency) {
        byFrequency[at] = byFrequency[at - 1]!;
        at--;
      }
      byFrequency[at] = j;
    }
    const firstToken = byFrequency[0]!;
    const got = positionsInto(lists[firstToken]!, cursor[firstToken]!, scratch);
    if (got.length > scratch.length) scratch = got;
    let alive = lists[firstToken]!.freqs[cursor[firstToken]!]!;
    if (starts.length < alive) starts = new Int32Array(alive * 2);
    const firstShift = shift(firstToken);
    for (let p = 0; p < alive; p++) starts[p] = got[p]! - firstShift;
    for (let o = 1; o < k && alive > 0; o++) {
      const j = byFrequency[o]!;
      alive = keepFollowed(lists[j]!, cursor[j]!, starts, alive, shift(j));
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

/**
 * matchPhrase for one token: every entry, weighed. A one-word query reads its title and tag list
 * this way (the positions tell title from tags), and the phrase machinery cost twice the time.
 */
function weighedEntries(list: PostingList, split: number, weightOf: (position: number) => number): PhraseMatches {
  const size = list.docs.length;
  const weights = new Float64Array(size);
  const zones = new Uint8Array(size);
  let scratch: Int32Array = new Int32Array(64);
  for (let i = 0; i < size; i++) {
    const got = positionsInto(list, i, scratch);
    if (got.length > scratch.length) scratch = got;
    const frequency = list.freqs[i]!;
    let weight = 0;
    let zone = 0;
    for (let p = 0; p < frequency; p++) {
      const position = got[p]!;
      weight += weightOf(position);
      zone |= position < split ? 1 : 2;
    }
    weights[i] = weight;
    zones[i] = zone;
  }
  return { docs: list.docs, weights, zones };
}

/**
 * The documents of matchPhrase without weights and zones: where the phrase occurs at least once.
 * The most frequent token (checked last) is read only up to the first occurrence, which is all that
 * counting, related results and large match sets ask of a document. (It repeats matchPhrase's
 * loop on purpose: one loop for both, with a flag, ran the densest phrases at 1M 5-25 % slower.)
 */
export function phraseDocs(lists: PostingList[], offsets?: ArrayLike<number>): Int32Array {
  const k = lists.length;
  const shift = (j: number) => (offsets ? offsets[j]! : j);
  let driver = 0;
  for (let j = 1; j < k; j++) if (lists[j]!.docs.length < lists[driver]!.docs.length) driver = j;
  const lead = lists[driver]!;
  const size = lead.docs.length;
  const out = new Int32Array(size);
  let n = 0;
  const cursor = new Int32Array(k);
  let scratch: Int32Array = new Int32Array(64);
  let starts = new Int32Array(64);
  const byFrequency = new Int32Array(k);
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
    for (let j = 0; j < k; j++) {
      const frequency = lists[j]!.freqs[cursor[j]!]!;
      let at = j;
      while (at > 0 && lists[byFrequency[at - 1]!]!.freqs[cursor[byFrequency[at - 1]!]!]! > frequency) {
        byFrequency[at] = byFrequency[at - 1]!;
        at--;
      }
      byFrequency[at] = j;
    }
    const firstToken = byFrequency[0]!;
    const got = positionsInto(lists[firstToken]!, cursor[firstToken]!, scratch);
    if (got.length > scratch.length) scratch = got;
    let alive = lists[firstToken]!.freqs[cursor[firstToken]!]!;
    if (starts.length < alive) starts = new Int32Array(alive * 2);
    const firstShift = shift(firstToken);
    for (let p = 0; p < alive; p++) starts[p] = got[p]! - firstShift;
    for (let o = 1; o < k - 1 && alive > 0; o++) {
      const j = byFrequency[o]!;
      alive = keepFollowed(lists[j]!, cursor[j]!, starts, alive, shift(j));
    }
    if (alive === 0) continue;
    if (k > 1) {
      const j = byFrequency[k - 1]!;
      if (!anyFollowed(lists[j]!, cursor[j]!, starts, alive, shift(j))) continue;
    }
    out[n++] = doc;
  }
  return out.subarray(0, n);
}

/**
 * The entries of `list` whose documents are in `among` (ascending), positions still read from where
 * the list reads them: a few candidates' weights from lists already decoded for the whole set.
 */
export function listAmong(list: PostingList, among: Int32Array): PostingList {
  const picked = new Int32Array(Math.min(list.docs.length, among.length));
  let n = 0;
  let c = 0;
  for (let i = 0; i < among.length; i++) {
    c = seek(list.docs, among[i]!, c);
    if (c >= list.docs.length) break;
    if (list.docs[c] === among[i]) picked[n++] = c;
  }
  const at = picked.subarray(0, n);
  const docs = at.map((i) => list.docs[i]!);
  const freqs = at.map((i) => list.freqs[i]!);
  const { raw, positions } = list;
  if (raw) {
    const restricted: PostingList = { docs, freqs, raw: { source: raw.source, offsets: at.map((i) => raw.offsets[i]!) }, positions: (i) => positionsInto(restricted, i, new Int32Array(freqs[i]!)) };
    return restricted;
  }
  return positions ? { docs, freqs, positions: (i) => positions(at[i]!) } : { docs, freqs };
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

/** Where ascending `parts` (none empty) lie, and whether they fill too little of it to mark. */
function spanOf(parts: Int32Array[]): { first: number; span: number; sparse: boolean; total: number } {
  let first = Number.MAX_SAFE_INTEGER;
  let last = -1;
  let total = 0;
  for (const part of parts) {
    first = Math.min(first, part[0]!);
    last = Math.max(last, part[part.length - 1]!);
    total += part.length;
  }
  const span = last - first + 1;
  return { first, span, sparse: total * DENSE_UNION_RATIO < span, total };
}

/** `parts` united two by two, round after round (no part is merged more than log2(n) times). */
function pairwise<T>(parts: T[], unite: (a: T, b: T) => T): T {
  let united = parts;
  while (united.length > 1) {
    const next: T[] = [];
    for (let i = 0; i < united.length; i += 2) next.push(i + 1 < united.length ? unite(united[i]!, united[i + 1]!) : united[i]!);
    united = next;
  }
  return united[0]!;
}

/**
 * Sorted documents of any of `parts` (each ascending): marked in an array over their span when
 * they fill enough of it, else merged two by two.
 */
export function unitedDocs(parts: Int32Array[]): Int32Array {
  const present = parts.filter((part) => part.length > 0);
  if (present.length <= 2) return unionDocs(present[0] ?? new Int32Array(0), present[1] ?? new Int32Array(0));
  const { first, span, sparse, total } = spanOf(present);
  if (sparse) return pairwise(present, unionDocs);
  return (total >= KERNEL_UNION_ENTRIES && kernelMarkedUnion(present, first, span)) || markedUnion(present, first, span);
}

/** unitedDocs in JS for parts that fill enough of their span: the reference of kernelMarkedUnion. */
export function markedUnion(present: Int32Array[], first: number, span: number): Int32Array {
  const held = new Uint8Array(span);
  for (const part of present) for (let i = 0; i < part.length; i++) held[part[i]! - first] = 1;
  let count = 0;
  for (let d = 0; d < span; d++) count += held[d]!;
  const docs = new Int32Array(count);
  let n = 0;
  for (let d = 0; d < span; d++) if (held[d]) docs[n++] = d + first;
  return docs;
}

/**
 * The union of `parts` (each ascending) with weights added and zones joined, as unionMatches
 * folds it: marked in arrays over their span when they fill enough of it, else merged two by two.
 * A prefix's title and tag matches are weighed expansion by expansion and united here, instead of
 * uniting the expansions' positions first.
 */
export function unitedMatches(parts: PhraseMatches[]): PhraseMatches {
  const present = parts.filter((part) => part.docs.length > 0);
  if (present.length === 0) return { docs: new Int32Array(0), weights: new Float64Array(0), zones: new Uint8Array(0) };
  if (present.length <= 2) return present.length === 1 ? present[0]! : unionMatches(present[0]!, present[1]!);
  const { first, span, sparse } = spanOf(present.map((part) => part.docs));
  if (sparse) return pairwise(present, unionMatches);
  const weightAt = new Float64Array(span);
  const zoneAt = new Uint8Array(span);
  for (const part of present) {
    for (let i = 0; i < part.docs.length; i++) {
      const at = part.docs[i]! - first;
      weightAt[at]! += part.weights[i]!;
      zoneAt[at]! |= part.zones[i]!;
    }
  }
  let count = 0;
  for (let d = 0; d < span; d++) if (zoneAt[d]) count++;
  const out = { docs: new Int32Array(count), weights: new Float64Array(count), zones: new Uint8Array(count) };
  let n = 0;
  for (let d = 0; d < span; d++) {
    if (!zoneAt[d]) continue;
    out.docs[n] = d + first;
    out.weights[n] = weightAt[d]!;
    out.zones[n] = zoneAt[d]!;
    n++;
  }
  return out;
}

/** Sorted documents of either. */
export function unionDocs(a: Int32Array, b: Int32Array): Int32Array {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  return (a.length + b.length >= KERNEL_UNION_ENTRIES && kernelMergedUnion(a, b)) || unionDocsInJs(a, b);
}

/**
 * The live documents of `a` or `b` (both ascending): `alive` has a byte per document, 0 for one
 * removed. A one-term query's candidates.
 */
export function liveUnionDocs(a: Int32Array, b: Int32Array, alive: Uint8Array): Int32Array {
  if (a.length + b.length >= KERNEL_UNION_ENTRIES) {
    const first = Math.min(a[0] ?? Infinity, b[0] ?? Infinity);
    const last = Math.max(a[a.length - 1] ?? -1, b[b.length - 1] ?? -1);
    const live = kernelMergedUnion(a, b, { first, bytes: alive.subarray(first, last + 1) });
    if (live) return live;
  }
  return liveUnionDocsInJs(a, b, alive);
}

/** liveUnionDocs in JS: the reference of kernelMergedUnion with kept documents. */
export function liveUnionDocsInJs(a: Int32Array, b: Int32Array, alive: Uint8Array): Int32Array {
  const united = unionDocsInJs(a, b);
  const live = new Int32Array(united.length);
  let n = 0;
  for (let i = 0; i < united.length; i++) if (alive[united[i]!]) live[n++] = united[i]!;
  return live.subarray(0, n);
}

/** unionDocs in JS: the reference of kernelMergedUnion, and the union of short lists. */
export function unionDocsInJs(a: Int32Array, b: Int32Array): Int32Array {
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

/** Sorted documents of `a` that are not in `b` (galloping through `b`, often far the longer). */
export function subtractDocs(a: Int32Array, b: Int32Array): Int32Array {
  if (b.length === 0) return a;
  const out = new Int32Array(a.length);
  let n = 0;
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    const doc = a[i]!;
    j = seek(b, doc, j);
    if (j < b.length && b[j] === doc) continue;
    out[n++] = doc;
  }
  return out.subarray(0, n);
}
