import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { toListItems } from '../content/listing.js';
import { notFound, parseInput } from './errors.js';
import { listModel, pagedPath, PER_PAGE } from './list-page.js';
import { pageQuery } from './schemas.js';

const params = z.object({ name: z.string().max(100) });

const tagRoutes: FastifyPluginAsync = async (app) => {
  app.get('/tags/:name', async (request, reply) => {
    const { name } = parseInput(params, request.params);
    const { page } = parseInput(pageQuery, request.query);
    const { articles, catalog } = app.services;
    const tag = catalog().findTag(name);
    if (!tag) throw notFound('标签');
    const basePath = `/tags/${encodeURIComponent(tag.slug)}`;
    // names and aliases (C#, k8s) lead to the one canonical address
    if (name !== tag.slug) return reply.redirect(page > 1 ? `${basePath}?page=${page}` : basePath, 301);
    const total = articles.countWithTag(tag.id);
    const items = toListItems(articles.withTag(tag.id, (page - 1) * PER_PAGE, PER_PAGE), articles, catalog());
    const model = listModel({ articles, heading: `「${tag.name}」标签的文章`, intro: `共找到 ${total} 篇带有「${tag.name}」标签的文章。`, items, total, page, basePath });
    return reply.page(
      'list',
      { title: `${tag.name} 相关文章${page > 1 ? ` · 第 ${page} 页` : ''}`, description: `寻文中带「${tag.name}」标签的中文技术文章。`, canonical: pagedPath(basePath, page), feeds: [{ title: `寻文 · ${tag.name}`, href: `${basePath}/feed.xml` }] },
      { ...model, tag },
    );
  });
};

export default tagRoutes;
