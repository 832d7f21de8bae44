import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { ArticleListRow } from '../db/articles.js';
import { articleUrl } from '../content/listing.js';
import { notFound, parseInput } from './errors.js';

export const FEED_ENTRIES = 20;
export const SITEMAP_URLS = 50_000;

export function xmlEscape(text: string): string {
  // also drop characters XML 1.0 cannot carry at all
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/[<>&'"]/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[ch]!);
}

/** Atom feeds of the site, a category and a tag; a sitemap index with chunks of at most 50,000 URLs. */
const feedRoutes: FastifyPluginAsync = async (app) => {
  const base = app.config.SITE_URL.replace(/\/$/, '');
  const abs = (path: string) => `${base}${path}`;

  function atom(reply: FastifyReply, title: string, selfPath: string, htmlPath: string, rows: ArticleListRow[]) {
    const catalog = app.services.catalog();
    const tagIds = app.services.articles.tagIdsOf(rows.map((r) => r.id));
    const updated = rows.reduce((max, r) => (r.updated_at > max ? r.updated_at : max), '1970-01-01T00:00:00.000Z');
    const entries = rows.map((row) => {
      const url = abs(articleUrl(row.id));
      const category = catalog.categoryById.get(row.category_id);
      const tags = (tagIds.get(row.id) ?? []).flatMap((id) => catalog.tagById.get(id) ?? []);
      return `  <entry>
    <title>${xmlEscape(row.title)}</title>
    <id>${xmlEscape(url)}</id>
    <link rel="alternate" type="text/html" href="${xmlEscape(url)}"/>
    <published>${row.published_at}</published>
    <updated>${row.updated_at}</updated>
    <author><name>${xmlEscape(row.author || '佚名')}</name></author>
${category ? `    <category term="${xmlEscape(category.slug)}" label="${xmlEscape(category.name)}"/>\n` : ''}${tags.map((t) => `    <category term="${xmlEscape(t.slug)}" label="${xmlEscape(t.name)}"/>\n`).join('')}    <summary type="text">${xmlEscape(row.summary || row.excerpt)}</summary>
  </entry>`;
    });
    reply.type('application/atom+xml; charset=utf-8');
    return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">
  <title>${xmlEscape(title)}</title>
  <id>${xmlEscape(abs(selfPath))}</id>
  <link rel="self" type="application/atom+xml" href="${xmlEscape(abs(selfPath))}"/>
  <link rel="alternate" type="text/html" href="${xmlEscape(abs(htmlPath))}"/>
  <updated>${updated}</updated>
  <author><name>寻文</name></author>
${entries.join('\n')}
</feed>
`;
  }

  app.get('/feed.xml', async (_request, reply) => atom(reply, '寻文 · 最新文章', '/feed.xml', '/', app.services.articles.latest(0, FEED_ENTRIES)));

  app.get('/categories/:slug/feed.xml', async (request, reply) => {
    const { slug } = parseInput(z.object({ slug: z.string().max(100) }), request.params);
    const category = app.services.catalog().categoryBySlug.get(slug);
    if (!category) throw notFound('栏目');
    const path = `/categories/${category.slug}`;
    return atom(reply, `寻文 · ${category.name}`, `${path}/feed.xml`, path, app.services.articles.inCategory(category.id, 0, FEED_ENTRIES));
  });

  app.get('/tags/:name/feed.xml', async (request, reply) => {
    const { name } = parseInput(z.object({ name: z.string().max(100) }), request.params);
    const tag = app.services.catalog().findTag(name);
    if (!tag) throw notFound('标签');
    const path = `/tags/${encodeURIComponent(tag.slug)}`;
    return atom(reply, `寻文 · ${tag.name}`, `${path}/feed.xml`, path, app.services.articles.withTag(tag.id, 0, FEED_ENTRIES));
  });

  app.get('/sitemap.xml', async (_request, reply) => {
    const chunks = Math.max(1, Math.ceil(app.services.articles.countPublished() / SITEMAP_URLS));
    const lastmod = app.services.articles.lastUpdated() ?? new Date(0).toISOString();
    const children = ['/sitemaps/pages.xml', ...Array.from({ length: chunks }, (_, i) => `/sitemaps/articles-${i + 1}.xml`)];
    reply.type('application/xml; charset=utf-8');
    return `<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${children.map((path) => `  <sitemap><loc>${xmlEscape(abs(path))}</loc><lastmod>${lastmod}</lastmod></sitemap>`).join('\n')}
</sitemapindex>
`;
  });

  const urlset = (reply: FastifyReply, urls: Array<{ loc: string; lastmod?: string }>) => {
    reply.type('application/xml; charset=utf-8');
    return `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${urls.map((u) => `  <url><loc>${xmlEscape(u.loc)}</loc>${u.lastmod ? `<lastmod>${u.lastmod}</lastmod>` : ''}</url>`).join('\n')}
</urlset>
`;
  };

  app.get('/sitemaps/pages.xml', async (_request, reply) => {
    const catalog = app.services.catalog();
    return urlset(reply, [
      { loc: abs('/') },
      ...catalog.categories.map((c) => ({ loc: abs(`/categories/${c.slug}`) })),
      ...catalog.categories.flatMap((c) => c.tags.map((t) => ({ loc: abs(`/tags/${encodeURIComponent(t.slug)}`) }))),
    ]);
  });

  app.get('/sitemaps/articles-:n.xml', async (request, reply) => {
    const { n } = parseInput(z.object({ n: z.coerce.number().int().min(1).max(100_000) }), request.params);
    const rows = app.services.articles.sitemapChunk((n - 1) * SITEMAP_URLS, SITEMAP_URLS);
    if (rows.length === 0 && n > 1) throw notFound('站点地图');
    return urlset(reply, rows.map((r) => ({ loc: abs(articleUrl(r.id)), lastmod: r.updated_at })));
  });
};

export default feedRoutes;
