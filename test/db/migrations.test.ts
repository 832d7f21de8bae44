import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/open.js';
import { MIGRATIONS_DIR } from '../../src/paths.js';

describe('migration 0006', () => {
  it('drops the stored HTML of an existing database and keeps its Markdown and plain text', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xunwen-migrate-'));
    const db = new Database(':memory:');
    try {
      for (const file of ['0001_schema.sql', '0002_taxonomy.sql', '0003_duplicates.sql', '0004_sitemap_index_content_version.sql']) cpSync(join(MIGRATIONS_DIR, file), join(dir, file));
      migrate(db, dir);
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
      expect(db.prepare('SELECT body_md, plain_text FROM articles').get()).toEqual({ body_md: '## 旧', plain_text: '旧' });
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
