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
  poems?: Poem[];
  now?: () => number;
}

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

  const index = new SegmentSearchIndex(db, {
    loadTexts(ids) {
      const rows = articles.texts(ids);
      const tagIds = articles.tagIdsOf(rows.map((row) => row.id));
      const current = catalog();
      return new Map<number, DocumentText>(
        rows.map((row) => [
          row.id,
          { title: row.title, summary: row.summary, body: row.plain_text, tags: (tagIds.get(row.id) ?? []).map((id) => current.tagById.get(id)?.name ?? '') },
        ]),
      );
    },
    ...(options.searchCacheEntries !== undefined ? { cacheEntries: options.searchCacheEntries } : {}),
  });

  reindexIfNeeded({ db, articles, index, catalog });

  const importer = createImporter({ db, articles, taxonomy, index, contentVersion });
  const search = createSearchService({ index, articles, catalog });
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
