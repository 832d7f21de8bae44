import type { FastifyPluginAsync } from 'fastify';
import { articleUrl } from '../content/listing.js';
import { notFound } from './errors.js';

const randomRoutes: FastifyPluginAsync = async (app) => {
  app.get('/random', async (_request, reply) => {
    const id = app.services.articles.randomId(Math.random);
    if (id === undefined) throw notFound('文章');
    return reply.header('Cache-Control', 'no-store').redirect(articleUrl(id), 302);
  });
};

export default randomRoutes;
