import { BANDS, bandHash, SIGNATURE_SIZE } from './minhash.js';

/**
 * The LSH band index of near-duplicate detection, in memory for the length of one import: built
 * from the stored signatures when the import starts and kept in step with what it writes. It
 * replaced a table of 8 rows per article whose B-tree inserts and lookups cost the writer ~55 µs
 * per article. Typed arrays, not Maps: millions of entries must stay cheap to hold and to build.
 *
 * Per band an open-addressing table maps a band hash to its members: one article id stored in
 * the slot itself (most buckets), or a list of nodes in id order (shared reposts). The signatures
 * themselves are kept too, by article id: most articles have candidates to compare with (accidental
 * band matches), and reading their signatures back from SQL cost ~20 µs per article.
 */

/** Members taken from each band, the oldest first: a band shared by thousands of copies is not read whole. */
export const MEMBERS_PER_BAND = 8;

const FREE = 0;
/** A slot still owned by its key whose members were all removed (slots are only freed by a rehash). */
const NO_MEMBERS = -0x80000000;
// any other value v: v > 0 is the bucket's one article id, v < 0 the list whose first node is -v - 1

const END = -1;
const MAX_LOAD = 0.7;

/** Nodes of the buckets with more than one member; `tail` is kept for first nodes only. */
class NodePool {
  id = new Int32Array(256);
  next = new Int32Array(256);
  tail = new Int32Array(256);
  #free = END;
  #used = 0;

  alloc(articleId: number, next: number): number {
    let node = this.#free;
    if (node !== END) this.#free = this.next[node]!;
    else {
      if (this.#used === this.id.length) this.#grow();
      node = this.#used++;
    }
    this.id[node] = articleId;
    this.next[node] = next;
    return node;
  }

  release(node: number): void {
    this.next[node] = this.#free;
    this.#free = node;
  }

  #grow(): void {
    const grown = (old: Int32Array) => {
      const array = new Int32Array(old.length * 2);
      array.set(old);
      return array;
    };
    this.id = grown(this.id);
    this.next = grown(this.next);
    this.tail = grown(this.tail);
  }
}

/** One band: band hash -> slot, by linear probing. */
class BandBuckets {
  keys: Uint32Array;
  vals: Int32Array;
  #bits: number;
  #claimed = 0;

  constructor(expected: number) {
    this.#bits = Math.max(10, Math.ceil(Math.log2(expected / MAX_LOAD + 1)));
    this.keys = new Uint32Array(1 << this.#bits);
    this.vals = new Int32Array(1 << this.#bits);
  }

  /** The slot of `key`; -1 when it has none. */
  find(key: number): number {
    const mask = this.keys.length - 1;
    for (let slot = Math.imul(key, 0x9e3779b1) >>> (32 - this.#bits); ; slot = (slot + 1) & mask) {
      const value = this.vals[slot]!;
      if (value === FREE) return -1;
      if (this.keys[slot] === key) return slot;
    }
  }

  /** The slot of `key`, claimed for it if it had none. */
  claim(key: number): number {
    const found = this.find(key);
    if (found >= 0) return found;
    if (this.#claimed + 1 > this.keys.length * MAX_LOAD) this.#rehash();
    const mask = this.keys.length - 1;
    let slot = Math.imul(key, 0x9e3779b1) >>> (32 - this.#bits);
    while (this.vals[slot] !== FREE) slot = (slot + 1) & mask;
    this.keys[slot] = key;
    this.vals[slot] = NO_MEMBERS;
    this.#claimed++;
    return slot;
  }

  #rehash(): void {
    const { keys, vals } = this;
    this.#bits++;
    this.keys = new Uint32Array(1 << this.#bits);
    this.vals = new Int32Array(1 << this.#bits);
    this.#claimed = 0;
    const mask = this.keys.length - 1;
    for (let old = 0; old < keys.length; old++) {
      const value = vals[old]!;
      if (value === FREE || value === NO_MEMBERS) continue;
      let slot = Math.imul(keys[old]!, 0x9e3779b1) >>> (32 - this.#bits);
      while (this.vals[slot] !== FREE) slot = (slot + 1) & mask;
      this.keys[slot] = keys[old]!;
      this.vals[slot] = value;
      this.#claimed++;
    }
  }
}

export class BandTable {
  readonly #bands: BandBuckets[];
  readonly #nodes = new NodePool();
  /** Signature of article id at [id * SIGNATURE_SIZE, ...), where #held[id] is 1. */
  #signatures: Uint32Array;
  #held: Uint8Array;

  /** `expected`: about how many signatures it will hold, and the ids about that high (it grows past both). */
  constructor(expected: number) {
    this.#bands = Array.from({ length: BANDS }, () => new BandBuckets(expected));
    this.#held = new Uint8Array(Math.max(1024, expected + 1));
    this.#signatures = new Uint32Array(this.#held.length * SIGNATURE_SIZE);
  }

  /** Article `id`'s signature in place of any it had; undefined takes it out. */
  set(id: number, signature: Uint32Array | undefined): void {
    const previous = this.signatureOf(id);
    if (previous) {
      for (let band = 0; band < BANDS; band++) {
        const buckets = this.#bands[band]!;
        const slot = buckets.find(bandHash(previous, band));
        if (slot >= 0) buckets.vals[slot] = this.#withoutMember(buckets.vals[slot]!, id);
      }
      this.#held[id] = 0;
    }
    if (!signature) return;
    for (let band = 0; band < BANDS; band++) {
      const buckets = this.#bands[band]!;
      const slot = buckets.claim(bandHash(signature, band));
      buckets.vals[slot] = this.#withMember(buckets.vals[slot]!, id);
    }
    if (id >= this.#held.length) this.#grow(id);
    this.#signatures.set(signature, id * SIGNATURE_SIZE);
    this.#held[id] = 1;
  }

  /** The signature held for article `id` (a view: copy it to keep it past the next set()). */
  signatureOf(id: number): Uint32Array | undefined {
    if (!this.#held[id]) return undefined;
    return this.#signatures.subarray(id * SIGNATURE_SIZE, (id + 1) * SIGNATURE_SIZE);
  }

  #grow(id: number): void {
    let capacity = this.#held.length;
    while (capacity <= id) capacity *= 2;
    const held = new Uint8Array(capacity);
    held.set(this.#held);
    const signatures = new Uint32Array(capacity * SIGNATURE_SIZE);
    signatures.set(this.#signatures);
    this.#held = held;
    this.#signatures = signatures;
  }

  /**
   * Articles below `below` that share a band with `signature`: the MEMBERS_PER_BAND oldest of
   * each band, without repeats, oldest first.
   */
  candidates(signature: Uint32Array, below: number): number[] {
    const out: number[] = [];
    const { id, next } = this.#nodes;
    for (let band = 0; band < BANDS; band++) {
      const buckets = this.#bands[band]!;
      const slot = buckets.find(bandHash(signature, band));
      if (slot < 0) continue;
      const value = buckets.vals[slot]!;
      if (value > 0) {
        if (value < below) out.push(value);
      } else if (value !== NO_MEMBERS) {
        let taken = 0;
        for (let node = -value - 1; node !== END && id[node]! < below && taken < MEMBERS_PER_BAND; node = next[node]!, taken++) out.push(id[node]!);
      }
    }
    if (out.length < 2) return out;
    return [...new Set(out)].sort((a, b) => a - b);
  }

  /** A bucket's value with `member` added, in id order; adding a member twice changes nothing. */
  #withMember(value: number, member: number): number {
    if (value === NO_MEMBERS) return member;
    const nodes = this.#nodes;
    if (value > 0) {
      if (value === member) return value;
      const last = nodes.alloc(Math.max(value, member), END);
      const first = nodes.alloc(Math.min(value, member), last);
      nodes.tail[first] = last;
      return -first - 1;
    }
    const first = -value - 1;
    const tail = nodes.tail[first]!;
    if (member > nodes.id[tail]!) {
      // the usual case: ids grow as articles are written
      const node = nodes.alloc(member, END);
      nodes.next[tail] = node;
      nodes.tail[first] = node;
      return value;
    }
    if (member < nodes.id[first]!) {
      const node = nodes.alloc(member, first);
      nodes.tail[node] = tail;
      return -node - 1;
    }
    let at = first;
    while (nodes.id[at]! < member && nodes.id[nodes.next[at]!]! <= member) at = nodes.next[at]!;
    if (nodes.id[at] === member) return value;
    // ids[at] < member < ids[next[at]]: the tail is larger than member, so next[at] exists
    const node = nodes.alloc(member, nodes.next[at]!);
    nodes.next[at] = node;
    return value;
  }

  /** A bucket's value without `member`. */
  #withoutMember(value: number, member: number): number {
    if (value > 0) return value === member ? NO_MEMBERS : value;
    if (value === NO_MEMBERS) return value;
    const nodes = this.#nodes;
    let first = -value - 1;
    let before = END;
    let at = first;
    while (at !== END && nodes.id[at] !== member) {
      before = at;
      at = nodes.next[at]!;
    }
    if (at === END) return value;
    const after = nodes.next[at]!;
    if (before === END) {
      nodes.tail[after] = nodes.tail[first]!;
      first = after;
    } else {
      nodes.next[before] = after;
      if (nodes.tail[first] === at) nodes.tail[first] = before;
    }
    nodes.release(at);
    if (nodes.next[first] !== END) return -first - 1;
    // one member left: back into the slot
    const only = nodes.id[first]!;
    nodes.release(first);
    return only;
  }
}
