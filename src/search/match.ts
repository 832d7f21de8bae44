import { hasCjk, isWordBoundary } from './chars.js';

/**
 * Whether a normalised term occurs in normalised text, by the public semantics: CJK-bearing
 * terms as substrings; other terms as a prefix starting at a word boundary.
 */
export function termOccursIn(term: string, text: string): boolean {
  return firstOccurrence(term, text, 0) >= 0;
}

/** Index of the first occurrence at or after `from`, or -1. */
export function firstOccurrence(term: string, text: string, from: number, cjk = hasCjk(term)): number {
  let index = text.indexOf(term, from);
  if (cjk) return index;
  while (index >= 0 && !isWordBoundary(text, index)) index = text.indexOf(term, index + 1);
  return index;
}

/** Every occurrence of a term in text as [start, end) pairs, non-overlapping, in order. */
export function occurrences(term: string, text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  if (!term) return out;
  const cjk = hasCjk(term);
  let index = firstOccurrence(term, text, 0, cjk);
  while (index >= 0) {
    out.push([index, index + term.length]);
    index = firstOccurrence(term, text, index + term.length, cjk);
  }
  return out;
}
