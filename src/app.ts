import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { randomBytes } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import { constants as zlibConstants } from 'node:zlib';
import fastifyCompress from '@fastify/compress';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifyView from '@fastify/view';
import { Eta } from 'eta';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Config } from './config.js';
import { loadDemo } from './content/demo.js';
import { openDatabase, type Db } from './db/open.js';
import { PUBLIC_DIR, VIEWS_DIR } from './paths.js';
import { PageError } from './routes/errors.js';
import { jsonForScript, type PageMeta, type SiteInfo } from './routes/render.js';
import { createServices, type ServiceOptions } from './services.js';
import { paletteCss } from './site/colors.js';
import apiRoutes from './routes/api.js';
import caching from './routes/caching.js';
import archiveRoutes from './routes/archive.js';
import articleRoutes from './routes/articles.js';
import categoryRoutes from './routes/categories.js';
import feedRoutes from './routes/feeds.js';
import homeRoutes from './routes/home.js';
import metaRoutes from './routes/meta.js';
import randomRoutes from './routes/random.js';
import searchRoutes from './routes/search.js';
import tagRoutes from './routes/tags.js';
import takedownRoutes from './routes/takedown.js';

export const SITE_NAME = '寻文';
export const SITE_TAGLINE = '中文技术文章的转载与检索';

export interface AppOptions {
  config: Config;
  /** An already-open database (tests); otherwise config.DATABASE_PATH is opened and closed with the app. */
  db?: Db;
  services?: ServiceOptions;
}

/** Content hashes of public/ files, so asset URLs change when the file does. */
function fingerprintAssets(): Map<string, string> {
  const hashes = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else hashes.set(relative(PUBLIC_DIR, path), createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 10));
    }
  };
  walk(PUBLIC_DIR);
  return hashes;
}

/** Builds the whole site: database, services, views, routes and error pages. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config } = options;
  const app = Fastify({
    logger:
      config.LOG_LEVEL === 'silent'
        ? false
        : {
            level: config.LOG_LEVEL,
            // no client addresses in the logs: method and path are enough to follow a request
            serializers: { req: (req) => ({ method: req.method, url: req.url }), res: (res) => ({ statusCode: res.statusCode }) },
          },
    // one line per request, written by the onResponse hook below, instead of fastify's two
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
    // only the local proxy may speak for the client's address
    trustProxy: config.TRUST_PROXY ? '127.0.0.1,::1' : false,
    requestTimeout: 15_000,
    connectionTimeout: 30_000,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
  });

  const db = options.db ?? openDatabase(config.DATABASE_PATH);
  const services = createServices(db, {
    widgetWindowMinutes: config.WIDGET_WINDOW_MINUTES,
    ...(config.SEARCH_THREADS !== undefined ? { searchThreads: config.SEARCH_THREADS } : {}),
    ...(config.SEARCH_LIST_CACHE_MB !== undefined ? { searchListCacheBytes: config.SEARCH_LIST_CACHE_MB * 1024 * 1024 } : {}),
    ...options.services,
  });
  app.decorate('services', services);
  // pending view counts are written before the database closes
  app.addHook('onClose', async () => {
    services.views.close();
    await services.index.close();
    if (!options.db) db.close();
  });
  app.decorate('config', config);

  if (config.LOAD_DEMO === 'auto' && services.articles.countAll() === 0) {
    const started = Date.now();
    const summary = loadDemo(services.importer);
    app.log.info({ imported: summary.imported, rejected: summary.rejected.length, ms: Date.now() - started }, 'demo corpus loaded');
    for (const problem of [...summary.problems, ...summary.rejected.map((r) => `${r.where}: ${r.field}: ${r.reason}`)]) app.log.warn(problem);
  }

  const assets = fingerprintAssets();
  const asset = (path: string) => `/static/${path}?v=${assets.get(path) ?? '0'}`;
  const tagColoursCss = paletteCss();
  const tagColoursHref = `/assets/tag-colours.css?v=${createHash('sha256').update(tagColoursCss).digest('hex').slice(0, 10)}`;
  app.get('/assets/tag-colours.css', async (_request, reply) => {
    reply.type('text/css; charset=utf-8').header('Cache-Control', 'public, max-age=31536000, immutable');
    return tagColoursCss;
  });

  app.addHook('onResponse', async (request, reply) => {
    request.log.info({ method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 }, 'request');
  });

  // First: its 304s skip everything after it; its page cache compresses once, so compression
  // (registered later) skips those pages.
  await app.register(caching);
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
    },
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    crossOriginEmbedderPolicy: false,
  });
  await app.register(fastifyCompress, {
    encodings: ['br', 'gzip'],
    threshold: 1024,
    // brotli's default quality is tuned for static files; 4 is close to gzip's speed and smaller
    brotliOptions: { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 4 } },
    zlibOptions: { level: 6 },
  });
  await app.register(fastifyFormbody, { bodyLimit: 16 * 1024 });
  await app.register(fastifyCookie, { secret: config.COOKIE_SECRET ?? randomBytes(32).toString('hex') });
  await app.register(fastifyCsrf, { cookieOpts: { signed: true, httpOnly: true, sameSite: 'strict', path: '/takedown' } });
  // limits are set per route (search, API, form posts); reading pages stays unlimited
  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => new PageError(429, `请求太频繁了，请在 ${Math.ceil(context.ttl / 1000)} 秒后再试。`),
  });
  await app.register(fastifyStatic, {
    root: PUBLIC_DIR,
    prefix: '/static/',
    index: false,
    dotfiles: 'deny',
    cacheControl: false,
    setHeaders(reply, path) {
      // only a URL carrying the current content hash may be cached forever
      const version = (reply.request.query as { v?: unknown }).v;
      const fresh = typeof version === 'string' && version === assets.get(relative(PUBLIC_DIR, path));
      reply.header('Cache-Control', fresh ? 'public, max-age=31536000, immutable' : 'public, max-age=300');
    },
  });
  await app.register(fastifyView, {
    engine: { eta: new Eta({ views: VIEWS_DIR, cache: true }) },
    root: VIEWS_DIR,
    // without production mode @fastify/view recompiles every template on every render
    production: true,
    defaultContext: { jsonForScript },
  });

  app.decorateReply('page', async function page(this: FastifyReply, template: string, meta: PageMeta, model: Record<string, unknown> = {}, search = {}) {
    const site: SiteInfo = { name: SITE_NAME, tagline: SITE_TAGLINE, url: config.SITE_URL, asset, tagColoursHref, searchQ: search.q ?? '', searchCategory: search.category ?? '' };
    this.type('text/html; charset=utf-8');
    return this.viewAsync(`pages/${template}`, { ...model, meta, site, chrome: services.widgets.chrome() });
  });

  // Set before the routes: plugins inherit the handlers in force when they are registered.
  app.setNotFoundHandler(async (request, reply) => renderError(request, reply, new PageError(404, '没有找到这个页面。')));
  app.setErrorHandler(async (error, request, reply) => renderError(request, reply, error));

  // The route table: one plugin per URL area.
  await app.register(homeRoutes);
  await app.register(categoryRoutes);
  await app.register(tagRoutes);
  await app.register(searchRoutes);
  await app.register(articleRoutes);
  await app.register(archiveRoutes);
  await app.register(randomRoutes);
  await app.register(apiRoutes);
  await app.register(feedRoutes);
  await app.register(metaRoutes);
  await app.register(takedownRoutes);


  async function renderError(request: FastifyRequest, reply: FastifyReply, error: unknown) {
    const raw = error as { statusCode?: number; message?: string; validation?: unknown };
    const status = typeof raw.statusCode === 'number' && raw.statusCode >= 400 && raw.statusCode < 600 ? raw.statusCode : 500;
    if (status >= 500) request.log.error({ err: error, method: request.method, url: request.url, status }, 'request failed');
    const message = status >= 500 ? '服务器出了点问题，我们已经记录下来了。请稍后再试。' : error instanceof PageError ? error.message : clientMessage(status);
    reply.code(status).header('Cache-Control', 'no-store');
    if (request.url.startsWith('/api/')) return reply.send({ error: message, status });
    try {
      return await reply.page('error', { title: `${status} · ${titleOf(status)}`, noindex: true }, { status, heading: titleOf(status), message });
    } catch (renderFailure) {
      request.log.error({ err: renderFailure }, 'error page failed to render');
      return reply.type('text/plain; charset=utf-8').send(`${status} ${message}`);
    }
  }

  return app;
}

function titleOf(status: number): string {
  if (status === 404) return '页面不存在';
  if (status === 410) return '文章已下架';
  if (status === 429) return '请求太频繁';
  if (status === 413) return '提交的内容太大';
  if (status >= 500) return '服务器错误';
  return '请求有误';
}

function clientMessage(status: number): string {
  if (status === 404) return '没有找到这个页面。';
  if (status === 413) return '提交的内容太大了。';
  if (status === 415) return '不支持这种提交格式。';
  if (status === 429) return '请求太频繁了，请稍后再试。';
  return '请求的格式不对，请检查链接或表单。';
}
