import { createHash } from 'node:crypto';
import type { ContentVersion } from '../db/changes.js';
import type { Db } from '../db/open.js';
import type { ArticleRepository } from '../db/articles.js';
import type { TaxonomyRepository } from '../db/taxonomy.js';
import type { SearchIndex } from '../search/engine.js';
import { extractPlainText } from './markdown.js';
import { importRecordSchema, rejectionsOf, type ImportRecord, type RawRecord, type Rejection } from './records.js';
import { bandKeys, DUPLICATE_SIMILARITY, minhash, signatureFromBuffer, signatureToBuffer, similarity } from './minhash.js';
import { slugify } from './slug.js';

/** Records per transaction: an interrupted import loses at most one uncommitted batch. */
export const IMPORT_BATCH_SIZE = 500;

export interface ImportSummary {
  imported: number;
  updated: number;
  unchanged: number;
  rejected: Rejection[];
}

export interface ImporterDeps {
  db: Db;
  articles: ArticleRepository;
  taxonomy: TaxonomyRepository;
  index: SearchIndex;
  contentVersion: ContentVersion;
  now?: () => Date;
}

/** The upsert key: the original link for reposts, the record's own id for originals. */
export function externalKeyOf(record: ImportRecord): string {
  if (record.type === 'repost' && record.source_url) return record.source_url;
  if (record.id !== undefined) return `original:${record.id}`;
  return `original:${record.title}|${record.published_at.toISOString()}`;
}

function contentHash(record: ImportRecord, tagIds: number[], categoryId: number): string {
  const material = JSON.stringify([record.title, record.author, record.type, record.source_url ?? null, record.published_at.toISOString(), categoryId, [...tagIds].sort((a, b) => a - b), record.views, record.summary, record.body]);
  return createHash('sha256').update(material).digest('hex');
}

/** Validates, renders and stores articles in batched transactions, keeping the index in step. */
export function createImporter(deps: ImporterDeps) {
  const { db, articles, taxonomy, index } = deps;
  const now = deps.now ?? (() => new Date());
  const categories = new Map<string, number>();
  for (const category of taxonomy.categories()) {
    categories.set(category.slug, category.id);
    categories.set(category.name, category.id);
  }
  const tagNames = new Map<number, string>(taxonomy.tags().map((tag) => [tag.id, tag.name]));
  const aliasToTag = new Map(taxonomy.aliases().map((row) => [row.alias, row.tag_id]));

  function resolveTag(name: string, categoryId: number): number {
    const key = name.toLowerCase();
    const existing = taxonomy.tagByNameKey(key)?.id ?? aliasToTag.get(key);
    if (existing !== undefined) return existing;
    let slug = slugify(name);
    for (let n = 2; taxonomy.tagBySlug(slug); n++) slug = `${slugify(name)}-${n}`;
    const id = taxonomy.insertTag(name, slug, categoryId);
    tagNames.set(id, name);
    return id;
  }

  /**
   * The group of a near-identical earlier article, if there is one: found before the row is
   * written, so the row is written once (a second UPDATE of a large row cost more than the insert).
   */
  function duplicateGroup(existingId: number | undefined, signature: Uint32Array | undefined, keys: number[]): number | null {
    if (!signature) return null;
    const match = articles
      .signatureCandidates(existingId ?? Number.MAX_SAFE_INTEGER, keys)
      .find((candidate) => similarity(signature, signatureFromBuffer(candidate.signature)) >= DUPLICATE_SIMILARITY);
    return match ? (match.duplicate_of ?? match.article_id) : null;
  }

  type Outcome = 'imported' | 'updated' | 'unchanged';

  function store(record: ImportRecord, categoryId: number): Outcome {
    const tagIds = [...new Set(record.tags.map((name) => resolveTag(name, categoryId)))];
    const externalKey = externalKeyOf(record);
    const hash = contentHash(record, tagIds, categoryId);
    const existing = articles.byExternalKey(externalKey);
    if (existing && existing.content_hash === hash) return 'unchanged';
    const plainText = extractPlainText(record.body);
    const signature = minhash(plainText);
    const bandKeysOfArticle = signature ? bandKeys(signature) : [];
    const publishedTs = Math.floor(record.published_at.getTime() / 1000);
    const id = articles.write(
      {
        externalKey,
        title: record.title,
        author: record.author,
        type: record.type,
        sourceUrl: record.source_url ?? null,
        publishedAt: record.published_at.toISOString(),
        publishedTs,
        views: record.views,
        categoryId,
        summary: record.summary,
        bodyMd: record.body,
        plainText,
        contentHash: hash,
        tagIds,
        duplicateOf: duplicateGroup(existing?.id, signature, bandKeysOfArticle),
      },
      existing?.id,
      now().toISOString(),
    );
    articles.setSignature(id, signature && signatureToBuffer(signature), bandKeysOfArticle);
    // a removed article stays removed (and out of the index) however often it is re-imported
    if (existing?.status !== 'removed') {
      index.upsert({
        id,
        publishedTs,
        title: record.title,
        tags: tagIds.map((tagId) => tagNames.get(tagId) ?? ''),
        summary: record.summary,
        body: plainText,
        categoryId,
        tagIds,
      });
    }
    return existing ? 'updated' : 'imported';
  }

  const storeBatch = db.transaction((batch: Array<{ record: ImportRecord; categoryId: number }>) => {
    const outcomes = batch.map(({ record, categoryId }) => store(record, categoryId));
    if (outcomes.some((outcome) => outcome !== 'unchanged')) deps.contentVersion.bump();
    return outcomes;
  });

  return {
    /** Imports raw records; valid ones are committed in batches, invalid ones reported. */
    importRecords(raw: Iterable<RawRecord>, onProgress?: (done: number) => void): ImportSummary {
      const summary: ImportSummary = { imported: 0, updated: 0, unchanged: 0, rejected: [] };
      let batch: Array<{ record: ImportRecord; categoryId: number }> = [];
      let done = 0;
      const flush = () => {
        for (const outcome of storeBatch(batch)) summary[outcome]++;
        done += batch.length;
        batch = [];
        onProgress?.(done);
      };
      for (const { where, value } of raw) {
        const parsed = importRecordSchema.safeParse(value);
        if (!parsed.success) {
          summary.rejected.push(...rejectionsOf(where, parsed.error));
          continue;
        }
        const categoryId = categories.get(parsed.data.category) ?? categories.get(parsed.data.category.toLowerCase());
        if (categoryId === undefined) {
          summary.rejected.push({ where, field: 'category', reason: `unknown category ${JSON.stringify(parsed.data.category)}` });
          continue;
        }
        batch.push({ record: parsed.data, categoryId });
        if (batch.length >= IMPORT_BATCH_SIZE) flush();
      }
      if (batch.length > 0) flush();
      return summary;
    },
  };
}

export type Importer = ReturnType<typeof createImporter>;
