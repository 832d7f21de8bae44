// AssemblyScript, compiled to dist/kernels/phrase-docs.wasm by `npm run build:kernels` (not by tsc).
// It is phraseDocs (list-ops.ts) over lists copied into this module's memory by phrase-kernel.ts,
// step for step the same: the JS loop cost ~300 ns per candidate document at 1M articles, most of
// it bounds checks and property loads of typed arrays that a wasm loop does not pay.
//
// A list is described by six i32 at desc + 24 * j: its documents, frequencies and positions
// offsets (i32 arrays), its positions bytes (varint gaps), its entry count, and its shift (the
// token's place in the phrase).

@inline function field(desc: usize, j: i32, at: i32): i32 {
  return load<i32>(desc + <usize>(j * 24 + at * 4));
}

@inline function item(array: i32, i: i32): i32 {
  return load<i32>(<usize>array + (<usize>i << 2));
}

/** The first index at or after `from` holding at least `doc`: galloping, then a walk (as list-ops.ts seek). */
@inline function seek(docs: i32, count: i32, doc: i32, from: i32): i32 {
  let c = from;
  let step = 1;
  while (c + step < count && item(docs, c + step) < doc) {
    c += step;
    step <<= 1;
  }
  while (c < count && item(docs, c) < doc) c++;
  return c;
}

/**
 * Writes to `out` the documents where the k lists occur at their shifts from one start; returns
 * how many. `work` is scratch space at the end of the used memory: a cursor and an order slot per
 * list, then the live starts (memory grows when a document needs more of them).
 */
export function phraseDocs(desc: usize, k: i32, out: usize, work: usize): i32 {
  let driver = 0;
  for (let j = 1; j < k; j++) if (field(desc, j, 4) < field(desc, driver, 4)) driver = j;
  const leadDocs = field(desc, driver, 0);
  const size = field(desc, driver, 4);
  const cursor = work;
  const order = work + (<usize>k << 2);
  const starts = work + (<usize>k << 3);
  // the scratch space holds the last call's cursors
  for (let j = 0; j < k; j++) store<i32>(cursor + (<usize>j << 2), 0);
  let n = 0;
  for (let i = 0; i < size; i++) {
    const doc = item(leadDocs, i);
    // every list holds the document, or the next one is tried
    let all = true;
    for (let j = 0; j < k; j++) {
      if (j == driver) {
        store<i32>(cursor + (<usize>j << 2), i);
        continue;
      }
      const count = field(desc, j, 4);
      const docs = field(desc, j, 0);
      const c = seek(docs, count, doc, load<i32>(cursor + (<usize>j << 2)));
      store<i32>(cursor + (<usize>j << 2), c);
      if (c >= count) return n;
      if (item(docs, c) != doc) {
        all = false;
        break;
      }
    }
    if (!all) continue;
    // the lists by their frequency in this document, rarest first (insertion sort: k is small)
    for (let j = 0; j < k; j++) {
      const frequency = item(field(desc, j, 1), load<i32>(cursor + (<usize>j << 2)));
      let at = j;
      while (at > 0) {
        const before = load<i32>(order + (<usize>(at - 1) << 2));
        if (item(field(desc, before, 1), load<i32>(cursor + (<usize>before << 2))) <= frequency) break;
        store<i32>(order + (<usize>at << 2), before);
        at--;
      }
      store<i32>(order + (<usize>at << 2), j);
    }
    // the rarest token's positions are the phrase's candidate starts
    const first = load<i32>(order);
    const firstEntry = load<i32>(cursor + (<usize>first << 2));
    let alive = item(field(desc, first, 1), firstEntry);
    const needed = starts + (<usize>alive << 2);
    const available = <usize>memory.size() << 16;
    if (needed > available) memory.grow(<i32>((needed - available + 0xffff) >> 16));
    let p = <usize>field(desc, first, 3) + <usize>item(field(desc, first, 2), firstEntry);
    const firstShift = field(desc, first, 5);
    let position = 0;
    for (let s = 0; s < alive; s++) {
      let value = 0;
      let bit = 0;
      let byte: i32;
      do {
        byte = load<u8>(p++);
        value |= (byte & 0x7f) << bit;
        bit += 7;
      } while (byte >= 0x80);
      position += value;
      store<i32>(starts + (<usize>s << 2), position - firstShift);
    }
    // each other token keeps the starts it follows; the last (most frequent) one only needs one
    for (let o = 1; o < k && alive > 0; o++) {
      const j = load<i32>(order + (<usize>o << 2));
      const entry = load<i32>(cursor + (<usize>j << 2));
      const count = item(field(desc, j, 1), entry);
      const shift = field(desc, j, 5);
      const last = o == k - 1;
      p = <usize>field(desc, j, 3) + <usize>item(field(desc, j, 2), entry);
      position = 0;
      let read = 0;
      let kept = 0;
      for (let s = 0; s < alive; s++) {
        const start = load<i32>(starts + (<usize>s << 2));
        const wanted = start + shift;
        while (read < count && (read == 0 || position < wanted)) {
          let value = 0;
          let bit = 0;
          let byte: i32;
          do {
            byte = load<u8>(p++);
            value |= (byte & 0x7f) << bit;
            bit += 7;
          } while (byte >= 0x80);
          position += value;
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
    if (alive == 0) continue;
    store<i32>(out + (<usize>n << 2), doc);
    n++;
  }
  return n;
}
