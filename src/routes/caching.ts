import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

/** Paths whose answers must never be reused or that carry their own validators. */
const UNCACHED = /^\/(random|takedown|static\/|assets\/|healthz)/;

/**
 * Conditional requests without rendering: every page is a function of the database content and
 * the widget rotation window, so their pair is the validator. A matching If-None-Match is
 * answered 304 before any route runs; pages say `no-cache` so browsers always revalidate and a
 * takedown shows at once, while a revalidation costs almost nothing.
 */
const caching: FastifyPluginAsync = async (app) => {
  app.addHook('onRequest', async (request, reply) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || UNCACHED.test(request.url)) return;
    const etag = `W/"${app.services.changes()}-${app.services.widgets.window()}"`;
    reply.header('ETag', etag).header('Cache-Control', 'no-cache');
    const candidates = request.headers['if-none-match'];
    if (candidates && candidates.split(',').some((c) => c.trim() === etag || c.trim() === '*')) {
      return reply.code(304).send();
    }
  });
};

export default fp(caching, { name: 'xunwen-caching' });
