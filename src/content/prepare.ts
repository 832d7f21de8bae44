import { buildSegment, type BuiltSegment, type NormalizedFields } from '../search/segment-builder.js';
import { normalizeText } from '../search/normalize.js';
import { extractPlainText } from './markdown.js';
import { minhashOfNormalized } from './minhash.js';

/**
 * The CPU-heavy, database-free part of importing a batch: plain text from the Markdown parse, the
 * normalised fields, the near-duplicate signature and the batch's index segment. Pure and made of
 * structured-cloneable values, so worker threads can do it while the main thread writes.
 */

export interface ArticleSource {
  title: string;
  summary: string;
  body: string;
  /** Canonical names of the article's tags (as the sidebar shows them). */
  tagNames: string[];
  categoryId: number;
  tagIds: number[];
}

export interface PreparedArticle {
  plainText: string;
  normalized: NormalizedFields;
  signature: Uint32Array | undefined;
}

export interface PreparedBatch {
  articles: PreparedArticle[];
  /** The index segment of the whole batch, documents in batch order. */
  segment: BuiltSegment;
}

export function prepareArticle(source: ArticleSource): PreparedArticle {
  const plainText = extractPlainText(source.body);
  const body = normalizeText(plainText);
  return {
    plainText,
    normalized: { title: normalizeText(source.title), tags: source.tagNames.map(normalizeText), summary: normalizeText(source.summary), body },
    signature: minhashOfNormalized(body),
  };
}

export function prepareBatch(sources: readonly ArticleSource[]): PreparedBatch {
  const articles = sources.map(prepareArticle);
  const segment = buildSegment(articles.map((article, i) => ({ fields: article.normalized, categoryId: sources[i]!.categoryId, tagIds: sources[i]!.tagIds })));
  return { articles, segment };
}
