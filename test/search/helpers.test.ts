import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/db/open.js';
import type { DocumentText } from '../../src/search/engine.js';
import { parseQuery, termVariants } from '../../src/search/query.js';
import { SearchHelpers } from '../../src/search/search-helpers.js';
import { SegmentSearchIndex } from '../../src/search/segment-index.js';
import { PostingsReader, type SegmentInfo } from '../../src/search/segment-reader.js';
import { termsInSegment } from '../../src/search/segment-terms.js';
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
  const docs = corpus(600);
  docs.forEach((doc, i) => texts.set(i + 1, doc));
  // batches of 47: 13 batches, merged four at a time into segments of two levels and sizes
  for (let i = 0; i < docs.length; i += 47) {
    writer.upsertMany(docs.slice(i, i + 47).map((doc, k) => ({ ...doc, id: i + k + 1, publishedTs: 1_700_000_000 + (i + k) * 60, categoryId: 1 + ((i + k) % 3), tagIds: [] })));
    writer.maintain();
  }
  writer.remove(5);
});

afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('search helper threads', () => {
  it('answer every query exactly as one thread does, sharing the work', async () => {
    const alone = new SegmentSearchIndex(db, { loadTexts, cacheEntries: 0 });
    const shared = new SegmentSearchIndex(db, { loadTexts, cacheEntries: 0, helpers: { threads: 1, minDocuments: 0 } });
    try {
      const queries = ['容器', '的', '网络命名', '命名空间共享', 'docker', 'kube', 'node.js', 'c++', '容器 -docker', '"共享 验证"', '数据库 索引 配置', '宿主', 'nothing'];
      for (const q of queries) {
        for (const filters of [{}, { categoryId: 2 }]) {
          expect(shared.search(parseQuery(q), filters, 0, 50), q).toEqual(alone.search(parseQuery(q), filters, 0, 50));
          expect(shared.count(parseQuery(q), filters)).toBe(alone.count(parseQuery(q), filters));
        }
      }
      expect(shared.related(['容器', '网络', '验证'], {}, new Set([1, 2]), 10)).toEqual(alone.related(['容器', '网络', '验证'], {}, new Set([1, 2]), 10));
      expect(alone.search(parseQuery('容器'), {}, 0, 10).total).toBeGreaterThan(100);
      const stats = shared.helperStats;
      expect(stats.working).toBe(1);
      expect(stats.answered).toBeGreaterThan(20);
      expect(stats.fellBack).toBe(0);
    } finally {
      await shared.close();
    }
  });

  it('leave a share to the asking thread when the helper sees other segments than it did', async () => {
    const segments = db.prepare<[], SegmentInfo>('SELECT id, base, span, level FROM search_segments ORDER BY base').all();
    expect(segments.length).toBeGreaterThan(2);
    const reader = new PostingsReader(db);
    const terms = parseQuery('容器 网络').include.map((term) => termVariants(term).map(termPhrase));
    const local = (segment: SegmentInfo) => termsInSegment(reader, segment, terms);
    const helpers = new SearchHelpers(path, { threads: 1, minDocuments: 0 });
    try {
      // as if a merge had committed after this thread's snapshot: the helper's segments differ
      const older = [...segments, { id: 999, base: 10_000, span: 5, level: 0 }];
      expect(helpers.evaluate(older, terms, local)).toEqual(older.map(local));
      expect(helpers.stats).toEqual({ answered: 0, fellBack: 1 });
      expect(helpers.evaluate(segments, terms, local)).toEqual(segments.map(local));
      expect(helpers.stats).toEqual({ answered: 1, fellBack: 1 });
    } finally {
      await helpers.close();
    }
  });

  it('give up at once on a helper that cannot open the database', async () => {
    const segments = db.prepare<[], SegmentInfo>('SELECT id, base, span, level FROM search_segments ORDER BY base').all();
    const reader = new PostingsReader(db);
    const terms = parseQuery('验证').include.map((term) => termVariants(term).map(termPhrase));
    const local = (segment: SegmentInfo) => termsInSegment(reader, segment, terms);
    const helpers = new SearchHelpers(join(dir, 'missing.db'), { threads: 1, minDocuments: 0, timeoutMs: 60_000 });
    try {
      const started = performance.now();
      expect(helpers.evaluate(segments, terms, local)).toEqual(segments.map(local));
      expect(performance.now() - started).toBeLessThan(30_000);
      expect(helpers.working).toBe(0);
      expect(helpers.evaluate(segments, terms, local)).toEqual(segments.map(local));
      expect(helpers.stats.answered).toBe(0);
    } finally {
      await helpers.close();
    }
  });
});
