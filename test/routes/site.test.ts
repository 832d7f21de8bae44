import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp({ demo: true });
});
afterAll(() => app.close());

const get = (url: string) => app.inject({ method: 'GET', url });
const resultCount = (html: string) => (html.match(/<li class="result">/g) ?? []).length;
const WIDGETS = ['站内搜索', '栏目与标签', '热门标签', '知识学习', '推荐内容', '历史内容', '随便看看', '时光飞逝'];

describe('pages of the demo site', () => {
  it('home lists the 20 newest articles with every widget and a marked current page', async () => {
    const res = await get('/');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('<html lang="zh-CN">');
    expect(resultCount(res.body)).toBe(20);
    for (const widget of WIDGETS) expect(res.body).toContain(`>${widget}</h2>`);
    expect(res.body).toContain('<span class="current" aria-current="page">1</span>');
    expect(res.body).toContain('href="/?page=2"');
    const dates = [...res.body.matchAll(/<time datetime="([^"]+)">/g)].map((m) => m[1]!);
    expect([...dates].sort().reverse()).toEqual(dates);
  });

  it('shows every widget on every kind of page, including error pages', async () => {
    const first = app.services.articles.latest(0, 1)[0]!;
    for (const url of ['/categories/databases', '/tags/docker', '/search?q=redis', `/articles/${first.id}`, '/archive/2023/05', '/no-such-page']) {
      const res = await get(url);
      for (const widget of WIDGETS) expect(res.body, `${url} lacks ${widget}`).toContain(`>${widget}</h2>`);
    }
  });

  it('every sidebar category and tag leads to a non-empty page', async () => {
    for (const category of app.services.catalog().categories) {
      const res = await get(`/categories/${category.slug}`);
      expect(res.statusCode, category.slug).toBe(200);
      expect(resultCount(res.body), category.slug).toBeGreaterThan(0);
      for (const tag of category.tags) {
        const tagRes = await get(`/tags/${encodeURIComponent(tag.slug)}`);
        expect(tagRes.statusCode, tag.name).toBe(200);
        expect(resultCount(tagRes.body), tag.name).toBeGreaterThan(0);
        expect(tagRes.body).toContain(`「${tag.name.replace('&', '&amp;')}」标签的文章`);
      }
    }
  });

  it('tag names and aliases redirect to the canonical tag address', async () => {
    expect((await get('/tags/k8s')).headers.location).toBe('/tags/kubernetes');
    expect((await get('/tags/c%23')).headers.location).toBe('/tags/csharp');
    expect((await get('/tags/C++')).headers.location).toBe('/tags/cpp');
    expect((await get('/tags/.net?page=2')).headers.location).toBe('/tags/dotnet?page=2');
    expect((await get('/tags/no-such-tag')).statusCode).toBe(404);
  });

  it('hot tags link to tag pages, say colour carries no meaning, and use accessible colours', async () => {
    const res = await get('/');
    const cloud = res.body.slice(res.body.indexOf('class="widget hot-tags"'), res.body.indexOf('class="widget tip"'));
    expect(cloud).toContain('不代表任何含义');
    const links = [...cloud.matchAll(/class="w\d tc(\d+)" href="(\/tags\/[^"]+)"/g)];
    expect(links.length).toBeGreaterThan(20);
    const css = await get(res.body.match(/href="(\/assets\/tag-colours\.css\?v=[0-9a-f]+)"/)![1]!);
    expect(css.headers['content-type']).toContain('text/css');
    const { contrastRatio } = await import('../../src/site/colors.js');
    for (const [, index] of links) {
      const colour = new RegExp(`\\.tc${index}\\{color:(#[0-9a-f]{6})\\}`).exec(css.body)![1]!;
      expect(contrastRatio(colour, '#ffffff')).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('the Linux tip links to its command article', async () => {
    const res = await get('/');
    const tip = res.body.slice(res.body.indexOf('class="widget tip"'));
    const href = /<p class="tip-command"><a href="(\/articles\/\d+)"><code>([^<]+)<\/code>/.exec(tip);
    expect(href).not.toBeNull();
    const article = await get(href![1]!);
    expect(article.body).toContain(`<h1>${href![2]} 命令`);
  });

  it('the monthly archive lists months newest first with counts that match their pages', async () => {
    const months = app.services.widgets.chrome().months;
    expect(months.length).toBeGreaterThan(24);
    expect(months.map((m) => m.url)).toEqual([...months.map((m) => m.url)].sort().reverse());
    const month = months[3]!;
    const res = await get(month.url);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`共发布 ${month.count} 篇文章`);
    expect(resultCount(res.body)).toBe(Math.min(20, month.count));
  });

  it('random redirects to a published article and is never cached', async () => {
    const res = await get('/random');
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toMatch(/^\/articles\/\d+$/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect((await get(res.headers.location as string)).statusCode).toBe(200);
  });
});

describe('article pages', () => {
  it('a repost shows its source, author and date, the takedown notice, prev/next and same-category picks', async () => {
    const id = app.services.articles.byExternalKey('https://github.com/jaywcjlove/linux-command/blob/master/command/tar.md')!.id;
    const res = await get(`/articles/${id}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<dt>原文链接</dt><dd><a href="https://github.com/jaywcjlove/linux-command/blob/master/command/tar.md" rel="nofollow noopener noreferrer">');
    expect(res.body).toContain('<dt>原作者</dt><dd>kenny wang</dd>');
    expect(res.body).toContain(`href="/takedown?article=${id}"`);
    expect(res.body).toContain('"isBasedOn":"https://github.com/jaywcjlove/linux-command/blob/master/command/tar.md"');
    expect(res.body).toMatch(/class="(prev|next)" rel="(prev|next)" href="\/articles\/\d+"/);
    const recommended = res.body.slice(res.body.indexOf('class="recommend-same"'));
    const ids = [...recommended.slice(0, recommended.indexOf('</section>')).matchAll(/href="\/articles\/(\d+)"/g)].map((m) => Number(m[1]));
    expect(ids.length).toBeGreaterThan(0);
    expect(ids).not.toContain(id);
    const category = app.services.articles.byId(id)!.category_id;
    for (const other of ids) expect(app.services.articles.byId(other)!.category_id).toBe(category);
    expect(res.body).toContain('<pre tabindex="0"><code class="hljs language-bash">');
  });

  it('an original shows no attribution block', async () => {
    const original = app.services.articles.byExternalKey('original:xw-k8s-pod-shared-network-namespace') ?? app.services.articles.latest(0, 200).map((r) => app.services.articles.byId(r.id)!).find((a) => a.type === 'original')!;
    const res = await get(`/articles/${original.id}`);
    expect(res.body).toContain('原创');
    expect(res.body).not.toContain('<dt>原文链接</dt>');
    expect(res.body).not.toContain('class="attribution"');
    expect(res.body).not.toContain('isBasedOn');
  });
});

describe('search pages', () => {
  it('echoes the query, counts, highlights and offers a category switch that keeps q', async () => {
    const res = await get('/search?q=' + encodeURIComponent('容器 网络'));
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<h1>「容器 网络」的搜索结果</h1>');
    expect(res.body).toMatch(/共找到 <strong>\d+<\/strong> 篇文章/);
    expect(res.body).toContain('<mark>');
    expect(res.body).toContain('href="/search?q=%E5%AE%B9%E5%99%A8+%E7%BD%91%E7%BB%9C&amp;category=systems-containers"');
    expect(res.body).toContain('<meta name="robots" content="noindex,follow">');
  });

  it('a category filter limits results to that category', async () => {
    const all = await app.inject({ url: '/api/search?q=java&limit=100' });
    const limited = await app.inject({ url: '/api/search?q=java&category=backend-frameworks&limit=100' });
    const allJson = all.json<{ total: number }>();
    const limitedJson = limited.json<{ total: number; results: Array<{ category: { slug: string } }> }>();
    expect(limitedJson.total).toBeGreaterThan(0);
    expect(limitedJson.total).toBeLessThan(allJson.total);
    for (const r of limitedJson.results) expect(r.category.slug).toBe('backend-frameworks');
    const page = await get('/search?q=java&category=backend-frameworks');
    expect(page.body).toContain(`共找到 <strong>${limitedJson.total}</strong> 篇文章（限定栏目：后端WEB和工程框架）`);
  });

  it('the reference query shows related results led by articles holding most of its words', async () => {
    const res = await app.inject({ url: '/api/search?q=' + encodeURIComponent('容器网络命名空间共享验证') });
    const json = res.json<{ total: number; results: Array<{ id: number }>; related: Array<{ id: number; title: string }> }>();
    expect(json.related.length).toBeGreaterThan(3);
    const exact = new Set(json.results.map((r) => r.id));
    for (const r of json.related) expect(exact.has(r.id)).toBe(false);
    expect(json.related[0]!.title).toMatch(/容器|网络|命名空间/);
    const page = await get('/search?q=' + encodeURIComponent('容器网络命名空间共享验证'));
    expect(page.body).toContain('<h2 id="related-title">相关结果</h2>');
  });

  it('finds aliases and traditional spellings', async () => {
    const k8s = (await app.inject({ url: '/api/search?q=k8s' })).json<{ total: number }>();
    const kubernetes = (await app.inject({ url: '/api/search?q=kubernetes' })).json<{ total: number }>();
    expect(k8s.total).toBeGreaterThanOrEqual(kubernetes.total);
    const traditional = (await app.inject({ url: '/api/search?q=' + encodeURIComponent('容器網路') })).json<{ total: number }>();
    const simplified = (await app.inject({ url: '/api/search?q=' + encodeURIComponent('容器网络') })).json<{ total: number }>();
    expect(traditional.total).toBe(simplified.total);
    expect(simplified.total).toBeGreaterThan(0);
  });

  it('the API answers the documented shape', async () => {
    const res = await app.inject({ url: '/api/search?q=docker&limit=5&page=1' });
    expect(res.statusCode).toBe(200);
    const json = res.json();
    expect(Object.keys(json).sort()).toEqual(['limit', 'page', 'query', 'related', 'results', 'total']);
    expect(json.results).toHaveLength(5);
    expect(Object.keys(json.results[0]).sort()).toEqual(['author', 'category', 'duplicate_of', 'id', 'published_at', 'snippet', 'tags', 'title', 'type', 'url', 'views']);
    expect(json.results[0].url).toMatch(/^http:\/\/127\.0\.0\.1:3000\/articles\/\d+$/);
  });
});

describe('bad input', () => {
  const cases: Array<[string, number]> = [
    ['/?page=abc', 400],
    ['/?page=0', 400],
    ['/?page=-1', 400],
    ['/?page=1.5', 400],
    ['/?page=999', 404],
    ['/archive/2023/13', 400],
    ['/archive/2023/0', 400],
    ['/archive/abcd/01', 400],
    ['/articles/abc', 400],
    ['/articles/0', 400],
    ['/articles/99999999', 404],
    ['/categories/nope', 404],
    ['/search?q=x&category=nope', 400],
    ['/search?q=x&page=abc', 400],
    ['/nope', 404],
    ['/api/search?q=', 400],
    ['/api/search?q=x&limit=0', 400],
    ['/api/search?q=x&limit=101', 400],
    ['/api/search?q=x&limit=abc', 400],
  ];
  for (const [url, status] of cases) {
    it(`${url} -> ${status}`, async () => {
      const res = await get(url);
      expect(res.statusCode).toBe(status);
      expect(res.body).not.toMatch(/at \w+ \(|node_modules|Error:/);
      if (url.startsWith('/api/')) expect(res.json()).toMatchObject({ status, error: expect.any(String) });
      else expect(res.body).toContain(`<p class="status">${status}</p>`);
    });
  }

  it('a removed article answers 410 and leaves lists and search', async () => {
    const victim = app.services.articles.latest(0, 1)[0]!;
    const request = app.services.takedown.file({ articleId: victim.id, claimant: 'x', email: 'x@example.com', reason: '测试下架流程的理由' });
    app.services.takedown.approve(request);
    try {
      const res = await get(`/articles/${victim.id}`);
      expect(res.statusCode).toBe(410);
      expect(res.body).toContain('下架');
      expect((await get('/')).body).not.toContain(`href="/articles/${victim.id}"`);
    } finally {
      app.services.takedown.restore(victim.id);
    }
    expect((await get('/')).body).toContain(`href="/articles/${victim.id}"`);
  });
});

describe('site documents', () => {
  it('serves an OpenSearch description pointing at /search', async () => {
    const res = await get('/opensearch.xml');
    expect(res.headers['content-type']).toContain('application/opensearchdescription+xml');
    expect(res.body).toContain('template="http://127.0.0.1:3000/search?q={searchTerms}"');
    expect((await get('/')).body).toContain('<link rel="search" type="application/opensearchdescription+xml"');
  });

  it('serves static files from public/ only', async () => {
    const css = await get((await get('/')).body.match(/href="(\/static\/css\/site\.css\?v=[0-9a-f]+)"/)![1]!);
    expect(css.statusCode).toBe(200);
    expect(css.headers['cache-control']).toContain('immutable');
    for (const url of ['/static/../package.json', '/static/%2e%2e/package.json', '/static/..%2fpackage.json']) {
      const res = await get(url);
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.body).not.toContain('"dependencies"');
    }
  });
});
