import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/db/open.js';
import type { DocumentText } from '../../src/search/engine.js';
import { parseQuery, termVariants } from '../../src/search/query.js';
import { SearchHelpers } from '../../src/search/search-helpers.js';
import { FULL_RANK_LIMIT, SegmentSearchIndex } from '../../src/search/segment-index.js';
import { searchSegment, type SegmentSearch } from '../../src/search/segment-query.js';
import { PostingsReader, type SegmentInfo } from '../../src/search/segment-reader.js';
import { SegmentStore } from '../../src/search/segment-store.js';
import { termPhrase } from '../../src/search/tokenize.js';

// Search helper threads must change how long a query takes, never what it answers.

const WORDS = ['容器', '网络', '命名空间', '共享', '验证', '数据库', '索引', 'docker', 'kubernetes', 'node.js', 'c++', '配置', '性能', '宿主机', '的'];

let dir: string;
let path: string;
let db: Db;
const texts = new Map<number, DocumentText>();
const loadTexts = (ids: number[]) => new Map(ids.flatMap((id) => (texts.has(id) ? [[id, texts.get(id)!] as const] : [])));

/** A deterministic corpus of word salads, so every query below has matches in several segments. */
function corpus(count: number): DocumentText[] {
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  const words = (n: number) => Array.from({ length: n }, () => WORDS[next() % WORDS.length]).join(next() % 3 === 0 ? ' ' : '');
  return Array.from({ length: count }, () => ({ title: words(3), tags: [WORDS[next() % WORDS.length]!], summary: words(4), body: words(40) }));
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'xunwen-helpers-'));
  path = join(dir, 'search.db');
  db = openDatabase(path);
  const writer = new SegmentSearchIndex(db, { loadTexts, mergeFactor: 4 });
  const docs = corpus(2600);
  docs.forEach((doc, i) => texts.set(i + 1, doc));
  // batches of 200: 13 batches, merged four at a time into segments of two levels and sizes
  for (let i = 0; i < docs.length; i += 200) {
    writer.upsertMany(docs.slice(i, i + 200).map((doc, k) => ({ ...doc, id: i + k + 1, publishedTs: 1_700_000_000 + (i + k) * 60, categoryId: 1 + ((i + k) % 3), tagIds: [] })));
    writer.maintain();
  }
  writer.remove(5);
});

/** A search of `q`'s terms as the index hands it to segments, with this thread's way of doing one. */
function segmentSearch(q: string) {
  const store = new SegmentStore(db);
  store.read(() => store.sync());
  const reader = new PostingsReader(db);
  const include = parseQuery(q).include.map((term) => termVariants(term).map(termPhrase));
  const search: SegmentSearch = { include, exclude: [], categoryId: undefined, tagId: undefined, newest: 20, ranked: true };
  const generation = store.generation;
  const { alive, category, minute, article } = store.docs;
  const facts = { alive, category, minute, article };
  return { generation, work: { kind: 'search' as const, search, facts }, local: (segment: SegmentInfo) => searchSegment(reader, segment, search, facts) };
}

afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('search helper threads', () => {
  it('answer every query exactly as one thread does, sharing the work', async () => {
    const alone = new SegmentSearchIndex(db, { loadTexts, cacheEntries: 0 });
    const shared = new SegmentSearchIndex(db, { loadTexts, cacheEntries: 0, helpers: { threads: 1, minDocuments: 0, takeBackMs: 0, minEntries: 0 } });
    try {
      const queries = ['容器', '的', '网络命名', '命名空间共享', 'docker', 'kube', 'node.js', 'c++', '容器 -docker', '"共享 验证"', '数据库 索引 配置', '宿主', 'nothing'];
      for (const q of queries) {
        for (const filters of [{}, { categoryId: 2 }]) {
          // the first page and one deep in: large sets are ranked by recency merged over segments
          for (const [offset, limit] of [[0, 50], [1990, 30]] as const) {
            expect(shared.search(parseQuery(q), filters, offset, limit), q).toEqual(alone.search(parseQuery(q), filters, offset, limit));
          }
          expect(shared.count(parseQuery(q), filters)).toBe(alone.count(parseQuery(q), filters));
        }
      }
      expect(shared.related(['容器', '网络', '验证'], {}, new Set([1, 2]), 10)).toEqual(alone.related(['容器', '网络', '验证'], {}, new Set([1, 2]), 10));
      expect(alone.search(parseQuery('容器'), {}, 0, 10).total).toBeGreaterThan(FULL_RANK_LIMIT);
      expect(alone.search(parseQuery('命名空间共享'), {}, 0, 10).total).toBeLessThan(FULL_RANK_LIMIT);
      const stats = shared.helperStats;
      expect(stats.working).toBe(1);
      expect(stats.answered).toBeGreaterThan(20);
      expect(stats.fellBack).toBe(0);
    } finally {
      await shared.close();
    }
  });

  it('are not woken for queries that read fewer list entries than the threshold', async () => {
    const light = new SegmentSearchIndex(db, { loadTexts, cacheEntries: 0, helpers: { threads: 1, minDocuments: 0, minEntries: 1_000_000 } });
    try {
      expect(light.search(parseQuery('容器 网络'), {}, 0, 20).total).toBeGreaterThan(0);
      expect(light.helperStats).toEqual({ working: 0, answered: 0, fellBack: 0, takenBack: 0 });
    } finally {
      await light.close();
    }
  });

  it('leave a share to the asking thread when the helper sees other segments than it did', async () => {
    const segments = db.prepare<[], SegmentInfo>('SELECT id, base, span, level FROM search_segments ORDER BY base').all();
    expect(segments.length).toBeGreaterThan(2);
    const { generation, work, local } = segmentSearch('容器 网络');
    const helpers = new SearchHelpers(path, { threads: 1, minDocuments: 0, takeBackMs: 0 });
    try {
      // as if a merge had committed after this thread's snapshot: the helper's segments differ
      const older = [...segments, { id: 999, base: 10_000, span: 5, level: 0 }];
      expect(helpers.evaluate({ segments: older, generation }, work, local)).toEqual(older.map(local));
      expect(helpers.stats).toEqual({ answered: 0, fellBack: 1, takenBack: 0 });
      expect(helpers.evaluate({ segments, generation }, work, local)).toEqual(segments.map(local));
      expect(helpers.stats).toEqual({ answered: 1, fellBack: 1, takenBack: 0 });
    } finally {
      await helpers.close();
    }
  });

  it('give up at once on a helper that cannot open the database', async () => {
    const segments = db.prepare<[], SegmentInfo>('SELECT id, base, span, level FROM search_segments ORDER BY base').all();
    const { generation, work, local } = segmentSearch('验证');
    const helpers = new SearchHelpers(join(dir, 'missing.db'), { threads: 1, minDocuments: 0, timeoutMs: 60_000, takeBackMs: 0 });
    try {
      const started = performance.now();
      expect(helpers.evaluate({ segments, generation }, work, local)).toEqual(segments.map(local));
      expect(performance.now() - started).toBeLessThan(30_000);
      expect(helpers.working).toBe(0);
      expect(helpers.evaluate({ segments, generation }, work, local)).toEqual(segments.map(local));
      expect(helpers.stats.answered).toBe(0);
    } finally {
      await helpers.close();
    }
  });
});

describe('lists kept in memory', () => {
  it('answer as the database does, positions chunks and prefixes included', () => {
    const reading = new SegmentSearchIndex(db, { loadTexts, cacheEntries: 0, cachedListBytes: 1 });
    // prefixes too: the lists of every key starting with one are kept as one entry
    const queries = ['容器网络', '命名空间共享', '网络命名空间', '共享验证', '数据库索引', 'docker 容器网络', 'do', 'kube 网络', 'node.j', 'c+'];
    const answers = (index: SegmentSearchIndex) => queries.map((q) => JSON.stringify(index.search(parseQuery(q), {}, 0, 20)));
    const first = answers(reading);
    // the second time every list and chunk comes from memory
    expect(answers(reading)).toEqual(first);
    expect(answers(new SegmentSearchIndex(db, { loadTexts, cacheEntries: 0 }))).toEqual(first);
    expect(first.every((answer) => JSON.parse(answer).total > 0)).toBe(true);
  });

  it('stay within their bound, and a bound too small to keep anything changes no answer', () => {
    const queries = ['容器网络', '命名空间共享', 'do', 'node.j'];
    const answers = (index: SegmentSearchIndex) => queries.map((q) => JSON.stringify(index.search(parseQuery(q), {}, 0, 20)));
    const roomy = answers(new SegmentSearchIndex(db, { loadTexts, cacheEntries: 0, cachedListBytes: 1 }));
    expect(answers(new SegmentSearchIndex(db, { loadTexts, cacheEntries: 0, cachedListBytes: 1, listCacheBytes: 1 }))).toEqual(roomy);
    const store = new SegmentStore(db);
    store.read(() => store.sync());
    for (const bound of [0, 3000, 1 << 30]) {
      const reader = new PostingsReader(db, { cachedListBytes: 1, listCacheBytes: bound });
      let largest = 0;
      store.read(() => {
        for (const segment of store.segments) for (const key of ['b容器', 'b网络', 'h容器', 'B容']) largest = Math.max(largest, reader.list(segment, key, false)?.docs.length ?? 0);
      });
      expect(largest).toBeGreaterThan(0);
      expect(reader.cachedBytes).toBeLessThanOrEqual(bound);
      if (bound === 1 << 30) expect(reader.cachedBytes).toBeGreaterThan(0);
    }
  });

  it('are never served for an index cleared and refilled by another connection', async () => {
    const other = openDatabase(path);
    const reading = new SegmentSearchIndex(db, { loadTexts, cacheEntries: 0, cachedListBytes: 1, helpers: { threads: 1, minDocuments: 0, takeBackMs: 0, minEntries: 0 } });
    const writing = new SegmentSearchIndex(other, { loadTexts, cachedListBytes: 1 });
    try {
      const before = reading.search(parseQuery('容器'), {}, 0, 5).total;
      expect(before).toBeGreaterThan(0);
      // a phrase reads the positions of 容器's body list, which are split into chunks
      const phraseBefore = reading.search(parseQuery('容器网络'), {}, 0, 5).total;
      expect(phraseBefore).toBeGreaterThan(0);
      // the same segments again (same batches, so the same ids, bases and spans), other text
      writing.clear();
      const docs = corpus(2600).map((doc) => ({ ...doc, body: doc.body.replaceAll('容器', '集装箱') }));
      for (let i = 0; i < docs.length; i += 200) {
        writing.upsertMany(docs.slice(i, i + 200).map((doc, k) => ({ ...doc, id: i + k + 1, publishedTs: 1_700_000_000 + (i + k) * 60, categoryId: 1 + ((i + k) % 3), tagIds: [] })));
        writing.maintain();
      }
      const fresh = new SegmentSearchIndex(other, { loadTexts, cacheEntries: 0 });
      const expected = fresh.search(parseQuery('容器'), {}, 0, 5).total;
      expect(expected).toBeLessThan(before);
      expect(reading.search(parseQuery('容器'), {}, 0, 5).total).toBe(expected);
      expect(reading.search(parseQuery('集装箱'), {}, 0, 5).total).toBe(fresh.search(parseQuery('集装箱'), {}, 0, 5).total);
      expect(reading.search(parseQuery('容器网络'), {}, 0, 5).total).toBe(fresh.search(parseQuery('容器网络'), {}, 0, 5).total);
      expect(fresh.search(parseQuery('容器网络'), {}, 0, 5).total).toBeLessThan(phraseBefore);
      expect(reading.helperStats.answered).toBeGreaterThan(0);
    } finally {
      await reading.close();
      other.close();
    }
  });
});
