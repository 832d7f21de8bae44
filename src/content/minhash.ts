import { normalizeText } from '../search/normalize.js';

/** Hash functions in a signature: 8 LSH bands of 4 rows. */
export const SIGNATURE_SIZE = 32;
export const BANDS = 8;
const ROWS = SIGNATURE_SIZE / BANDS;
const SHINGLE = 3;
/** Texts with fewer letters than this are not compared: too little to tell. */
export const MIN_SIGNATURE_CHARS = 200;
/** Estimated share of common shingles (Jaccard) from which two texts are the same article. */
export const DUPLICATE_SIMILARITY = 0.7;

const SEEDS = Array.from({ length: SIGNATURE_SIZE }, (_, i) => Math.imul(i + 1, 0x9e3779b1) >>> 0);

function fnv1a(text: string, start: number, end: number): number {
  let hash = 2166136261;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
  return hash >>> 0;
}

/** murmur3's finaliser: spreads one 32-bit value, seeded, into another. */
function mix(value: number, seed: number): number {
  let h = (value ^ seed) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * MinHash signature over 3-character shingles of the text's letters and digits (normalised; white
 * space and punctuation dropped, so layout and full/half-width punctuation do not matter).
 */
export function minhash(text: string): Uint32Array | undefined {
  const compact = normalizeText(text).replace(/[^\p{L}\p{N}]/gu, '');
  if (compact.length < MIN_SIGNATURE_CHARS) return undefined;
  const shingles = new Set<number>();
  for (let i = 0; i + SHINGLE <= compact.length; i++) shingles.add(fnv1a(compact, i, i + SHINGLE));
  const signature = new Uint32Array(SIGNATURE_SIZE).fill(0xffffffff);
  for (const shingle of shingles) {
    for (let k = 0; k < SIGNATURE_SIZE; k++) {
      const h = mix(shingle, SEEDS[k]!);
      if (h < signature[k]!) signature[k] = h;
    }
  }
  return signature;
}

/** Estimated Jaccard similarity: the share of positions where two signatures agree. */
export function similarity(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let k = 0; k < SIGNATURE_SIZE; k++) if (a[k] === b[k]) same++;
  return same / SIGNATURE_SIZE;
}

/** One key per band: texts sharing any band key are compared. */
export function bandKeys(signature: Uint32Array): number[] {
  return Array.from({ length: BANDS }, (_, band) => {
    let hash = 2166136261 ^ band;
    for (let r = 0; r < ROWS; r++) hash = Math.imul(hash ^ signature[band * ROWS + r]!, 16777619);
    // the band number in the high bits keeps equal hashes of different bands apart
    return band * 2 ** 32 + (hash >>> 0);
  });
}

export function signatureToBuffer(signature: Uint32Array): Buffer {
  return Buffer.from(signature.buffer, signature.byteOffset, signature.byteLength);
}

export function signatureFromBuffer(buffer: Buffer): Uint32Array {
  const copy = new Uint8Array(buffer);
  return new Uint32Array(copy.buffer, 0, SIGNATURE_SIZE);
}
