import { CharClass, classOf } from './chars.js';
import { kernelPhraseDocs } from './kernels/list-kernels.js';
import { countedMatches, listAmong, matchPhrase, phraseDocs, unionDocs, unionLists, unionMatches, unitedDocs, unitedMatches, type PhraseMatches } from './list-ops.js';
import { SKIP_INTERVAL, type EncodedList, type PostingList } from './postings.js';
import { NS, TAG_BASE, WEIGHTS } from './segment-builder.js';
import type { ListRef, SegmentInfo } from './segment-reader.js';
import { symbolPairs, type TermPhrase } from './tokenize.js';

/**
 * Where a query's terms occur in one segment: the part of a query that reads and decodes postings,
 * and most of its time on large match sets. The rest of a segment's part of a query is in
 * segment-query.ts.
 */

export const EMPTY_MATCHES: PhraseMatches = { docs: new Int32Array(0), weights: new Float64Array(0), zones: new Uint8Array(0) };

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

/** Where lists come from: a segment reader, or one that remembers its lookups for a query. */
export interface ListSource {
  refs(segment: SegmentInfo, key: string, prefix: boolean): ListRef[];
}

/**
 * A source that looks each list up once: a query first sizes its share of the work from the lists
 * it will read (worthSharing), then reads the same lists.
 */
export function rememberingLookups(source: ListSource): ListSource {
  const seen = new Map<string, ListRef[]>();
  return {
    refs(segment, key, prefix) {
      const id = `${segment.id}:${prefix ? 1 : 0}:${key}`;
      let refs = seen.get(id);
      if (!refs) seen.set(id, (refs = source.refs(segment, key, prefix)));
      return refs;
    },
  };
}

function isCjkBigram(token: string): boolean {
  const chars = [...token];
  return chars.length === 2 && chars.every((char) => classOf(char.codePointAt(0)!) === CharClass.Cjk);
}

/**
 * Which of a CJK phrase's bigrams to match. A k-character phrase is k−1 overlapping bigrams, but
 * every other one (and the last) already spells each character at its place: the rest add work,
 * not precision. 需要注意的是 (6 characters) is matched from 3 lists instead of 5. Of the covers
 * tried — every other bigram from the first, or from around the rarest — the one kept is the
 * cheapest by a rough measure: its candidates (its shortest list) checked once per list, plus the
 * entries decoded.
 */
export function bigramCover(sizes: readonly number[]): number[] {
  const last = sizes.length - 1;
  const around = (from: number): number[] => {
    const keep = [from];
    // characters from+2 … last+1 are still to cover on the right, from−1 … 0 on the left
    for (let c = from + 2; c <= last + 1; ) {
      const token = Math.min(c, last);
      keep.push(token);
      c = token + 2;
    }
    for (let c = from - 1; c >= 0; ) {
      const token = Math.max(c - 1, 0);
      keep.push(token);
      c = token - 1;
    }
    return keep.sort((a, b) => a - b);
  };
  const cost = (cover: number[]) => {
    const candidates = Math.min(...cover.map((t) => sizes[t]!));
    return cover.reduce((sum, t) => sum + Math.min(sizes[t]!, candidates * SKIP_INTERVAL), 0) + PHRASE_CHECK_COST * candidates * cover.length;
  };
  const covers = [around(sizes.indexOf(Math.min(...sizes))), around(0), around(1)];
  return covers.reduce((best, cover) => (cost(cover) < cost(best) ? cover : best));
}

/** Checking a candidate's positions for one list, in decoded entries: measured roughly, 3-5x an entry. */
const PHRASE_CHECK_COST = 4;

interface PhraseLists {
  /** Each matched token's lists (its prefix expansions). */
  refs: ListRef[][];
  /** Each matched token's position from the phrase's start, when some tokens are skipped. */
  offsets: number[] | undefined;
  tokens: number;
}

/** The lists a phrase is matched from in one field of one segment (each token's expansions), or null when one is missing. */
function phraseRefs(source: ListSource, segment: SegmentInfo, head: boolean, phrase: TermPhrase): PhraseLists | null {
  if (phrase.tokens.length === 0) return null;
  if (phrase.tokens.length === 1 && phrase.prefix && isSingleCjk(phrase.tokens[0]!)) {
    // a single character: its own lists, so no prefix expansion over every bigram it starts
    const refs = source.refs(segment, (head ? NS.headChar : NS.bodyChar) + phrase.tokens[0]!, false);
    return refs.length === 0 ? null : { refs: [refs], offsets: undefined, tokens: 1 };
  }
  const pairs = symbolPairs(phrase);
  const ns = pairs ? (head ? NS.headPair : NS.bodyPair) : head ? NS.head : NS.body;
  const { tokens } = pairs ?? phrase;
  const last = tokens.length - 1;
  const refs: ListRef[][] = [];
  for (let j = 0; j < tokens.length; j++) {
    const found = source.refs(segment, ns + tokens[j]!, phrase.prefix && j === last);
    if (found.length === 0) return null;
    refs.push(found);
  }
  if (pairs || phrase.prefix || tokens.length < 3 || !tokens.every(isCjkBigram)) return { refs, offsets: undefined, tokens: tokens.length };
  const offsets = bigramCover(refs.map((expansions) => expansions[0]!.count));
  return { refs: offsets.map((j) => refs[j]!), offsets, tokens: offsets.length };
}

/** Where one phrase occurs in the head (title and tags) of one segment, weighed. */
function weighedPhraseInHead(source: ListSource, segment: SegmentInfo, phrase: TermPhrase): PhraseMatches {
  const found = phraseRefs(source, segment, true, phrase);
  if (!found) return EMPTY_MATCHES;
  // a prefix's title and tag matches: each expansion weighed from its own list, then united
  if (found.tokens === 1 && found.refs[0]!.length > 1) return unitedMatches(found.refs[0]!.map((ref) => matchPhrase([ref.decode()], TAG_BASE, headWeight)));
  const lists = narrowedLists(found.refs);
  return lists ? matchPhrase(lists, TAG_BASE, headWeight, found.offsets) : EMPTY_MATCHES;
}

/**
 * The body documents holding one phrase, and their weights among some of them: the weights are
 * wanted for a few candidates only. A single token's lists are read for their documents alone; a
 * phrase of several tokens is matched without counting its occurrences (phraseDocs) unless it is
 * rare, and its weights are then counted from the lists already decoded.
 */
function phraseInBody(source: ListSource, segment: SegmentInfo, phrase: TermPhrase): { docs: Int32Array; among(docs: Int32Array): PhraseMatches } {
  const found = phraseRefs(source, segment, false, phrase);
  // one token (a prefix's expansions united): its documents now, its frequencies for the few scored
  const expansions = found?.tokens === 1 ? found.refs[0]! : undefined;
  if (expansions) {
    return {
      docs: unitedDocs(expansions.map((ref) => ref.docs())),
      among: (docs) => countedMatches(unionLists(expansions.map((ref) => ref.decodeWithin(docs))), WEIGHTS.body),
    };
  }
  if (!found) return { docs: EMPTY_MATCHES.docs, among: () => EMPTY_MATCHES };
  const weighed = (lists: PostingList[]) => matchPhrase(lists, TAG_BASE, bodyWeight, found.offsets);
  const streamed = streamedPhraseDocs(found.refs, segment, found.offsets);
  // the weights of the scored few, from their entries alone
  if (streamed) {
    return {
      docs: streamed,
      among: (docs) => weighed(found.refs.map((expansions) => (expansions.length === 1 ? expansions[0]!.decodeWithin(docs) : unionLists(expansions.map((ref) => ref.decodeWithin(docs)))))),
    };
  }
  const lists = narrowedLists(found.refs);
  if (!lists) return { docs: EMPTY_MATCHES.docs, among: () => EMPTY_MATCHES };
  const fewest = Math.min(...lists.map((list) => list.docs.length));
  if (fewest <= COUNTED_AT_ONCE) {
    const matches = weighed(lists);
    return { docs: matches.docs, among: () => matches };
  }
  return { docs: phraseDocs(lists, found.offsets), among: (docs) => weighed(lists.map((list) => listAmong(list, docs))) };
}

/**
 * A common phrase's documents from the phrase kernel, which reads the lists as stored; undefined
 * (for narrowedLists and phraseDocs) when the phrase is rare (its weights are wanted at once), or
 * when one list is so much longer than the shortest that reading only the blocks that can match
 * (skip tables) beats reading it through. A token that is a prefix's expansions (the last of a
 * Latin term) is split: the phrase holds where it holds with any one of them, so each long
 * expansion is matched in the kernel and the short rest, united, in phraseDocs.
 */
function streamedPhraseDocs(refs: ListRef[][], segment: SegmentInfo, offsets: ArrayLike<number> | undefined): Int32Array | undefined {
  const united = refs.findIndex((expansions) => expansions.length > 1);
  if (united < 0) return kernelPhrase(refs.map((expansions) => expansions[0]!), segment, offsets);
  if (refs.some((expansions, j) => j !== united && expansions.length > 1)) return undefined;
  const expansions = [...refs[united]!].sort((a, b) => b.count - a.count);
  const long = expansions.filter((ref) => ref.count > COUNTED_AT_ONCE).slice(0, STREAMED_EXPANSIONS);
  if (long.length === 0) return undefined;
  const withToken = (token: ListRef[]) => refs.map((expansions, j) => (j === united ? token : expansions));
  const parts: Int32Array[] = [];
  for (const ref of long) {
    const docs = kernelPhrase(withToken([ref]).map((expansions) => expansions[0]!), segment, offsets);
    if (!docs) return undefined;
    parts.push(docs);
  }
  const rest = expansions.slice(long.length);
  const restLists = rest.length > 0 ? narrowedLists(withToken(rest)) : null;
  if (restLists) parts.push(phraseDocs(restLists, offsets));
  return unitedDocs(parts);
}

function kernelPhrase(refs: ListRef[], segment: SegmentInfo, offsets: ArrayLike<number> | undefined): Int32Array | undefined {
  const counts = refs.map((ref) => ref.count);
  const fewest = Math.min(...counts);
  if (fewest <= COUNTED_AT_ONCE || Math.max(...counts) > fewest * STREAMED_SPREAD) return undefined;
  const encoded: EncodedList[] = [];
  for (const ref of refs) {
    const list = ref.encoded();
    if (!list) return undefined;
    encoded.push(list);
  }
  return kernelPhraseDocs(encoded, segment.base, offsets);
}

/** A prefix's longest expansions matched in the kernel one by one, at most. */
const STREAMED_EXPANSIONS = 8;

/**
 * The phrase kernel reads every list through; past this many entries per entry of the shortest,
 * most of a list's skip blocks hold none of its documents and decodeWithin reads less.
 */
const STREAMED_SPREAD = 32;

/** Body phrases with at most this many candidates in a segment are counted at once (the weights of a small set are wanted). */
const COUNTED_AT_ONCE = 2000;

/**
 * About how many list entries evaluating `terms` in one segment decodes: each phrase's shortest
 * list whole, and of each other list the blocks that can hold the shortest one's documents (a
 * block of SKIP_INTERVAL entries per candidate at most). It sizes a query's work before any of it
 * is done.
 */
export function entriesToRead(source: ListSource, segment: SegmentInfo, terms: readonly TermPhrase[][]): number {
  let entries = 0;
  for (const variants of terms) {
    for (const phrase of variants) {
      for (const head of [true, false]) {
        const found = phraseRefs(source, segment, head, phrase);
        if (!found) continue;
        const sizes = found.refs.map((expansions) => expansions.reduce((sum, ref) => sum + ref.count, 0));
        const shortest = Math.min(...sizes);
        for (const size of sizes) entries += Math.min(size, shortest * SKIP_INTERVAL);
      }
    }
  }
  return entries;
}

/** A term's head matches (for tiers), the documents whose body holds it, and its body weights on demand. */
export interface TermDocs {
  headDocs: Int32Array;
  /** The head's matches with their weights and zones, at least for the documents of `docs` (ascending) it holds. */
  headAmong(docs: Int32Array): PhraseMatches;
  bodyDocs: Int32Array;
  /** The body's matches with their weights, at least for `docs` (ascending, some of bodyDocs). */
  bodyAmong(docs: Int32Array): PhraseMatches;
}

/**
 * Each term's matches in one segment (a term is the phrases of its variants, any may match),
 * without counting a common body phrase's occurrences: which documents hold each term, then weights and zones only for the documents that need them (the scored few, and those
 * in every term's head, for the tiers). Such a phrase is done with a document at its first
 * occurrence, where counting them all took a quarter more time (at 1M: 配置和 174 → 125 ms); and a
 * common word's title and tag list is weighed for the candidates, not whole.
 */
export function termDocsInSegment(source: ListSource, segment: SegmentInfo, terms: readonly TermPhrase[][]): TermDocs[] {
  // one term's head is in every tier's way (its documents are the title and tag tiers): weighed
  // at once, it is read once
  const eager = terms.length === 1;
  return terms.map((variants) => {
    let headDocs = EMPTY_MATCHES.docs;
    let bodyDocs = EMPTY_MATCHES.docs;
    const heads: Array<ReturnType<typeof phraseInHead>> = [];
    const bodies: Array<ReturnType<typeof phraseInBody>> = [];
    for (const phrase of variants) {
      const head = phraseInHead(source, segment, phrase, eager);
      headDocs = unionDocs(headDocs, head.docs);
      heads.push(head);
      const body = phraseInBody(source, segment, phrase);
      bodyDocs = unionDocs(bodyDocs, body.docs);
      bodies.push(body);
    }
    const among = (parts: Array<{ among(docs: Int32Array): PhraseMatches }>, docs: Int32Array) => parts.reduce((united, part) => unionMatches(united, part.among(docs)), EMPTY_MATCHES);
    return { headDocs, headAmong: (docs) => among(heads, docs), bodyDocs, bodyAmong: (docs) => among(bodies, docs) };
  });
}

/**
 * The head (title and tags) documents holding one phrase, and their matches among some of them. A
 * single token's list (or a prefix's lists) is read for its documents and weighed for the
 * documents asked for, or whole when they are a quarter of it or more (reading it through is then
 * cheaper than picking them out); a phrase of several tokens, or any phrase when `eager`, is
 * matched at once.
 */
function phraseInHead(source: ListSource, segment: SegmentInfo, phrase: TermPhrase, eager: boolean): { docs: Int32Array; among(docs: Int32Array): PhraseMatches } {
  const found = phraseRefs(source, segment, true, phrase);
  if (found?.tokens === 1 && !eager) {
    const expansions = found.refs[0]!;
    const whole = new Map<ListRef, PhraseMatches>();
    const weighed = (ref: ListRef, docs: Int32Array) => {
      if (docs.length * 4 < ref.count) return matchPhrase([ref.decodeWithin(docs)], TAG_BASE, headWeight);
      let all = whole.get(ref);
      if (!all) whole.set(ref, (all = matchPhrase([ref.decode()], TAG_BASE, headWeight)));
      return all;
    };
    return {
      docs: unitedDocs(expansions.map((ref) => ref.docs())),
      among: (docs) => (expansions.length === 1 ? weighed(expansions[0]!, docs) : unitedMatches(expansions.map((ref) => weighed(ref, docs)))),
    };
  }
  const matches = weighedPhraseInHead(source, segment, phrase);
  return { docs: matches.docs, among: () => matches };
}

/**
 * Which documents hold each term, in the head (title and tags) and in the body, no occurrence
 * weighed: what related results (which count words) and excluded terms need. Weighing the head
 * lists of common words took a fifth of a related query's time at 1M.
 */
export function unweighedTermDocs(source: ListSource, segment: SegmentInfo, terms: readonly TermPhrase[][]): Array<{ headDocs: Int32Array; bodyDocs: Int32Array }> {
  return terms.map((variants) => {
    let headDocs = EMPTY_MATCHES.docs;
    let bodyDocs = EMPTY_MATCHES.docs;
    for (const phrase of variants) {
      headDocs = unionDocs(headDocs, phraseDocsInHead(source, segment, phrase));
      bodyDocs = unionDocs(bodyDocs, phraseInBody(source, segment, phrase).docs);
    }
    return { headDocs, bodyDocs };
  });
}

/** The head documents holding one phrase: weighedPhraseInHead's documents without their weights. */
function phraseDocsInHead(source: ListSource, segment: SegmentInfo, phrase: TermPhrase): Int32Array {
  const found = phraseRefs(source, segment, true, phrase);
  if (!found) return EMPTY_MATCHES.docs;
  if (found.tokens === 1) return unitedDocs(found.refs[0]!.map((ref) => ref.docs()));
  const lists = narrowedLists(found.refs);
  return lists ? phraseDocs(lists, found.offsets) : EMPTY_MATCHES.docs;
}
