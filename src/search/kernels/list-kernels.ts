import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../paths.js';
import type { DecodedEntries, EncodedList, EntriesAt, Skips } from '../postings.js';
import type { Tally, TallyInput } from '../related-tally.js';

/**
 * Two loops of phrase queries in WebAssembly (list-kernels.as.ts), each over data copied into the
 * module's memory and its answer copied out:
 * - phraseDocs (list-ops.ts) over the lists as stored, for common body phrases: no list is
 *   decoded into arrays first. (Over lists decoded in JS and copied in, it took the densest
 *   phrases at 1M from 90-450 ms to 20-35 ms, copies included; decoding was then the larger part.)
 * - decodeWithin and decodeDocs (postings.ts), for lists of a few thousand entries or more;
 * - the counting of related results (related-tally.ts): at 1M, the JS loops took 3.9-8.5 ns per
 *   document of a word's list, these 1.7-4;
 * - the unions of long lists (unitedDocs, unionDocs in list-ops.ts), optionally keeping only the
 *   live documents, as a query's candidates, and the join of an AND's long lists by marking
 *   (segment-query.ts markedCandidates).
 
 * The JS functions stay the references: they take what the kernels do not (united prefix lists,
 * short lists, rare phrases), and the tests hold each pair equal.
 */

/** Where `npm run build:kernels` writes the module. */
export const KERNELS_PATH = join(PROJECT_ROOT, 'dist', 'kernels', 'list-kernels.wasm');

/**
 * The most memory the kernels grow to in one thread; work that needs more is left to the JS. (A module's memory never shrinks, so this is also what it may keep.)
 */
export const KERNEL_MEMORY_BYTES = 256 * 1024 * 1024;

const PAGE_BYTES = 65536;
/** Starts the kernel can hold before it grows its memory (a document's positions of one token). */
const INITIAL_STARTS = 16384;

interface ListKernels {
  memory: WebAssembly.Memory;
  phraseDocs(desc: number, k: number, base: number, out: number, work: number): number;
  decodeWithin(
    docs: number,
    count: number,
    base: number,
    positional: number,
    positionsStart: number,
    within: number,
    withinCount: number,
    blocks: number,
    interval: number,
    before: number,
    docsAt: number,
    positionsAt: number,
    outDocs: number,
    outFreqs: number,
    outStarts: number,
  ): number;
  decodeDocs(docs: number, count: number, base: number, positional: number, out: number): void;
  countDocs(docs: number, n: number, base: number, counts: number, shown: number, alive: number): number;
  countExtraDocs(head: number, headCount: number, body: number, bodyCount: number, base: number, counts: number, shown: number, alive: number): number;
  countLevels(counts: number, span: number, histogram: number): void;
  countsAtLeast(counts: number, span: number, least: number, out: number, outCounts: number): number;
  markDocs(docs: number, n: number, first: number, marks: number): void;
  markFollowing(docs: number, n: number, first: number, marks: number, from: number): void;
  markedDocs(marks: number, span: number, first: number, value: number, keep: number, filtered: number, out: number): number;
  mergeDocs(a: number, aCount: number, b: number, bCount: number, first: number, keep: number, filtered: number, out: number): number;
}

let kernels: ListKernels | undefined;

function loadKernels(): ListKernels {
  if (kernels) return kernels;
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = new Uint8Array(readFileSync(KERNELS_PATH));
  } catch {
    throw new Error(`the search kernels ${KERNELS_PATH} is missing: run npm run build`);
  }
  const imports = {
    env: {
      abort: () => {
        throw new Error('a list kernel aborted');
      },
    },
  };
  kernels = new WebAssembly.Instance(new WebAssembly.Module(bytes), imports).exports as unknown as ListKernels;
  return kernels;
}

/** Loads the module now (every index does when it is made), so a missing build fails before any query. */
export function ensureListKernels(): void {
  loadKernels();
}

const align8 = (n: number) => (n + 7) & ~7;

/**
 * The kernels, their memory grown to `bytes`; undefined when that is more than
 * KERNEL_MEMORY_BYTES or more than the host will give: the caller leaves the work to the JS.
 */
function kernelsWithRoom(bytes: number): ListKernels | undefined {
  if (bytes > KERNEL_MEMORY_BYTES) return undefined;
  const loaded = loadKernels();
  return hasRoom(loaded.memory, bytes) ? loaded : undefined;
}

/**
 * What `work` answers; undefined when a kernel traps (memory it could not grow, a bug), which
 * must not fail the query: the JS reference answers it.
 */
function untrapped<T>(work: () => T): T | undefined {
  try {
    return work();
  } catch (error) {
    if (error instanceof WebAssembly.RuntimeError) return undefined;
    throw error;
  }
}

/**
 * Grows the module's memory to `bytes` if it is smaller; false when the host will not give it
 * (memory.grow throws a RangeError): the caller leaves the work to the JS, the query goes on.
 */
function hasRoom(memory: WebAssembly.Memory, bytes: number): boolean {
  if (memory.buffer.byteLength >= bytes) return true;
  try {
    memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE_BYTES));
    return true;
  } catch (error) {
    if (error instanceof RangeError) return false;
    throw error;
  }
}

/**
 * The documents (plus `base`) where `lists` occur as a phrase, token j at offsets[j] (or j) from
 * the start, as phraseDocs (list-ops.ts) finds them in the same lists decoded; undefined when they
 * would take more than KERNEL_MEMORY_BYTES.
 */
export function kernelPhraseDocs(lists: readonly EncodedList[], base: number, offsets?: ArrayLike<number>): Int32Array | undefined {
  const k = lists.length;
  // where everything goes: the lists' reading state, each list's documents and positions blocks,
  // the output, scratch
  const places: Array<{ docs: number; positions: number }> = [];
  let at = align8(k * 32);
  let fewest = Infinity;
  for (const list of lists) {
    const docs = at;
    const positions = align8(docs + list.docs.length);
    at = positions;
    for (const part of list.positions) at += part.length;
    at = align8(at);
    places.push({ docs, positions });
    fewest = Math.min(fewest, list.count);
  }
  const outAt = at;
  const workAt = align8(outAt + fewest * 4);
  const needed = workAt + k * 4 + INITIAL_STARTS * 4;
  const kernels = kernelsWithRoom(needed);
  if (!kernels) return undefined;
  const { memory, phraseDocs } = kernels;
  const words = new Int32Array(memory.buffer);
  const bytes = new Uint8Array(memory.buffer);
  lists.forEach((list, j) => {
    const place = places[j]!;
    bytes.set(list.docs, place.docs);
    let write = place.positions;
    for (const part of list.positions) {
      bytes.set(part, write);
      write += part.length;
    }
    // next entry, entries left, document, frequency, positions, next positions, shift (and a spare)
    words.set([place.docs, list.count, 0, 0, 0, place.positions, offsets ? offsets[j]! : j, 0], j * 8);
  });
  return untrapped(() => {
    const found = phraseDocs(0, k, base, outAt, workAt);
    // the kernel may have grown its memory: the views above are stale
    return new Int32Array(memory.buffer, outAt, found).slice();
  });
}

/** One block of every entry, for a list without a skip table. */
const NO_SKIPS: Skips = { before: new Int32Array(1), docsAt: new Int32Array(1), positionsAt: new Int32Array(1) };

/**
 * decodeEntries (postings.ts) in the kernel, `skips` blocks being of `interval` entries; undefined
 * when it would take too much memory.
 */
export function kernelDecodeWithin(bytes: Uint8Array, where: EntriesAt, skips: Skips | undefined, interval: number, within: Int32Array | undefined): DecodedEntries | undefined {
  const { count, docsStart, docsEnd, positional } = where;
  const table = skips ?? NO_SKIPS;
  const capacity = within ? Math.min(count, within.length) : count;
  const docsAt = 0;
  const withinAt = align8(docsEnd - docsStart);
  const beforeAt = withinAt + (within?.length ?? 0) * 4;
  const skipsAt = beforeAt + table.before.length * 4;
  const positionsAt = skipsAt + table.before.length * 4;
  const outDocs = positionsAt + table.before.length * 4;
  const outFreqs = outDocs + capacity * 4;
  const outStarts = outFreqs + capacity * 4;
  const needed = outStarts + capacity * 4;
  const kernels = kernelsWithRoom(needed);
  if (!kernels) return undefined;
  const { memory, decodeWithin } = kernels;
  const words = new Int32Array(memory.buffer);
  new Uint8Array(memory.buffer).set(bytes.subarray(docsStart, docsEnd), docsAt);
  if (within) words.set(within, withinAt >> 2);
  words.set(table.before, beforeAt >> 2);
  words.set(table.docsAt, skipsAt >> 2);
  words.set(table.positionsAt, positionsAt >> 2);
  const n = untrapped(() =>
    decodeWithin(docsAt, count, where.base, positional ? 1 : 0, where.positionsStart, withinAt, within ? within.length : -1, table.before.length, skips ? interval : count, beforeAt, skipsAt, positionsAt, outDocs, outFreqs, outStarts),
  );
  if (n === undefined) return undefined;
  const out = (at: number) => new Int32Array(memory.buffer, at, n).slice();
  return { docs: out(outDocs), freqs: out(outFreqs), offsets: positional ? out(outStarts) : undefined };
}

/** decodeDocs (postings.ts) in the kernel: the documents of a list's documents block. */
export function kernelDecodeDocs(bytes: Uint8Array, where: EntriesAt): Int32Array | undefined {
  const { count, docsStart, docsEnd } = where;
  const outAt = align8(docsEnd - docsStart);
  const needed = outAt + count * 4;
  const kernels = kernelsWithRoom(needed);
  if (!kernels) return undefined;
  const { memory, decodeDocs } = kernels;
  new Uint8Array(memory.buffer).set(bytes.subarray(docsStart, docsEnd), 0);
  return untrapped(() => {
    decodeDocs(0, count, where.base, where.positional ? 1 : 0, outAt);
    return new Int32Array(memory.buffer, outAt, count).slice();
  });
}

/**
 * tallyWords (related-tally.ts) in the kernel; undefined when it would take too much memory.
 * The counts never leave the module: only the histogram and the documents at the cutoff do.
 */
export function kernelTallyWords({ words, base, span, alive, shown, cutoffOf }: TallyInput): Tally | undefined {
  let longest = 0;
  for (const { headDocs, bodyDocs } of words) longest = Math.max(longest, headDocs.length, bodyDocs.length);
  const countsAt = 0;
  const shownAt = align8(span);
  const aliveAt = shown === alive ? shownAt : align8(shownAt + span);
  const histogramAt = align8(aliveAt + span);
  const bodyAt = histogramAt + 4 * 128 * 4;
  const headAt = bodyAt + longest * 4;
  const outAt = headAt + longest * 4;
  // the documents at the cutoff overwrite the lists (done with by then), their counts follow
  const outCountsAt = Math.max(outAt, bodyAt + span * 4);
  const needed = outCountsAt + span;
  const kernels = kernelsWithRoom(needed);
  if (!kernels) return undefined;
  const { memory, countDocs, countExtraDocs, countLevels, countsAtLeast } = kernels;
  const bytes = new Uint8Array(memory.buffer);
  const words32 = new Int32Array(memory.buffer);
  bytes.fill(0, countsAt, countsAt + span);
  bytes.set(shown.subarray(0, span), shownAt);
  if (aliveAt !== shownAt) bytes.set(alive.subarray(0, span), aliveAt);
  return untrapped(() => {
    const wordLive = words.map(({ headDocs, bodyDocs }) => {
      words32.set(bodyDocs, bodyAt >> 2);
      let live = countDocs(bodyAt, bodyDocs.length, base, countsAt, shownAt, aliveAt);
      if (headDocs.length > 0) {
        words32.set(headDocs, headAt >> 2);
        live += countExtraDocs(headAt, headDocs.length, bodyAt, bodyDocs.length, base, countsAt, shownAt, aliveAt);
      }
      return live;
    });
    countLevels(countsAt, span, histogramAt);
    const histogram = new Int32Array(256);
    histogram.set(words32.subarray((histogramAt >> 2) + 1, (histogramAt >> 2) + 128), 1);
    const cutoff = cutoffOf(histogram);
    const n = cutoff > 0 ? countsAtLeast(countsAt, span, cutoff, bodyAt, outCountsAt) : 0;
    return { histogram, wordLive, cutoff, at: words32.slice(bodyAt >> 2, (bodyAt >> 2) + n), counts: bytes.slice(outCountsAt, outCountsAt + n) };
  });
}

/**
 * Which documents from `first` to keep: a byte each, 0 to leave one out (a query's candidates
 * are its live documents).
 */
export interface KeptDocs {
  first: number;
  bytes: Uint8Array;
}

/**
 * The documents of any of `parts` (ascending, between first and first + span - 1), marked in a
 * byte per document and read back in order, those `keep` leaves out left out; undefined when it
 * would take too much memory.
 */
export function kernelMarkedUnion(parts: readonly Int32Array[], first: number, span: number, keep?: Uint8Array): Int32Array | undefined {
  let longest = 0;
  for (const part of parts) longest = Math.max(longest, part.length);
  const marksAt = 0;
  const keepAt = align8(span);
  const partAt = keep ? align8(keepAt + span) : keepAt;
  const outAt = partAt;
  const needed = partAt + Math.max(longest, span) * 4;
  const kernels = kernelsWithRoom(needed);
  if (!kernels) return undefined;
  const { memory, markDocs, markedDocs } = kernels;
  const bytes = new Uint8Array(memory.buffer);
  const words = new Int32Array(memory.buffer);
  bytes.fill(0, marksAt, marksAt + span);
  if (keep) bytes.set(keep.subarray(0, span), keepAt);
  return untrapped(() => {
    for (const part of parts) {
      words.set(part, partAt >> 2);
      markDocs(partAt, part.length, first, marksAt);
    }
    const n = markedDocs(marksAt, span, first, 1, keepAt, keep ? 1 : 0, outAt);
    return words.slice(outAt >> 2, (outAt >> 2) + n);
  });
}

/** The documents of `a` or `b` (both ascending) in order, those `keep` leaves out left out; undefined when it would take too much memory. */
export function kernelMergedUnion(a: Int32Array, b: Int32Array, keep?: KeptDocs): Int32Array | undefined {
  if (a.length + b.length === 0) return new Int32Array(0);
  const keepSpan = keep ? keep.bytes.length : 0;
  const aAt = align8(keepSpan);
  const bAt = aAt + a.length * 4;
  const outAt = bAt + b.length * 4;
  const needed = outAt + (a.length + b.length) * 4;
  const kernels = kernelsWithRoom(needed);
  if (!kernels) return undefined;
  const { memory, mergeDocs } = kernels;
  const words = new Int32Array(memory.buffer);
  if (keep) new Uint8Array(memory.buffer).set(keep.bytes, 0);
  words.set(a, aAt >> 2);
  words.set(b, bAt >> 2);
  return untrapped(() => {
    const n = mergeDocs(aAt, a.length, bAt, b.length, keep ? keep.first : 0, 0, keep ? 1 : 0, outAt);
    return words.slice(outAt >> 2, (outAt >> 2) + n);
  });
}

/**
 * markedCandidates (segment-query.ts) in the kernel: the live documents (`alive` from `first`)
 * holding every term, `terms` in the order they are marked; undefined when it would take too much
 * memory.
 */
export function kernelMarkedJoin(terms: ReadonlyArray<{ headDocs: Int32Array; bodyDocs: Int32Array }>, first: number, span: number, alive: Uint8Array): Int32Array | undefined {
  if (terms.length === 0 || terms.length > 254) return undefined;
  let longest = 0;
  for (const { headDocs, bodyDocs } of terms) longest = Math.max(longest, headDocs.length, bodyDocs.length);
  const marksAt = 0;
  const aliveAt = align8(span);
  const listAt = align8(aliveAt + span);
  const capacity = Math.min(span, terms[0]!.headDocs.length + terms[0]!.bodyDocs.length);
  const needed = listAt + Math.max(longest, capacity) * 4;
  const kernels = kernelsWithRoom(needed);
  if (!kernels) return undefined;
  const { memory, markFollowing, markedDocs } = kernels;
  const bytes = new Uint8Array(memory.buffer);
  const words = new Int32Array(memory.buffer);
  bytes.fill(0, marksAt, marksAt + span);
  bytes.set(alive.subarray(0, span), aliveAt);
  return untrapped(() => {
    terms.forEach(({ headDocs, bodyDocs }, j) => {
      for (const docs of [bodyDocs, headDocs]) {
        words.set(docs, listAt >> 2);
        markFollowing(listAt, docs.length, first, marksAt, j);
      }
    });
    // the output overwrites the last list, which is done with
    const n = markedDocs(marksAt, span, first, terms.length, aliveAt, 1, listAt);
    return words.slice(listAt >> 2, (listAt >> 2) + n);
  });
}
