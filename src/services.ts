import { availableParallelism } from 'node:os';
import { createArticleRepository } from './db/articles.js';
import { createContentVersion } from './db/changes.js';
import type { Db } from './db/open.js';
import { createTakedownRepository } from './db/takedowns.js';
import { createTaxonomyRepository } from './db/taxonomy.js';
import { loadCatalog, type Catalog } from './content/catalog.js';
import { createImporter } from './content/importer.js';
import { reindexIfNeeded } from './content/reindex.js';
import { createRenderedCache, RENDERED_CACHE_ENTRIES } from './content/rendered.js';
import { linuxCommands } from './content/linux-command.js';
import { createTakedownService } from './content/takedown.js';
import { createArticleTexts } from './content/texts.js';
import { createViewCounter } from './content/views.js';
import type { DocumentText } from './search/engine.js';
import { createSearchService } from './search/service.js';
import { SegmentSearchIndex } from './search/segment-index.js';
import { loadPoems, type Poem } from './site/poems.js';
import { createSiteWidgets } from './site/widgets.js';

export interface ServiceOptions {
  widgetWindowMinutes?: number;
  /** How often counted views are written. */
  viewFlushIntervalMs?: number;
  /** Search result pages cached in memory (0: none). */
  searchCacheEntries?: number;
  /** Search helper threads (search-helpers.ts); default one fewer than the cores, at most 3. */
  searchThreads?: number;
  /** Indexes smaller than this search in one thread. */
  searchThreadsMinDocuments?: number;
  /** A query shares its segments only when this thread's share reads at least this many list entries. */
  searchThreadsMinEntries?: number;
  /** Bytes of index lists each search connection keeps in memory (LIST_CACHE_BYTES in segment-reader.ts). */
  searchListCacheBytes?: number;
  poems?: Poem[];
  now?: () => number;
}

/**
 * Below this many indexed documents a query takes a few milliseconds at most, and handing half of
 * it to another thread (~0.1 ms) is not worth it.
 */
export const SEARCH_THREADS_MIN_DOCUMENTS = 20_000;

/** Wires repositories, the search index and the services over one open database. */
export function createServices(db: Db, options: ServiceOptions = {}) {
  const articles = createArticleRepository(db);
  const taxonomy = createTaxonomyRepository(db);
  const contentVersion = createContentVersion(db);
  const changes = contentVersion.current;

  let catalogCache: { key: string; catalog: Catalog } | undefined;
  const catalog = (): Catalog => {
    const key = changes();
    if (catalogCache?.key !== key) catalogCache = { key, catalog: loadCatalog(taxonomy) };
    return catalogCache.catalog;
  };

  const texts = createArticleTexts(articles);
  const index = new SegmentSearchIndex(db, {
    loadTexts(ids) {
      const found = texts(ids);
      const tagIds = articles.tagIdsOf(found.map((text) => text.id));
      const current = catalog();
      return new Map<number, DocumentText>(
        found.map((text) => [
          text.id,
          { title: text.title, summary: text.summary, body: text.plainText, tags: (tagIds.get(text.id) ?? []).map((id) => current.tagById.get(id)?.name ?? '') },
        ]),
      );
    },
    ...(options.searchCacheEntries !== undefined ? { cacheEntries: options.searchCacheEntries } : {}),
    ...(options.searchListCacheBytes !== undefined ? { listCacheBytes: options.searchListCacheBytes } : {}),
    helpers: {
      threads: options.searchThreads ?? Math.min(3, availableParallelism() - 1),
      minDocuments: options.searchThreadsMinDocuments ?? SEARCH_THREADS_MIN_DOCUMENTS,
      ...(options.searchThreadsMinEntries !== undefined ? { minEntries: options.searchThreadsMinEntries } : {}),
    },
  });

  reindexIfNeeded({ db, articles, index, catalog });

  const importer = createImporter({ db, articles, taxonomy, index, contentVersion });
  const search = createSearchService({ index, articles, texts, catalog });
  const takedown = createTakedownService({ db, articles, takedowns: createTakedownRepository(db), index, catalog, contentVersion });
  const views = createViewCounter({ db, articles, ...(options.viewFlushIntervalMs ? { flushIntervalMs: options.viewFlushIntervalMs } : {}) });
  const widgets = createSiteWidgets({
    articles,
    catalog,
    commands: linuxCommands,
    poems: options.poems ?? loadPoems(),
    windowMinutes: options.widgetWindowMinutes ?? 10,
    changes,
    ...(options.now ? { now: options.now } : {}),
  });

  return { db, articles, taxonomy, catalog, index, importer, search, takedown, views, widgets, changes, rendered: createRenderedCache({ entries: RENDERED_CACHE_ENTRIES }) };
}

export type Services = ReturnType<typeof createServices>;
