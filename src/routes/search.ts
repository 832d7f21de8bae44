import type { FastifyPluginAsync } from 'fastify';
import type { Catalog } from '../content/catalog.js';
import { groupDuplicates } from '../content/listing.js';
import { paginate } from '../site/pagination.js';
import { PageError, notFound, parseInput } from './errors.js';
import { PER_PAGE } from './list-page.js';
import { searchQuery } from './schemas.js';

/** Resolves the category and tag filters of a search; unknown ones are a 400. */
export function resolveFilters(catalog: Catalog, category: string | undefined, tag: string | undefined) {
  const categoryRow = category ? catalog.categoryBySlug.get(category) : undefined;
  if (category && !categoryRow) throw new PageError(400, `没有名为「${category}」的栏目。`);
  const tagRow = tag ? catalog.findTag(tag) : undefined;
  if (tag && !tagRow) throw new PageError(400, `没有名为「${tag}」的标签。`);
  return { category: categoryRow, tag: tagRow };
}

const searchRoutes: FastifyPluginAsync = async (app) => {
  app.get('/search', { config: { rateLimit: { max: app.config.RATE_LIMIT_PER_MINUTE, timeWindow: '1 minute' } } }, async (request, reply) => {
    const input = parseInput(searchQuery, request.query);
    const { search, catalog } = app.services;
    const filters = resolveFilters(catalog(), input.category, input.tag);
    const q = input.q.trim();
    const outcome = q ? search.search({ q, categoryId: filters.category?.id, tagId: filters.tag?.id, page: input.page, limit: PER_PAGE }) : undefined;
    if (outcome && input.page > 1 && outcome.results.length === 0) throw notFound('页');
    const keep = new URLSearchParams();
    if (q) keep.set('q', q);
    if (filters.category) keep.set('category', filters.category.slug);
    if (filters.tag) keep.set('tag', filters.tag.slug);
    const base = `/search?${keep.toString()}`;
    const title = q ? `「${q.slice(0, 40)}」的搜索结果` : '站内搜索';
    return reply.page(
      'search',
      { title, noindex: true, canonical: input.page > 1 ? `${base}&page=${input.page}` : base },
      {
        q,
        outcome: outcome && { ...outcome, results: groupDuplicates(outcome.results, app.services.articles), related: groupDuplicates(outcome.related, app.services.articles) },
        // the page has its own search box; one search landmark is enough
        hideSideSearch: true,
        category: filters.category,
        tag: filters.tag,
        pagination: outcome ? paginate(outcome.total, input.page, PER_PAGE) : undefined,
        pageHref: (page: number) => (page === 1 ? base : `${base}&page=${page}`),
        categoryHref: (slug: string) => {
          const params = new URLSearchParams(keep);
          params.delete('page');
          if (slug) params.set('category', slug);
          else params.delete('category');
          return `/search?${params.toString()}`;
        },
      },
      { q, category: filters.category?.slug ?? '' },
    );
  });
};

export default searchRoutes;
