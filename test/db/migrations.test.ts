import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/open.js';
import { MIGRATIONS_DIR } from '../../src/paths.js';
import { parseQuery } from '../../src/search/query.js';
import { SegmentSearchIndex } from '../../src/search/segment-index.js';
import { createServices } from '../../src/services.js';
import { TEST_POEMS } from '../helpers.js';

/** An in-memory database migrated up to (not including) `version`, as an older release left it. */
function databaseBefore(version: string): Database.Database {
  const dir = mkdtempSync(join(tmpdir(), 'xunwen-migrate-'));
  try {
    for (const file of readdirSync(MIGRATIONS_DIR).filter((name) => name < version)) cpSync(join(MIGRATIONS_DIR, file), join(dir, file));
    const db = new Database(':memory:');
    migrate(db, dir);
    return db;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** As session 1 left databases (FTS5, stored HTML). */
const databaseAtVersion4 = () => databaseBefore('0005');

describe('migration 0006', () => {
  it('drops the stored HTML of an existing database and keeps its Markdown, and the start of its plain text as the excerpt', () => {
    const db = databaseAtVersion4();
    try {
      const category = db.prepare<[], { id: number }>('SELECT id FROM categories LIMIT 1').get()!.id;
      db.prepare(
        `INSERT INTO articles (external_key, title, type, published_at, published_ts, imported_at, updated_at, category_id, body_md, body_html, toc_html, plain_text, content_hash)
         VALUES ('k', '旧文章', 'original', '2023-01-01T00:00:00Z', 0, 'now', 'now', ?, '## 旧', '<h2>旧</h2>', '', '旧', 'h')`,
      ).run(category);
      migrate(db);
      const columns = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('articles')").all().map((c) => c.name);
      expect(columns).toContain('body_md');
      expect(columns).not.toContain('body_html');
      expect(columns).not.toContain('toc_html');
      expect(db.prepare('SELECT body_md, excerpt FROM articles').get()).toEqual({ body_md: '## 旧', excerpt: '旧' });
    } finally {
      db.close();
    }
  });
});

describe('migration 0005 and the one-off rebuild', () => {
  it('rebuilds the search index and the signatures of an FTS5-era database on first open', () => {
    const db = databaseAtVersion4();
    try {
      const category = db.prepare<[], { id: number }>('SELECT id FROM categories LIMIT 1').get()!.id;
      const insert = db.prepare(
        `INSERT INTO articles (external_key, title, type, published_at, published_ts, imported_at, updated_at, category_id, body_md, body_html, toc_html, plain_text, content_hash, status)
         VALUES (?, ?, 'original', '2023-01-01T00:00:00Z', ?, 'now', 'now', ?, ?, '', '', ?, 'h', ?)`,
      );
      const body = '容器网络与命名空间的验证，宿主机上的网络隔离。'.repeat(20);
      insert.run('a', '旧的容器文章', 100, category, body, body, 'published');
      insert.run('b', '另一篇', 200, category, `${body}再加一句。`, `${body}再加一句。`, 'published');
      insert.run('c', '下架的容器文章', 300, category, body, body, 'removed');
      // an old-style signature that the rebuild must replace, bands included
      db.prepare('INSERT INTO article_signatures (article_id, signature) VALUES (1, ?)').run(Buffer.alloc(128, 7));
      migrate(db);
      const services = createServices(db, { poems: TEST_POEMS });
      expect(services.index.documentCount()).toBe(2);
      expect(services.index.search(parseQuery('容器'), {}, 0, 10).hits.map((h) => h.id)).toEqual([1, 2]);
      expect(services.index.count(parseQuery('宿主机'), {})).toBe(2);
      // the old-style signature is replaced; band keys are no longer stored (0009), imports derive them
      expect(services.articles.signatureOf(1)).not.toEqual(Buffer.alloc(128, 7));
      expect(db.prepare("SELECT name FROM sqlite_schema WHERE name = 'article_bands'").get()).toBeUndefined();
      expect(db.prepare<[], { n: number }>('SELECT count(DISTINCT article_id) AS n FROM article_signatures').get()!.n).toBe(3);
      // only once: a second open finds the index built
      expect(createServices(db, { poems: TEST_POEMS }).index.documentCount()).toBe(2);
      expect(db.prepare<[], { n: number }>('SELECT count(*) AS n FROM search_segments').get()!.n).toBe(1);
    } finally {
      db.close();
    }
  });
});

describe('migration 0008 (index format 2)', () => {
  it('drops segments of the old format and has the index rebuilt on first open', () => {
    const db = databaseBefore('0008');
    try {
      const category = db.prepare<[], { id: number }>('SELECT id FROM categories LIMIT 1').get()!.id;
      db.prepare(
        `INSERT INTO articles (external_key, title, type, published_at, published_ts, imported_at, updated_at, category_id, body_md, plain_text, content_hash)
         VALUES ('k', 'C++ 容器', 'original', '2023-01-01T00:00:00Z', 0, 'now', 'now', ?, '用 node.js 验证容器网络', '用 node.js 验证容器网络', 'h')`,
      ).run(category);
      // a format-1 index as the last version left it: one segment, its rows, the flag set
      db.exec(`INSERT INTO search_segments (id, base, span, level) VALUES (1, 0, 1, 0);
        INSERT INTO search_docs (doc, article_id, published_minute, category_id, length) VALUES (0, 1, 0, ${category}, 1);
        INSERT INTO search_postings (segment, token, data) VALUES (1, 'bold', x'0100');
        UPDATE site_meta SET value = 1 WHERE key = 'search_index_built';`);
      migrate(db);
      expect(db.prepare<[], { n: number }>("SELECT count(*) AS n FROM search_postings WHERE token = 'bold'").get()!.n).toBe(0);
      const services = createServices(db, { poems: TEST_POEMS });
      expect(services.index.search(parseQuery('node.js 容器网络'), {}, 0, 10).hits.map((h) => h.id)).toEqual([1]);
      // c++ and node.js are found through symbol pairs, which only a rebuilt index holds
      expect(services.index.count(parseQuery('c++'), {})).toBe(1);
    } finally {
      db.close();
    }
  });
});

describe('migration 0010', () => {
  it('moves the index rows into a rowid table unchanged, one row per segment and token', () => {
    const db = databaseBefore('0010');
    try {
      // the index alone: the services of today expect the articles table of today
      const index = new SegmentSearchIndex(db, { loadTexts: () => new Map() });
      const docs = Array.from({ length: 60 }, (_, i) => ({
        id: i + 1,
        publishedTs: 1_600_000_000 + i * 60,
        title: `第 ${i} 篇：容器网络`,
        tags: [],
        summary: '',
        body: '用 node.js 验证容器网络的连通。'.repeat(1 + (i % 40)),
        categoryId: 1,
        tagIds: [],
      }));
      for (let i = 0; i < docs.length; i += 7) {
        db.transaction(() => index.upsertMany(docs.slice(i, i + 7)))();
        index.maintain();
      }
      const rows = () => db.prepare('SELECT segment, token, hex(data) AS data FROM search_postings ORDER BY segment, token').all();
      const before = rows();
      const found = () => index.search(parseQuery('node.js 容器网络'), {}, 0, 100);
      const foundBefore = found();
      migrate(db);
      expect(rows()).toEqual(before);
      expect(before.length).toBeGreaterThan(50);
      expect(found()).toEqual(foundBefore);
      expect(foundBefore.total).toBe(60);
      // still one row per key: the unique index took the primary key's place
      const [first] = before as Array<{ segment: number; token: string }>;
      expect(() => db.prepare("INSERT INTO search_postings (segment, token, data) VALUES (?, ?, x'00')").run(first!.segment, first!.token)).toThrow(/UNIQUE/);
      expect(db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'search_postings' AND sql LIKE '%WITHOUT ROWID%'").get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });
});

describe('migration 0011 (no stored plain text)', () => {
  it('keeps the first 160 characters of the plain text as the excerpt, and search derives the rest from the Markdown', () => {
    const db = databaseBefore('0011');
    try {
      const category = db.prepare<[], { id: number }>('SELECT id FROM categories LIMIT 1').get()!.id;
      const plain = `容器网络的验证${'，宿主机上的网络隔离'.repeat(30)}。`;
      db.prepare(
        `INSERT INTO articles (external_key, title, type, published_at, published_ts, imported_at, updated_at, category_id, body_md, plain_text, content_hash)
         VALUES ('k', '旧文章', 'original', '2023-01-01T00:00:00Z', 0, 'now', 'now', ?, ?, ?, 'h')`,
      ).run(category, `## 容器网络的验证\n\n${plain.slice('容器网络的验证'.length)}`, plain);
      db.prepare("UPDATE site_meta SET value = 0 WHERE key = 'search_index_built'").run();
      migrate(db);
      const columns = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('articles')").all().map((c) => c.name);
      expect(columns).not.toContain('plain_text');
      const services = createServices(db, { poems: TEST_POEMS });
      expect(services.articles.listRows([1])[0]!.excerpt).toBe(plain.slice(0, 160));
      const found = services.search.search({ q: '网络隔离', page: 1, limit: 20 });
      expect(found.total).toBe(1);
      expect(found.results[0]!.snippetHtml).toContain('<mark>网络隔离</mark>');
    } finally {
      db.close();
    }
  });
});
