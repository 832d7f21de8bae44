import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeText, normalizeWithMap } from '../../src/search/normalize.js';

// Pieces that exercise every branch of the fold: ASCII, simplified and traditional Chinese
// (character- and phrase-level), full-width forms, characters whose NFKC form is several units or
// starts with a space, combining marks, astral characters, lone surrogates, controls and spaces.
const PIECES = [
  'a', 'Z', 'Kubernetes', 'C++', '0', '-', '.', ',', '~',
  '容器', '网络', '软件', '網路', '軟體', '容器編排', '記憶體', '伺服器', '資料庫', '发', '發', '髮', '台', '臺', '後', '后', '裡', '里',
  'ＡＢＣ', '１２３', '，', '。', '：', '（', '）', '！', '＃',
  'ﬁ', '㍻', '½', '¨', '´', '̈', 'e\u0301', 'İ', 'ẞ', 'Σ', 'ς', 'ǅ', 'Ⅻ', '㈱', '﷽', '\u1100\u1161',
  '😀', '👍🏽', '𠮷', '𝐀', '🇨🇳', '\ud800', '\udc00', '\udbff', 'x\ud83d',
  '\u0000', '\u0007', '\u007f', '\u0085', '\u200b', '\u200d', '\u00ad', '\ufeff', '\u2028', '\u2029',
  ' ', '  ', '\t', '\n', '\r\n', '\u000b', '\f', '\u00a0', '\u1680', '\u2002', '\u2003', '\u202f', '\u205f', '\u3000',
];

const piece = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...PIECES) },
  { weight: 2, arbitrary: fc.integer({ min: 0x4e00, max: 0x9fff }).map((code) => String.fromCharCode(code)) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)) },
  { weight: 1, arbitrary: fc.integer({ min: 0x10000, max: 0x10ffff }).map((code) => String.fromCodePoint(code)) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
);
const text = fc.array(piece, { maxLength: 80 }).map((pieces) => pieces.join(''));

describe('normalizeText', () => {
  it('gives exactly the text of normalizeWithMap, which snippets use', () => {
    fc.assert(
      fc.property(text, (input) => {
        expect(normalizeText(input)).toBe(normalizeWithMap(input).text);
      }),
      { numRuns: 5000, seed: 11 },
    );
  });

  it('gives the same text on a second call, when every fold comes from the cache', () => {
    fc.assert(
      fc.property(text, (input) => {
        const first = normalizeText(input);
        expect(normalizeText(input)).toBe(first);
        expect(first).toBe(normalizeWithMap(input).text);
      }),
      { numRuns: 1000, seed: 12 },
    );
  });

  it('handles texts longer than its reused buffer, including folds that grow', () => {
    const long = '網路 ＡＢＣ ㍻ ﷽ 😀\n'.repeat(20_000);
    expect(normalizeText(long)).toBe(normalizeWithMap(long).text);
    expect(normalizeText('短')).toBe('短');
  });

  it('folds the usual cases', () => {
    expect(normalizeText('  網路 與 軟體\n\tＡＢＣ１２３，Docker  ')).toBe('网络 与 软件 abc123,docker');
    expect(normalizeText('\u200b\u3000')).toBe('');
  });
});
