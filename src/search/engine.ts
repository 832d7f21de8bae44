import type { ParsedQuery } from './query.js';
import type { NormalizedFields } from './segment-builder.js';

/** What the index needs to know about one published article. */
export interface IndexedDocument {
  id: number;
  /** Publish time in unix seconds: the index keeps documents in recency order. */
  publishedTs: number;
  title: string;
  tags: string[];
  summary: string;
  body: string;
  categoryId: number;
  tagIds: number[];
  /** The fields already passed through normalizeText, when the caller has them (saves a pass). */
  normalized?: NormalizedFields;
}

/** Index work for a batch done away from the database, tagged with the engine it is for. */
export interface PreparedIndexBatch {
  readonly kind: string;
  readonly docCount: number;
}

/** Text of a document in its fields, for scoring the short list of related results. */
export interface DocumentText {
  title: string;
  tags: string[];
  summary: string;
  body: string;
}

export interface SearchFilters {
  categoryId?: number | undefined;
  tagId?: number | undefined;
}

/** Tier 0: every term in the title; 1: every term in title or tags; 2: elsewhere. */
export type Tier = 0 | 1 | 2;

export interface SearchHit {
  id: number;
  tier: Tier;
}

export interface SearchPage {
  /** Exact number of matching documents. */
  total: number;
  hits: SearchHit[];
}

export interface RelatedHit {
  id: number;
  /** How many distinct query words the document holds. */
  wordsMatched: number;
}

/**
 * A full-text index. Our segment index on SQLite implements it today; another engine can
 * tomorrow. Writes happen inside the caller's transaction; `maintain` outside of any.
 */
export interface SearchIndex {
  upsert(doc: IndexedDocument): void;
  /**
   * Indexes a batch at once (an import batch): much cheaper per document than one by one. An
   * undefined entry keeps its place in `prepared` but is not indexed. `prepared` is the batch's
   * index work done beforehand (in a worker thread); an engine ignores work of another kind.
   */
  upsertMany(docs: ReadonlyArray<IndexedDocument | undefined>, prepared?: PreparedIndexBatch): void;
  remove(id: number): void;
  /** Drops every document (used before a full rebuild). */
  clear(): void;
  /** Live documents in the index. */
  documentCount(): number;
  /** Deferred housekeeping (merging index segments); call after a batch has committed. */
  maintain(): void;
  search(query: ParsedQuery, filters: SearchFilters, offset: number, limit: number): SearchPage;
  /** Exact number of matches, without ranking. */
  count(query: ParsedQuery, filters: SearchFilters): number;
  /** Releases what the engine holds besides the database (threads); the last call. */
  close(): Promise<void>;
  /** Documents holding some of `words`, most words first; never one of `exclude`. */
  related(words: string[], filters: SearchFilters, exclude: ReadonlySet<number>, limit: number): RelatedHit[];
}
