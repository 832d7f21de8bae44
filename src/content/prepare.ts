import { createHash } from 'node:crypto';
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
  author: string;
  type: string;
  sourceUrl: string | null;
  publishedAt: string;
  views: number;
}

/** What decides whether a re-imported record changed anything: every stored field. */
export function contentHash(source: ArticleSource): string {
  const material = JSON.stringify([
    source.title,
    source.author,
    source.type,
    source.sourceUrl,
    source.publishedAt,
    source.categoryId,
    [...source.tagIds].sort((a, b) => a - b),
    source.views,
    source.summary,
    source.body,
  ]);
  return createHash('sha256').update(material).digest('hex');
}

export interface PreparedArticle {
  hash: string;
  plainText: string;
  normalized: NormalizedFields;
  signature: Uint32Array | undefined;
}

export interface PreparedBatch {
  articles: PreparedArticle[];
  /** The index segment of the whole batch, documents in batch order. */
  segment: BuiltSegment;
}

/** The normalised fields and the signature of an article whose plain text is known. */
export function analyseText(text: { title: string; summary: string; tagNames: string[]; plainText: string }): Pick<PreparedArticle, 'normalized' | 'signature'> {
  const body = normalizeText(text.plainText);
  return {
    normalized: { title: normalizeText(text.title), tags: text.tagNames.map(normalizeText), summary: normalizeText(text.summary), body },
    signature: minhashOfNormalized(body),
  };
}

export function prepareArticle(source: ArticleSource): PreparedArticle {
  const plainText = extractPlainText(source.body);
  return { hash: contentHash(source), plainText, ...analyseText({ ...source, plainText }) };
}

export function prepareBatch(sources: readonly ArticleSource[]): PreparedBatch {
  const articles = sources.map(prepareArticle);
  const segment = buildSegment(articles.map((article, i) => ({ fields: article.normalized, categoryId: sources[i]!.categoryId, tagIds: sources[i]!.tagIds })));
  return { articles, segment };
}

/** A prepared batch as one message: a segment's rows in one transferable buffer (no per-row copies). */
export interface PackedBatch {
  articles: PreparedArticle[];
  docCount: number;
  /** Keys joined by '\n' (index tokens never hold one: control characters are spaces to them). */
  keys: string;
  lengths: Float64Array<ArrayBuffer>;
  data: Uint8Array<ArrayBuffer>;
  offsets: Int32Array<ArrayBuffer>;
}

export function packBatch(batch: PreparedBatch): PackedBatch {
  const { segment } = batch;
  const offsets = new Int32Array(segment.rows.length + 1);
  for (let i = 0; i < segment.rows.length; i++) offsets[i + 1] = offsets[i]! + segment.rows[i]!.length;
  const data = new Uint8Array(offsets[segment.rows.length]!);
  segment.rows.forEach((row, i) => data.set(row, offsets[i]!));
  return { articles: batch.articles, docCount: segment.docCount, keys: segment.rowKeys.join('\n'), lengths: Float64Array.from(segment.lengths), data, offsets };
}

export function unpackBatch(packed: PackedBatch): PreparedBatch {
  const rows = Array.from({ length: packed.offsets.length - 1 }, (_, i) => packed.data.subarray(packed.offsets[i]!, packed.offsets[i + 1]!));
  const rowKeys = packed.keys === '' ? [] : packed.keys.split('\n');
  return { articles: packed.articles, segment: { kind: 'segment', docCount: packed.docCount, rowKeys, rows, lengths: packed.lengths } };
}
