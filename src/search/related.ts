import { hasCjk } from './chars.js';

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

/** Most words a related search looks for. */
export const MAX_RELATED_WORDS = 8;

/**
 * Splits normalised query terms into dictionary words for the related-results fallback.
 * One-character CJK words are dropped: they match almost everything and say little.
 */
export function relatedWords(terms: readonly string[]): string[] {
  const words = new Set<string>();
  for (const term of terms) {
    for (const part of segmenter.segment(term)) {
      if (!part.isWordLike) continue;
      const word = part.segment;
      const length = Array.from(word).length;
      if (hasCjk(word) ? length < 2 : length < 2 && !/\d/.test(word)) continue;
      words.add(word);
    }
  }
  return [...words].slice(0, MAX_RELATED_WORDS);
}
