import { z } from 'zod';

/** Every setting the server and the CLIs read; nothing else looks at process.env. */
export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_PATH: z.string().min(1).default('data/xunwen.db'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Public origin used in feeds, sitemaps and canonical links. */
  SITE_URL: z.url().default('http://127.0.0.1:3000'),
  /** Load the demo corpus on start when the database holds no articles. */
  LOAD_DEMO: z.enum(['auto', 'never']).default('auto'),
  /** Requests per minute per client for search, API and form posts. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  /** Behind a reverse proxy: trust X-Forwarded-For from loopback for the client address. */
  TRUST_PROXY: z.enum(['0', '1']).default('0').transform((value) => value === '1'),
  /** Signs the takedown form's CSRF cookie; set it in production so forms survive restarts. */
  COOKIE_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Minutes each rotation window lasts (hot-tag colours, tips, poems, random picks). */
  WIDGET_WINDOW_MINUTES: z.coerce.number().int().min(1).max(1440).default(10),
  /** Threads that share large searches with the request thread; unset: one fewer than the cores, at most 3. */
  SEARCH_THREADS: z.coerce.number().int().min(0).max(16).optional(),
  /** Megabytes of index lists each search connection keeps in memory; unset: 512 (segment-reader.ts). */
  SEARCH_LIST_CACHE_MB: z.coerce.number().int().min(0).max(65536).optional(),
});

export type Config = z.infer<typeof configSchema>;

/** Parses an environment; throws one readable message naming every bad field. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
