import type { ArticleRepository } from '../db/articles.js';
import { ByteBoundedCache } from '../search/byte-cache.js';
import { extractPlainText } from './markdown.js';

/** Plain text kept in memory, at two bytes a character: some 10,000 typical articles. */
export const PLAIN_TEXT_CACHE_BYTES = 32 * 1024 * 1024;

export interface ArticleText {
  id: number;
  title: string;
  summary: string;
  plainText: string;
}

/**
 * The plain text of published articles, for snippets and for scoring related results. It is not
 * stored: it was as large as the Markdown it comes from, and deriving it again takes about 21 µs
 * for a 2 KB article (a search page shows 20). Kept by content hash, so a re-imported article is
 * derived afresh and copies with the same content share one entry.
 */
export function createArticleTexts(articles: ArticleRepository, cacheBytes = PLAIN_TEXT_CACHE_BYTES) {
  const cache = new ByteBoundedCache<string, string>(cacheBytes);
  return (ids: number[]): ArticleText[] =>
    articles.sources(ids).map((row) => {
      let plainText = cache.get(row.content_hash);
      if (plainText === undefined) {
        plainText = extractPlainText(row.body_md);
        cache.set(row.content_hash, plainText, plainText.length * 2);
      }
      return { id: row.id, title: row.title, summary: row.summary, plainText };
    });
}

export type ArticleTexts = ReturnType<typeof createArticleTexts>;
