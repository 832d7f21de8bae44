import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { articleRecord, buildTestApp } from '../helpers.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp({
    records: [articleRecord({ body: '容器网络 c++ C# .net node.js "引号" NEAR(x) title:y' }), articleRecord({ category: 'databases', tags: ['MySQL'] })],
    config: { RATE_LIMIT_PER_MINUTE: '1000000' },
  });
});
afterAll(() => app.close());

function expectSafe(res: { statusCode: number; body: string }, what: string) {
  expect(res.statusCode, what).toBeLessThan(500);
  expect(res.body, what).not.toMatch(/\n\s+at \S+ \(|node_modules\/|"stack"/);
}

const FTS_SYNTAX = ['"', '""', '"""', '*', 'a*', '*a', 'NEAR(', 'NEAR(a b)', '^', '^a', 'title:', 'title:x', '{title}: x', '(', ')', '(a', 'a OR', 'OR', 'AND', 'NOT', 'a NOT b', 'a AND OR b', '-', '--', '- -', '"a', 'a"b"c', '\\', "'", ';', '; DROP TABLE articles; --', '+', 'c++', '#', '.', '&', '%', '\u0000', 'a\u0000b', '\u200b', '\ufeff', '😀', '\u{10FFFF}', '　', '𠀀'];

describe('hostile input: zero 5xx, no stack traces', () => {
  it('FTS5 syntax and odd characters in q, on the page and the API', async () => {
    for (const q of FTS_SYNTAX) {
      for (const url of [`/search?q=${encodeURIComponent(q)}`, `/api/search?q=${encodeURIComponent(q)}`]) {
        const res = await app.inject({ url });
        expectSafe(res, url);
        if (url.startsWith('/search') || q.trim()) expect([200, 400], url).toContain(res.statusCode);
      }
    }
  });

  it('very long queries are cut or refused, never a failure', async () => {
    for (const q of ['字'.repeat(1999), '字'.repeat(10_000), 'a '.repeat(5_000), '"'.repeat(3000)]) {
      const res = await app.inject({ url: `/search?q=${encodeURIComponent(q)}` });
      expectSafe(res, `q of ${q.length}`);
      expect([200, 400, 414, 431]).toContain(res.statusCode);
    }
    const cut = await app.inject({ url: `/search?q=${encodeURIComponent('字'.repeat(1999))}` });
    expect(cut.body).toContain('搜索词太长');
  });

  it('invalid percent-encoding and invalid UTF-8 anywhere in the URL', async () => {
    const urls = ['/search?q=%E4%B8', '/search?q=%zz', '/search?q=%', '/search?q=%C3%28', '/search?q=%FF%FE', '/articles/%E4', '/tags/%ff', '/tags/%C3%28', '/categories/%', '/archive/%32%30%32%33/%31%33', '/%', '/api/search?q=%E4%B8&limit=%', '/search?q[]=a&q[]=b', '/search?q=a&q=b&page=1&page=2', '/search?category[]=x&q=a'];
    for (const url of urls) expectSafe(await app.inject({ url }), url);
  });

  it('page, limit and ids out of range or not numbers', async () => {
    const values = ['-1', '0', '1e3', '1.5', '9999999999999999999999', 'NaN', 'Infinity', '0x10', ' 1', '', '１'];
    for (const v of values) {
      for (const url of [`/?page=${encodeURIComponent(v)}`, `/api/search?q=a&limit=${encodeURIComponent(v)}`, `/api/search?q=a&page=${encodeURIComponent(v)}`, `/articles/${encodeURIComponent(v)}`, `/archive/2023/${encodeURIComponent(v)}`]) {
        const res = await app.inject({ url });
        expectSafe(res, url);
      }
    }
  });

  it('path traversal never reaches a file outside public/', async () => {
    const attempts = ['/static/../package.json', '/static/%2e%2e/package.json', '/static/%2e%2e%2fpackage.json', '/static/..%2f..%2fetc%2fpasswd', '/static/....//package.json', '/static/%252e%252e/package.json', '/static/css/../../package.json', '/static/.env', '/static/..\\package.json', '/assets/../package.json'];
    for (const url of attempts) {
      const res = await app.inject({ url });
      expectSafe(res, url);
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.body, url).not.toMatch(/"dependencies"|root:x:0/);
    }
  });

  it('HEAD and OPTIONS', async () => {
    const head = await app.inject({ method: 'HEAD', url: '/' });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
    expectSafe(await app.inject({ method: 'OPTIONS', url: '/' }), 'OPTIONS /');
    expectSafe(await app.inject({ method: 'OPTIONS', url: '/search?q=a' }), 'OPTIONS /search');
    expectSafe(await app.inject({ method: 'DELETE', url: '/articles/1' }), 'DELETE');
  });

  it('oversize and malformed posts', async () => {
    const posts = [
      { payload: 'a='.repeat(100_000), headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      { payload: '%%%&&&===', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      { payload: '{"article":', headers: { 'content-type': 'application/json' } },
      { payload: '<xml/>', headers: { 'content-type': 'application/xml' } },
      { payload: 'x', headers: { 'content-type': 'multipart/form-data; boundary=zz' } },
      { payload: '', headers: {} },
    ];
    for (const post of posts) expectSafe(await app.inject({ method: 'POST', url: '/takedown', ...post }), JSON.stringify(post.headers));
    expectSafe(await app.inject({ method: 'POST', url: '/articles/1/view', payload: 'x'.repeat(200_000), headers: { 'content-type': 'text/plain' } }), 'beacon body');
  });
});

describe('fuzzing URL parameters (fast-check)', () => {
  it('no generated query string makes any page fail', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/', '/search', '/api/search', '/categories/databases', '/tags/docker', '/archive/2023/05', '/takedown'),
        fc.dictionary(fc.constantFrom('q', 'page', 'limit', 'category', 'tag', 'article'), fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.integer().map(String), fc.constantFrom('"', '*', 'NEAR(', '-', '%'))),
        async (path, params) => {
          const url = `${path}?${new URLSearchParams(params).toString()}`;
          expectSafe(await app.inject({ url }), url);
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });

  it('no generated path segment makes a page fail', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/articles/', '/tags/', '/categories/', '/archive/2024/', '/static/'), fc.string({ unit: 'binary', maxLength: 40 }), async (prefix, segment) => {
        const url = prefix + encodeURIComponent(segment);
        expectSafe(await app.inject({ url }), url);
      }),
      { numRuns: 300, seed: 11 },
    );
  });
});
