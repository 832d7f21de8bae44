import { normalizeText } from '../search/normalize.js';

/**
 * Bins in a signature: 8 LSH bands of 4 rows. Signatures are stored: any change to how they are
 * computed makes stored ones incomparable with new ones, so they must then be recomputed.
 */
export const SIGNATURE_SIZE = 32;
export const BANDS = 8;
const ROWS = SIGNATURE_SIZE / BANDS;
const SHINGLE = 3;
/** Texts with fewer letters than this are not compared: too little to tell. */
export const MIN_SIGNATURE_CHARS = 200;
/** Estimated share of common shingles (Jaccard) from which two texts are the same article. */
export const DUPLICATE_SIMILARITY = 0.7;

/** log2(SIGNATURE_SIZE): a shingle's bin is the top bits of its hash. */
const BIN_BITS = 5;
const SHINGLE_SEED = 0x9e3779b1;

/** murmur3's finaliser: spreads one 32-bit value into another. */
function mix(value: number): number {
  let h = value;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Where an empty bin borrows from: for bin i, the other bins in a fixed pseudo-random order; the
 * first filled one is copied. Two texts with the same empty bins copy from the same place, which
 * keeps the agreement probability equal to the Jaccard similarity (optimal densification,
 * Shrivastava 2017, with the probe sequence drawn once instead of hashed per attempt).
 */
const PROBES = (() => {
  const probes = new Uint8Array(SIGNATURE_SIZE * (SIGNATURE_SIZE - 1));
  let state = 0x2545f491;
  for (let bin = 0; bin < SIGNATURE_SIZE; bin++) {
    const others = Array.from({ length: SIGNATURE_SIZE }, (_, k) => k).filter((k) => k !== bin);
    for (let k = others.length - 1; k > 0; k--) {
      state = mix(state + 0x6d2b79f5);
      const j = state % (k + 1);
      [others[k], others[j]] = [others[j]!, others[k]!];
    }
    probes.set(others, bin * (SIGNATURE_SIZE - 1));
  }
  return probes;
})();

/** Per BMP code unit: 0 not yet known, 1 a letter or digit, 2 anything else. */
const unitClass = new Uint8Array(0x10000);
const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;

function isLetterOrDigit(char: string): boolean {
  return LETTER_OR_DIGIT.test(char);
}

/**
 * MinHash signature over 3-character shingles of the text's letters and digits (normalised; white
 * space and punctuation dropped, so layout and full/half-width punctuation do not matter).
 * Undefined when the text has fewer than MIN_SIGNATURE_CHARS letters and digits.
 */
export function minhash(text: string): Uint32Array | undefined {
  return minhashOfNormalized(normalizeText(text));
}

/**
 * minhash() of text that is already normalizeText() output. One-permutation hashing: one hash per
 * shingle, its top bits choose one of SIGNATURE_SIZE bins and each bin keeps its least hash; bins
 * no shingle fell into are filled by densification.
 */
export function minhashOfNormalized(normalized: string): Uint32Array | undefined {
  const signature = new Uint32Array(SIGNATURE_SIZE).fill(0xffffffff);
  let filled = 0; // bit b set: bin b holds a hash
  let kept = 0; // letters and digits seen, in code units
  let previous = 0;
  let beforePrevious = 0;
  const n = normalized.length;
  for (let i = 0; i < n; i++) {
    const code = normalized.charCodeAt(i);
    let units = 1;
    if (code < 128) {
      // ASCII digits and letters
      if (code < 48 || (code > 57 && code < 65) || (code > 90 && code < 97) || code > 122) continue;
    } else if (code < 0xd800 || code > 0xdfff) {
      let cls = unitClass[code]!;
      if (cls === 0) unitClass[code] = cls = isLetterOrDigit(normalized[i]!) ? 1 : 2;
      if (cls === 2) continue;
    } else {
      // astral letters (a surrogate pair) count as two units, as they did in the shingled string;
      // lone surrogates are not letters
      if (code > 0xdbff || i + 1 >= n || (normalized.charCodeAt(i + 1) & 0xfc00) !== 0xdc00) continue;
      if (!isLetterOrDigit(normalized.slice(i, i + 2))) {
        i++;
        continue;
      }
      units = 2;
    }
    for (let u = 0; u < units; u++) {
      const unit = normalized.charCodeAt(i + u);
      if (++kept >= SHINGLE) {
        // FNV-1a over the three units, then an avalanche so the top bits are usable as a bin
        let h = Math.imul(2166136261 ^ beforePrevious, 16777619);
        h = Math.imul(h ^ previous, 16777619);
        h = mix(Math.imul(h ^ unit, 16777619) ^ SHINGLE_SEED);
        const bin = h >>> (32 - BIN_BITS);
        filled |= 1 << bin;
        if (h < signature[bin]!) signature[bin] = h;
      }
      beforePrevious = previous;
      previous = unit;
    }
    i += units - 1;
  }
  if (kept < MIN_SIGNATURE_CHARS) return undefined;
  if (filled !== -1) densify(signature, filled);
  return signature;
}

function densify(signature: Uint32Array, filled: number): void {
  for (let bin = 0; bin < SIGNATURE_SIZE; bin++) {
    if (filled & (1 << bin)) continue;
    const probes = bin * (SIGNATURE_SIZE - 1);
    for (let k = 0; k < SIGNATURE_SIZE - 1; k++) {
      const source = PROBES[probes + k]!;
      if (filled & (1 << source)) {
        signature[bin] = signature[source]!;
        break;
      }
    }
  }
}

/** Estimated Jaccard similarity: the share of positions where two signatures agree. */
export function similarity(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let k = 0; k < SIGNATURE_SIZE; k++) if (a[k] === b[k]) same++;
  return same / SIGNATURE_SIZE;
}

/** The 32-bit hash of one band's rows of a signature (bandKeys without the band number). */
export function bandHash(signature: Uint32Array, band: number): number {
  let hash = 2166136261 ^ band;
  for (let r = 0; r < ROWS; r++) hash = Math.imul(hash ^ signature[band * ROWS + r]!, 16777619);
  return hash >>> 0;
}

/** One key per band: texts sharing any band key are compared. */
export function bandKeys(signature: Uint32Array): number[] {
  // the band number in the high bits keeps equal hashes of different bands apart
  return Array.from({ length: BANDS }, (_, band) => band * 2 ** 32 + bandHash(signature, band));
}

export function signatureToBuffer(signature: Uint32Array): Buffer {
  return Buffer.from(signature.buffer, signature.byteOffset, signature.byteLength);
}

export function signatureFromBuffer(buffer: Buffer): Uint32Array {
  const copy = new Uint8Array(buffer);
  return new Uint32Array(copy.buffer, 0, SIGNATURE_SIZE);
}
