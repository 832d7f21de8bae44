import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { createViewCounter } from '../../src/content/views.js';
import { openDatabase } from '../../src/db/open.js';
import { createServices } from '../../src/services.js';
import { articleRecord, testConfig, TEST_POEMS } from '../helpers.js';

const READER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36';
const closers: Array<() => unknown> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

describe('view counting', () => {
  it('counts a visitor once per article per day, bots and prefetches never, and survives a clean restart', async () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'xunwen-views-')), 'v.db');
    const config = testConfig({ DATABASE_PATH: dbPath });
    const app = await buildApp({ config, services: { poems: TEST_POEMS } });
    app.services.importer.importRecords([articleRecord({ source_url: 'https://example.com/viewed' })]);
    const id = app.services.articles.byExternalKey('https://example.com/viewed')!.id;
    const view = (headers: Record<string, string>, remoteAddress = '192.0.2.1') =>
      app.inject({ method: 'POST', url: `/articles/${id}/view`, headers, remoteAddress });
    expect((await view({ 'user-agent': READER })).statusCode).toBe(204);
    await view({ 'user-agent': READER });
    await view({ 'user-agent': READER }, '192.0.2.2');
    await view({ 'user-agent': 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' }, '192.0.2.3');
    await view({ 'user-agent': 'curl/8.0' }, '192.0.2.4');
    await view({ 'user-agent': READER, 'sec-purpose': 'prefetch' }, '192.0.2.5');
    expect(app.services.views.pendingCount()).toBe(2);
    // page loads themselves never count: a cached page must not lose views, a reload must not add them
    await app.inject({ url: `/articles/${id}`, headers: { 'user-agent': READER } });
    expect(app.services.views.pendingCount()).toBe(2);
    await app.close();

    const reopened = await buildApp({ config, services: { poems: TEST_POEMS } });
    closers.push(() => reopened.close());
    expect(reopened.services.articles.byId(id)!.views).toBe(2);
    const page = await reopened.inject({ url: `/articles/${id}` });
    expect(page.body).toContain('2 次阅读');
    expect(page.body).toMatch(/<script src="\/static\/js\/view\.js\?v=[0-9a-f]+" defer><\/script>/);
  });

  it('writes counts in batches and starts a new day with a new salt', () => {
    const db = openDatabase(':memory:');
    closers.push(() => db.close());
    const services = createServices(db, { poems: TEST_POEMS });
    services.importer.importRecords([articleRecord({ source_url: 'https://example.com/a' }), articleRecord({ source_url: 'https://example.com/b' })]);
    const a = services.articles.byExternalKey('https://example.com/a')!.id;
    const b = services.articles.byExternalKey('https://example.com/b')!.id;
    let clock = new Date('2025-01-01T10:00:00+08:00');
    const counter = createViewCounter({ db, articles: services.articles, now: () => clock, flushIntervalMs: 3_600_000 });
    closers.push(() => counter.close());
    expect(counter.record(a, '198.51.100.1', READER)).toBe(true);
    expect(counter.record(a, '198.51.100.1', READER)).toBe(false);
    expect(counter.record(b, '198.51.100.1', READER)).toBe(true);
    expect(services.articles.byId(a)!.views).toBe(0);
    expect(counter.flush()).toBe(2);
    expect(services.articles.byId(a)!.views).toBe(1);
    clock = new Date('2025-01-02T00:00:01+08:00');
    expect(counter.record(a, '198.51.100.1', READER)).toBe(true);
    counter.flush();
    expect(services.articles.byId(a)!.views).toBe(2);
  });

  it('rejects a beacon for an unknown article without counting', async () => {
    const db = openDatabase(':memory:');
    const app = await buildApp({ config: testConfig(), db, services: { poems: TEST_POEMS } });
    closers.push(async () => {
      await app.close();
      db.close();
    });
    expect((await app.inject({ method: 'POST', url: '/articles/424242/view' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: '/articles/abc/view' })).statusCode).toBe(400);
  });
});
