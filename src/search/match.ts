import { isWordBoundary } from './chars.js';

/**
 * Where a normalised term occurs in normalised text, by the public semantics: a term starts at a
 * word boundary and may end anywhere. A term that starts with a CJK character or a symbol starts
 * at a boundary wherever it occurs, so it matches as a plain substring (数据 in 大数据库); one that
 * starts with a letter or digit matches as a prefix of a word (kube in kubernetes, linux命令 in
 * linux命令行, not in gnulinux命令). The index (tokenize.ts) finds exactly these occurrences.
 */

/** Index of the first occurrence at or after `from`, or -1. */
export function firstOccurrence(term: string, text: string, from: number): number {
  let index = text.indexOf(term, from);
  while (index >= 0 && !isWordBoundary(text, index)) index = text.indexOf(term, index + 1);
  return index;
}

/** Every occurrence of a term in text as [start, end) pairs, non-overlapping, in order. */
export function occurrences(term: string, text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  if (!term) return out;
  let index = firstOccurrence(term, text, 0);
  while (index >= 0) {
    out.push([index, index + term.length]);
    index = firstOccurrence(term, text, index + term.length);
  }
  return out;
}
