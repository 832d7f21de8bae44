import type { Config } from '../config.js';
import type { Services } from '../services.js';
import type { PageChrome } from '../site/widgets.js';

/** What every page tells the layout about itself. */
export interface PageMeta {
  title: string;
  description?: string;
  /** Path of the canonical URL (query included for paginated pages). */
  canonical?: string;
  noindex?: boolean;
  feeds?: Array<{ title: string; href: string }>;
  /** JSON-LD object, serialised safely by the layout. */
  jsonLd?: unknown;
  openGraph?: Record<string, string>;
}

export interface SiteInfo {
  name: string;
  tagline: string;
  url: string;
  asset: (path: string) => string;
  /** Fingerprinted URL of the hot-tag palette stylesheet. */
  tagColoursHref: string;
  /** Current search box state, so it keeps q and the chosen category. */
  searchQ: string;
  searchCategory: string;
}

declare module 'fastify' {
  interface FastifyReply {
    /** Renders a page inside the layout with the page-wide widgets. */
    page(template: string, meta: PageMeta, model?: Record<string, unknown>, search?: { q?: string; category?: string }): Promise<string>;
  }
  interface FastifyInstance {
    services: Services;
    config: Config;
  }
}

export interface RenderContext {
  chrome: PageChrome;
  site: SiteInfo;
  meta: PageMeta;
}

/** JSON for a <script type="application/ld+json"> block: '<' escaped so it cannot close the tag. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

