import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { loadConfig, type Config } from '../src/config.js';
import { openDatabase } from '../src/db/open.js';
import type { RawRecord } from '../src/content/records.js';
import type { Poem } from '../src/site/poems.js';

export const TEST_POEMS: Poem[] = [{ line: '少年易学老难成', poet: '测试', title: '测试诗' }];

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ LOG_LEVEL: 'silent', DATABASE_PATH: ':memory:', LOAD_DEMO: 'never', ...overrides });
}

let counter = 0;
/** A valid import record; override any field. */
export function articleRecord(overrides: Record<string, unknown> = {}): RawRecord {
  counter++;
  return {
    where: `factory#${counter}`,
    value: {
      title: `测试文章 ${counter}`,
      published_at: '2023-05-10T10:00:00+08:00',
      source_url: `https://example.com/posts/${counter}`,
      author: '测试作者',
      category: 'systems-containers',
      tags: ['Docker'],
      summary: '一篇用于测试的文章。',
      body: '## 小节\n\n这是正文，讨论容器与宿主机的网络。',
      ...overrides,
    },
  };
}

/** A fresh app on its own in-memory database, optionally with the full demo corpus or given records. */
export async function buildTestApp(options: { demo?: boolean; records?: RawRecord[]; config?: Record<string, string> } = {}): Promise<FastifyInstance> {
  const config = testConfig({ LOAD_DEMO: options.demo ? 'auto' : 'never', ...options.config });
  const db = openDatabase(':memory:');
  const app = await buildApp({ config, db, services: { poems: TEST_POEMS } });
  app.addHook('onClose', async () => db.close());
  if (options.records) {
    const summary = app.services.importer.importRecords(options.records);
    if (summary.rejected.length > 0) throw new Error(`fixture rejected: ${JSON.stringify(summary.rejected)}`);
  }
  await app.ready();
  return app;
}
