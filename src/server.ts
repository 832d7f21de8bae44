import { buildApp } from './app.js';
import { loadConfig } from './config.js';

let config;
try {
  config = loadConfig(process.env);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}

const app = await buildApp({ config });

// Loaded before listening, not by the first search: the index's per-document facts take seconds
// to read at a million articles, and a visitor should not wait for them.
const loading = Date.now();
app.log.info({ documents: app.services.index.documentCount(), ms: Date.now() - loading }, 'search index loaded');

// A few rounds of one query of each shape, so the engine's code is compiled before the first
// visitor. Measured at 100k articles: cold, the first runs of a query took 5-30 times as long as
// warm (vue.js 374 ms, then 91, against 10-19 after three rounds of these); at most 5 s is spent.
const WARM_UP_QUERIES = ['的', '数据', '数据库', '配置中心', '命名空间共享', 'linux', 'node.js', 'c++', 'kube 容器', '数据库 索引', '容器网络命名空间共享验证'];
const WARM_UP_ROUNDS = 3;
const WARM_UP_MS = 5000;
const warming = Date.now();
let warmed = 0;
for (let round = 0; round < WARM_UP_ROUNDS && Date.now() - warming < WARM_UP_MS; round++) {
  for (const q of WARM_UP_QUERIES) app.services.search.search({ q, page: 1, limit: 20 });
  warmed++;
}
app.log.info({ queries: WARM_UP_QUERIES.length, rounds: warmed, ms: Date.now() - warming }, 'search engine warmed up');

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    // close() stops accepting connections, waits for in-flight requests, then runs onClose hooks
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}

await app.listen({ port: config.PORT, host: config.HOST });
