import { CharClass, classOf } from './chars.js';
import { countedMatches, matchPhrase, unionLists, unionMatches, type PhraseMatches } from './list-ops.js';
import type { PostingList } from './postings.js';
import { NS, TAG_BASE, WEIGHTS } from './segment-builder.js';
import type { ListRef, PostingsReader, SegmentInfo } from './segment-reader.js';
import { symbolPairs, type TermPhrase } from './tokenize.js';

/**
 * Where a query's terms occur in one segment: the part of a query that reads and decodes postings,
 * and nearly all of its time on large match sets. Segments hold disjoint ranges of documents, so
 * they are evaluated one at a time (or in parallel, search-helpers.ts) and their matches joined.
 */

export const EMPTY_MATCHES: PhraseMatches = { docs: new Int32Array(0), weights: new Float64Array(0), zones: new Uint8Array(0) };

/** A term's matches in the head (title and tags) and the body (summary and text). */
export interface FieldMatches {
  head: PhraseMatches;
  body: PhraseMatches;
}

function isSingleCjk(token: string): boolean {
  const cp = token.codePointAt(0)!;
  return token.length === (cp > 0xffff ? 2 : 1) && classOf(cp) === CharClass.Cjk;
}

const headWeight = (position: number) => (position < TAG_BASE ? WEIGHTS.title : WEIGHTS.tags);
const bodyWeight = () => WEIGHTS.body;

/**
 * The decoded lists of a phrase's tokens in one segment (each token's prefix expansions united):
 * the token with the fewest entries is decoded whole, each next one only where the documents so far
 * hold it, so a rare phrase of common tokens decodes a few blocks of their long lists. Null when
 * no document holds every token.
 */
function narrowedLists(refs: ListRef[][]): PostingList[] | null {
  const sizes = refs.map((expansions) => expansions.reduce((sum, ref) => sum + ref.count, 0));
  const order = refs.map((_, j) => j).sort((a, b) => sizes[a]! - sizes[b]!);
  const lists: PostingList[] = new Array(refs.length);
  let within: Int32Array | undefined;
  for (const j of order) {
    const decoded = refs[j]!.map((ref) => (within ? ref.decodeWithin(within) : ref.decode()));
    const list = decoded.length === 1 ? decoded[0]! : unionLists(decoded);
    if (list.docs.length === 0) return null;
    lists[j] = list;
    within = list.docs;
  }
  return lists;
}

/** Where one phrase occurs in one field of one segment. */
function phraseInSegment(reader: PostingsReader, segment: SegmentInfo, field: 'head' | 'body', phrase: TermPhrase): PhraseMatches {
  if (phrase.tokens.length === 0) return EMPTY_MATCHES;
  const head = field === 'head';
  if (phrase.tokens.length === 1 && phrase.prefix && isSingleCjk(phrase.tokens[0]!)) {
    // a single character: its own lists, so no prefix expansion over every bigram it starts
    const list = reader.list(segment, (head ? NS.headChar : NS.bodyChar) + phrase.tokens[0]!, false);
    if (!list) return EMPTY_MATCHES;
    return head ? matchPhrase([list], TAG_BASE, headWeight) : countedMatches(list, WEIGHTS.body);
  }
  const pairs = symbolPairs(phrase);
  const ns = pairs ? (head ? NS.headPair : NS.bodyPair) : head ? NS.head : NS.body;
  const { tokens } = pairs ?? phrase;
  const last = tokens.length - 1;
  const refs: ListRef[][] = [];
  for (let j = 0; j < tokens.length; j++) {
    const found = reader.refs(segment, ns + tokens[j]!, phrase.prefix && j === last);
    if (found.length === 0) return EMPTY_MATCHES;
    refs.push(found);
  }
  const lists = narrowedLists(refs);
  if (!lists) return EMPTY_MATCHES;
  return head || tokens.length > 1 ? matchPhrase(lists, TAG_BASE, head ? headWeight : bodyWeight) : countedMatches(lists[0]!, WEIGHTS.body);
}

/** Each term's matches in one segment; a term is the phrases of its variants (any may match). */
export function termsInSegment(reader: PostingsReader, segment: SegmentInfo, terms: readonly TermPhrase[][]): FieldMatches[] {
  return terms.map((variants) => {
    let head = EMPTY_MATCHES;
    let body = EMPTY_MATCHES;
    for (const phrase of variants) {
      head = unionMatches(head, phraseInSegment(reader, segment, 'head', phrase));
      body = unionMatches(body, phraseInSegment(reader, segment, 'body', phrase));
    }
    return { head, body };
  });
}

/** Matches of consecutive segments joined (documents stay ascending). */
export function concatMatches(parts: PhraseMatches[]): PhraseMatches {
  const nonEmpty = parts.filter((p) => p.docs.length > 0);
  if (nonEmpty.length === 0) return EMPTY_MATCHES;
  if (nonEmpty.length === 1) return nonEmpty[0]!;
  const size = nonEmpty.reduce((sum, p) => sum + p.docs.length, 0);
  // counted lists' weights are their frequencies (Int32Array): kept that way, half the bytes
  const integral = nonEmpty.every((p) => p.weights instanceof Int32Array);
  const out: PhraseMatches = { docs: new Int32Array(size), weights: integral ? new Int32Array(size) : new Float64Array(size), zones: new Uint8Array(size) };
  let at = 0;
  for (const part of nonEmpty) {
    out.docs.set(part.docs, at);
    out.weights.set(part.weights, at);
    out.zones.set(part.zones, at);
    at += part.docs.length;
  }
  return out;
}
