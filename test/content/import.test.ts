import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectImportFiles, recordsOfFiles } from '../../src/content/files.js';
import { extractPlainText } from '../../src/content/markdown.js';
import { createPreparePool } from '../../src/content/prepare-pool.js';
import type { Rejection } from '../../src/content/records.js';
import { MAX_BODY_BYTES } from '../../src/content/records.js';
import { openDatabase, type Db } from '../../src/db/open.js';
import { parseQuery } from '../../src/search/query.js';
import { createServices, type Services } from '../../src/services.js';
import { articleRecord, TEST_POEMS } from '../helpers.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'import');
const run = promisify(execFile);
const CLI = join(import.meta.dirname, '..', '..', 'src', 'cli', 'import.ts');
// one process (no tsx wrapper) so a kill reaches the importer itself
const NODE = process.execPath;
const cliArgs = (...args: string[]) => ['--import', 'tsx', CLI, ...args];

let db: Db;
let services: Services;
beforeEach(() => {
  db = openDatabase(':memory:');
  services = createServices(db, { poems: TEST_POEMS });
});
afterEach(() => db.close());

function importFixtures() {
  const rejected: Rejection[] = [];
  const files = collectImportFiles([FIXTURES], rejected);
  const summary = services.importer.importRecords(recordsOfFiles(files, rejected));
  return { ...summary, rejected: [...rejected, ...summary.rejected] };
}

const searchIds = (q: string) => services.index.search(parseQuery(q), {}, 0, 100).hits.map((h) => h.id);

describe('import', () => {
  it('reads Markdown, JSON arrays and JSON Lines recursively and reports each rejection by place and field', () => {
    const summary = importFixtures();
    expect(summary.imported).toBe(5);
    const lines = summary.rejected.map((r) => `${r.where.replace(FIXTURES, '')}: ${r.field}: ${r.reason}`);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\/bad-yaml\.md:\d+: \(front matter\): invalid YAML/),
        '/no-front-matter.md: (front matter): missing YAML front matter between --- lines',
        '/lines.jsonl:2: (json): invalid JSON: ' + (summary.rejected.find((r) => r.where.endsWith(':2'))?.reason.slice('invalid JSON: '.length) ?? ''),
        '/records.json#1: source_url: required for a repost (原文链接)',
        '/records.json#2: category: unknown category "cooking"',
        '/records.json#3: title: required',
        expect.stringMatching(/^\/records\.json#3: published_at: not an ISO 8601 date-time/),
        '/records.json#3: source_url: must be an http(s) URL',
        '/records.json#3: views: must be 0 or more',
      ]),
    );
    // notes.txt is not an importable extension inside a folder: silently skipped
    expect(lines.some((l) => l.includes('notes.txt'))).toBe(false);
  });

  it('resolves categories by slug or name and tags case-insensitively, by alias, or creates them', () => {
    importFixtures();
    const catalog = services.catalog();
    const original = services.articles.byExternalKey('original:xw-test-original')!;
    const tags = services.articles.tagIdsOf([original.id]).get(original.id)!.map((id) => catalog.tagById.get(id)!.name);
    expect(tags).toEqual(['Redis', '缓存设计']);
    const created = catalog.findTag('缓存设计')!;
    expect(catalog.categoryById.get(created.category_id)!.slug).toBe('middleware');
    const jsonl = services.articles.byExternalKey('original:jsonl-3')!;
    expect(services.articles.tagIdsOf([jsonl.id]).get(jsonl.id)!.map((id) => catalog.tagById.get(id)!.name)).toEqual(['Hive', 'HBase']);
  });

  it('is idempotent: a second run changes nothing, an edit updates in place', () => {
    importFixtures();
    const before = services.articles.countAll();
    const again = importFixtures();
    expect(again).toMatchObject({ imported: 0, updated: 0, unchanged: 5 });
    expect(services.articles.countAll()).toBe(before);
    const edited = services.importer.importRecords([{ where: 'x', value: { title: 'JSON 数组中的第一篇（修订）', published_at: '2020-01-02T03:04:05Z', source_url: 'https://example.com/json-1', category: 'databases', body: '改过的正文 索引合并' } }]);
    expect(edited).toMatchObject({ imported: 0, updated: 1 });
    expect(searchIds('索引合并')).toHaveLength(1);
    expect(searchIds('索引下推')).toHaveLength(0);
  });

  it('rejects a body over 2 MB and keeps going with the rest', () => {
    const summary = services.importer.importRecords([articleRecord({ body: 'x'.repeat(MAX_BODY_BYTES + 1) }), articleRecord()]);
    expect(summary.imported).toBe(1);
    expect(summary.rejected).toEqual([expect.objectContaining({ field: 'body', reason: 'larger than 2 MB' })]);
    // the limit is in UTF-8 bytes, not characters: 3-byte characters up to it pass, one more does not
    const cjk = '字'.repeat(Math.floor(MAX_BODY_BYTES / 3));
    const edge = services.importer.importRecords([
      articleRecord({ source_url: 'https://example.com/at-limit', body: cjk }),
      articleRecord({ source_url: 'https://example.com/over-limit', body: `${cjk}字` }),
    ]);
    expect(edge.imported).toBe(1);
    expect(edge.rejected).toEqual([expect.objectContaining({ field: 'body', reason: 'larger than 2 MB' })]);
  });

  it('accepts YAML date values and dates without a zone as China time', () => {
    services.importer.importRecords([articleRecord({ published_at: new Date('2021-02-03T04:05:06Z') }), articleRecord({ published_at: '2021-02-03 12:00', source_url: 'https://example.com/zone' })]);
    expect(services.articles.byId(services.articles.byExternalKey('https://example.com/zone')!.id)!.published_at).toBe('2021-02-03T04:00:00.000Z');
  });
});

describe('import in worker threads', () => {
  it('stores and indexes exactly what the in-thread import does, with updates, duplicates and rejections', async () => {
    // a mix: new articles, a same-key update inside the batch, an identical copy under another
    // URL (near-duplicate), an invalid record, and small batches so several segments are built
    const records = [
      ...Array.from({ length: 30 }, (_, i) => articleRecord({ source_url: `https://example.com/par/${i}`, title: `并行导入 ${i}`, body: `第 ${i} 篇：${'容器网络与命名空间的验证。'.repeat(30)}${i}` })),
      articleRecord({ source_url: 'https://example.com/par/3', title: '并行导入 3（改）', body: `改过的第 3 篇：${'索引合并与写放大。'.repeat(30)}` }),
      articleRecord({ source_url: 'https://example.com/copy-of-7', body: `第 7 篇：${'容器网络与命名空间的验证。'.repeat(30)}7` }),
      { where: 'bad#1', value: { title: '', published_at: 'soon' } },
      // a lone surrogate, as JSON can spell one: both paths store valid UTF-8 (U+FFFD)
      articleRecord({ source_url: 'https://example.com/lone', body: `半个代理对 \ud800 之后 ${'仍是正文。'.repeat(20)}` }),
    ];
    const inThread = services.importer.importRecords(records, { batchSize: 8 });
    expect(inThread).toMatchObject({ imported: 32, updated: 1, unchanged: 0 });
    expect(inThread.rejected.every((r) => r.where === 'bad#1')).toBe(true);
    const copy = services.articles.byExternalKey('https://example.com/copy-of-7')!;
    // (the bodies differ in a number only, so all of them form one near-duplicate group)
    expect(services.articles.byId(copy.id)!.duplicate_of).toBe(services.articles.byExternalKey('https://example.com/par/0')!.id);
    const otherDb = openDatabase(':memory:');
    const pool = createPreparePool(2);
    try {
      const other = createServices(otherDb, { poems: TEST_POEMS });
      const parallel = await other.importer.importRecordsParallel(records, { pool, batchSize: 8 });
      expect(parallel).toEqual(inThread);
      const rows = (d: Db) => d.prepare('SELECT external_key, title, body_md, excerpt, typeof(body_md) AS t1, typeof(excerpt) AS t2, content_hash, duplicate_of FROM articles ORDER BY id').all();
      expect(rows(otherDb)).toEqual(rows(db));
      const lone = "SELECT hex(body_md) AS h FROM articles WHERE external_key = 'https://example.com/lone'";
      for (const d of [db, otherDb]) expect((d.prepare(lone).get() as { h: string }).h).toContain(Buffer.from(' \ufffd ').toString('hex').toUpperCase());
      // the texts are bound as UTF-8 bytes yet stored as text: excerpts count characters, not bytes
      const stored = otherDb.prepare("SELECT id, body_md, excerpt, typeof(body_md) AS t1, typeof(excerpt) AS t2 FROM articles WHERE external_key = 'https://example.com/par/12'").get() as { id: number; body_md: string; excerpt: string; t1: string; t2: string };
      expect(stored).toMatchObject({ body_md: (records[12]!.value as { body: string }).body, t1: 'text', t2: 'text' });
      expect(stored.excerpt).toBe(extractPlainText(stored.body_md).slice(0, 160));
      expect(stored.excerpt).toContain('容器网络与命名空间的验证。');
      expect(other.articles.listRows([stored.id])[0]!.excerpt).toBe(stored.excerpt);
      for (const q of ['容器网络', '并行导入', '索引合并', '验证 -改过', '7']) {
        expect(other.index.search(parseQuery(q), {}, 0, 50), q).toEqual(services.index.search(parseQuery(q), {}, 0, 50));
      }
    } finally {
      await pool.close();
      otherDb.close();
    }
  }, 60_000);
});

describe('import CLI', () => {
  it('prints rejections and a summary, exits 1 when anything was rejected, 0 on a clean re-run of good files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xunwen-cli-'));
    const env = { ...process.env, DATABASE_PATH: join(dir, 'x.db') };
    const failed = await run(NODE, cliArgs(FIXTURES), { env }).catch((error: { code: number; stdout: string; stderr: string }) => error);
    expect('code' in failed && failed.code).toBe(1);
    expect(failed.stdout).toMatch(/^imported 5, updated 0, unchanged 0, rejected 9 /);
    expect(failed.stderr).toContain('records.json#2: category: unknown category "cooking"');
    const clean = await run(NODE, cliArgs(join(FIXTURES, 'good-repost.md'), join(FIXTURES, 'nested')), { env });
    expect(clean.stdout).toMatch(/^imported 0, updated 0, unchanged 2, rejected 0 /);
  });

  it('prints its usage: asked for, with exit code 0; given no files or a bad number, with exit code 2', async () => {
    const help = await run(NODE, cliArgs('--help'));
    expect(help.stderr).toMatch(/^usage: npm run import -- \[--workers N\] \[--batch N\]/);
    for (const args of [[], ['--workers', '0', 'x.jsonl']]) {
      const failed = await run(NODE, cliArgs(...args)).catch((error: { code: number; stderr: string }) => error);
      expect('code' in failed && failed.code, args.join(' ')).toBe(2);
      expect(failed.stderr).toContain('usage: npm run import');
    }
  });

  it('draws a progress bar on a terminal, and none when its output is a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xunwen-tty-'));
    const file = join(dir, 'some.jsonl');
    writeFileSync(file, Array.from({ length: 30 }, (_, i) => JSON.stringify({ title: `第 ${i} 篇`, published_at: '2022-01-01', source_url: `https://example.com/tty/${i}`, category: 'databases', body: `正文 ${i}` })).join('\n'));
    const env = { ...process.env, DATABASE_PATH: join(dir, 'x.db') };
    // script(1) runs the command on a pseudo-terminal, as a person at a shell would
    const command = [NODE, ...cliArgs('--batch', '10', file)].map((arg) => `'${arg}'`).join(' ');
    const onTerminal = await run('script', ['-qec', command, '/dev/null'], { env });
    const bars = onTerminal.stdout.match(/导入 \[[█░]{24}\] +\d+%/g) ?? [];
    expect(bars.length).toBeGreaterThanOrEqual(3);
    expect(onTerminal.stdout).toMatch(/\[█{24}\] 100% {2}30 条 .*完成/);
    expect(onTerminal.stdout).toContain('imported 30, updated 0, unchanged 0, rejected 0');
    const piped = await run(NODE, cliArgs(file), { env });
    expect(piped.stderr).not.toContain('导入 [');
    expect(piped.stdout).toMatch(/^imported 0, updated 0, unchanged 30, rejected 0 /);
  });

  it('survives kill -9 at random points: the database stays consistent and a re-run finishes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xunwen-crash-'));
    const file = join(dir, 'big.jsonl');
    const TOTAL = 6000;
    // distinct bodies, so the duplicate detector does real work as well
    writeFileSync(
      file,
      Array.from({ length: TOTAL }, (_, i) => JSON.stringify({ title: `第 ${i} 篇`, published_at: '2022-01-01', source_url: `https://example.com/big/${i}`, category: 'systems-containers', tags: ['Docker', `批次${i % 7}`], body: `第 ${i} 篇：${'容器网络与命名空间的验证。'.repeat(40)}${i.toString(36).repeat(30)}` })).join('\n'),
    );
    const dbPath = join(dir, 'crash.db');
    const countRows = (sql: string) => {
      const probe = new Database(dbPath, { readonly: true, fileMustExist: true });
      try {
        return (probe.prepare(sql).get() as { n: number }).n;
      } finally {
        probe.close();
      }
    };
    const random = fc.sample(fc.integer({ min: 1, max: 4 }), { numRuns: 3, seed: 42 });
    let previous = 0;
    for (const batches of random) {
      // batches of 500, so several commit before the kill lands
      const child = spawn(NODE, cliArgs('--batch', '500', file), { env: { ...process.env, DATABASE_PATH: dbPath }, stdio: 'ignore' });
      // kill at a random point: after a random number of further batches have committed
      await new Promise<void>((resolve) => {
        const timer = setInterval(() => {
          try {
            if (countRows('SELECT count(*) AS n FROM articles') >= previous + batches * 500) {
              clearInterval(timer);
              resolve();
            }
          } catch {
            // not created yet
          }
        }, 5);
      });
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      const check = new Database(dbPath);
      expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
      const partial = (check.prepare('SELECT count(*) AS n FROM articles').get() as { n: number }).n;
      // every article is all there or not at all: its index entry, its tags, its signature
      const whole = (check.prepare(
        `SELECT count(*) AS n FROM articles a
          WHERE EXISTS (SELECT 1 FROM search_docs d WHERE d.article_id = a.id)
            AND (SELECT count(*) FROM article_tags t WHERE t.article_id = a.id) = 2
            AND EXISTS (SELECT 1 FROM article_signatures s WHERE s.article_id = a.id)`,
      ).get() as { n: number }).n;
      const indexed = (check.prepare('SELECT count(*) AS n FROM search_docs').get() as { n: number }).n;
      check.close();
      expect(partial % 500).toBe(0);
      expect(partial).toBeGreaterThan(previous);
      expect(whole).toBe(partial);
      expect(indexed).toBe(partial);
      previous = partial;
    }
    expect(previous).toBeLessThan(TOTAL);
    const rerun = await run(NODE, cliArgs('--batch', '500', file), { env: { ...process.env, DATABASE_PATH: dbPath } });
    expect(rerun.stdout).toMatch(new RegExp(`^imported ${TOTAL - previous}, updated 0, unchanged ${previous}, rejected 0`));
    const reopened = openDatabase(dbPath);
    try {
      expect(createServices(reopened).index.count(parseQuery('验证'), {})).toBe(TOTAL);
    } finally {
      reopened.close();
    }
  }, 120_000);
});
