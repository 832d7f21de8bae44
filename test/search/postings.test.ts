import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kernelDecodeDocs, kernelDecodeWithin, kernelMarkedJoin, kernelMarkedUnion, kernelMergedUnion, kernelPhraseDocs, kernelTallyWords } from '../../src/search/kernels/list-kernels.js';
import { liveUnionDocs, liveUnionDocsInJs, markedUnion, matchPhrase, phraseDocs, unionDocs, unionDocsInJs, unionLists, unionMatches, unitedDocs, unitedMatches } from '../../src/search/list-ops.js';
import { decodeDocs, decodeDocsOnly, decodeEntries, decodePostings, decodeWithin, ListWriter, POSITIONS_CHUNK_BYTES, readHeader, readSkips, SKIP_INTERVAL, skipTable, type PostingList } from '../../src/search/postings.js';
import { bucketEntries, findInBucket, isAuxiliaryKey, isBucket, positionsKey, RowWriter, SKIP_SUFFIX } from '../../src/search/rows.js';
import { builtRows, mergeSegments } from '../../src/search/segment-merge.js';
import { buildSegment, normalizeFields } from '../../src/search/segment-builder.js';
import { MAX_TALLIED_WORDS, tallyWords, tallyWordsInJs, type TallyInput } from '../../src/search/related-tally.js';
import { markedCandidatesInJs, relatedCutoff } from '../../src/search/segment-query.js';

/** A positional list of the given documents, each with positions. */
function encode(entries: Array<[number, number[]]>): Uint8Array {
  const writer = new ListWriter();
  for (const [doc, positions] of entries) writer.positional(doc, positions, 0, positions.length);
  return writer.result();
}

/** Rows of (key, positional list) pairs given in key order, as a segment's RowWriter writes them. */
function writeRows(lists: Array<{ key: string; entries: Array<[number, number[]]> }>): Array<{ key: string; data: Uint8Array }> {
  const out = new RowWriter(1 << 10);
  for (const { key, entries } of lists) {
    const writer = new ListWriter();
    for (const [doc, positions] of entries) writer.positional(doc, positions, 0, positions.length);
    out.add(key, writer);
  }
  return out.rows().map((data, i) => ({ key: out.keys[i]!, data }));
}

function materialize(list: PostingList): Array<[number, number[]]> {
  return Array.from(list.docs, (doc, i) => [doc, Array.from(list.positions!(i))]);
}

const entriesArb = fc
  .uniqueArray(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 60 })
  .chain((docs) =>
    fc.tuple(...[...docs].sort((a, b) => a - b).map((doc) => fc.tuple(fc.constant(doc), fc.uniqueArray(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 8 }).map((p) => p.sort((a, b) => a - b))))),
  );

describe('posting lists', () => {
  it('decode what was encoded, relative to a base', () => {
    fc.assert(
      fc.property(entriesArb, fc.integer({ min: 0, max: 1000 }), (entries, base) => {
        const decoded = materialize(decodePostings(encode(entries), base, true));
        expect(decoded).toEqual(entries.map(([doc, positions]) => [doc + base, positions]));
      }),
    );
  });

  it('give their documents alone as the full decode does, positional or counted, with gaps and values of several bytes', () => {
    const wideArb = fc
      .uniqueArray(fc.integer({ min: 0, max: 3_000_000 }), { minLength: 1, maxLength: 80 })
      .chain((docs) => fc.tuple(...[...docs].sort((a, b) => a - b).map((doc) => fc.tuple(fc.constant(doc), fc.integer({ min: 1, max: 200 }).chain((length) => fc.uniqueArray(fc.integer({ min: 0, max: 100_000 }), { minLength: length, maxLength: length })).map((p) => p.sort((a, b) => a - b))))));
    fc.assert(
      fc.property(fc.oneof(entriesArb, wideArb), fc.integer({ min: 0, max: 1000 }), (entries, base) => {
        const positional = encode(entries);
        expect(Array.from(decodeDocs(positional, base, true))).toEqual(Array.from(decodePostings(positional, base, true).docs));
        // a counted list: one (document, frequency) pair per entry
        const writer = new ListWriter();
        writer.countedPairs(Int32Array.from(entries.flatMap(([doc, positions]) => [doc, positions.length])), 0, entries.length);
        const counted = writer.result();
        expect(Array.from(decodeDocs(counted, base, false))).toEqual(entries.map(([doc]) => doc + base));
        // and the kernel that reads long lists agrees with the JS on both
        for (const [bytes, isPositional] of [[positional, true], [counted, false]] as const) {
          const where = { ...readHeader(bytes), base, positional: isPositional, positionsStart: 0 };
          expect(Array.from(kernelDecodeDocs(bytes, where)!)).toEqual(Array.from(decodeDocsOnly(bytes, where.docsStart, where.count, base, isPositional)));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('merge neighbouring segments with only the seams re-encoded', () => {
    fc.assert(
      fc.property(entriesArb, entriesArb, fc.boolean(), (a, b, longB) => {
        const baseB = 6000;
        // a key in both segments, one in each only, and one list long enough for a row of its own
        const second = longB ? Array.from({ length: 40 }, (_, i): [number, number[]] => [i * 3, [1, 2, 3]]) : b;
        const segmentA = writeRows([{ key: 'a', entries: a }, { key: 'both', entries: a }]);
        const segmentB = writeRows([{ key: 'b', entries: second }, { key: 'both', entries: second }]);
        const cursor = (rows: typeof segmentA) => builtRows({ rowKeys: rows.map((r) => r.key), rows: rows.map((r) => r.data) });
        const merged = mergeSegments([{ base: 100, rows: cursor(segmentA) }, { base: 100 + baseB, rows: cursor(segmentB) }], 100, 0);
        const lists = new Map<string, Uint8Array>();
        merged.rows.forEach((row, i) => (isBucket(row) ? [...bucketEntries(row)] : [{ key: merged.keys[i]!, list: row }]).forEach((e) => lists.set(e.key, e.list)));
        const shifted = second.map(([doc, p]): [number, number[]] => [doc + baseB, p]);
        const at100 = (entries: Array<[number, number[]]>) => entries.map(([doc, p]): [number, number[]] => [doc + 100, p]);
        expect([...lists.keys()]).toEqual(['a', 'b', 'both']);
        expect(materialize(decodePostings(lists.get('a')!, 100, true))).toEqual(at100(a));
        expect(materialize(decodePostings(lists.get('b')!, 100, true))).toEqual(at100(shifted));
        expect(materialize(decodePostings(lists.get('both')!, 100, true))).toEqual(at100([...a, ...shifted]));
      }),
    );
  });

  it('unite prefix expansions: shared documents add frequencies and merge positions', () => {
    const a = decodePostings(encode([[1, [3, 9]], [4, [2]]]), 0, true);
    const b = decodePostings(encode([[1, [5]], [7, [1]]]), 0, true);
    const union = unionLists([a, b]);
    expect(materialize(union)).toEqual([[1, [3, 5, 9]], [4, [2]], [7, [1]]]);
    expect(Array.from(union.freqs)).toEqual([3, 1, 1]);
  });

  it('unite any number of expansions, sparse (through a heap), dense (into arrays) or one dominant list and a few rare ones, to the same list', () => {
    const listArb = (range: number, maxLength: number) =>
      fc.uniqueArray(fc.integer({ min: 0, max: range }), { minLength: 1, maxLength }).map((docs) => [...docs].sort((a, b) => a - b).map((doc): [number, number[]] => [doc, [doc % 7, 10 + (doc % 5)]]));
    const casesArb = fc.oneof(
      fc.integer({ min: 5, max: 20000 }).chain((range) => fc.array(listArb(range, 400), { minLength: 2, maxLength: 4 })),
      // a word and its rare extensions (.js: .json, .jsx, …): one long list, many of one or two entries
      // (some rare ones share documents with the long one)
      fc.integer({ min: 5000, max: 50000 }).chain((range) =>
        listArb(range, 600).chain((big) =>
          fc
            .array(fc.oneof(listArb(range, 2), fc.subarray(big, { minLength: 1, maxLength: Math.min(2, big.length) })), { minLength: 1, maxLength: 30 })
            .map((rare) => [big, ...rare]),
        ),
      ),
    );
    fc.assert(
      fc.property(casesArb, (lists) => {
        const expected = new Map<number, number[]>();
        for (const list of lists) for (const [doc, positions] of list) expected.set(doc, [...(expected.get(doc) ?? []), ...positions]);
        const union = unionLists(lists.map((list) => decodePostings(encode(list), 0, true)));
        const want = [...expected.keys()].sort((a, b) => a - b).map((doc): [number, number[]] => [doc, expected.get(doc)!.sort((a, b) => a - b)]);
        expect(materialize(union)).toEqual(want);
        expect(Array.from(union.freqs)).toEqual(want.map(([, positions]) => positions.length));
      }),
      { numRuns: 200 },
    );
  });

  it('unite the documents of any number of lists, sparse (merged) or dense (marked), to the sorted set of all', () => {
    const docsArb = (range: number) => fc.uniqueArray(fc.integer({ min: 0, max: range }), { maxLength: 300 }).map((docs) => Int32Array.from(docs.sort((a, b) => a - b)));
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 10, max: 400 }), fc.integer({ min: 10_000, max: 1_000_000 })).chain((range) => fc.array(docsArb(range), { maxLength: 8 })),
        (parts) => {
          const expected = [...new Set(parts.flatMap((part) => Array.from(part)))].sort((a, b) => a - b);
          expect(Array.from(unitedDocs(parts))).toEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('unite documents in the kernels exactly as in JS, keeping only the live ones when asked', () => {
    const docsArb = (range: number) => fc.uniqueArray(fc.integer({ min: 0, max: range }), { maxLength: 3000 }).map((docs) => Int32Array.from(docs.sort((a, b) => a - b)));
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 100, max: 5000 }), fc.integer({ min: 10_000, max: 200_000 })).chain((range) =>
          fc.tuple(fc.array(docsArb(range), { minLength: 1, maxLength: 6 }), fc.uint8Array({ min: 0, max: 1, minLength: range + 1, maxLength: range + 1 })),
        ),
        ([parts, alive]) => {
          const all = [...new Set(parts.flatMap((part) => Array.from(part)))].sort((a, b) => a - b);
          const present = parts.filter((part) => part.length > 0);
          if (present.length > 0) {
            const first = Math.min(...present.map((part) => part[0]!));
            const span = Math.max(...present.map((part) => part[part.length - 1]!)) - first + 1;
            expect(Array.from(kernelMarkedUnion(present, first, span)!)).toEqual(all);
            expect(Array.from(markedUnion(present, first, span))).toEqual(all);
            expect(Array.from(kernelMarkedUnion(present, first, span, alive.subarray(first))!)).toEqual(all.filter((doc) => alive[doc]));
          }
          const [a, b = new Int32Array(0)] = parts;
          const both = [...new Set([...a!, ...b])].sort((x, y) => x - y);
          expect(Array.from(kernelMergedUnion(a!, b)!)).toEqual(both);
          expect(Array.from(unionDocsInJs(a!, b))).toEqual(both);
          expect(Array.from(unionDocs(a!, b))).toEqual(both);
          const live = both.filter((doc) => alive[doc]);
          expect(Array.from(kernelMergedUnion(a!, b, { first: 0, bytes: alive })!)).toEqual(live);
          expect(Array.from(liveUnionDocsInJs(a!, b, alive))).toEqual(live);
          expect(Array.from(liveUnionDocs(a!, b, alive))).toEqual(live);
        },
      ),
      { numRuns: 300, seed: 5 },
    );
  });

  it('unite weighed matches of any number of lists, sparse (merged) or dense (marked), as a fold of unionMatches', () => {
    const matchesArb = (range: number) =>
      fc.uniqueArray(fc.integer({ min: 0, max: range }), { maxLength: 200 }).chain((docs) =>
        fc.tuple(fc.constant(Int32Array.from(docs.sort((a, b) => a - b))), fc.array(fc.integer({ min: 1, max: 30 }), { minLength: docs.length, maxLength: docs.length }), fc.array(fc.integer({ min: 1, max: 3 }), { minLength: docs.length, maxLength: docs.length })),
      );
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 10, max: 300 }), fc.integer({ min: 10_000, max: 1_000_000 })).chain((range) => fc.array(matchesArb(range), { maxLength: 8 })),
        (raw) => {
          const parts = raw.map(([docs, weights, zones]) => ({ docs, weights: Float64Array.from(weights), zones: Uint8Array.from(zones) }));
          const empty = { docs: new Int32Array(0), weights: new Float64Array(0), zones: new Uint8Array(0) };
          const folded = parts.reduce(unionMatches, empty);
          const united = unitedMatches(parts);
          expect(Array.from(united.docs)).toEqual(Array.from(folded.docs));
          expect(Array.from(united.weights)).toEqual(Array.from(folded.weights));
          expect(Array.from(united.zones)).toEqual(Array.from(folded.zones));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('find phrases at consecutive positions, with zones and weights', () => {
    const first = decodePostings(encode([[1, [0, 10]], [2, [5]], [3, [4100]]]), 0, true);
    const second = decodePostings(encode([[1, [1]], [2, [7]], [3, [4101]]]), 0, true);
    const matches = matchPhrase([first, second], 4096, (p) => (p < 4096 ? 10 : 5));
    expect(Array.from(matches.docs)).toEqual([1, 3]);
    expect(Array.from(matches.weights)).toEqual([10, 5]);
    expect(Array.from(matches.zones)).toEqual([1, 2]);
  });
});

describe('related counts', () => {
  const sortedDocs = (base: number, span: number) => fc.uniqueArray(fc.nat(Math.max(0, span - 1)), { maxLength: span }).map((ats) => Int32Array.from(ats.sort((a, b) => a - b), (at) => base + at));
  const tallyInput = fc
    .record({ base: fc.nat(1000), span: fc.integer({ min: 0, max: 300 }), wanted: fc.integer({ min: 1, max: 40 }), filtered: fc.boolean() })
    .chain(({ base, span, wanted, filtered }) =>
      fc.record({
        words: fc.array(fc.record({ headDocs: sortedDocs(base, span), bodyDocs: sortedDocs(base, span) }), { minLength: 1, maxLength: 10 }),
        alive: fc.uint8Array({ min: 0, max: 1, minLength: span, maxLength: span }),
        hidden: fc.uint8Array({ min: 0, max: 1, minLength: span, maxLength: span }),
        base: fc.constant(base),
        span: fc.constant(span),
        wanted: fc.constant(wanted),
        filtered: fc.constant(filtered),
      }),
    );
  type Generated = { words: Array<{ headDocs: Int32Array; bodyDocs: Int32Array }>; alive: Uint8Array; hidden: Uint8Array; base: number; span: number; wanted: number; filtered: boolean };
  const inputOf = ({ words, alive, hidden, base, span, wanted, filtered }: Generated): TallyInput => ({
    words,
    base,
    span,
    alive,
    shown: filtered ? alive.map((a: number, i: number) => a & (1 - hidden[i]!)) : alive,
    cutoffOf: (histogram) => relatedCutoff(histogram, wanted).cutoff,
  });

  it('count in the kernel exactly as in JS, filtered or not', () => {
    fc.assert(
      fc.property(tallyInput, (generated) => {
        const input = inputOf(generated);
        const kernel = kernelTallyWords(input);
        expect(kernel).toBeDefined();
        expect(kernel).toEqual(tallyWordsInJs(input));
      }),
      { numRuns: 500, seed: 7 },
    );
  });

  it('count what a plain scan counts, up to the bound of 127 words', () => {
    const span = 37;
    const base = 5;
    const alive = Uint8Array.from({ length: span }, (_, at) => (at % 7 === 3 ? 0 : 1));
    // document `at` holds words 0..at*4 (more than the bound for the last ones), some also in the head
    const words = Array.from({ length: 140 }, (_, w) => {
      const holders = Array.from({ length: span }, (_, at) => at).filter((at) => w <= at * 4);
      return { bodyDocs: Int32Array.from(holders.filter((at) => at % 2 === 0), (at) => base + at), headDocs: Int32Array.from(holders.filter((at) => at % 2 === 1 || at % 3 === 0), (at) => base + at) };
    });
    const expected = Array.from({ length: span }, (_, at) => (alive[at] ? Math.min(at * 4 + 1, MAX_TALLIED_WORDS) : 0));
    const tally = tallyWords({ words, base, span, alive, shown: alive, cutoffOf: () => 1 });
    expect(Array.from(tally.at)).toEqual(expected.flatMap((count, at) => (count > 0 ? [at] : [])));
    expect(Array.from(tally.counts)).toEqual(expected.filter((count) => count > 0));
    expect(tally).toEqual(tallyWordsInJs({ words: words.slice(0, MAX_TALLIED_WORDS), base, span, alive, shown: alive, cutoffOf: () => 1 }));
    for (let c = 1; c <= MAX_TALLIED_WORDS; c++) expect(tally.histogram[c]).toBe(expected.filter((count) => count === c).length);
  });
});

describe('AND joins by marking', () => {
  it('keep in the kernel exactly the live documents JS keeps, those holding every term', () => {
    const docsArb = (base: number, span: number) => fc.uniqueArray(fc.nat(Math.max(0, span - 1)), { maxLength: span }).map((ats) => Int32Array.from(ats.sort((a, b) => a - b), (at) => base + at));
    fc.assert(
      fc.property(
        fc.record({ base: fc.nat(500), span: fc.integer({ min: 1, max: 400 }) }).chain(({ base, span }) =>
          fc.record({
            base: fc.constant(base),
            span: fc.constant(span),
            terms: fc.array(fc.record({ headDocs: docsArb(base, span), bodyDocs: docsArb(base, span) }), { minLength: 1, maxLength: 6 }),
            alive: fc.uint8Array({ min: 0, max: 1, minLength: base + span, maxLength: base + span }),
          }),
        ),
        ({ base, span, terms, alive }) => {
          const holds = (doc: number, t: { headDocs: Int32Array; bodyDocs: Int32Array }) => t.headDocs.includes(doc) || t.bodyDocs.includes(doc);
          const expected = Array.from({ length: span }, (_, at) => base + at).filter((doc) => alive[doc] && terms.every((t) => holds(doc, t)));
          const facts = { alive, category: new Int32Array(base + span), minute: new Int32Array(base + span), article: new Int32Array(base + span) };
          expect(Array.from(markedCandidatesInJs({ base, span } as never, terms, facts, undefined))).toEqual(expected);
          expect(Array.from(kernelMarkedJoin(terms, base, span, alive.subarray(base))!)).toEqual(expected);
        },
      ),
      { numRuns: 500, seed: 3 },
    );
  });
});

describe('phrase documents without counting', () => {
  // small alphabets of documents and positions, so that phrases occur, fail and repeat
  const tokenArb = fc
    .uniqueArray(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 25 })
    .chain((docs) =>
      fc.tuple(...[...docs].sort((a, b) => a - b).map((doc) => fc.tuple(fc.constant(doc), fc.uniqueArray(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 10 }).map((p) => p.sort((a, b) => a - b))))),
    );
  const phraseArb = fc.integer({ min: 1, max: 4 }).chain((k) =>
    fc.tuple(
      fc.array(tokenArb, { minLength: k, maxLength: k }),
      // consecutive tokens, or every other one as bigram covers skip (the gaps may be 1 or 2)
      fc.option(fc.array(fc.integer({ min: 1, max: 2 }), { minLength: k - 1, maxLength: k - 1 }).map((gaps) => gaps.reduce((at, gap) => [...at, at.at(-1)! + gap], [0]))),
      // some tokens as a prefix's expansions, whose positions come from a union
      fc.array(fc.boolean(), { minLength: k, maxLength: k }),
    ),
  );

  it('are the documents matchPhrase finds, for consecutive and skipping offsets and united lists', () => {
    fc.assert(
      fc.property(phraseArb, ([tokens, offsets, united]) => {
        const lists = tokens.map((entries, j) => {
          if (!united[j] || entries.length < 2) return decodePostings(encode(entries), 0, true);
          const half = entries.length >> 1;
          return unionLists([decodePostings(encode(entries.slice(0, half)), 0, true), decodePostings(encode(entries.slice(half)), 0, true)]);
        });
        const expected = matchPhrase(lists, 4096, () => 1, offsets ?? undefined).docs;
        expect(Array.from(phraseDocs(lists, offsets ?? undefined))).toEqual(Array.from(expected));
        // and the scan over the entries themselves agrees
        const shift = (j: number) => (offsets ? offsets[j]! : j);
        const holds = (doc: number, j: number, position: number) => tokens[j]!.some(([d, p]) => d === doc && p.includes(position));
        const scanned = tokens[0]!.filter(([doc, positions]) => positions.some((p) => tokens.every((_, j) => holds(doc, j, p - shift(0) + shift(j))))).map(([doc]) => doc);
        expect(Array.from(expected)).toEqual(scanned);
      }),
      { numRuns: 1000 },
    );
  });

  // one kernel instance answers every run in turn, so state left by one call would show in the next
  it('are found by the WebAssembly kernel in the lists as stored exactly as by phraseDocs, call after call', () => {
    fc.assert(
      fc.property(phraseArb, fc.integer({ min: 0, max: 1000 }), fc.nat(40), ([tokens, offsets], base, cut) => {
        const encoded = tokens.map((entries) => {
          const bytes = encode(entries);
          const { count, docsStart, docsEnd } = readHeader(bytes);
          const positions = bytes.subarray(docsEnd);
          // a split list's positions come in chunks: any cut must read as the whole block
          const at = Math.min(cut, positions.length);
          return { docs: bytes.subarray(docsStart, docsEnd), count, positions: [positions.subarray(0, at), positions.subarray(at)] };
        });
        const lists = tokens.map((entries) => decodePostings(encode(entries), base, true));
        const found = kernelPhraseDocs(encoded, base, offsets ?? undefined);
        expect(found).toBeDefined();
        expect(Array.from(found!)).toEqual(Array.from(phraseDocs(lists, offsets ?? undefined)));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('rows of a segment', () => {
  it('put small lists in buckets, long ones alone, and long positions in chunk rows with a skip table', () => {
    const small = Array.from({ length: 300 }, (_, i) => ({ key: `b${String(i).padStart(4, '0')}`, entries: [[i, [i]]] as Array<[number, number[]]> }));
    // 20,000 entries of 3 positions (4 bytes): 80 KB of positions, three chunks
    const longEntries = Array.from({ length: 20000 }, (_, i): [number, number[]] => [i * 2, [1, 50, 900]]);
    const long = encode(longEntries);
    const entries = [...small.slice(0, 150), { key: 'b0149z', entries: longEntries }, ...small.slice(150)];
    const rows = writeRows(entries);
    expect(rows.length).toBeLessThan(entries.length);
    const longRows = rows.filter((r) => r.key.startsWith('b0149z'));
    const chunkCount = Math.ceil((long.length - readHeader(long).docsEnd) / POSITIONS_CHUNK_BYTES);
    expect(chunkCount).toBe(3);
    expect(longRows.map((r) => r.key)).toEqual(['b0149z', positionsKey('b0149z', 0), positionsKey('b0149z', 1), positionsKey('b0149z', 2), `b0149z${SKIP_SUFFIX}`]);
    expect(longRows.slice(1).every((r) => isAuxiliaryKey(r.key))).toBe(true);
    // every small key is found in the bucket that is the greatest row key at or before it
    const sorted = rows.filter((r) => !isAuxiliaryKey(r.key));
    for (const { key, entries: listEntries } of small) {
      const floor = sorted.filter((r) => r.key <= key).at(-1)!;
      expect(isBucket(floor.data)).toBe(true);
      expect(Array.from(findInBucket(floor.data, key)!)).toEqual(Array.from(encode(listEntries)));
    }
    expect(rows.filter((r) => isBucket(r.data)).flatMap((r) => [...bucketEntries(r.data)].map((e) => e.key))).toEqual(small.map((s) => s.key));
    // the split list decodes with its positions fetched only when read: all chunks in one go for
    // a whole list, one chunk at a time for a few of its entries
    const docsRow = longRows[0]!.data;
    const fetched: Array<number | 'all'> = [];
    const chunks = {
      one: (n: number) => {
        fetched.push(n);
        return longRows[1 + n]!.data;
      },
      all: () => {
        fetched.push('all');
        return longRows.slice(1, 4).map((r) => r.data);
      },
    };
    const decoded = decodePostings(docsRow, 0, true, chunks);
    expect(decoded.docs.length).toBe(20000);
    expect(fetched).toEqual([]);
    expect(Array.from(decoded.positions!(12345))).toEqual([1, 50, 900]);
    // every entry, including those that straddle two chunks
    for (let i = 0; i < 20000; i += 7) expect(Array.from(decoded.positions!(i))).toEqual([1, 50, 900]);
    expect(fetched).toEqual(['all']);
    // and the skip table finds entries without decoding the whole list
    fetched.length = 0;
    const within = Int32Array.from([0, 2, 3, 25000, 39998]);
    const narrowed = decodeWithin(docsRow, 0, true, readSkips(longRows[4]!.data), within, chunks);
    expect(Array.from(narrowed.docs)).toEqual([0, 2, 25000, 39998]);
    expect(Array.from(narrowed.positions!(0))).toEqual([1, 50, 900]);
    expect(Array.from(narrowed.positions!(3))).toEqual([1, 50, 900]);
    expect(fetched).toEqual([0, 2]);
    expect(Array.from(narrowed.positions!(3))).toEqual([1, 50, 900]);
  });

  it('decode within a set of documents exactly the entries a whole decode holds for them', () => {
    const manyEntries = fc
      .uniqueArray(fc.integer({ min: 0, max: 40000 }), { minLength: 1, maxLength: 3000 })
      .chain((docs) => fc.tuple(fc.constant([...docs].sort((a, b) => a - b)), fc.array(fc.integer({ min: 1, max: 4 }), { minLength: docs.length, maxLength: docs.length })));
    fc.assert(
      fc.property(manyEntries, fc.uniqueArray(fc.integer({ min: 0, max: 40500 }), { maxLength: 200 }), fc.integer({ min: 0, max: 100 }), ([docs, counts], wanted, base) => {
        const list = encode(docs.map((doc, i) => [doc, Array.from({ length: counts[i]! }, (_, k) => doc % 97 + k * 3)]));
        const { count, docsStart } = readHeader(list);
        const skips = readSkips(skipTable(list, docsStart, count, true));
        const within = Int32Array.from(wanted.map((doc) => doc + base).sort((a, b) => a - b));
        const whole = decodePostings(list, base, true);
        const expected = materialize(whole).filter(([doc]) => within.includes(doc));
        expect(materialize(decodeWithin(list, base, true, skips, within))).toEqual(expected);
        expect(materialize(decodeWithin(list, base, true, undefined, within))).toEqual(expected);
      }),
      { numRuns: 100 },
    );
  });

  it('are decoded by the WebAssembly kernel exactly as by decodeEntries: whole or within, skip table or none, positional or counted', () => {
    // gaps of one to three bytes, frequencies and position lengths of one or two
    const listArb = fc
      .uniqueArray(fc.oneof(fc.integer({ min: 0, max: 6000 }), fc.integer({ min: 0, max: 3_000_000 })), { minLength: 1, maxLength: 3000 })
      .chain((docs) => fc.tuple(fc.constant([...docs].sort((a, b) => a - b)), fc.array(fc.integer({ min: 1, max: 40 }), { minLength: docs.length, maxLength: docs.length })));
    fc.assert(
      fc.property(listArb, fc.uniqueArray(fc.integer({ min: 0, max: 3_000_100 }), { maxLength: 400 }), fc.integer({ min: 0, max: 100 }), fc.boolean(), fc.boolean(), ([docs, counts], wanted, base, positional, withSkips) => {
        const writer = new ListWriter();
        if (positional) for (const [i, doc] of docs.entries()) writer.positional(doc, Array.from({ length: counts[i]! }, (_, k) => k * 300 + (doc % 7)), 0, counts[i]!);
        else writer.countedPairs(Int32Array.from(docs.flatMap((doc, i) => [doc, counts[i]!])), 0, docs.length);
        const list = writer.result();
        const header = readHeader(list);
        const where = { ...header, base, positional, positionsStart: header.docsEnd };
        const skips = withSkips ? readSkips(skipTable(list, header.docsStart, header.count, positional)) : undefined;
        const within = Int32Array.from(wanted.map((doc) => doc + base).sort((a, b) => a - b));
        for (const among of [undefined, within, Int32Array.from(docs.filter((_, i) => i % 3 === 0), (doc) => doc + base)]) {
          const fromKernel = kernelDecodeWithin(list, where, skips, SKIP_INTERVAL, among);
          const reference = decodeEntries(list, where, skips, among);
          expect(fromKernel).toBeDefined();
          expect(Array.from(fromKernel!.docs)).toEqual(Array.from(reference.docs));
          expect(Array.from(fromKernel!.freqs)).toEqual(Array.from(reference.freqs));
          expect(fromKernel!.offsets && Array.from(fromKernel!.offsets)).toEqual(reference.offsets && Array.from(reference.offsets));
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('segment merges', () => {
  // a merged segment must be the segment one build of all its documents makes, byte for byte:
  // queries read both kinds alike, and this also checks the merge's seams, buckets, positions
  // chunks and skip tables against the builder's
  it('make exactly the rows one segment built from all their documents has', () => {
    const word = fc.constantFrom('容器', '网络命名空间', 'docker', 'c++', 'node.js', '的', '𠀀字', 'kubernetes', '验证', ' ');
    const text = fc.array(word, { maxLength: 40 }).map((words) => words.join(''));
    const doc = fc.record({ title: text, tags: fc.array(text, { maxLength: 3 }), summary: text, body: text });
    fc.assert(
      fc.property(fc.array(doc, { minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 20000 }), fc.integer({ min: 0, max: 1300 }), fc.array(fc.integer({ min: 1, max: 1500 }), { maxLength: 4 }), (docs, repeat, fillers, cuts) => {
        // one long document makes lists long enough for rows of their own and positions chunks,
        // and many short ones lists of enough entries for a skip table
        const long = { title: '长文', tags: [], summary: '', body: '容器网络'.repeat(repeat) };
        const filler = Array.from({ length: fillers }, () => ({ title: '容器', tags: [], summary: '', body: '网络 docker' }));
        const all = [...docs, ...filler, long].map((fields, i) => ({ fields: normalizeFields(fields), categoryId: 1 + (i % 3), tagIds: [i] }));
        const whole = buildSegment(all);
        // the same documents built as consecutive segments, then merged
        const bounds = [...new Set([0, ...cuts.map((cut) => cut % all.length), all.length])].sort((x, y) => x - y);
        const sources = bounds.slice(1).map((end, i) => ({ base: bounds[i]!, rows: builtRows(buildSegment(all.slice(bounds[i]!, end))) }));
        const merged = mergeSegments(sources, 0, 0);
        expect(merged.keys).toEqual(whole.rowKeys);
        whole.rows.forEach((row, i) => expect(Buffer.from(merged.rows[i]!).equals(Buffer.from(row))).toBe(true));
      }),
      { numRuns: 150 },
    );
  });
});
