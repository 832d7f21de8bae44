import { indexOf, intersectDocs, liveUnionDocs, subtractDocs, unionDocs } from './list-ops.js';
import { NS } from './segment-builder.js';
import type { PostingsReader, SegmentInfo } from './segment-reader.js';
import { kernelMarkedJoin } from './kernels/list-kernels.js';
import { MAX_TALLIED_WORDS, tallyWords } from './related-tally.js';
import { termDocsInSegment, unweighedTermDocs, type ListSource, type TermDocs } from './segment-terms.js';
import type { TermPhrase } from './tokenize.js';

/**
 * A query evaluated on one segment, as far as one segment can take it: its candidates after
 * the filters and exclusions, their tiers, the newest of each tier, and for small sets what BM25
 * needs. Segments hold disjoint documents, so they are evaluated independently (and in parallel,
 * search-helpers.ts) and the asking thread only merges: totals add, small sets are scored, large
 * ones take the newest of each tier across segments.
 */

/** Match sets up to this size are ranked fully by BM25; larger ones by tier, then recency. */
export const FULL_RANK_LIMIT = 2000;

/**
 * The per-document facts a segment's evaluation reads, indexed by document number. The asking
 * thread's arrays live in shared memory, so a helper reads them as they are, uncopied; they only
 * change between queries, while no helper works.
 */
export interface DocumentFacts {
  alive: Uint8Array;
  category: Int32Array;
  minute: Int32Array;
  article: Int32Array;
}

export interface SegmentSearch {
  include: TermPhrase[][];
  exclude: TermPhrase[][];
  categoryId: number | undefined;
  tagId: number | undefined;
  /** Documents wanted from each tier, newest first (the offset plus the page). */
  newest: number;
  /** False when only the candidates are wanted (counting). */
  ranked: boolean;
}

export interface SegmentSearchResult {
  /** Live documents in the filters holding every term and no excluded term; ascending. */
  candidates: Int32Array;
  /** Live documents holding each included term (in any category), for its IDF; with `weights`. */
  termLive: number[];
  /** When `weights` are given: each candidate's tier. */
  tiers: Uint8Array | undefined;
  /** The tiers' sizes. */
  tierSizes: [number, number, number];
  /** The `newest` newest candidates of each tier, newest first. */
  newest: [Int32Array, Int32Array, Int32Array];
  /**
   * Each included term's weighted frequency in each candidate (candidate-major), for BM25: when
   * there are at most FULL_RANK_LIMIT candidates.
   */
  weights: Float64Array | undefined;
}

/** Newer first: later publish minute, then the higher article id. */
export function newerIn(facts: DocumentFacts): (a: number, b: number) => number {
  const { minute, article } = facts;
  return (a, b) => minute[b]! - minute[a]! || article[b]! - article[a]!;
}

/** The `count` newest of `docs`, newest first, without sorting them all. */
export function newestOf(docs: Int32Array, count: number, newer: (a: number, b: number) => number): Int32Array {
  if (count <= 0) return new Int32Array(0);
  if (count >= docs.length) return Int32Array.from(docs).sort(newer);
  // a min-heap (by recency) of the best `count` so far: its root is the oldest of them
  const heap = new Int32Array(count);
  let size = 0;
  const older = (a: number, b: number) => newer(a, b) > 0;
  for (let d = 0; d < docs.length; d++) {
    const doc = docs[d]!;
    if (size < count) {
      let i = size++;
      heap[i] = doc;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!older(heap[i]!, heap[parent]!)) break;
        [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
        i = parent;
      }
    } else if (newer(doc, heap[0]!) < 0) {
      heap[0] = doc;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < size && older(heap[l]!, heap[m]!)) m = l;
        if (r < size && older(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
  }
  return heap.sort(newer);
}

function liveIn(docs: Int32Array, alive: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < docs.length; i++) n += alive[docs[i]!]!;
  return n;
}

/**
 * Tier 0: every term in the title; 1: every term in title or tags; 2: the rest (each ascending).
 * The rest is made only when asked for: with a common term it is nearly every candidate, and the
 * first two tiers usually fill the page on their own.
 */
interface Tiers {
  title: Int32Array;
  tags: Int32Array;
  restSize: number;
  rest(): Int32Array;
}

function tiersOf(candidates: Int32Array, terms: TermDocs[]): Tiers {
  let inHead = candidates;
  for (const term of terms) inHead = intersectDocs(inHead, term.headDocs);
  // zones of the documents in every term's head only: a common word's whole head is not weighed
  const heads = inHead.length > 0 ? terms.map((term) => term.headAmong(inHead)) : [];
  const title = new Int32Array(inHead.length);
  const tags = new Int32Array(inHead.length);
  let titled = 0;
  let tagged = 0;
  // inHead is in every term's head matches: one cursor per list walks it once (no searching)
  const cursors = new Int32Array(heads.length);
  for (let i = 0; i < inHead.length; i++) {
    const doc = inHead[i]!;
    let allTitle = true;
    for (let j = 0; j < heads.length; j++) {
      const head = heads[j]!;
      let c = cursors[j]!;
      while (head.docs[c]! < doc) c++;
      cursors[j] = c;
      if ((head.zones[c]! & 1) === 0) allTitle = false;
    }
    if (allTitle) title[titled++] = doc;
    else tags[tagged++] = doc;
  }
  return { title: title.subarray(0, titled), tags: tags.subarray(0, tagged), restSize: candidates.length - inHead.length, rest: () => subtractDocs(candidates, inHead) };
}

/**
 * The `wanted` newest of each tier, in tier order. A tier is skipped once the tiers before it in
 * this segment hold `wanted` on their own: then they do in the whole index too, and no page reaches
 * it. (A page of the most common character would otherwise pick the newest of nearly every document.)
 */
function newestByTier(tiers: Tiers, wanted: number, newer: (a: number, b: number) => number): [Int32Array, Int32Array, Int32Array] {
  const none = new Int32Array(0);
  const headed = tiers.title.length + tiers.tags.length;
  return [
    newestOf(tiers.title, wanted, newer),
    tiers.title.length >= wanted ? none : newestOf(tiers.tags, wanted, newer),
    headed >= wanted ? none : newestOf(tiers.rest(), wanted, newer),
  ];
}

/** Each candidate's tier, from the tiers' members (all ascending). */
function tierOfEach(candidates: Int32Array, members: Tiers): Uint8Array {
  const tiers = new Uint8Array(candidates.length).fill(2);
  for (const tier of [0, 1] as const) {
    let at = 0;
    for (const doc of tier === 0 ? members.title : members.tags) {
      while (candidates[at]! < doc) at++;
      tiers[at] = tier;
    }
  }
  return tiers;
}

/**
 * Two or more terms whose lists hold at least 1/MARKED_CANDIDATES_RATIO as many entries as the
 * segment has documents are joined by marking. (One term is not: uniting its head and body lists is
 * cheaper than a pass over the segment, 2-character terms ×1.05-1.08 at 1M when they were.)
 */
const MARKED_CANDIDATES_RATIO = 8;

/** Live documents (in the category) holding every term: the terms' head and body lists united, intersected and filtered. */
function mergedCandidates(termDocs: Int32Array[], facts: DocumentFacts, categoryId: number | undefined): Int32Array {
  const { alive, category } = facts;
  const bySize = [...termDocs].sort((a, b) => a.length - b.length);
  let docs: Int32Array = bySize[0] ?? new Int32Array(0);
  for (const other of bySize.slice(1)) {
    if (docs.length === 0) break;
    docs = intersectDocs(docs, other);
  }
  const kept = new Int32Array(docs.length);
  let n = 0;
  for (let i = 0; i < docs.length; i++) {
    const doc = docs[i]!;
    if (alive[doc] && (categoryId === undefined || category[doc] === categoryId)) kept[n++] = doc;
  }
  return kept.subarray(0, n);
}

/**
 * mergedCandidates for terms whose lists cover much of the segment: each document's count of the
 * terms held so far is marked in a byte per document (a term counts once, and only where every
 * term before it did), then one pass over the segment keeps the live ones holding all. Merging
 * the lists two by two branched on every entry: at 1M, union and intersection took most of an AND
 * query's time outside the lists.
 */
function markedCandidates(segment: SegmentInfo, included: TermDocs[], facts: DocumentFacts, categoryId: number | undefined): Int32Array {
  const { base, span } = segment;
  const bySize = [...included].sort((a, b) => a.headDocs.length + a.bodyDocs.length - (b.headDocs.length + b.bodyDocs.length));
  return (categoryId === undefined && kernelMarkedJoin(bySize, base, span, facts.alive.subarray(base, base + span))) || markedCandidatesInJs(segment, bySize, facts, categoryId);
}

/** markedCandidates in JS, the terms `bySize` (fewest entries first): the reference of kernelMarkedJoin. */
export function markedCandidatesInJs(segment: SegmentInfo, bySize: Array<{ headDocs: Int32Array; bodyDocs: Int32Array }>, facts: DocumentFacts, categoryId: number | undefined): Int32Array {
  const { base, span } = segment;
  const held = new Uint8Array(span);
  bySize.forEach(({ headDocs, bodyDocs }, j) => {
    for (const docs of [bodyDocs, headDocs]) {
      for (let i = 0; i < docs.length; i++) {
        const at = docs[i]! - base;
        if (held[at] === j) held[at] = j + 1;
      }
    }
  });
  const all = bySize.length;
  const first = bySize[0]!;
  const out = new Int32Array(Math.min(span, first.headDocs.length + first.bodyDocs.length));
  const { alive, category } = facts;
  let n = 0;
  for (let at = 0; at < span; at++) {
    if (held[at] !== all) continue;
    const doc = base + at;
    if (alive[doc] && (categoryId === undefined || category[doc] === categoryId)) out[n++] = doc;
  }
  return out.subarray(0, n);
}

/** One segment's part of a search; `lists` may be a source that remembers lookups already made. */
export function searchSegment(reader: PostingsReader, segment: SegmentInfo, search: SegmentSearch, facts: DocumentFacts, lists: ListSource = reader): SegmentSearchResult {
  const included = termDocsInSegment(lists, segment, search.include);
  const excluded = unweighedTermDocs(lists, segment, search.exclude);
  let united: Int32Array[] | undefined;
  const termDocs = () => (united ??= included.map((t) => unionDocs(t.headDocs, t.bodyDocs)));
  const { alive } = facts;
  const entries = included.reduce((sum, t) => sum + t.headDocs.length + t.bodyDocs.length, 0);
  let candidates =
    included.length >= 2 && included.length < 255 && entries * MARKED_CANDIDATES_RATIO >= segment.span
      ? markedCandidates(segment, included, facts, search.categoryId)
      : included.length === 1 && search.categoryId === undefined
        ? liveUnionDocs(included[0]!.headDocs, included[0]!.bodyDocs, alive)
        : mergedCandidates(termDocs(), facts, search.categoryId);
  if (search.tagId !== undefined && candidates.length > 0) candidates = intersectDocs(candidates, reader.list(segment, `${NS.facet}t${search.tagId}`, false)?.docs ?? new Int32Array(0));
  for (const { headDocs, bodyDocs } of excluded) candidates = subtractDocs(candidates, unionDocs(headDocs, bodyDocs));
  const empty = new Int32Array(0);
  if (!search.ranked) return { candidates, termLive: [], tiers: undefined, tierSizes: [0, 0, 0], newest: [empty, empty, empty], weights: undefined };
  // what BM25 needs, when the whole set may be small enough to score (no segment alone is larger)
  const scorable = candidates.length <= FULL_RANK_LIMIT;
  const termLive = scorable ? termDocs().map((d) => liveIn(d, alive)) : [];
  let weights: Float64Array | undefined;
  if (scorable) {
    // a common phrase's occurrences are counted now, in these few candidates only
    const weighted = included.map((t) => ({ head: t.headAmong(candidates), body: t.bodyAmong(candidates) }));
    const k = weighted.length;
    weights = new Float64Array(candidates.length * k);
    for (let i = 0; i < candidates.length; i++) {
      const doc = candidates[i]!;
      for (let j = 0; j < k; j++) {
        const { head, body } = weighted[j]!;
        const h = indexOf(head.docs, doc);
        const b = indexOf(body.docs, doc);
        weights[i * k + j] = (h >= 0 ? head.weights[h]! : 0) + (b >= 0 ? body.weights[b]! : 0);
      }
    }
  }
  const members = tiersOf(candidates, included);
  return {
    candidates,
    termLive,
    // per candidate only where it is scored: a large set is ranked from `newest` alone
    tiers: scorable ? tierOfEach(candidates, members) : undefined,
    tierSizes: [members.title.length, members.tags.length, members.restSize],
    newest: newestByTier(members, search.newest, newerIn(facts)),
    weights,
  };
}

export interface SegmentRelated {
  words: TermPhrase[][];
  categoryId: number | undefined;
  tagId: number | undefined;
  /** Documents the short list is drawn from: the most words first, then the newest. */
  wanted: number;
}

export interface SegmentRelatedResult {
  /** Documents that may be shown, by how many words they hold (index 0 unused). */
  histogram: Int32Array;
  /**
   * The count at which this segment alone holds `wanted` documents (1 when it holds fewer): the
   * whole index's is the same or higher, so what follows is all it can need of this segment.
   */
  cutoff: number;
  /** Documents holding more words than `cutoff`, with their counts (fewer than `wanted`). */
  above: Int32Array;
  aboveCounts: Uint8Array;
  /** The newest `wanted` documents holding exactly `cutoff` words, newest first. */
  atCutoff: Int32Array;
  /** Live documents holding each word (in any category): for its IDF. */
  wordLive: number[];
}

/** The count from which `wanted` documents hold at least as many words, and the room left at it. */
export function relatedCutoff(histogram: Int32Array, wanted: number): { best: number; cutoff: number; room: number } {
  let best = histogram.length - 1;
  while (best > 0 && histogram[best] === 0) best--;
  let cutoff = best;
  let room = wanted;
  while (cutoff > 1 && histogram[cutoff]! < room) room -= histogram[cutoff--]!;
  return { best, cutoff, room };
}

/** How many of the words each document of one segment holds, reduced to what a short list can use. */
export function relatedInSegment(reader: PostingsReader, segment: SegmentInfo, related: SegmentRelated, facts: DocumentFacts, lists: ListSource = reader): SegmentRelatedResult {
  const { base, span } = segment;
  const alive = facts.alive.subarray(base, base + span);
  const tally = tallyWords({
    // no list is read for words beyond those counted
    words: unweighedTermDocs(lists, segment, related.words.slice(0, MAX_TALLIED_WORDS)),
    base,
    span,
    alive,
    shown: shownIn(reader, segment, related, facts) ?? alive,
    cutoffOf: (histogram) => relatedCutoff(histogram, related.wanted).cutoff,
  });
  const { cutoff, histogram } = tally;
  const above: number[] = [];
  const aboveCounts: number[] = [];
  const level = new Int32Array(histogram[cutoff]!);
  let atLevel = 0;
  const { at, counts } = tally;
  for (let i = 0; i < at.length; i++) {
    const c = counts[i]!;
    if (c > cutoff) {
      above.push(base + at[i]!);
      aboveCounts.push(c);
    } else level[atLevel++] = base + at[i]!;
  }
  return {
    histogram,
    cutoff,
    above: Int32Array.from(above),
    aboveCounts: Uint8Array.from(aboveCounts),
    atCutoff: newestOf(level, related.wanted, newerIn(facts)),
    wordLive: tally.wordLive,
  };
}

/**
 * Which documents of the segment a filtered related search may show (alive, in the category,
 * with the tag); undefined without a filter, when being alive is enough.
 */
function shownIn(reader: PostingsReader, segment: SegmentInfo, related: SegmentRelated, facts: DocumentFacts): Uint8Array | undefined {
  if (related.categoryId === undefined && related.tagId === undefined) return undefined;
  const { base, span } = segment;
  const shown = new Uint8Array(span);
  const { alive, category } = facts;
  for (let at = 0; at < span; at++) shown[at] = alive[base + at]! && (related.categoryId === undefined || category[base + at] === related.categoryId) ? 1 : 0;
  if (related.tagId !== undefined) {
    const tagged = reader.list(segment, `${NS.facet}t${related.tagId}`, false)?.docs ?? new Int32Array(0);
    let next = 0;
    for (let i = 0; i < tagged.length; i++) {
      const at = tagged[i]! - base;
      shown.fill(0, next, at);
      next = at + 1;
    }
    shown.fill(0, next);
  }
  return shown;
}
