import type { FastifyPluginAsync } from 'fastify';
import { toListItems } from '../content/listing.js';
import { parseInput } from './errors.js';
import { listModel, pagedPath, PER_PAGE } from './list-page.js';
import { pageQuery } from './schemas.js';

const homeRoutes: FastifyPluginAsync = async (app) => {
  app.get('/', async (request, reply) => {
    const { page } = parseInput(pageQuery, request.query);
    const { articles, catalog } = app.services;
    const total = articles.countPublished();
    const items = toListItems(articles.latest((page - 1) * PER_PAGE, PER_PAGE), articles, catalog());
    const model = listModel({ articles, heading: '最新文章', intro: '按发布时间排列的最新转载与原创技术文章。', items, total, page, basePath: '/' });
    return reply.page('list', { title: page === 1 ? '寻文 · 中文技术文章检索' : `最新文章 · 第 ${page} 页`, description: '寻文收录转载并注明出处的中文技术文章，按栏目、标签与全文检索。', canonical: pagedPath('/', page), feeds: [{ title: '寻文 · 最新文章', href: '/feed.xml' }] }, model);
  });
};

export default homeRoutes;
