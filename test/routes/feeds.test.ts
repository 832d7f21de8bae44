import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { articleRecord, buildTestApp } from '../helpers.js';

let app: FastifyInstance;
const parser = new XMLParser({ ignoreAttributes: false, isArray: (name) => ['entry', 'url', 'sitemap', 'category'].includes(name) });

beforeAll(async () => {
  app = await buildTestApp({
    records: [
      articleRecord({ title: 'Docker <网络> & "命名空间"', tags: ['Docker', 'Linux'], source_url: 'https://example.com/feed-1' }),
      articleRecord({ title: '第二篇 \u0001 控制字符', category: 'databases', tags: ['MySQL'], source_url: 'https://example.com/feed-2' }),
      articleRecord({ title: '将被下架', source_url: 'https://example.com/feed-3' }),
    ],
  });
});
afterAll(() => app.close());

async function xml(url: string, contentType: string) {
  const res = await app.inject({ url });
  expect(res.statusCode, url).toBe(200);
  expect(res.headers['content-type']).toContain(contentType);
  expect(XMLValidator.validate(res.body), url).toBe(true);
  return parser.parse(res.body);
}

describe('Atom feeds', () => {
  it('the site feed is valid Atom with required elements and escaped text', async () => {
    const doc = await xml('/feed.xml', 'application/atom+xml');
    const feed = doc.feed;
    expect(feed['@_xmlns']).toBe('http://www.w3.org/2005/Atom');
    for (const key of ['title', 'id', 'updated', 'link']) expect(feed[key], key).toBeDefined();
    expect(feed.entry).toHaveLength(3);
    for (const entry of feed.entry) for (const key of ['title', 'id', 'updated', 'link', 'author', 'published']) expect(entry[key], key).toBeDefined();
    expect(feed.entry.map((e: { title: string }) => e.title)).toContain('Docker <网络> & "命名空间"');
  });

  it('category and tag feeds hold only their articles; pages link to their feeds', async () => {
    const category = await xml('/categories/databases/feed.xml', 'application/atom+xml');
    expect(category.feed.entry).toHaveLength(1);
    const tag = await xml('/tags/docker/feed.xml', 'application/atom+xml');
    expect(tag.feed.entry.length).toBeGreaterThanOrEqual(1);
    for (const entry of tag.feed.entry) expect(entry.category.map((c: Record<string, string>) => c['@_label'])).toContain('Docker');
    expect((await app.inject({ url: '/tags/docker' })).body).toContain('<link rel="alternate" type="application/atom+xml" title="寻文 · Docker" href="/tags/docker/feed.xml">');
    expect((await app.inject({ url: '/categories/nope/feed.xml' })).statusCode).toBe(404);
  });
});

describe('sitemaps and robots', () => {
  it('a sitemap index points at page and article sitemaps with lastmod', async () => {
    const index = await xml('/sitemap.xml', 'application/xml');
    const locs = index.sitemapindex.sitemap.map((s: { loc: string }) => s.loc);
    expect(locs).toEqual(['http://127.0.0.1:3000/sitemaps/pages.xml', 'http://127.0.0.1:3000/sitemaps/articles-1.xml']);
    for (const s of index.sitemapindex.sitemap) expect(s.lastmod).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const articles = await xml('/sitemaps/articles-1.xml', 'application/xml');
    expect(articles.urlset.url).toHaveLength(3);
    const pages = await xml('/sitemaps/pages.xml', 'application/xml');
    expect(pages.urlset.url.length).toBe(1 + 10 + app.services.catalog().categories.reduce((n, c) => n + c.tags.length, 0));
    expect((await app.inject({ url: '/sitemaps/articles-2.xml' })).statusCode).toBe(404);
  });

  it('robots.txt names the sitemap', async () => {
    const res = await app.inject({ url: '/robots.txt' });
    expect(res.body).toContain('Sitemap: http://127.0.0.1:3000/sitemap.xml');
  });

  it('a removed article leaves feeds and sitemaps at once', async () => {
    const id = app.services.articles.byExternalKey('https://example.com/feed-3')!.id;
    const request = app.services.takedown.file({ articleId: id, claimant: 'x', email: 'x@example.com', reason: '理由理由理由理由理由' });
    app.services.takedown.approve(request);
    const feed = await xml('/feed.xml', 'application/atom+xml');
    expect(feed.feed.entry.map((e: { id: string }) => e.id)).not.toContain(`http://127.0.0.1:3000/articles/${id}`);
    const sitemap = await xml('/sitemaps/articles-1.xml', 'application/xml');
    expect(sitemap.urlset.url.map((u: { loc: string }) => u.loc)).not.toContain(`http://127.0.0.1:3000/articles/${id}`);
  });
});
