import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { benchRecord } from '../../src/bench/corpus.js';
import { renderMarkdown } from '../../src/content/render-markdown.js';
import { importRecordSchema } from '../../src/content/records.js';
import {
  bandKeys,
  MIN_SIGNATURE_CHARS,
  minhash,
  minhashOfNormalized,
  SIGNATURE_SIZE,
  signatureFromBuffer,
  signatureToBuffer,
  similarity,
} from '../../src/content/minhash.js';
import { normalizeText } from '../../src/search/normalize.js';
import { seededRandom } from '../../src/site/random.js';

/** The reference: the set of 3-unit shingles of the normalised letters and digits. */
function shingles(text: string): Set<string> {
  const compact = normalizeText(text).replace(/[^\p{L}\p{N}]/gu, '');
  const set = new Set<string>();
  for (let i = 0; i + 3 <= compact.length; i++) set.add(compact.slice(i, i + 3));
  return set;
}

function jaccard(a: string, b: string): number {
  const x = shingles(a);
  const y = shingles(b);
  let common = 0;
  for (const s of x) if (y.has(s)) common++;
  return common / (x.size + y.size - common);
}

function estimate(a: string, b: string): number {
  return similarity(minhash(a)!, minhash(b)!);
}

/** Chinese-looking prose of `length` letters: random common ideographs with punctuation between. */
function chinese(random: () => number, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) {
    text += String.fromCharCode(0x4e00 + Math.floor(random() * 0x5000));
    if (random() < 0.06) text += random() < 0.7 ? '，' : '。\n';
  }
  return text;
}

/**
 * Two ~1,000-letter texts sharing five segments, with a text-only segment after each, sized so
 * the shingle Jaccard similarity is close to `target`.
 */
function pairWithJaccard(random: () => number, target: number): [string, string] {
  const total = 1000;
  const shared = Math.round((2 * total * target) / (1 + target));
  const own = total - shared;
  let a = '';
  let b = '';
  for (let k = 0; k < 5; k++) {
    const common = chinese(random, Math.round(shared / 5));
    a += common + chinese(random, Math.round(own / 5));
    b += common + chinese(random, Math.round(own / 5));
  }
  return [a, b];
}

function changeCharacters(random: () => number, text: string, count: number): string {
  const chars = [...text];
  for (let k = 0; k < count; k++) chars[Math.floor(random() * chars.length)] = '变';
  return chars.join('');
}

describe('minhash estimates', () => {
  it.each([0.3, 0.6, 0.9])('tracks a true Jaccard similarity of %s within ±0.15', (target) => {
    const random = seededRandom(Math.round(target * 1000));
    const pairs = Array.from({ length: 6 }, () => pairWithJaccard(random, target));
    const truth = pairs.reduce((sum, [a, b]) => sum + jaccard(a, b), 0) / pairs.length;
    const estimated = pairs.reduce((sum, [a, b]) => sum + estimate(a, b), 0) / pairs.length;
    expect(Math.abs(truth - target)).toBeLessThan(0.05);
    expect(Math.abs(estimated - truth)).toBeLessThanOrEqual(0.15);
  });

  it('rates texts with a few characters changed as duplicates and unrelated texts as different', () => {
    const random = seededRandom(7);
    for (let k = 0; k < 5; k++) {
      const text = chinese(random, 1000);
      expect(estimate(text, changeCharacters(random, text, 5))).toBeGreaterThanOrEqual(0.7);
      expect(estimate(text, chinese(random, 1000))).toBeLessThanOrEqual(0.2);
    }
  });

  it('keeps different articles of the benchmark corpus (shared vocabulary, Latin terms) apart', () => {
    const taxonomy = { categories: [{ slug: 'a', tags: ['Linux'] }] };
    const texts = Array.from({ length: 10 }, (_, i) => renderMarkdown(importRecordSchema.parse(benchRecord(i, { seed: 1, taxonomy }).value).body).plainText);
    for (let i = 0; i < texts.length; i++) {
      for (let j = i + 1; j < texts.length; j++) expect(estimate(texts[i]!, texts[j]!)).toBeLessThanOrEqual(0.2);
    }
  });
});

describe('minhash signatures', () => {
  it('minhashOfNormalized on normalizeText output is minhash', () => {
    const text = chinese(seededRandom(1), 400) + ' Kubernetes ＡＢＣ 網路';
    expect(minhashOfNormalized(normalizeText(text))).toEqual(minhash(text));
  });

  it('depend only on the letters and digits: spaces and punctuation anywhere change nothing', () => {
    const base = chinese(seededRandom(2), 300) + 'docker 1.25 容器';
    const reference = minhash(base)!;
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.constantFrom(' ', '\n', '，', ',', '。', '！', '-', '“', '”', '（', '）', '·', '\u3000', '😀')), { maxLength: 40 }), (inserts) => {
        const chars = [...base];
        for (const [at, mark] of inserts) chars.splice(at % (chars.length + 1), 0, mark);
        expect(minhash(chars.join(''))).toEqual(reference);
      }),
      { numRuns: 200, seed: 5 },
    );
  });

  it('need MIN_SIGNATURE_CHARS letters or digits, counted in code units', () => {
    const letters = (n: number) => Array.from({ length: n }, (_, i) => String.fromCharCode(0x4e00 + i * 7)).join('，');
    expect(minhash(letters(MIN_SIGNATURE_CHARS - 1))).toBeUndefined();
    expect(minhash(letters(MIN_SIGNATURE_CHARS))).toBeDefined();
    expect(minhash('。'.repeat(1000))).toBeUndefined();
    // an astral ideograph is two units, as it was in the shingled string
    expect(minhash('𠮷'.repeat(MIN_SIGNATURE_CHARS / 2 - 1))).toBeUndefined();
    expect(minhash('𠮷'.repeat(MIN_SIGNATURE_CHARS / 2))).toBeDefined();
  });

  it('fill every bin of a repetitive text from the few shingles it has', () => {
    const signature = minhash('容器'.repeat(150))!;
    expect(signature).toHaveLength(SIGNATURE_SIZE);
    // two distinct shingles: at most two distinct values, copied into the empty bins
    expect(new Set(signature).size).toBeLessThanOrEqual(2);
    expect(similarity(signature, minhash('器容'.repeat(150))!)).toBe(1);
    expect(similarity(signature, minhash('网络'.repeat(150))!)).toBe(0);
  });

  it('survive the round trip through a database blob, band keys included', () => {
    const signature = minhash(chinese(seededRandom(3), 500))!;
    const restored = signatureFromBuffer(Buffer.from(signatureToBuffer(signature)));
    expect(restored).toEqual(signature);
    expect(bandKeys(restored)).toEqual(bandKeys(signature));
    expect(new Set(bandKeys(signature).map((key) => Math.floor(key / 2 ** 32)))).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7]));
  });
});
