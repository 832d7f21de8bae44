import type { ContentVersion } from '../db/changes.js';
import type { Db } from '../db/open.js';
import type { ArticleRepository } from '../db/articles.js';
import type { TaxonomyRepository } from '../db/taxonomy.js';
import type { IndexedDocument, SearchIndex } from '../search/engine.js';
import { BandTable } from './band-table.js';
import { DUPLICATE_SIMILARITY, SIGNATURE_SIZE, signatureToBuffer, similarity } from './minhash.js';
import type { BatchInPreparation, PreparePool } from './prepare-pool.js';
import { prepareBatch, type ArticleSource, type PreparedBatch } from './prepare.js';
import { importRecordSchema, rejectionsOf, type ImportRecord, type RawRecord, type Rejection } from './records.js';
import { extractPlainText } from './markdown.js';
import { slugify } from './slug.js';

/**
 * Records per transaction: an interrupted import loses at most one uncommitted batch. Each batch
 * also becomes one index segment, so larger batches mean fewer, larger index rows.
 */
export const IMPORT_BATCH_SIZE = 5000;

/**
 * Records a parallel import sends to a worker at a time while it admits a batch. A batch's
 * records held here until their commit survived this thread's scavenges and were copied into the
 * old generation (4.9 KB per article); sent in small parts, with their bodies coming back as
 * bytes, their strings die young (100k, measured on a prototype: scavenges 3.7 -> 2.3 s, minor
 * faults -25 %).
 */
export const DISPATCH_RECORDS = 250;

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

/**
 * A validated record with everything decided on the main thread before its batch is prepared. In
 * a parallel import `record.body` is emptied once the body is on its way to a worker: the
 * prepared batch brings it back as UTF-8 bytes (PreparedBatch.bodies).
 */
interface Admitted {
  record: ImportRecord;
  categoryId: number;
  tagIds: number[];
  tagNames: string[];
  externalKey: string;
}

export interface ImportOptions {
  /**
   * Called after each committed batch (outside any transaction) with the number of records read
   * up to its end, and where the reader was then (`position`'s answer).
   */
  onProgress?: (done: number, position: number) => void;
  /** How far the reading has got (bytes of input, say), asked as each batch is cut. */
  position?: () => number;
  /** Records per transaction (IMPORT_BATCH_SIZE). */
  batchSize?: number;
}

/**
 * Validates and stores articles in batched transactions, keeping the index in step. A batch goes
 * through three steps: admit (validate, resolve category and tags: main thread, needs the
 * database), prepare (content hash, plain text, normalised fields, signature, index segment: pure,
 * so worker threads can do it) and commit (one transaction; unchanged records are skipped here). importRecords does all three in
 * turn; importRecordsParallel prepares in workers while the main thread admits and commits.
 */
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

  // tag names seen in this import, so each name costs one query per import, not one per record
  const tagIdByKey = new Map<string, number>();

  function resolveTag(name: string, categoryId: number): number {
    const key = name.toLowerCase();
    const known = tagIdByKey.get(key);
    if (known !== undefined) return known;
    const existing = taxonomy.tagByNameKey(key)?.id ?? aliasToTag.get(key);
    if (existing !== undefined) {
      tagIdByKey.set(key, existing);
      return existing;
    }
    let slug = slugify(name);
    for (let n = 2; taxonomy.tagBySlug(slug); n++) slug = `${slugify(name)}-${n}`;
    const id = taxonomy.insertTag(name, slug, categoryId);
    tagNames.set(id, name);
    tagIdByKey.set(key, id);
    return id;
  }

  /**
   * The band table of the stored signatures, built once per import rather than per importer: the
   * importer lives as long as the server, and other processes may import in between. Each import
   * keeps its table in step with what it writes; a failed batch ends the import, table and all.
   */
  function loadBands(): BandTable {
    const bands = new BandTable(articles.signatureCount());
    const signature = new Uint32Array(SIGNATURE_SIZE);
    const bytes = new Uint8Array(signature.buffer);
    for (const [id, blob] of articles.allSignatures()) {
      bytes.set(blob);
      bands.set(id, signature);
    }
    return bands;
  }

  /**
   * The group of a near-identical earlier article, if there is one: found before the row is
   * written, so the row is written once (a second UPDATE of a large row cost more than the insert).
   */
  function duplicateGroup(existingId: number | undefined, signature: Uint32Array | undefined, bands: BandTable): number | null {
    if (!signature) return null;
    const match = bands
      .candidates(signature, existingId ?? Number.MAX_SAFE_INTEGER)
      .find((candidate) => similarity(signature, bands.signatureOf(candidate)!) >= DUPLICATE_SIMILARITY);
    return match === undefined ? null : (articles.duplicateOf(match) ?? match);
  }

  type Outcome = 'imported' | 'updated' | 'unchanged';

  /** Validates one raw record; undefined when it is rejected (reported). */
  function admit(where: string, value: unknown, summary: ImportSummary): Admitted | undefined {
    const parsed = importRecordSchema.safeParse(value);
    if (!parsed.success) {
      summary.rejected.push(...rejectionsOf(where, parsed.error));
      return undefined;
    }
    const record = parsed.data;
    const categoryId = categories.get(record.category) ?? categories.get(record.category.toLowerCase());
    if (categoryId === undefined) {
      summary.rejected.push({ where, field: 'category', reason: `unknown category ${JSON.stringify(record.category)}` });
      return undefined;
    }
    const tagIds = [...new Set(record.tags.map((name) => resolveTag(name, categoryId)))];
    return { record, categoryId, tagIds, tagNames: tagIds.map((tagId) => tagNames.get(tagId) ?? ''), externalKey: externalKeyOf(record) };
  }

  const sourceOf = ({ record, tagNames, categoryId, tagIds }: Admitted): ArticleSource => ({
    title: record.title,
    summary: record.summary,
    body: record.body,
    tagNames,
    categoryId,
    tagIds,
    author: record.author,
    type: record.type,
    sourceUrl: record.source_url ?? null,
    publishedAt: record.published_at.toISOString(),
    views: record.views,
  });

  /** Writes one prepared article; returns its index document (none when it must stay out). */
  function store(admitted: Admitted, prepared: PreparedBatch['articles'][number], body: string | Buffer, bands: BandTable): { outcome: Outcome; doc: IndexedDocument | undefined } {
    const { record, categoryId, tagIds, externalKey } = admitted;
    const { signature, excerpt, hash } = prepared;
    // decided here, not at admission: the hash is computed with the rest in the workers, and the
    // same key may come twice in one batch
    const existing = articles.byExternalKey(externalKey);
    if (existing && existing.content_hash === hash) return { outcome: 'unchanged', doc: undefined };
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
        bodyMd: body,
        excerpt,
        contentHash: hash,
        tagIds,
        duplicateOf: duplicateGroup(existing?.id, signature, bands),
      },
      existing?.id,
      now().toISOString(),
    );
    // the same key may come again later in this batch: the table must already hold this version
    bands.set(id, signature);
    if (signature || existing) articles.setSignature(id, signature && signatureToBuffer(signature));
    const outcome = existing ? 'updated' : 'imported';
    // a removed article stays removed (and out of the index) however often it is re-imported
    if (existing?.status === 'removed') return { outcome, doc: undefined };
    const doc: IndexedDocument = {
      id,
      publishedTs,
      title: record.title,
      tags: admitted.tagNames,
      summary: record.summary,
      // derived again only for an engine that cannot use the prepared segment: shipping every
      // article's whole plain text from the workers cost the writer a copy it never used
      get body() {
        return extractPlainText(typeof body === 'string' ? body : body.toString('utf8'));
      },
      categoryId,
      tagIds,
    };
    return { outcome, doc };
  }

  const commit = db.transaction((batch: Admitted[], prepared: PreparedBatch, bands: BandTable): Outcome[] => {
    const stored = batch.map((admitted, i) => store(admitted, prepared.articles[i]!, bodyOf(prepared, i) ?? admitted.record.body, bands));
    index.upsertMany(
      stored.map((s) => s.doc),
      prepared.segment,
    );
    const outcomes = stored.map((s) => s.outcome);
    if (outcomes.some((outcome) => outcome !== 'unchanged')) deps.contentVersion.bump();
    return outcomes;
  });

  /**
   * Reads raw records into admitted batches of `size`, with how many records each consumed;
   * `admitted` sees the batch so far after each record it gains.
   */
  function* batchesOf(
    raw: Iterable<RawRecord>,
    options: ImportOptions,
    summary: ImportSummary,
    admitted?: (batch: Admitted[]) => void,
  ): Generator<{ batch: Admitted[]; read: number; position: number }> {
    const size = options.batchSize ?? IMPORT_BATCH_SIZE;
    const position = options.position ?? (() => 0);
    let batch: Admitted[] = [];
    let read = 0;
    for (const { where, value } of raw) {
      read++;
      const record = admit(where, value, summary);
      if (record) {
        batch.push(record);
        admitted?.(batch);
      }
      if (batch.length >= size) {
        yield { batch, read, position: position() };
        batch = [];
        read = 0;
      }
    }
    if (batch.length > 0 || read > 0) yield { batch, read, position: position() };
  }

  function finish(summary: ImportSummary, outcomes: Outcome[]) {
    for (const outcome of outcomes) summary[outcome]++;
    // merging segments runs between batches, outside their transactions
    index.maintain();
  }

  return {
    /** Imports raw records in this thread; valid ones are committed in batches, invalid ones reported. */
    importRecords(raw: Iterable<RawRecord>, options: ImportOptions = {}): ImportSummary {
      const summary: ImportSummary = { imported: 0, updated: 0, unchanged: 0, rejected: [] };
      const bands = loadBands();
      let done = 0;
      for (const { batch, read, position } of batchesOf(raw, options, summary)) {
        if (batch.length > 0) finish(summary, commit(batch, prepareBatch(batch.map(sourceOf)), bands));
        done += read;
        options.onProgress?.(done, position);
      }
      return summary;
    },

    /**
     * The same import with batches prepared by the threads of `pool` while this one admits the next
     * batches and commits the previous ones, in order. Same results as importRecords. The caller
     * owns the pool: started early, its threads load their code while this one loads its own.
     */
    async importRecordsParallel(raw: Iterable<RawRecord>, options: ImportOptions & { pool: PreparePool }): Promise<ImportSummary> {
      const summary: ImportSummary = { imported: 0, updated: 0, unchanged: 0, rejected: [] };
      const { pool } = options;
      const bands = loadBands();
      let done = 0;
      const queue: Array<{ batch: Admitted[]; read: number; position: number; prepared: Promise<PreparedBatch> | undefined }> = [];
      // the batch being admitted goes to its worker DISPATCH_RECORDS at a time
      let preparing: BatchInPreparation | undefined;
      let sent = 0;
      const sendFrom = (batch: Admitted[]): ArticleSource[] => {
        const part = batch.slice(sent);
        sent = batch.length;
        const sources = part.map(sourceOf);
        for (const admitted of part) admitted.record.body = '';
        return sources;
      };
      const dispatch = (batch: Admitted[]) => {
        if (batch.length - sent < DISPATCH_RECORDS) return;
        preparing ??= pool.begin();
        preparing.add(sendFrom(batch));
      };
      const batches = batchesOf(raw, options, summary, dispatch);
      let exhausted = false;
      // keeps every worker busy and one batch waiting
      const refill = () => {
        while (!exhausted && queue.length <= pool.size) {
          const next = batches.next();
          if (next.done) {
            exhausted = true;
            break;
          }
          const { batch } = next.value;
          const prepared = batch.length > 0 ? (preparing ?? pool.begin()).end(sendFrom(batch)) : undefined;
          preparing = undefined;
          sent = 0;
          queue.push({ ...next.value, prepared });
        }
      };
      refill();
      for (let head = queue.shift(); head; head = queue.shift()) {
        const outcomes = head.prepared ? commit(head.batch, await head.prepared, bands) : [];
        // before the merges, not after: a merge holds this thread for seconds, and with nothing
        // waiting in the pool the workers sat idle through it (one core idle for 2.5 s at 50k)
        refill();
        finish(summary, outcomes);
        done += head.read;
        options.onProgress?.(done, head.position);
      }
      return summary;
    },
  };
}

export type Importer = ReturnType<typeof createImporter>;

/** Body i of a batch prepared with its bodies, as a view of the bytes that came back. */
function bodyOf(prepared: PreparedBatch, i: number): Buffer | undefined {
  const bodies = prepared.bodies;
  if (!bodies) return undefined;
  const start = i === 0 ? 0 : bodies.ends[i - 1]!;
  return Buffer.from(bodies.bytes.buffer, bodies.bytes.byteOffset + start, bodies.ends[i]! - start);
}
