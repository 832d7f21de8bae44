import type { ArticleRepository } from '../db/articles.js';
import { createMetaFlag } from '../db/changes.js';
import type { Db } from '../db/open.js';
import type { IndexedDocument, SearchIndex } from '../search/engine.js';
import type { Catalog } from './catalog.js';
import { extractPlainText } from './markdown.js';
import { analyseText } from './prepare.js';
import { signatureToBuffer } from './minhash.js';

const REINDEX_BATCH = 2000;

export interface ReindexDeps {
  db: Db;
  articles: ArticleRepository;
  index: SearchIndex;
  catalog: () => Catalog;
}

/**
 * Builds the search index and the near-duplicate signatures from the stored articles, once, when a
 * migration has left the index to be rebuilt (site_meta search_index_built = 0): after the move
 * from FTS5 and to one-permutation MinHash. Returns the number of articles indexed.
 */
export function reindexIfNeeded(deps: ReindexDeps): number {
  const flag = createMetaFlag(deps.db, 'search_index_built');
  if (flag.get() !== 0) return 0;
  const { db, articles, index } = deps;
  let indexed = 0;
  let after = 0;
  for (;;) {
    const rows = articles.indexSource(after, REINDEX_BATCH);
    if (rows.length === 0) break;
    after = rows[rows.length - 1]!.id;
    const catalog = deps.catalog();
    const tagIds = articles.tagIdsOf(rows.map((row) => row.id));
    db.transaction(() => {
      const docs: IndexedDocument[] = [];
      for (const row of rows) {
        const ids = tagIds.get(row.id) ?? [];
        const tags = ids.map((id) => catalog.tagById.get(id)?.name ?? '');
        const plainText = extractPlainText(row.body_md);
        const { normalized, signature } = analyseText({ title: row.title, summary: row.summary, tagNames: tags, plainText });
        // the stored signature was made the old way: it is replaced
        articles.setSignature(row.id, signature && signatureToBuffer(signature));
        if (row.status !== 'published') continue;
        docs.push({
          id: row.id,
          publishedTs: row.published_ts,
          title: row.title,
          tags,
          summary: row.summary,
          body: plainText,
          categoryId: row.category_id,
          tagIds: ids,
          normalized,
        });
      }
      index.upsertMany(docs);
      indexed += docs.length;
    })();
    index.maintain();
  }
  flag.set(1);
  return indexed;
}
