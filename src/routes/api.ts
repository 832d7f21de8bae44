import type { FastifyPluginAsync } from 'fastify';
import type { SearchResultItem } from '../search/service.js';
import { parseInput } from './errors.js';
import { apiSearchQuery } from './schemas.js';
import { resolveFilters } from './search.js';

function toJson(item: SearchResultItem, siteUrl: string) {
  return {
    id: item.id,
    url: new URL(item.url, siteUrl).toString(),
    title: item.title,
    snippet: item.snippetHtml,
    author: item.author,
    type: item.type,
    category: item.category,
    tags: item.tags,
    published_at: item.publishedAt,
    views: item.views,
    duplicate_of: item.duplicateOf,
  };
}

const apiRoutes: FastifyPluginAsync = async (app) => {
  app.get('/api/search', { config: { rateLimit: { max: app.config.RATE_LIMIT_PER_MINUTE, timeWindow: '1 minute' } } }, async (request, reply) => {
    const input = parseInput(apiSearchQuery, request.query);
    const filters = resolveFilters(app.services.catalog(), input.category, input.tag);
    const outcome = app.services.search.search({ q: input.q.trim(), categoryId: filters.category?.id, tagId: filters.tag?.id, page: input.page, limit: input.limit });
    const siteUrl = app.config.SITE_URL;
    return {
      query: outcome.query,
      total: outcome.total,
      page: outcome.page,
      limit: outcome.limit,
      results: outcome.results.map((item) => toJson(item, siteUrl)),
      related: outcome.related.map((item) => toJson(item, siteUrl)),
    };
  });
};

export default apiRoutes;
