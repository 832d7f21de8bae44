// AssemblyScript, compiled to dist/kernels/list-kernels.wasm by `npm run build:kernels` (not by
// tsc): the loops phrase queries on common tokens spend their time in, over bytes that
// list-kernels.ts copies into this module's memory. Each does step for step what its reference in
// postings.ts / list-ops.ts does; the JS loops pay bounds checks and typed-array loads that these
// do not.

@inline function item(array: i32, i: i32): i32 {
  return load<i32>(<usize>array + (<usize>i << 2));
}

// phraseDocs reads each list as it is stored, entry by entry, keeping eight i32 per list at
// desc + 32 * j: where its next entry is in its documents block, how many entries are left, the
// current entry's document (relative to the segment), frequency and positions, where the next
// entry's positions start, and the token's shift (its place in the phrase).
const READ = 0;
const LEFT = 1;
const DOC = 2;
const FREQ = 3;
const POSITIONS = 4;
const NEXT_POSITIONS = 5;
const SHIFT = 6;

@inline function state(desc: usize, j: i32, at: i32): i32 {
  return load<i32>(desc + <usize>((j << 5) + (at << 2)));
}

@inline function setState(desc: usize, j: i32, at: i32, value: i32): void {
  store<i32>(desc + <usize>((j << 5) + (at << 2)), value);
}

/** Reads list j's next entry (gap, frequency, positions length); false when it has none left. */
@inline function advance(desc: usize, j: i32): bool {
  const left = state(desc, j, LEFT);
  if (left == 0) return false;
  let p = <usize>state(desc, j, READ);
  let read = varintAt(p);
  p += <usize>(read >> 32);
  setState(desc, j, DOC, state(desc, j, DOC) + <i32>read);
  read = varintAt(p);
  p += <usize>(read >> 32);
  setState(desc, j, FREQ, <i32>read);
  read = varintAt(p);
  p += <usize>(read >> 32);
  const positions = state(desc, j, NEXT_POSITIONS);
  setState(desc, j, POSITIONS, positions);
  setState(desc, j, NEXT_POSITIONS, positions + <i32>read);
  setState(desc, j, READ, <i32>p);
  setState(desc, j, LEFT, left - 1);
  return true;
}

/**
 * Whether the current entries of the k lists (one document) hold the phrase: the rarest token's
 * positions are the candidate starts, each other token keeps the starts it follows, and the last
 * (most frequent) one needs only one. `order` and `starts` are scratch space.
 */
@inline function holdsPhrase(desc: usize, k: i32, order: usize, starts: usize): bool {
  // the lists by their frequency in this document, rarest first (insertion sort: k is small)
  for (let j = 0; j < k; j++) {
    const frequency = state(desc, j, FREQ);
    let at = j;
    while (at > 0) {
      const before = load<i32>(order + (<usize>(at - 1) << 2));
      if (state(desc, before, FREQ) <= frequency) break;
      store<i32>(order + (<usize>at << 2), before);
      at--;
    }
    store<i32>(order + (<usize>at << 2), j);
  }
  const first = load<i32>(order);
  let alive = state(desc, first, FREQ);
  const needed = starts + (<usize>alive << 2);
  const available = <usize>memory.size() << 16;
  if (needed > available) memory.grow(<i32>((needed - available + 0xffff) >> 16));
  let p = <usize>state(desc, first, POSITIONS);
  const firstShift = state(desc, first, SHIFT);
  let position = 0;
  for (let s = 0; s < alive; s++) {
    const read = varintAt(p);
    p += <usize>(read >> 32);
    position += <i32>read;
    store<i32>(starts + (<usize>s << 2), position - firstShift);
  }
  for (let o = 1; o < k && alive > 0; o++) {
    const j = load<i32>(order + (<usize>o << 2));
    const count = state(desc, j, FREQ);
    const shift = state(desc, j, SHIFT);
    const last = o == k - 1;
    p = <usize>state(desc, j, POSITIONS);
    position = 0;
    let read = 0;
    let kept = 0;
    for (let s = 0; s < alive; s++) {
      const start = load<i32>(starts + (<usize>s << 2));
      const wanted = start + shift;
      while (read < count && (read == 0 || position < wanted)) {
        const value = varintAt(p);
        p += <usize>(value >> 32);
        position += <i32>value;
        read++;
      }
      if (read > 0 && position == wanted) {
        store<i32>(starts + (<usize>kept << 2), start);
        kept++;
        if (last) break;
      } else if (read >= count && position < wanted) break;
    }
    alive = kept;
  }
  return alive > 0;
}

/**
 * phraseDocs (list-ops.ts) over the k lists as stored: writes to `out` the documents (plus `base`)
 * where the tokens occur at their shifts from one start; returns how many. The shortest list
 * drives; the others are read on to its documents. `work` is scratch space at the end of the used
 * memory (memory grows when a document needs more starts than fit).
 */
export function phraseDocs(desc: usize, k: i32, base: i32, out: usize, work: usize): i32 {
  let driver = 0;
  for (let j = 1; j < k; j++) if (state(desc, j, LEFT) < state(desc, driver, LEFT)) driver = j;
  for (let j = 0; j < k; j++) if (!advance(desc, j)) return 0;
  const order = work;
  const starts = work + (<usize>k << 2);
  let n = 0;
  do {
    const doc = state(desc, driver, DOC);
    let all = true;
    for (let j = 0; j < k; j++) {
      if (j == driver) continue;
      while (state(desc, j, DOC) < doc) if (!advance(desc, j)) return n;
      if (state(desc, j, DOC) != doc) {
        all = false;
        break;
      }
    }
    if (all && holdsPhrase(desc, k, order, starts)) {
      store<i32>(out + (<usize>n << 2), doc + base);
      n++;
    }
  } while (advance(desc, driver));
  return n;
}

@inline function varintAt(p: usize): u64 {
  // the value in the low 32 bits, the bytes it took in the high ones (a branch-free read of one-
  // and two-byte values from a 16-bit load measured the same on 1M phrase queries)
  let value: u32 = 0;
  let bit: u32 = 0;
  let q = p;
  let byte: u32;
  do {
    byte = load<u8>(q++);
    value |= (byte & 0x7f) << bit;
    bit += 7;
  } while (byte >= 0x80);
  return (<u64>(q - p) << 32) | <u64>value;
}

/** The first index at or after `from` whose value is at least `value` (as postings.ts gallop). */
@inline function gallop(sorted: usize, count: i32, value: i32, from: i32): i32 {
  if (from >= count || item(<i32>sorted, from) >= value) return from;
  let low = from;
  let step = 1;
  let high = from + 1;
  while (high < count && item(<i32>sorted, high) < value) {
    low = high;
    step <<= 1;
    high = low + step;
  }
  if (high > count) high = count;
  while (low + 1 < high) {
    const middle = (low + high) >>> 1;
    if (item(<i32>sorted, middle) < value) low = middle;
    else high = middle;
  }
  return high;
}

/**
 * decodeWithin (postings.ts): the entries of a list's documents block at `docs` whose documents are
 * in within[0..withinCount) (every entry when withinCount < 0), into outDocs / outFreqs / outStarts;
 * returns how many. Blocks of `interval` entries start after document before[b], at docsAt[b] in
 * the block and positionsAt[b] in the positions (one block of every entry without a skip table).
 */
export function decodeWithin(
  docs: usize,
  count: i32,
  base: i32,
  positional: bool,
  positionsStart: i32,
  within: usize,
  withinCount: i32,
  blocks: i32,
  interval: i32,
  before: usize,
  docsAt: usize,
  positionsAt: usize,
  outDocs: usize,
  outFreqs: usize,
  outStarts: usize,
): i32 {
  if (withinCount < 0) {
    let p = docs;
    let doc = base;
    let offset = positionsStart;
    for (let i = 0; i < count; i++) {
      let read = varintAt(p);
      p += <usize>(read >> 32);
      doc += <i32>read;
      store<i32>(outDocs + (<usize>i << 2), doc);
      read = varintAt(p);
      p += <usize>(read >> 32);
      store<i32>(outFreqs + (<usize>i << 2), <i32>read);
      if (positional) {
        store<i32>(outStarts + (<usize>i << 2), offset);
        read = varintAt(p);
        p += <usize>(read >> 32);
        offset += <i32>read;
      }
    }
    return count;
  }
  let n = 0;
  let w = 0;
  let b = 0;
  while (w < withinCount && b < blocks) {
    const target = item(<i32>within, w) - base;
    // the last block starting before the wanted document
    while (b + 1 < blocks && item(<i32>before, b + 1) < target) b++;
    let p = docs + <usize>item(<i32>docsAt, b);
    let doc = item(<i32>before, b);
    let offset = positionsStart + item(<i32>positionsAt, b);
    const end = min(count, (b + 1) * interval);
    for (let i = b * interval; i < end && w < withinCount; i++) {
      let read = varintAt(p);
      p += <usize>(read >> 32);
      doc += <i32>read;
      read = varintAt(p);
      p += <usize>(read >> 32);
      const frequency = <i32>read;
      let length = 0;
      if (positional) {
        read = varintAt(p);
        p += <usize>(read >> 32);
        length = <i32>read;
      }
      w = gallop(within, withinCount, doc + base, w);
      if (w < withinCount && item(<i32>within, w) - base == doc) {
        store<i32>(outDocs + (<usize>n << 2), doc + base);
        store<i32>(outFreqs + (<usize>n << 2), frequency);
        if (positional) store<i32>(outStarts + (<usize>n << 2), offset);
        n++;
        w++;
      }
      offset += length;
    }
    b++;
  }
  return n;
}

/**
 * decodeDocs (postings.ts): the documents (plus `base`) of `count` entries of a documents block at
 * `docs`, into `out`, stepping over each entry's frequency and (positional lists) positions length.
 */
export function decodeDocs(docs: usize, count: i32, base: i32, positional: bool, out: usize): void {
  let p = docs;
  let doc = base;
  for (let i = 0; i < count; i++) {
    const read = varintAt(p);
    p += <usize>(read >> 32);
    doc += <i32>read;
    store<i32>(out + (<usize>i << 2), doc);
    while (load<u8>(p++) >= 0x80);
    if (positional) while (load<u8>(p++) >= 0x80);
  }
}

// Related results count, per document of a segment, how many of the query's words it holds
// (relatedTally in related-tally.ts is the reference): a byte per document at `counts`, a byte per
// document at `shown` (1 where the document may be shown) and at `alive` (1 where it is live).

/**
 * Counts one word's documents (plus `base`) at `docs`: each shown one gets one more; returns how
 * many are alive, for the word's IDF.
 */
export function countDocs(docs: usize, n: i32, base: i32, counts: usize, shown: usize, alive: usize): i32 {
  let live = 0;
  for (let i = 0; i < n; i++) live += countDoc(<usize>(item(<i32>docs, i) - base), counts, shown, alive);
  return live;
}

/** One more for document `at` if it is shown; 1 if it is alive. */
@inline function countDoc(at: usize, counts: usize, shown: usize, alive: usize): i32 {
  store<u8>(counts + at, load<u8>(counts + at) + load<u8>(shown + at));
  return <i32>load<u8>(alive + at);
}

/** countDocs for the documents at `head` that are not among the `bodyCount` at `body` (both sorted). */
export function countExtraDocs(head: usize, headCount: i32, body: usize, bodyCount: i32, base: i32, counts: usize, shown: usize, alive: usize): i32 {
  let live = 0;
  let j = 0;
  for (let i = 0; i < headCount; i++) {
    const doc = item(<i32>head, i);
    j = gallop(body, bodyCount, doc, j);
    if (j < bodyCount && item(<i32>body, j) == doc) continue;
    live += countDoc(<usize>(doc - base), counts, shown, alive);
  }
  return live;
}

/** histogram[c] (i32) = how many of the `span` counts are c, for c below 128 (a count's bound). */
export function countLevels(counts: usize, span: i32, histogram: usize): void {
  memory.fill(histogram, 0, 4 * 128 * 4);
  // four histograms side by side: neighbouring counts are often equal, and one histogram would
  // make each increment wait for the one before
  let at = 0;
  for (; at + 8 <= span; at += 8) {
    const eight = load<u64>(counts + <usize>at);
    if (eight == 0) continue;
    for (let b = 0; b < 8; b++) {
      const c = <usize>((eight >> (<u64>b << 3)) & 0xff);
      const slot = histogram + ((<usize>(b & 3) << 9) | (c << 2));
      store<i32>(slot, load<i32>(slot) + 1);
    }
  }
  for (; at < span; at++) {
    const slot = histogram + (<usize>load<u8>(counts + <usize>at) << 2);
    store<i32>(slot, load<i32>(slot) + 1);
  }
  for (let c = 0; c < 128; c++) {
    const sum = load<i32>(histogram + (<usize>c << 2)) + load<i32>(histogram + 512 + (<usize>c << 2)) + load<i32>(histogram + 1024 + (<usize>c << 2)) + load<i32>(histogram + 1536 + (<usize>c << 2));
    store<i32>(histogram + (<usize>c << 2), sum);
  }
}

/**
 * Writes to `out` (i32) where the `span` counts are `least` or more, in order, and those counts to
 * `outCounts` (u8); returns how many.
 */
export function countsAtLeast(counts: usize, span: i32, least: i32, out: usize, outCounts: usize): i32 {
  // counts are below 128: adding 128 - least to each byte sets its top bit exactly when the count
  // is `least` or more, with no carry into the next byte
  const raise = <u64>(128 - least) * 0x0101010101010101;
  let n = 0;
  let at = 0;
  for (; at + 8 <= span; at += 8) {
    const eight = load<u64>(counts + <usize>at);
    if (eight == 0 || ((eight + raise) & 0x8080808080808080) == 0) continue;
    for (let b = 0; b < 8; b++) {
      const count = load<u8>(counts + <usize>(at + b));
      if (<i32>count >= least) {
        store<i32>(out + (<usize>n << 2), at + b);
        store<u8>(outCounts + <usize>n, count);
        n++;
      }
    }
  }
  for (; at < span; at++) {
    const count = load<u8>(counts + <usize>at);
    if (<i32>count >= least) {
      store<i32>(out + (<usize>n << 2), at);
      store<u8>(outCounts + <usize>n, count);
      n++;
    }
  }
  return n;
}

// Unions (list-ops.ts unitedDocs and unionDocs are the references).

/** Marks the `n` documents at `docs` (minus `first`) with 1 in the bytes at `marks`. */
export function markDocs(docs: usize, n: i32, first: i32, marks: usize): void {
  for (let i = 0; i < n; i++) store<u8>(marks + <usize>(item(<i32>docs, i) - first), 1);
}

/**
 * Moves the marks of the `n` documents at `docs` (minus `first`) that are at `from` on to
 * from + 1: after term j of an AND has been marked this way, a mark says how many terms in a row
 * the document holds (segment-query.ts markedCandidates is the reference).
 */
export function markFollowing(docs: usize, n: i32, first: i32, marks: usize, from: i32): void {
  const next = <u8>(from + 1);
  for (let i = 0; i < n; i++) {
    const at = marks + <usize>(item(<i32>docs, i) - first);
    const mark = load<u8>(at);
    store<u8>(at, mark == <u8>from ? next : mark);
  }
}

/**
 * Writes to `out` the documents (plus `first`) whose mark among the `span` bytes at `marks` is
 * `value` (not 0), in order, keeping only those whose byte at `keep` is not 0 if `filtered`;
 * returns how many.
 */
export function markedDocs(marks: usize, span: i32, first: i32, value: i32, keep: usize, filtered: bool, out: usize): i32 {
  let n = 0;
  let at = 0;
  for (; at + 8 <= span; at += 8) {
    if (load<u64>(marks + <usize>at) == 0) continue;
    for (let b = at; b < at + 8; b++) {
      if (<i32>load<u8>(marks + <usize>b) == value && (!filtered || load<u8>(keep + <usize>b) != 0)) {
        store<i32>(out + (<usize>n << 2), b + first);
        n++;
      }
    }
  }
  for (; at < span; at++) {
    if (<i32>load<u8>(marks + <usize>at) == value && (!filtered || load<u8>(keep + <usize>at) != 0)) {
      store<i32>(out + (<usize>n << 2), at + first);
      n++;
    }
  }
  return n;
}

/**
 * Writes to `out` the documents of `a` or `b` (both ascending), in order, keeping only those whose
 * byte at keep + (document - first) is not 0 if `filtered`; returns how many.
 */
export function mergeDocs(a: usize, aCount: i32, b: usize, bCount: i32, first: i32, keep: usize, filtered: bool, out: usize): i32 {
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < aCount || j < bCount) {
    const x = i < aCount ? item(<i32>a, i) : i32.MAX_VALUE;
    const y = j < bCount ? item(<i32>b, j) : i32.MAX_VALUE;
    const doc = x < y ? x : y;
    if (x == doc) i++;
    if (y == doc) j++;
    if (!filtered || load<u8>(keep + <usize>(doc - first)) != 0) {
      store<i32>(out + (<usize>n << 2), doc);
      n++;
    }
  }
  return n;
}
