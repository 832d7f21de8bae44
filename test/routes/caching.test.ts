import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { articleRecord, buildTestApp } from '../helpers.js';

let app: FastifyInstance;
beforeEach(async () => {
  app = await buildTestApp({ records: Array.from({ length: 5 }, () => articleRecord()) });
});
afterEach(() => app.close());

describe('HTTP caching', () => {
  it('answers a matching If-None-Match with 304 and no body', async () => {
    const first = await app.inject({ url: '/' });
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^W\/"/);
    expect(first.headers['cache-control']).toBe('no-cache');
    const again = await app.inject({ url: '/', headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect((await app.inject({ url: '/', headers: { 'if-none-match': 'W/"other"' } })).statusCode).toBe(200);
  });

  it('serves the same page compressed with brotli or gzip, and plain when not asked', async () => {
    const plain = await app.inject({ url: '/' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    const br = await app.inject({ url: '/', headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toContain('Accept-Encoding');
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(plain.body);
    const gzip = await app.inject({ url: '/', headers: { 'accept-encoding': 'gzip' } });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.rawPayload).toString()).toBe(plain.body);
    expect(br.rawPayload.length).toBeLessThan(plain.rawPayload.length / 3);
  });

  it('a content change makes a new ETag and a fresh page at once', async () => {
    const before = await app.inject({ url: '/' });
    app.services.importer.importRecords([articleRecord({ title: '刚刚发布的新文章' })]);
    const stale = await app.inject({ url: '/', headers: { 'if-none-match': before.headers.etag as string } });
    expect(stale.statusCode).toBe(200);
    expect(stale.body).toContain('刚刚发布的新文章');
    expect(stale.headers.etag).not.toBe(before.headers.etag);
  });

  it('the ETag is stable within a rotation window, so rotating widgets do not defeat caching', async () => {
    const a = await app.inject({ url: '/' });
    const b = await app.inject({ url: '/' });
    expect(b.headers.etag).toBe(a.headers.etag);
    expect(b.body).toBe(a.body);
  });

  it('sets cache policy per kind: no-store for random and forms, immutable for fingerprinted assets', async () => {
    expect((await app.inject({ url: '/random' })).headers['cache-control']).toBe('no-store');
    expect((await app.inject({ url: '/takedown' })).headers['cache-control']).toBe('no-store');
    const home = await app.inject({ url: '/' });
    const asset = home.body.match(/href="(\/static\/css\/site\.css\?v=[0-9a-f]+)"/)![1]!;
    expect((await app.inject({ url: asset })).headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await app.inject({ url: '/static/css/site.css?v=old' })).headers['cache-control']).toBe('public, max-age=300');
  });

  it('sends security headers with a strict CSP on every page', async () => {
    const res = await app.inject({ url: '/' });
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    // no inline script: only external files and JSON-LD data blocks
    expect(res.body).not.toMatch(/<script(?![^>]*(src=|type="application\/ld\+json"))/);
    expect(res.body).not.toMatch(/\sstyle="/);
  });

  it('healthz checks the database', async () => {
    const res = await app.inject({ url: '/healthz' });
    expect(res.json()).toEqual({ status: 'ok', articles: 5 });
  });
});

describe('rate limits on search and the API', () => {
  it('answer 429 with Retry-After, as a page on /search and as JSON on /api', async () => {
    const limited = await buildTestApp({ records: [articleRecord()], config: { RATE_LIMIT_PER_MINUTE: '3' } });
    try {
      for (let i = 0; i < 3; i++) expect((await limited.inject({ url: `/api/search?q=a${i}`, remoteAddress: '203.0.113.9' })).statusCode).toBe(200);
      const api = await limited.inject({ url: '/api/search?q=b', remoteAddress: '203.0.113.9' });
      expect(api.statusCode).toBe(429);
      expect(api.headers['retry-after']).toBeDefined();
      expect(api.json()).toMatchObject({ status: 429, error: expect.stringContaining('请求太频繁') });
      for (let i = 0; i < 3; i++) await limited.inject({ url: `/search?q=c${i}`, remoteAddress: '203.0.113.9' });
      const page = await limited.inject({ url: '/search?q=d', remoteAddress: '203.0.113.9' });
      expect(page.statusCode).toBe(429);
      expect(page.body).toContain('<p class="status">429</p>');
      // another client is not affected
      expect((await limited.inject({ url: '/search?q=d', remoteAddress: '203.0.113.10' })).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
