import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { extractPlainText } from '../../src/content/markdown.js';
import { createArticleTexts } from '../../src/content/texts.js';
import { openDatabase, type Db } from '../../src/db/open.js';
import { createServices, type Services } from '../../src/services.js';
import { articleRecord, TEST_POEMS } from '../helpers.js';

let db: Db;
let services: Services;
beforeEach(() => {
  db = openDatabase(':memory:');
  services = createServices(db, { poems: TEST_POEMS });
});
afterEach(() => db.close());

describe('article texts', () => {
  it('derive the plain text from the stored Markdown, afresh once an article is re-imported', () => {
    const url = 'https://example.com/texts/1';
    services.importer.importRecords([articleRecord({ source_url: url, body: '## 第一版\n\n讲**容器**网络。' })]);
    const id = services.articles.byExternalKey(url)!.id;
    const texts = createArticleTexts(services.articles);
    expect(texts([id])[0]).toMatchObject({ id, plainText: '第一版\n讲容器网络。' });
    services.importer.importRecords([articleRecord({ source_url: url, body: '## 第二版\n\n讲存储。' })]);
    expect(texts([id])[0]!.plainText).toBe(extractPlainText('## 第二版\n\n讲存储。'));
  });

  it('leave out removed articles', () => {
    services.importer.importRecords([articleRecord({ source_url: 'https://example.com/texts/2' })]);
    const id = services.articles.byExternalKey('https://example.com/texts/2')!.id;
    db.prepare("UPDATE articles SET status = 'removed' WHERE id = ?").run(id);
    expect(createArticleTexts(services.articles)([id])).toEqual([]);
  });
});
