import { normalizeText } from '../../src/search/normalize.js';
import type { ParsedQuery } from '../../src/search/query.js';

/**
 * The search semantics written as plainly as possible, independent of the tokenizer and the
 * index: scan each normalised field for each term.
 */
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const WORD = /[\p{L}\p{N}\p{M}]/u;

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && WORD.test(ch) && !CJK.test(ch);
}

/** A term occurs where it starts at a word boundary: not after a letter or digit when it starts with one. */
export function oracleOccurs(term: string, text: string): boolean {
  const chars = Array.from(text);
  const termChars = Array.from(term);
  for (let i = 0; i + termChars.length <= chars.length; i++) {
    if (chars.slice(i, i + termChars.length).join('') !== term) continue;
    const boundary = i === 0 || !(isWordChar(chars[i - 1]) && isWordChar(chars[i]));
    if (boundary) return true;
  }
  return false;
}

export interface OracleDoc {
  id: number;
  title: string;
  tags: string[];
  summary: string;
  body: string;
}

export function oracleMatches(doc: OracleDoc, query: ParsedQuery): boolean {
  if (query.include.length === 0) return false;
  const fields = [doc.title, ...doc.tags, doc.summary, doc.body].map(normalizeText);
  const holds = (variants: string[]) => variants.some((v) => fields.some((f) => oracleOccurs(v, f)));
  return query.include.every((t) => holds([t.text, ...t.alternatives])) && !query.exclude.some((t) => holds([t.text, ...t.alternatives]));
}
