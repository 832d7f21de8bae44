import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createImporter } from '../../src/content/importer.js';
import { excerptOf } from '../../src/content/listing.js';
import { extractPlainText } from '../../src/content/markdown.js';
import { createPreparePool, pickWorker, WORKER_NICE } from '../../src/content/prepare-pool.js';
import { contentHash, prepareBatch, type ArticleSource, type PreparedBatch } from '../../src/content/prepare.js';
import { createContentVersion } from '../../src/db/changes.js';
import { openDatabase } from '../../src/db/open.js';
import type { IndexedDocument, SearchIndex } from '../../src/search/engine.js';
import { createServices } from '../../src/services.js';
import { articleRecord, TEST_POEMS } from '../helpers.js';

const source: ArticleSource = {
  title: '容器网络',
  summary: '摘要',
  body: '## 小节\n\n正文',
  tagNames: ['Docker'],
  categoryId: 3,
  tagIds: [9, 2],
  author: '作者',
  type: 'repost',
  sourceUrl: 'https://example.com/a',
  publishedAt: '2023-05-10T02:00:00.000Z',
  views: 7,
};

describe('content hash', () => {
  it('stays the SHA-256 of the stored fields that databases already hold, so a re-import finds them unchanged', () => {
    const material = JSON.stringify(['容器网络', '作者', 'repost', 'https://example.com/a', '2023-05-10T02:00:00.000Z', 3, [2, 9], 7, '摘要', '## 小节\n\n正文']);
    expect(contentHash(source)).toBe(createHash('sha256').update(material).digest('hex'));
    // tag order does not matter; every stored field does
    expect(contentHash({ ...source, tagIds: [2, 9] })).toBe(contentHash(source));
    expect(contentHash({ ...source, views: 8 })).not.toBe(contentHash(source));
  });
});

/** Runs `use` with a pool of `size` workers, closed afterwards whatever happens. */
async function withPool(size: number, use: (pool: ReturnType<typeof createPreparePool>) => Promise<void>): Promise<void> {
  const pool = createPreparePool(size);
  try {
    await use(pool);
  } finally {
    await pool.close();
  }
}

describe('prepare pool', () => {
  it('gives a batch to the worker with the fewest outstanding, and a tie to the one given a batch least recently', () => {
    expect(pickWorker([1, 0], [4, 3])).toBe(1);
    expect(pickWorker([0, 1], [2, 3])).toBe(0);
    // the case that queued two batches behind worker 0: both hold one, worker 0 took the newer one
    expect(pickWorker([1, 1], [2, 1])).toBe(1);
    expect(pickWorker([1, 1], [1, 2])).toBe(0);
    expect(pickWorker([0, 0, 0], [-1, -1, -1])).toBe(0);
  });

  it('spreads batches evenly over its workers when results come back between batches', async () => {
    await withPool(2, async (pool) => {
      const batch = (n: number, size = 3, body = source.body) => Array.from({ length: size }, (_, i) => ({ ...source, title: `批次 ${n}-${i}`, body }));
      // three in flight (the second far larger, so its worker is still busy), the first one back,
      // then a fourth: it must go to the worker holding one batch, not to the one holding two
      const long = `## 长文\n\n${'容器的网络命名空间与路由表，'.repeat(400)}`;
      const first = [pool.prepare(batch(0)), pool.prepare(batch(1, 300, long)), pool.prepare(batch(2))];
      await first[0];
      const fourth = pool.prepare(batch(3));
      const prepared = await Promise.all([...first, fourth]);
      expect(pool.batchesPerWorker()).toEqual([2, 2]);
      expect(prepared.map((p) => p.articles.length)).toEqual([3, 300, 3, 3]);
      expect(prepared[3]!.articles[0]!.excerpt).toBe(excerptOf(extractPlainText(source.body)));
    });
  });

  /** The nice value of each thread of this process (Linux: /proc/self/task/<id>/stat, field 19). */
  const threadNices = (): number[] =>
    readdirSync('/proc/self/task').flatMap((id) => {
      try {
        const stat = readFileSync(`/proc/self/task/${id}/stat`, 'utf8');
        return [Number(stat.slice(stat.lastIndexOf(') ') + 2).split(' ')[16])];
      } catch {
        return []; // a thread that ended meanwhile
      }
    });

  // Linux keeps a nice value per thread; elsewhere the workers run at the writer's priority
  it.runIf(existsSync('/proc/thread-self'))('runs its workers at a lower priority than the thread that writes', async () => {
    const before = threadNices().filter((nice) => nice === WORKER_NICE).length;
    const own = threadNices();
    await withPool(2, async (pool) => {
      await Promise.all([pool.prepare([source]), pool.prepare([source])]);
      expect(threadNices().filter((nice) => nice === WORKER_NICE).length).toBe(before + 2);
    });
    // the rest of the process is where it was
    expect(Math.min(...own)).toBeLessThan(WORKER_NICE);
    expect(threadNices().filter((nice) => nice === WORKER_NICE).length).toBe(before);
  });
});

/** What a prepared batch holds, in plain values, to compare two of them. */
const contentsOf = (batch: PreparedBatch) => ({
  articles: batch.articles.map((a) => [a.hash, a.excerpt, a.signature && [...a.signature]]),
  keys: batch.segment.rowKeys,
  rows: batch.segment.rows.map((row) => Buffer.from(row).toString('hex')),
  lengths: [...batch.segment.lengths],
});

describe('a batch sent in parts', () => {
  it('is prepared as the whole batch at once, and brings its bodies back as UTF-8 bytes', async () => {
    await withPool(2, async (pool) => {
      const bodies = ['## 网络\n\n容器的网络命名空间与路由表。'.repeat(20), '短', '', 'emoji 😀 与 café', '**粗体**和`代码`'];
      const sources = bodies.map((body, i) => ({ ...source, title: `第 ${i} 篇`, body }));
      const inParts = pool.begin();
      inParts.add(sources.slice(0, 2));
      inParts.add([]);
      inParts.add(sources.slice(2, 3));
      const prepared = await inParts.end(sources.slice(3));
      expect(contentsOf(prepared)).toEqual(contentsOf(prepareBatch(sources)));
      const { bytes, ends } = prepared.bodies!;
      const decoded = [...ends].map((end, i) => Buffer.from(bytes.subarray(i === 0 ? 0 : ends[i - 1]!, end)).toString('utf8'));
      expect(decoded).toEqual(bodies);
      // the other worker, given the whole batch in one message, agrees
      expect(contentsOf(await pool.prepare(sources))).toEqual(contentsOf(prepared));
      expect(pool.batchesPerWorker()).toEqual([1, 1]);
    });
  });

  it('is sent one at a time: another batch cannot begin before it ends, nor a part follow its end', async () => {
    await withPool(1, async (pool) => {
      const first = pool.begin();
      first.add([source]);
      expect(() => pool.begin()).toThrow(/still being sent/);
      expect(() => pool.prepare([source])).toThrow(/still being sent/);
      const prepared = first.end([source]);
      expect(() => first.add([source])).toThrow(/ended already/);
      const second = pool.prepare([source]);
      expect((await prepared).articles).toHaveLength(2);
      expect((await second).articles).toHaveLength(1);
    });
  });

  it('fails as a whole when one part cannot be prepared, and its worker goes on with the next batch', async () => {
    await withPool(1, async (pool) => {
      const broken = pool.begin();
      broken.add([source]);
      // not a string: the Markdown parser throws in the worker
      broken.add([{ ...source, body: 42 as unknown as string }]);
      broken.add([source]);
      await expect(broken.end([source])).rejects.toThrow(/preparing a batch failed/);
      const next = await pool.prepare([source, { ...source, title: '另一篇' }]);
      expect(next.articles).toHaveLength(2);
      expect(next.segment.docCount).toBe(2);
    });
  });
});

describe('importer and an engine that builds its own index', () => {
  it('still hands each document its whole plain text, though the workers send only the excerpt', async () => {
    const db = openDatabase(':memory:');
    try {
      const services = createServices(db, { poems: TEST_POEMS });
      const bodies: string[] = [];
      // the real index, except that it indexes from the documents and never from prepared work
      const upsertMany = (docs: ReadonlyArray<IndexedDocument | undefined>) => {
        for (const doc of docs) if (doc) bodies.push(doc.body);
      };
      const index = new Proxy(services.index, {
        get: (target, key) => {
          if (key === 'upsertMany') return upsertMany;
          const value = Reflect.get(target, key) as unknown;
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      }) as SearchIndex;
      const importer = createImporter({ db, articles: services.articles, taxonomy: services.taxonomy, index, contentVersion: createContentVersion(db) });
      const body = `## 长文\n\n${'容器的网络命名空间与路由表。'.repeat(20)}**结尾**`;
      const pool = createPreparePool(1);
      await importer.importRecordsParallel([articleRecord({ body })], { pool }).finally(() => pool.close());
      expect(bodies).toEqual([extractPlainText(body)]);
      expect(extractPlainText(body).length).toBeGreaterThan(160);
    } finally {
      db.close();
    }
  }, 30_000);
});
