import { kernelTallyWords } from './kernels/list-kernels.js';
import { subtractDocs } from './list-ops.js';

/**
 * The counting step of related results: per document of one segment, how many of the query's
 * words it holds. Pure; segment-query.ts turns the tally into a short list. The counting runs in
 * WebAssembly (list-kernels.ts) when the module has the memory for it; tallyWordsInJs is the
 * reference the tests hold the kernel to, and the fallback.
 */

/** Counts stay below 128, which countsAtLeast's four-at-a-time test relies on. */
export const MAX_TALLIED_WORDS = 127;

export interface WordDocs {
  headDocs: Int32Array;
  bodyDocs: Int32Array;
}

export interface TallyInput {
  words: readonly WordDocs[];
  /** The segment's first document and its number of documents. */
  base: number;
  span: number;
  /** Per document from `base`: 1 when it is live (a word's IDF counts those). */
  alive: Uint8Array;
  /** Per document from `base`: 1 when the search may show it (live, and in its filters). */
  shown: Uint8Array;
  /** The count whose documents (and those above it) are wanted, from the histogram; 0 for none. */
  cutoffOf: (histogram: Int32Array) => number;
}

export interface Tally {
  /** Documents that may be shown, by how many words they hold (256 entries, index 0 unused). */
  histogram: Int32Array;
  /** Live documents holding each word, whether they may be shown or not. */
  wordLive: number[];
  cutoff: number;
  /** The shown documents holding `cutoff` words or more (from `base`), in order, and their counts. */
  at: Int32Array;
  counts: Uint8Array;
}

/** Counts the first MAX_TALLIED_WORDS words. */
export function tallyWords(input: TallyInput): Tally {
  const counted = { ...input, words: input.words.slice(0, MAX_TALLIED_WORDS) };
  return kernelTallyWords(counted) ?? tallyWordsInJs(counted);
}

export function tallyWordsInJs({ words, base, span, alive, shown, cutoffOf }: TallyInput): Tally {
  const counts = new Uint8Array(span);
  // atLeast[c]: shown documents holding c words or more, kept while counting
  const atLeast = new Int32Array(MAX_TALLIED_WORDS + 2);
  const wordLive = words.map(({ headDocs, bodyDocs }) => {
    // the body's documents, then the few title and tag matches it lacks: no united list of the two
    return countWord(bodyDocs, base, counts, alive, shown, atLeast) + countWord(subtractDocs(headDocs, bodyDocs), base, counts, alive, shown, atLeast);
  });
  const histogram = new Int32Array(256);
  for (let c = 1; c <= MAX_TALLIED_WORDS; c++) histogram[c] = atLeast[c]! - atLeast[c + 1]!;
  const cutoff = cutoffOf(histogram);
  const found: number[] = [];
  if (cutoff > 0) for (let at = 0; at < span; at++) if (counts[at]! >= cutoff) found.push(at);
  const at = Int32Array.from(found);
  return { histogram, wordLive, cutoff, at, counts: Uint8Array.from(at, (i) => counts[i]!) };
}

/** Adds one word's documents to the counts of those that may be shown, and to `atLeast`; returns how many are alive. */
function countWord(docs: Int32Array, base: number, counts: Uint8Array, alive: Uint8Array, shown: Uint8Array, atLeast: Int32Array): number {
  let live = 0;
  for (let i = 0; i < docs.length; i++) {
    const at = docs[i]! - base;
    const counted = shown[at]!;
    const c = counts[at]!;
    counts[at] = c + counted;
    atLeast[c + 1]! += counted;
    live += alive[at]!;
  }
  return live;
}
