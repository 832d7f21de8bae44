import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { toListItems } from '../content/listing.js';
import { notFound, parseInput } from './errors.js';
import { listModel, pagedPath, PER_PAGE } from './list-page.js';
import { pageQuery } from './schemas.js';

const params = z.object({ slug: z.string().max(100) });

const categoryRoutes: FastifyPluginAsync = async (app) => {
  app.get('/categories/:slug', async (request, reply) => {
    const { slug } = parseInput(params, request.params);
    const { page } = parseInput(pageQuery, request.query);
    const { articles, catalog } = app.services;
    const category = catalog().categoryBySlug.get(slug);
    if (!category) throw notFound('栏目');
    const total = articles.countInCategory(category.id);
    const items = toListItems(articles.inCategory(category.id, (page - 1) * PER_PAGE, PER_PAGE), articles, catalog());
    const basePath = `/categories/${category.slug}`;
    const model = listModel({ articles, heading: `栏目：${category.name}`, intro: `「${category.name}」栏目下共 ${total} 篇文章。`, items, total, page, basePath });
    return reply.page(
      'list',
      { title: `${category.name}${page > 1 ? ` · 第 ${page} 页` : ''}`, description: `寻文「${category.name}」栏目的中文技术文章。`, canonical: pagedPath(basePath, page), feeds: [{ title: `寻文 · ${category.name}`, href: `${basePath}/feed.xml` }] },
      { ...model, category },
      { category: category.slug },
    );
  });
};

export default categoryRoutes;
