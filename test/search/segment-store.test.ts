import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/db/open.js';
import type { IndexedDocument } from '../../src/search/engine.js';
import { parseQuery } from '../../src/search/query.js';
import { SegmentSearchIndex } from '../../src/search/segment-index.js';

const opened: Db[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

/** Long lists (positions chunks, skip tables), buckets of small ones, and Latin words. */
function documents(count: number, from = 1): IndexedDocument[] {
  return Array.from({ length: count }, (_, i) => {
    const n = from + i;
    return {
      id: n,
      publishedTs: 1_600_000_000 + n * 3600,
      title: `第 ${n} 篇${n % 5 === 0 ? '：容器网络' : ''}`,
      tags: n % 3 === 0 ? ['Docker'] : [],
      summary: n % 2 ? '宿主机' : '',
      body: `${'容器网络的验证，'.repeat(n % 4 === 0 ? 30 : 1)}词${n % 97} node${n % 13}.js`,
      categoryId: 1 + (n % 2),
      tagIds: n % 3 === 0 ? [7] : [],
    };
  });
}

function indexOn(recentSegmentBytes?: number) {
  const db = openDatabase(':memory:');
  opened.push(db);
  const index = new SegmentSearchIndex(db, { mergeFactor: 3, loadTexts: () => new Map(), ...(recentSegmentBytes !== undefined ? { recentSegmentBytes } : {}) });
  return { db, index };
}

const rowsOf = (db: Db) => db.prepare('SELECT segment, token, hex(data) AS data FROM search_postings ORDER BY segment, token').all();
const segmentsOf = (db: Db) => db.prepare('SELECT id, base, span, level FROM search_segments ORDER BY base').all();

describe('segment merges', () => {
  it('merge the segments this store wrote from memory into exactly the rows a merge read back from SQLite makes', () => {
    const fromMemory = indexOn();
    const readBack = indexOn(0);
    for (const { db, index } of [fromMemory, readBack]) {
      for (let batch = 0; batch < 11; batch++) {
        index.upsertMany(documents(700, 1 + batch * 700));
        if (db === fromMemory.db) {
          // the stored rows of the fresh segment are spoilt: a merge that read them back would spread the damage
          db.prepare("UPDATE search_postings SET data = x'00' WHERE segment = (SELECT max(id) FROM search_segments)").run();
        }
        index.maintain();
      }
    }
    // 11 batches at a factor of 3: three merges of level 0, one of level 1
    expect(segmentsOf(fromMemory.db).map((s) => (s as { level: number }).level)).toEqual([2, 0, 0]);
    expect(segmentsOf(fromMemory.db)).toEqual(segmentsOf(readBack.db));
    // the two unmerged segments were spoilt on purpose; every merged row is whole
    const merged = (db: Db) => rowsOf(db).filter((row) => (row as { segment: number }).segment === (segmentsOf(db)[0] as { id: number }).id);
    expect(merged(fromMemory.db).length).toBeGreaterThan(100);
    expect(merged(fromMemory.db)).toEqual(merged(readBack.db));
    expect(readBack.index.count(parseQuery('容器网络'), {})).toBe(7700);
    expect(readBack.index.count(parseQuery('node1.js'), {})).toBe(Math.ceil(7700 / 13));
  });

  it('read back the segments another store wrote, even where this one remembers others under their ids', () => {
    const { db, index } = indexOn();
    index.upsertMany(documents(100));
    index.upsertMany(documents(100, 101));
    // another store clears the index and writes segments of the same ids, bases and sizes
    const other = new SegmentSearchIndex(db, { mergeFactor: 3, loadTexts: () => new Map() });
    other.clear();
    other.upsertMany(documents(100, 2001));
    other.upsertMany(documents(100, 2101));
    index.upsertMany(documents(100, 3001));
    index.maintain();
    expect(segmentsOf(db)).toEqual([{ id: 4, base: 0, span: 300, level: 1 }]);
    expect(index.count(parseQuery('容器网络'), {})).toBe(300);
    // what the first two segments held before the clear is gone
    expect(index.count(parseQuery('150'), {})).toBe(0);
    expect(index.search(parseQuery('2150'), {}, 0, 5).hits.map((hit) => hit.id)).toEqual([2150]);
    expect(index.search(parseQuery('3050'), {}, 0, 5).hits.map((hit) => hit.id)).toEqual([3050]);
  });
});

describe('segment merges after a rolled-back write', () => {
  it('merge what was committed, not what a rolled-back transaction wrote under the same segment id', () => {
    const { db, index } = indexOn();
    index.upsertMany(documents(100));
    expect(() =>
      db.transaction(() => {
        index.upsertMany(documents(100, 5001));
        throw new Error('the batch failed');
      })(),
    ).toThrow('the batch failed');
    index.upsertMany(documents(100, 101));
    index.upsertMany(documents(100, 201));
    index.maintain();
    expect(segmentsOf(db)).toEqual([{ id: 4, base: 0, span: 300, level: 1 }]);
    expect(index.count(parseQuery('5050'), {})).toBe(0);
    expect(index.search(parseQuery('第 150 篇'), {}, 0, 5).hits.map((hit) => hit.id)).toEqual([150]);
  });
});
