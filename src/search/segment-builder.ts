import { normalizeText } from './normalize.js';
import { PostingBuilder } from './postings.js';
import { scanTokens } from './tokenize.js';

/**
 * Turns a batch of documents into one index segment: for every token, its posting list over the
 * batch, with documents numbered 0..n-1. Pure, so it can run wherever the batch is prepared.
 *
 * Keys are a namespace character followed by the token:
 *   h  head (title, then each tag), positional: title positions start at 0, tag k's at
 *      TAG_BASE + k * TAG_STRIDE, so no phrase spans two fields and a position says title or tags;
 *   H  head CJK characters, positional (single-character terms, with the same positions);
 *   b  body (summary, then body), positional, the two fields a position apart;
 *   B  body CJK characters, counted (frequency only: a single character needs no phrase check);
 *   f  facets, counted: fc<category id>, ft<tag id>.
 */
export const NS = { head: 'h', headChar: 'H', body: 'b', bodyChar: 'B', facet: 'f' } as const;
/** Title positions are below this; tags start here. */
export const TAG_BASE = 4096;
const TAG_STRIDE = 256;
/** A title occurrence weighs as much as ten body occurrences; a tag occurrence five. */
export const WEIGHTS = { title: 10, tags: 5, body: 1 } as const;

/** The text of one document, already normalised (normalizeText). */
export interface NormalizedFields {
  title: string;
  tags: string[];
  summary: string;
  body: string;
}

export interface SegmentInput {
  fields: NormalizedFields;
  categoryId: number;
  tagIds: number[];
}

export interface BuiltSegment {
  docCount: number;
  /** Keys in code-point order (SQLite's order for TEXT), each with its encoded list. */
  keys: string[];
  lists: Uint8Array[];
  /** Weighted token count per document, for BM25's length normalisation. */
  lengths: Float64Array;
}

export function normalizeFields(doc: { title: string; tags: string[]; summary: string; body: string }): NormalizedFields {
  return { title: normalizeText(doc.title), tags: doc.tags.map(normalizeText), summary: normalizeText(doc.summary), body: normalizeText(doc.body) };
}

/** Compares strings by code point, which is the byte order of their UTF-8 (SQLite's BINARY). */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // a surrogate (astral code point) sorts after every other BMP code unit in code-point order
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

export function buildSegment(docs: readonly SegmentInput[]): BuiltSegment {
  const postings = new Map<string, PostingBuilder>();
  const add = (key: string, doc: number, positions: number[] | null, frequency?: number) => {
    let builder = postings.get(key);
    if (!builder) postings.set(key, (builder = new PostingBuilder()));
    builder.add(doc, positions, frequency);
  };
  const lengths = new Float64Array(docs.length);
  docs.forEach((doc, n) => {
    const head = new Map<string, number[]>();
    const body = new Map<string, number[]>();
    const bodyChars = new Map<string, number>();
    const atHead = (token: string, position: number, cjk: string | undefined) => {
      const key = NS.head + token;
      const positions = head.get(key);
      if (positions) positions.push(position);
      else head.set(key, [position]);
      if (cjk !== undefined) {
        const charKey = NS.headChar + cjk;
        const charPositions = head.get(charKey);
        if (charPositions) charPositions.push(position);
        else head.set(charKey, [position]);
      }
    };
    const atBody = (token: string, position: number, cjk: string | undefined) => {
      const positions = body.get(token);
      if (positions) positions.push(position);
      else body.set(token, [position]);
      if (cjk !== undefined) bodyChars.set(cjk, (bodyChars.get(cjk) ?? 0) + 1);
    };
    const { fields } = doc;
    const titleLength = scanTokens(fields.title, 0, atHead);
    let tagLength = 0;
    fields.tags.forEach((tag, k) => {
      const start = TAG_BASE + k * TAG_STRIDE;
      tagLength += scanTokens(tag, start, atHead) - start;
    });
    const summaryEnd = scanTokens(fields.summary, 0, atBody);
    const bodyEnd = scanTokens(fields.body, summaryEnd + 1, atBody);
    lengths[n] = WEIGHTS.title * titleLength + WEIGHTS.tags * tagLength + WEIGHTS.body * (bodyEnd - 1);
    for (const [key, positions] of head) add(key, n, positions);
    for (const [token, positions] of body) add(NS.body + token, n, positions);
    for (const [ch, count] of bodyChars) add(NS.bodyChar + ch, n, null, count);
    add(`${NS.facet}c${doc.categoryId}`, n, null);
    for (const tagId of new Set(doc.tagIds)) add(`${NS.facet}t${tagId}`, n, null);
  });
  const keys = [...postings.keys()].sort(compareKeys);
  return { docCount: docs.length, keys, lists: keys.map((key) => postings.get(key)!.result()), lengths };
}
