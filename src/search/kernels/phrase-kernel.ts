import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../paths.js';
import type { PostingList } from '../postings.js';

/**
 * phraseDocs (list-ops.ts) in WebAssembly, for phrases whose lists are read whole: the lists are
 * copied into the module's memory and matched there. At 1M articles this took the densest body
 * phrases from 90-450 ms to 20-35 ms, copies included (scratch measurements, same lists, same
 * answers). phraseDocs stays the reference: it handles what the kernel does not (united prefix
 * lists, lists whose positions are fetched a chunk at a time) and the tests hold the two equal.
 */

/** Where `npm run build:kernels` writes the module (src/search/kernels/phrase-docs.as.ts). */
export const PHRASE_KERNEL_PATH = join(PROJECT_ROOT, 'dist', 'kernels', 'phrase-docs.wasm');

/**
 * The most memory the kernel grows to in one thread; a phrase whose lists need more is left to
 * phraseDocs. (A module's memory never shrinks, so this is also what it may keep.)
 */
export const KERNEL_MEMORY_BYTES = 256 * 1024 * 1024;

const PAGE_BYTES = 65536;
/** Starts the kernel can hold before it grows its memory (a document's positions of one token). */
const INITIAL_STARTS = 16384;

interface PhraseKernel {
  memory: WebAssembly.Memory;
  phraseDocs(desc: number, k: number, out: number, work: number): number;
}

let kernel: PhraseKernel | undefined;

function loadKernel(): PhraseKernel {
  if (kernel) return kernel;
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = new Uint8Array(readFileSync(PHRASE_KERNEL_PATH));
  } catch {
    throw new Error(`the search kernel ${PHRASE_KERNEL_PATH} is missing: run npm run build`);
  }
  const imports = {
    env: {
      abort: () => {
        throw new Error('the phrase kernel aborted');
      },
    },
  };
  kernel = new WebAssembly.Instance(new WebAssembly.Module(bytes), imports).exports as unknown as PhraseKernel;
  return kernel;
}

/** Loads the module now (the server does at start), so a missing build fails before any query. */
export function ensurePhraseKernel(): void {
  loadKernel();
}

const align8 = (n: number) => (n + 7) & ~7;

/**
 * The documents where `lists` occur as a phrase (token j at offsets[j], or j, from the start), as
 * phraseDocs finds them; undefined when a list is not one the kernel reads (no positions of its
 * own, positions fetched chunk by chunk) or the lists would take more than KERNEL_MEMORY_BYTES.
 */
export function kernelPhraseDocs(lists: readonly PostingList[], offsets?: ArrayLike<number>): Int32Array | undefined {
  const k = lists.length;
  // where everything goes: descriptors, then each list's arrays and positions, the output, scratch
  const layout: Array<{ docs: number; freqs: number; starts: number; block: number; parts: Uint8Array[] }> = [];
  let at = align8(k * 24);
  let fewest = Infinity;
  for (const list of lists) {
    const parts = list.raw?.source.parts();
    if (!parts) return undefined;
    const entries = list.docs.length;
    const docs = at;
    const freqs = docs + entries * 4;
    const starts = freqs + entries * 4;
    const block = align8(starts + entries * 4);
    at = block;
    for (const part of parts) at += part.length;
    at = align8(at);
    layout.push({ docs, freqs, starts, block, parts });
    fewest = Math.min(fewest, entries);
  }
  const outAt = at;
  const workAt = align8(outAt + fewest * 4);
  const needed = workAt + k * 8 + INITIAL_STARTS * 4;
  if (needed > KERNEL_MEMORY_BYTES) return undefined;

  const { memory, phraseDocs } = loadKernel();
  if (memory.buffer.byteLength < needed) memory.grow(Math.ceil((needed - memory.buffer.byteLength) / PAGE_BYTES));
  const words = new Int32Array(memory.buffer);
  const bytes = new Uint8Array(memory.buffer);
  lists.forEach((list, j) => {
    const place = layout[j]!;
    words.set(list.docs, place.docs >> 2);
    words.set(list.freqs, place.freqs >> 2);
    words.set(list.raw!.offsets, place.starts >> 2);
    let write = place.block;
    for (const part of place.parts) {
      bytes.set(part, write);
      write += part.length;
    }
    words.set([place.docs, place.freqs, place.starts, place.block, list.docs.length, offsets ? offsets[j]! : j], j * 6);
  });
  try {
    const found = phraseDocs(0, k, outAt, workAt);
    // the kernel may have grown its memory: the views above are stale
    return new Int32Array(memory.buffer, outAt, found).slice();
  } catch (error) {
    // a trap (memory it could not grow, a bug) must not fail the query: the reference answers it
    if (error instanceof WebAssembly.RuntimeError) return undefined;
    throw error;
  }
}
