import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/** Paths whose answers must never be reused or that carry their own validators. */
const UNCACHED = /^\/(random|takedown|static\/|assets\/|healthz)/;
/** Bytes of rendered pages (all encodings) kept in memory. */
export const PAGE_CACHE_BYTES = 64 * 1024 * 1024;
const COMPRESS_MIN_BYTES = 1024;

type Encoding = 'br' | 'gzip' | 'identity';

interface CachedPage {
  etag: string;
  contentType: string;
  variants: Partial<Record<Encoding, Buffer>>;
  bytes: number;
}

function preferredEncoding(request: FastifyRequest): Encoding {
  const accept = request.headers['accept-encoding'];
  if (typeof accept !== 'string') return 'identity';
  if (/\bbr\b/.test(accept)) return 'br';
  if (/\bgzip\b/.test(accept)) return 'gzip';
  return 'identity';
}

function encode(body: Buffer, encoding: Encoding): Buffer {
  if (encoding === 'br') return brotliCompressSync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 5, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length } });
  if (encoding === 'gzip') return gzipSync(body, { level: 6 });
  return body;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set for GET requests whose answer may be cached under this validator. */
    pageEtag?: string;
  }
}

/**
 * Conditional requests and a rendered-page cache. Every page is a function of the database
 * content and the widget rotation window, so their pair is the ETag: a matching If-None-Match is
 * answered 304 before anything else runs, and a page already rendered for this ETag is sent from
 * memory, compressed once per encoding. Pages say `no-cache`, so browsers always revalidate and a
 * takedown shows at once, while a revalidation costs almost nothing. The page lookup runs as a
 * preHandler, after the security headers and per-route rate limits.
 */
const caching: FastifyPluginAsync = async (app) => {
  const pages = new Map<string, CachedPage>();
  let cachedBytes = 0;

  function remember(url: string, page: CachedPage) {
    const previous = pages.get(url);
    if (previous) {
      pages.delete(url);
      cachedBytes -= previous.bytes;
    }
    pages.set(url, page);
    cachedBytes += page.bytes;
    for (const [key, old] of pages) {
      if (cachedBytes <= PAGE_CACHE_BYTES) break;
      pages.delete(key);
      cachedBytes -= old.bytes;
    }
  }

  function send(reply: FastifyReply, page: CachedPage, encoding: Encoding) {
    let body = page.variants[encoding];
    if (!body) {
      body = encode(page.variants.identity!, encoding);
      page.variants[encoding] = body;
      page.bytes += body.length;
      cachedBytes += body.length;
    }
    reply.header('Content-Type', page.contentType).header('Vary', 'Accept-Encoding');
    if (encoding !== 'identity') reply.header('Content-Encoding', encoding);
    return body;
  }

  // Registered before the security headers: a 304 carries no body for them to protect.
  app.addHook('onRequest', async (request, reply) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || UNCACHED.test(request.url)) return;
    const etag = `W/"${app.services.changes()}-${app.services.widgets.window()}"`;
    request.pageEtag = etag;
    reply.header('ETag', etag).header('Cache-Control', 'no-cache');
    const candidates = request.headers['if-none-match'];
    if (candidates && (candidates === etag || candidates.split(',').some((c) => c.trim() === etag || c.trim() === '*'))) {
      return reply.code(304).send();
    }
  });

  app.addHook('preHandler', async (request, reply) => {
    const etag = request.pageEtag;
    if (!etag || request.method !== 'GET') return;
    const page = pages.get(request.url);
    if (page && page.etag === etag) {
      const encoding = page.variants.identity!.length >= COMPRESS_MIN_BYTES ? preferredEncoding(request) : 'identity';
      return reply.send(send(reply, page, encoding));
    }
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const etag = request.pageEtag;
    if (!etag || request.method !== 'GET' || reply.statusCode !== 200 || reply.getHeader('Content-Encoding')) return payload;
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
    const body = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
    const page: CachedPage = { etag, contentType: String(reply.getHeader('Content-Type') ?? 'text/html; charset=utf-8'), variants: { identity: body }, bytes: body.length };
    remember(request.url, page);
    const encoding = body.length >= COMPRESS_MIN_BYTES ? preferredEncoding(request) : 'identity';
    const out = send(reply, page, encoding);
    reply.removeHeader('Content-Length');
    return out;
  });
};

export default fp(caching, { name: 'xunwen-caching' });
