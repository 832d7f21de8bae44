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

// and the engine's code compiled, so the first visitors do not pay for that either
const warmed = app.services.search.warmUp();
app.log.info({ rounds: warmed.rounds, ms: warmed.ms }, 'search engine warmed up');

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
