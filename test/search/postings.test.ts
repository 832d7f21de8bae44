import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchPhrase, unionLists } from '../../src/search/list-ops.js';
import { concatPostings, decodePostings, ListWriter, type PostingList } from '../../src/search/postings.js';
import { bucketEntries, findInBucket, isBucket, packRows, POSITIONS_SUFFIX } from '../../src/search/rows.js';
import { buildSegment, normalizeFields } from '../../src/search/segment-builder.js';

/** A positional list of the given documents, each with positions. */
function encode(entries: Array<[number, number[]]>): Uint8Array {
  const writer = new ListWriter();
  for (const [doc, positions] of entries) writer.positional(doc, positions, 0, positions.length);
  return writer.result();
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

  it('concatenate neighbouring segments with only the seam re-encoded', () => {
    fc.assert(
      fc.property(entriesArb, entriesArb, (a, b) => {
        const baseB = 6000;
        const joined = concatPostings([{ bytes: encode(a), base: 100 }, { bytes: encode(b), base: 100 + baseB }], 100);
        const expected = [...a, ...b.map(([doc, p]): [number, number[]] => [doc + baseB, p])].map(([doc, p]): [number, number[]] => [doc + 100, p]);
        expect(materialize(decodePostings(joined, 100, true))).toEqual(expected);
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

  it('find phrases at consecutive positions, with zones and weights', () => {
    const first = decodePostings(encode([[1, [0, 10]], [2, [5]], [3, [4100]]]), 0, true);
    const second = decodePostings(encode([[1, [1]], [2, [7]], [3, [4101]]]), 0, true);
    const matches = matchPhrase([first, second], 4096, (p) => (p < 4096 ? 10 : 5));
    expect(Array.from(matches.docs)).toEqual([1, 3]);
    expect(Array.from(matches.weights)).toEqual([10, 5]);
    expect(Array.from(matches.zones)).toEqual([1, 2]);
  });
});

describe('rows of a segment', () => {
  it('put small lists in buckets, long ones alone, and very long positions in a row of their own', () => {
    const small = Array.from({ length: 300 }, (_, i) => ({ key: `b${String(i).padStart(4, '0')}`, list: encode([[i, [i]]]) }));
    const long = encode(Array.from({ length: 3000 }, (_, i): [number, number[]] => [i * 2, [1, 50, 900]]));
    const entries = [...small.slice(0, 150), { key: 'b0149z', list: long }, ...small.slice(150)];
    const rows = [...packRows(entries)];
    expect(rows.length).toBeLessThan(entries.length);
    const longRows = rows.filter((r) => r.key.startsWith('b0149z'));
    expect(longRows.map((r) => r.key)).toEqual(['b0149z', `b0149z${POSITIONS_SUFFIX}`]);
    // every small key is found in the bucket that is the greatest row key at or before it
    const sorted = rows.filter((r) => !r.key.endsWith(POSITIONS_SUFFIX));
    for (const { key, list } of small) {
      const floor = sorted.filter((r) => r.key <= key).at(-1)!;
      expect(isBucket(floor.data)).toBe(true);
      expect(Array.from(findInBucket(floor.data, key)!)).toEqual(Array.from(list));
    }
    expect(rows.filter((r) => isBucket(r.data)).flatMap((r) => [...bucketEntries(r.data)].map((e) => e.key))).toEqual(small.map((s) => s.key));
    // the split list decodes with its positions fetched from the second row
    const docsRow = longRows[0]!.data;
    let fetched = 0;
    const decoded = decodePostings(docsRow, 0, true, () => {
      fetched++;
      return longRows[1]!.data;
    });
    expect(decoded.docs.length).toBe(3000);
    expect(fetched).toBe(0);
    expect(Array.from(decoded.positions!(1234))).toEqual([1, 50, 900]);
    expect(fetched).toBe(1);
  });
});

describe('segment builder rows', () => {
  /** The (key, list) pairs a built segment's rows hold, split lists joined back to one list. */
  function entriesOf(rowKeys: string[], rows: Uint8Array[]): Array<{ key: string; list: Uint8Array }> {
    const byKey = new Map(rowKeys.map((key, i) => [key, rows[i]!]));
    const entries: Array<{ key: string; list: Uint8Array }> = [];
    rowKeys.forEach((key, i) => {
      const row = rows[i]!;
      if (key.endsWith(POSITIONS_SUFFIX)) return;
      if (isBucket(row)) entries.push(...bucketEntries(row));
      else {
        const positions = byKey.get(key + POSITIONS_SUFFIX);
        entries.push({ key, list: positions ? Uint8Array.from([...row, ...positions]) : row });
      }
    });
    return entries;
  }

  // buildSegment writes its rows in place for speed; merges write them with packRows: the two
  // must agree byte for byte, or a merged segment would differ from a freshly built one
  it('are the rows packRows makes of the same lists', () => {
    const word = fc.constantFrom('容器', '网络命名空间', 'docker', 'c++', 'node.js', '的', '𠀀字', 'kubernetes', '验证', ' ');
    const text = fc.array(word, { maxLength: 40 }).map((words) => words.join(''));
    const doc = fc.record({ title: text, tags: fc.array(text, { maxLength: 3 }), summary: text, body: text });
    fc.assert(
      fc.property(fc.array(doc, { minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 6000 }), (docs, repeat) => {
        // one long document makes lists long enough for rows of their own and split positions
        const long = { title: '长文', tags: [], summary: '', body: '容器网络'.repeat(repeat) };
        const built = buildSegment([...docs, long].map((fields, i) => ({ fields: normalizeFields(fields), categoryId: 1 + (i % 3), tagIds: [i] })));
        const packed = [...packRows(entriesOf(built.rowKeys, built.rows))];
        expect(built.rowKeys).toEqual(packed.map((row) => row.key));
        built.rows.forEach((row, i) => expect(Buffer.from(row).equals(Buffer.from(packed[i]!.data))).toBe(true));
      }),
      { numRuns: 150 },
    );
  });
});
