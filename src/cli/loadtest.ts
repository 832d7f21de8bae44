import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';

/**
 * Load test: the real server (its own process, demo corpus) at saturation over a mix of home,
 * search, tag, article and API requests, for a bounded time. Fails (exit 1) on any error, any
 * unexpected status, or RSS (sampled every 5 s) growing by 10% or more over the run.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SECTION = '## Load test';

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) * 1024;
}

async function startServer(dbPath: string): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'server.js')], {
    env: { ...process.env, PORT: '0', DATABASE_PATH: dbPath, LOG_LEVEL: 'info', RATE_LIMIT_PER_MINUTE: '100000000' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const base = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('server did not start')), 120_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        // keep draining the request log so the pipe never blocks the server
        child.stdout!.removeAllListeners('data');
        child.stdout!.resume();
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { child, base };
}

function run(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

async function main() {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '60' }, connections: { type: 'string', default: '50' }, out: { type: 'string', default: join(ROOT, 'BENCHMARKS.md') } } });
  const seconds = Number(values.seconds);
  const dbPath = join(mkdtempSync(join(tmpdir(), 'xunwen-load-')), 'load.db');
  const { child, base } = await startServer(dbPath);
  try {
    const home = await (await fetch(`${base}/`)).text();
    const articleIds = [...new Set([...home.matchAll(/href="\/articles\/(\d+)"/g)].map((m) => m[1]!))];
    const tagSlugs = [...new Set([...home.matchAll(/href="\/tags\/([^"]+)"/g)].map((m) => m[1]!))].slice(0, 30);
    const queries = ['容器', '网络', 'docker', 'c++', 'kube', '命名空间', 'redis 缓存', 'java', '宿主机', '.net', 'k8s', 'mysql 索引', '日志', 'spring', '配置', 'nginx'];
    const paths: string[] = ['/'];
    for (const q of queries) paths.push(`/search?q=${encodeURIComponent(q)}`, `/api/search?q=${encodeURIComponent(q)}&limit=10`);
    for (const slug of tagSlugs) paths.push(`/tags/${slug}`);
    for (const id of articleIds) paths.push(`/articles/${id}`);
    // deliberate misses, which must be 404 and nothing else
    paths.push('/articles/99999999', '/no-such-page');
    let next = 0;
    const requests: autocannon.Request[] = [{ setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length]! }) }];

    process.stderr.write(`warming up (20 s) against ${base} with ${paths.length} URLs…\n`);
    await run({ url: base, connections: Number(values.connections), duration: 20, requests });
    const rssBefore = rssOf(child.pid!);
    process.stderr.write(`load for ${seconds} s…\n`);
    const samples: number[] = [];
    const sampler = setInterval(() => samples.push(rssOf(child.pid!)), 5000);
    const result = await run({ url: base, connections: Number(values.connections), duration: seconds, requests, headers: { 'accept-encoding': 'br, gzip' } });
    clearInterval(sampler);
    const rssAfter = rssOf(child.pid!);

    // RSS saws up and down with garbage collection: compare the median of the first and the last
    // quarter of the samples, not two single points
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const quarter = Math.max(1, Math.floor(samples.length / 4));
    const early = median(samples.slice(0, quarter));
    const late = median(samples.slice(-quarter));
    const growth = (late - early) / early;
    const expected404 = Math.round((2 / paths.length) * result.requests.total);
    const statuses = { '2xx': result['2xx'], '3xx': result['3xx'], '4xx': result['4xx'], '5xx': result['5xx'] };
    const ok = result.errors === 0 && result.timeouts === 0 && result['5xx'] === 0 && result.non2xx === result['4xx'] && Math.abs(result['4xx'] - expected404) <= Math.max(5, expected404 * 0.05) && growth < 0.1;
    const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
    const section = `${SECTION}

Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC with \`npm run loadtest -- --seconds ${seconds}\` on ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${mb(totalmem())} MB RAM, Node ${process.version};
server and load generator on the same machine; demo corpus; ${Number(values.connections)} connections; a rotating mix of ${paths.length} URLs (home, search pages, search API, tag pages, article pages, and two deliberate 404s).

| measure | value |
|---|---|
| duration | ${seconds} s (after a 20 s warm-up) |
| requests | ${result.requests.total} (${Math.round(result.requests.average)} req/s mean) |
| latency p50 / p97.5 / p99 | ${result.latency.p50} / ${result.latency.p97_5} / ${result.latency.p99} ms |
| 2xx / 3xx / 4xx / 5xx | ${statuses['2xx']} / ${statuses['3xx']} / ${statuses['4xx']} / ${statuses['5xx']} (4xx expected from the deliberate misses: ≈ ${expected404}) |
| errors / timeouts | ${result.errors} / ${result.timeouts} |
| server RSS every 5 s | ${samples.map(mb).join(', ')} MB (after warm-up ${mb(rssBefore)} MB, at the end ${mb(rssAfter)} MB) |
| RSS growth | ${(growth * 100).toFixed(1)}% (median of the last quarter of samples against the first quarter: ${mb(early)} → ${mb(late)} MB) |
| verdict | ${ok ? 'pass' : 'FAIL'} (zero errors, no 5xx, only the deliberate 404s, RSS growth under 10%) |
`;
    const previous = existsSync(values.out) ? readFileSync(values.out, 'utf8') : '# Benchmarks\n';
    const start = previous.indexOf(SECTION);
    let updated: string;
    if (start >= 0) {
      const after = previous.indexOf('\n## ', start + SECTION.length);
      updated = previous.slice(0, start) + section + (after >= 0 ? previous.slice(after) : '');
    } else {
      updated = `${previous.trimEnd()}\n\n${section}`;
    }
    writeFileSync(values.out, updated);
    process.stdout.write(section);
    process.exitCode = ok ? 0 : 1;
  } finally {
    child.kill('SIGTERM');
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`load test failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 2;
});
