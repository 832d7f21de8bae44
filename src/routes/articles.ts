import type { FastifyPluginAsync } from 'fastify';
import { articleUrl } from '../content/listing.js';
import { formatDate, formatDateTime } from '../content/time.js';
import { PageError, notFound, parseInput } from './errors.js';
import { idParams } from './schemas.js';

const articleRoutes: FastifyPluginAsync = async (app) => {
  // The page's script sends this beacon once per view (see public/js/view.js).
  app.post('/articles/:id/view', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const article = app.services.articles.byId(id);
    if (!article) throw notFound('文章');
    const purpose = `${request.headers['sec-purpose'] ?? ''} ${request.headers.purpose ?? ''} ${request.headers['x-moz'] ?? ''}`;
    if (article.status === 'published' && !/prefetch|prerender/i.test(purpose)) {
      app.services.views.record(id, request.ip, request.headers['user-agent']);
    }
    return reply.code(204).header('Cache-Control', 'no-store').send();
  });

  app.get('/articles/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params);
    const { articles, catalog, widgets, rendered } = app.services;
    const article = articles.byId(id);
    if (!article) throw notFound('文章');
    if (article.status === 'removed') {
      throw new PageError(410, '这篇文章已应权利人要求下架，不再提供阅读。');
    }
    const current = catalog();
    const category = current.categoryById.get(article.category_id);
    const tags = (articles.tagIdsOf([article.id]).get(article.id) ?? []).flatMap((tagId) => current.tagById.get(tagId) ?? []);
    const { older, newer } = articles.neighbours(article);
    const copies = articles
      .groupMembers(article.duplicate_of ?? article.id)
      .filter((member) => member.id !== article.id)
      .map((member) => ({ url: articleUrl(member.id), title: member.title, author: member.author, sourceUrl: member.source_url }));
    const url = new URL(articleUrl(article.id), app.config.SITE_URL).toString();
    const jsonLd: Record<string, unknown> = {
      '@context': 'https://schema.org',
      '@type': 'Article',
      headline: article.title,
      datePublished: article.published_at,
      dateModified: article.updated_at,
      author: { '@type': 'Person', name: article.author || '佚名' },
      articleSection: category?.name,
      keywords: tags.map((tag) => tag.name).join(','),
      url,
      publisher: { '@type': 'Organization', name: '寻文' },
    };
    if (article.type === 'repost' && article.source_url) jsonLd.isBasedOn = article.source_url;
    const description = article.summary || article.title;
    return reply.page(
      'article',
      {
        title: article.title,
        description,
        canonical: articleUrl(article.id),
        jsonLd,
        openGraph: { 'og:type': 'article', 'og:title': article.title, 'og:description': description, 'og:url': url, 'article:published_time': article.published_at },
      },
      {
        article,
        body: rendered.render(article.id, article.content_hash, article.body_md),
        category,
        tags,
        publishedLabel: formatDateTime(article.published_at),
        publishedDate: formatDate(article.published_at),
        older: older && { url: articleUrl(older.id), title: older.title },
        newer: newer && { url: articleUrl(newer.id), title: newer.title },
        recommended: category ? widgets.recommendedFor(category.id, article.id) : [],
        copies,
      },
      { category: category?.slug ?? '' },
    );
  });
};

export default articleRoutes;
