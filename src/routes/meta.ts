import type { FastifyPluginAsync } from 'fastify';
import { xmlEscape } from './feeds.js';


/** Site-level documents: OpenSearch description, robots.txt, health check. */
const metaRoutes: FastifyPluginAsync = async (app) => {
  app.get('/opensearch.xml', async (_request, reply) => {
    const base = app.config.SITE_URL.replace(/\/$/, '');
    reply.type('application/opensearchdescription+xml; charset=utf-8').header('Cache-Control', 'public, max-age=86400');
    return `<?xml version="1.0" encoding="UTF-8"?>
<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">
  <ShortName>寻文</ShortName>
  <Description>搜索寻文收录的中文技术文章</Description>
  <InputEncoding>UTF-8</InputEncoding>
  <Url type="text/html" method="get" template="${xmlEscape(base)}/search?q={searchTerms}"/>
  <Url type="application/json" method="get" template="${xmlEscape(base)}/api/search?q={searchTerms}"/>
  <Image height="16" width="16" type="image/svg+xml">${xmlEscape(base)}/static/favicon.svg</Image>
</OpenSearchDescription>
`;
  });

  app.get('/robots.txt', async (_request, reply) => {
    const base = app.config.SITE_URL.replace(/\/$/, '');
    reply.type('text/plain; charset=utf-8').header('Cache-Control', 'public, max-age=86400');
    return `User-agent: *\nDisallow: /search\nDisallow: /api/\nDisallow: /random\nDisallow: /takedown\n\nSitemap: ${base}/sitemap.xml\n`;
  });

  app.get('/healthz', async (request, reply) => {
    reply.header('Cache-Control', 'no-store');
    try {
      return { status: 'ok', articles: app.services.articles.countPublished() };
    } catch (error) {
      request.log.error({ err: error }, 'health check failed');
      return reply.code(503).send({ status: 'unavailable' });
    }
  });
};

export default metaRoutes;
