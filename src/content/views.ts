import { createHash, randomBytes } from 'node:crypto';
import type { ArticleRepository } from '../db/articles.js';
import type { Db } from '../db/open.js';
import { formatDate } from './time.js';

/** User agents that announce themselves as software rather than a reader. */
export const BOT_USER_AGENT = /bot\b|bot\/|crawl|spider|slurp|mediapartners|bingpreview|facebookexternalhit|embedly|quora link|whatsapp|preview|headless|phantomjs|lighthouse|python-requests|python-urllib|curl\/|wget\/|httpclient|go-http-client|okhttp|java\/|libwww|scrapy|node-fetch|axios|^$/i;

export interface ViewCounterOptions {
  db: Db;
  articles: ArticleRepository;
  /** How often pending counts are written. */
  flushIntervalMs?: number;
  now?: () => Date;
}

/**
 * Counts a view at most once per article, visitor and day. Visitors are told apart by a hash of
 * their address and user agent with a salt that is random, kept only in memory and replaced every
 * day, so no address is stored and yesterday's hashes cannot be recomputed. Counts are written in
 * one transaction per interval, and on close.
 */
export function createViewCounter(options: ViewCounterOptions) {
  const now = options.now ?? (() => new Date());
  let day = '';
  let salt = randomBytes(32);
  let seen = new Set<string>();
  const pending = new Map<number, number>();
  const writeBatch = options.db.transaction((batch: Array<[number, number]>) => {
    for (const [id, count] of batch) options.articles.addViews(id, count);
  });

  function rotate() {
    const today = formatDate(now().toISOString());
    if (today !== day) {
      day = today;
      salt = randomBytes(32);
      seen = new Set();
    }
  }

  const flush = (): number => {
    if (pending.size === 0) return 0;
    const batch = [...pending.entries()];
    pending.clear();
    writeBatch(batch);
    return batch.length;
  };

  const timer = setInterval(flush, options.flushIntervalMs ?? 10_000);
  timer.unref();

  return {
    /** Records a view; false when it does not count (a bot, or this visitor counted today). */
    record(articleId: number, address: string, userAgent: string | undefined): boolean {
      const agent = userAgent ?? '';
      if (BOT_USER_AGENT.test(agent)) return false;
      rotate();
      const visitor = createHash('sha256').update(salt).update(address).update('\u0000').update(agent).digest('base64url').slice(0, 22);
      const key = `${visitor}:${articleId}`;
      if (seen.has(key)) return false;
      // a bounded memory: past this many visitor-articles a day, start a fresh set
      if (seen.size >= 2_000_000) seen = new Set();
      seen.add(key);
      pending.set(articleId, (pending.get(articleId) ?? 0) + 1);
      return true;
    },
    flush,
    /** Views recorded but not yet written. */
    pendingCount: () => [...pending.values()].reduce((a, b) => a + b, 0),
    close(): void {
      clearInterval(timer);
      flush();
    },
  };
}

export type ViewCounter = ReturnType<typeof createViewCounter>;
