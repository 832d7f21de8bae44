import type { FastifyPluginAsync } from 'fastify';
import { toListItems } from '../content/listing.js';
import { monthBounds } from '../content/time.js';
import { parseInput } from './errors.js';
import { listModel, pagedPath, PER_PAGE } from './list-page.js';
import { archiveParams, pageQuery } from './schemas.js';

const archiveRoutes: FastifyPluginAsync = async (app) => {
  app.get('/archive/:year/:month', async (request, reply) => {
    const { year, month } = parseInput(archiveParams, request.params);
    const { page } = parseInput(pageQuery, request.query);
    const { articles, catalog } = app.services;
    const { from, to } = monthBounds(year, month);
    const total = articles.countInRange(from, to);
    const items = toListItems(articles.inRange(from, to, (page - 1) * PER_PAGE, PER_PAGE), articles, catalog());
    const basePath = `/archive/${year}/${String(month).padStart(2, '0')}`;
    const label = `${year}年${month}月`;
    const model = listModel({ articles, heading: `${label}的文章`, intro: total > 0 ? `${label}共发布 ${total} 篇文章。` : `${label}没有发布文章。`, items, total, page, basePath });
    return reply.page('list', { title: `${label}的文章${page > 1 ? ` · 第 ${page} 页` : ''}`, description: `寻文${label}发布的技术文章。`, canonical: pagedPath(basePath, page) }, model);
  });
};

export default archiveRoutes;
