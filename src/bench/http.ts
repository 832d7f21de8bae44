import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** Every child server this process started: killed on exit whatever happens. */
const children = new Set<ChildProcess>();

/** Kills every child still running (synchronous: safe in an 'exit' handler). */
export function killChildren(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
}

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

export interface ChildServer {
  name: string;
  origin: string;
  pid: number | undefined;
  /** Resident set size of the child, from /proc (Linux), in bytes. */
  rss(): number | undefined;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts `node script` with env, then waits until GET readyPath answers 2xx. */
export async function startServer(name: string, script: string, env: NodeJS.ProcessEnv, port: number, readyPath: string, timeoutMs = 60_000): Promise<ChildServer> {
  const child = spawn(process.execPath, [script], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(child);
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const origin = `http://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      children.delete(child);
      throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${stderr}`);
    }
    try {
      const response = await fetch(origin + readyPath);
      await response.arrayBuffer();
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() - started > timeoutMs) {
      child.kill('SIGKILL');
      children.delete(child);
      throw new Error(`${name} was not ready after ${timeoutMs / 1000} s:\n${stderr}`);
    }
    await sleep(100);
  }
  return {
    name,
    origin,
    pid: child.pid,
    rss() {
      try {
        const status = readFileSync(join('/proc', String(child.pid), 'status'), 'utf8');
        const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
        return kb ? Number(kb) * 1024 : undefined;
      } catch {
        return undefined;
      }
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timedOut = await Promise.race([exited.then(() => false), sleep(5000).then(() => true)]);
        if (timedOut) {
          child.kill('SIGKILL');
          await exited;
        }
      }
      children.delete(child);
    },
  };
}

export interface LoadTarget {
  name: string;
  /** What the row measures, for the report. */
  description: string;
  /** One path, or several to rotate through (one per request, shared by all connections). */
  paths: string[];
  headers?: Record<string, string>;
  /** The status every answer should have. */
  expectStatus: number;
}

export interface LoadRow {
  name: string;
  description: string;
  /** The first request to the freshly started server. */
  firstMs: number;
  /** Median of a few sequential requests on the idle server after the first. */
  unloadedMs: number;
  requestsPerSec: number;
  latencyP50: number;
  latencyP99: number;
  requests: number;
  /** Mean bytes per response (headers included). */
  bytesPerResponse: number;
  /** Answers with another status than expected (non-2xx for pages, non-304 for the 304 row). */
  unexpected: number;
  expectStatus: number;
  /** Connection errors and timeouts. */
  errors: number;
  statusCounts: Record<string, number>;
  /** requestsPerSec / hello-world's, when hello-world ran. */
  ratioToHello?: number;
  /** RSS of the server process after its row. */
  serverRss?: number;
}

export interface LoadOptions {
  seconds: number;
  connections: number;
  warmupSeconds: number;
}

/** Where a rotation stands: shared by the warm-up and the measurement, so the latter goes on where the former stopped. */
interface Cursor {
  next: number;
}

async function fire(origin: string, target: LoadTarget, seconds: number, connections: number, cursor: Cursor): Promise<autocannon.Result> {
  const paths = target.paths;
  const options: autocannon.Options = { url: origin + (paths[0] ?? '/'), connections, duration: seconds, headers: target.headers ?? {} };
  if (paths.length > 1) {
    options.requests = [
      {
        setupRequest: (request) => {
          const path = paths[cursor.next % paths.length]!;
          cursor.next++;
          return { ...request, path };
        },
      },
    ];
  }
  return autocannon(options);
}

const DRAIN_TIMEOUT_MS = 30_000;
const UNLOADED_REQUESTS = 7;
const UNLOADED_BUDGET_MS = 15_000;

/**
 * Sequential requests on the idle, freshly started server, rotating through the target's paths:
 * the first one's time (cold: nothing cached or compiled yet) and the median of the others.
 */
async function unloadedLatency(origin: string, target: LoadTarget): Promise<{ firstMs: number; medianMs: number }> {
  const times: number[] = [];
  let firstMs = Number.NaN;
  const started = Date.now();
  for (let i = 0; i <= UNLOADED_REQUESTS && Date.now() - started < UNLOADED_BUDGET_MS; i++) {
    const path = target.paths[i % target.paths.length] ?? '/';
    const start = process.hrtime.bigint();
    const response = await fetch(origin + path, { headers: target.headers ?? {} });
    await response.arrayBuffer();
    if (response.status !== target.expectStatus) throw new Error(`GET ${path} answered ${response.status}, not ${target.expectStatus}`);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (i === 0) firstMs = ms;
    else times.push(ms);
  }
  times.sort((a, b) => a - b);
  return { firstMs, medianMs: times.length > 0 ? times[times.length >> 1]! : Number.NaN };
}

/** Warms a target up, then measures it; answers are tallied by status. */
export async function measure(origin: string, target: LoadTarget, options: LoadOptions, log: (line: string) => void): Promise<LoadRow> {
  const { firstMs, medianMs: unloadedMs } = await unloadedLatency(origin, target);
  // a rotation starts after the paths the unloaded requests used (they may be cached now)
  const cursor: Cursor = { next: target.paths.length > 1 ? UNLOADED_REQUESTS + 1 : 0 };
  if (options.warmupSeconds > 0) {
    await fire(origin, target, options.warmupSeconds, options.connections, cursor);
    // the server may still be working through the warm-up's backlog: one request waits behind it
    try {
      const response = await fetch(origin + (target.paths[0] ?? '/'), { headers: target.headers ?? {}, signal: AbortSignal.timeout(DRAIN_TIMEOUT_MS) });
      await response.arrayBuffer();
    } catch {
      log(`http ${target.name}: the server had not caught up with the warm-up after ${DRAIN_TIMEOUT_MS / 1000} s; measuring anyway`);
    }
  }
  const result = await fire(origin, target, options.seconds, options.connections, cursor);
  const statusCounts: Record<string, number> = {};
  let answered = 0;
  for (const [status, stats] of Object.entries(result.statusCodeStats ?? {})) {
    statusCounts[status] = stats.count ?? 0;
    answered += stats.count ?? 0;
  }
  const expected = statusCounts[String(target.expectStatus)] ?? 0;
  const row: LoadRow = {
    name: target.name,
    description: target.description,
    firstMs,
    unloadedMs,
    requestsPerSec: result.requests.mean,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
    requests: result.requests.total,
    bytesPerResponse: result.requests.total > 0 ? result.throughput.total / result.requests.total : Number.NaN,
    unexpected: answered - expected,
    expectStatus: target.expectStatus,
    errors: result.errors + result.timeouts,
    statusCounts,
  };
  log(
    `http ${target.name.padEnd(26)} first ${firstMs.toFixed(1)} ms, unloaded ${unloadedMs.toFixed(1)} ms, ${Math.round(row.requestsPerSec).toString().padStart(6)} req/s, p50 ${row.latencyP50} ms, p99 ${row.latencyP99} ms, statuses ${JSON.stringify(statusCounts)}, errors ${row.errors}`,
  );
  return row;
}

export interface HttpSuiteOptions extends LoadOptions {
  distDir: string;
  dbPath: string;
  articleId: number;
  /** Queries the search rows rotate through (fit in the site's result cache). */
  searchQueries: string[];
  /** More distinct queries than the site's result cache holds: every request misses it. */
  uncachedQueries: string[];
  log: (line: string) => void;
}

export interface HttpSuiteResult {
  connections: number;
  seconds: number;
  warmupSeconds: number;
  rows: LoadRow[];
  siteEnv: Record<string, string>;
}

const searchPath = (base: string) => (q: string) => `${base}?q=${encodeURIComponent(q)}`;

/**
 * Hello-world, then the real site, each as a child process driven by autocannon from here. The
 * site is started afresh for every row, so a slow row's backlog cannot leak into the next one.
 */
export async function runHttpSuite(options: HttpSuiteOptions): Promise<HttpSuiteResult> {
  const { log } = options;
  const rows: LoadRow[] = [];

  const helloPort = await freePort();
  const hello = await startServer('hello-world', join(options.distDir, 'bench', 'hello-server.js'), { ...process.env, PORT: String(helloPort) }, helloPort, '/');
  try {
    const row = await measure(hello.origin, { name: 'hello-world', description: 'fastify returning a fixed 120-byte HTML string', paths: ['/'], expectStatus: 200 }, options, log);
    const rss = hello.rss();
    rows.push(rss !== undefined ? { ...row, serverRss: rss } : row);
  } finally {
    await hello.stop();
  }

  const siteEnv: Record<string, string> = {
    DATABASE_PATH: options.dbPath,
    LOAD_DEMO: 'never',
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    PORT: '(free port)',
    RATE_LIMIT_PER_MINUTE: '100000000',
    // one rotation window for the whole run, so the ETag of the 304 row cannot change under it
    WIDGET_WINDOW_MINUTES: '1440',
  };
  const article = `/articles/${options.articleId}`;
  const searchPaths = options.searchQueries.map(searchPath('/search'));
  const apiPaths = options.searchQueries.map(searchPath('/api/search'));
  const uncachedPaths = options.uncachedQueries.map(searchPath('/search'));
  const targets: Array<(origin: string) => Promise<LoadTarget>> = [
    async () => ({ name: 'home `/`', description: 'newest 20 articles with the sidebar widgets', paths: ['/'], expectStatus: 200 }),
    async () => ({ name: 'article page', description: `${article}: one article with its neighbours`, paths: [article], expectStatus: 200 }),
    async () => ({
      name: 'search page (cached mix)',
      description: `/search rotating through ${searchPaths.length} queries of every class (5 per class); they fit the site's caches, so after the warm-up this mostly measures cache hits`,
      paths: searchPaths,
      expectStatus: 200,
    }),
    async () => ({ name: '`/api/search` (cached mix)', description: `the JSON API over the same ${apiPaths.length} queries`, paths: apiPaths, expectStatus: 200 }),
    async () => ({
      name: 'search page (uncached)',
      description: `/search cycling through ${uncachedPaths.length} distinct queries of every class, more than the site's result cache (500 pages) and rendered-page cache (64 MB) hold, so no request is a cache hit: engine, related section, snippets and rendering every time`,
      paths: uncachedPaths,
      expectStatus: 200,
    }),
    async (origin) => {
      const home = await fetch(`${origin}/`);
      await home.arrayBuffer();
      const etag = home.headers.get('etag');
      if (!home.ok || !etag) throw new Error(`GET / answered ${home.status} without an ETag`);
      return { name: '304 revalidation of `/`', description: 'GET / with If-None-Match set to the ETag / sent', paths: ['/'], headers: { 'if-none-match': etag }, expectStatus: 304 };
    },
  ];

  for (const makeTarget of targets) {
    const port = await freePort();
    const site = await startServer('site', join(options.distDir, 'server.js'), { ...process.env, ...siteEnv, PORT: String(port) }, port, '/healthz', 120_000);
    try {
      const target = await makeTarget(site.origin);
      const row = await measure(site.origin, target, options, log);
      const rss = site.rss();
      rows.push(rss !== undefined ? { ...row, serverRss: rss } : row);
    } finally {
      await site.stop();
    }
  }

  const helloRate = rows.find((row) => row.name === 'hello-world')?.requestsPerSec;
  if (helloRate) for (const row of rows) row.ratioToHello = row.requestsPerSec / helloRate;
  return { connections: options.connections, seconds: options.seconds, warmupSeconds: options.warmupSeconds, rows, siteEnv };
}
