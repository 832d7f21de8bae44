import type { Db } from '../db/open.js';
import type { DocumentText, IndexedDocument, RelatedHit, SearchFilters, SearchHit, SearchIndex, SearchPage, Tier } from './engine.js';
import { occurrences, termOccursIn } from './match.js';
import { normalizeText } from './normalize.js';
import { termVariants, type ParsedQuery, type Term } from './query.js';
import { indexFields, indexTokens, phraseExpression, termPhrase } from './tokenize.js';

/** Match sets up to this size are ranked fully by BM25; larger ones by tier, then recency. */
export const FULL_RANK_LIMIT = 2000;
/** A single term with up to this many matches is ranked from the documents' text in JS. */
export const TEXT_RANK_LIMIT = 200;
/** How many documents per word the related fallback considers. */
const RELATED_CANDIDATES_PER_WORD = 1000;
const KEY_ID_SPACE = 2 ** 24;
// title, tags, body, facets: a title hit outweighs a tag hit outweighs a body hit
const BM25 = 'bm25(search_index, 10.0, 5.0, 1.0, 0.0)';

const TEXT_COLUMNS = { all: '{title tags body}', titleTags: '{title tags}', title: '{title}' } as const;
type Scope = keyof typeof TEXT_COLUMNS;

/** The index rowid of a document: recency order is rowid order. */
export function documentKey(id: number, publishedTs: number): number {
  if (!Number.isInteger(id) || id <= 0 || id >= KEY_ID_SPACE) throw new RangeError(`article id out of range: ${id}`);
  return Math.max(0, Math.floor(publishedTs / 60)) * KEY_ID_SPACE + id;
}

function idOfKey(key: number): number {
  return key % KEY_ID_SPACE;
}

function termExpression(term: Term): string {
  const phrases = termVariants(term).map((variant) => phraseExpression(termPhrase(variant)));
  return phrases.length === 1 ? phrases[0]! : `(${phrases.join(' OR ')})`;
}

function isExact(term: Term): boolean {
  return termVariants(term).every((variant) => termPhrase(variant).exact);
}

function filterExpression(filters: SearchFilters): string {
  const parts: string[] = [];
  if (filters.categoryId !== undefined) parts.push(`{facets} : "c${filters.categoryId}"`);
  if (filters.tagId !== undefined) parts.push(`{facets} : "t${filters.tagId}"`);
  return parts.join(' AND ');
}

interface Plan {
  all: string;
  titleTags: string;
  title: string;
  /** Terms the index can only narrow: candidates need a check against the text. */
  verify: boolean;
}

/** Builds the FTS5 MATCH strings for a query; null when nothing could match. */
function plan(query: ParsedQuery, filters: SearchFilters): Plan | null {
  if (query.include.length === 0) return null;
  const filter = filterExpression(filters);
  const exactExcluded = query.exclude.filter(isExact);
  const verify = !query.include.every(isExact) || exactExcluded.length !== query.exclude.length;
  const build = (scope: Scope) => {
    const positive = query.include.map(termExpression).join(' AND ');
    let expr = `${TEXT_COLUMNS[scope]} : (${positive})`;
    if (filter) expr = `(${expr}) AND ${filter}`;
    if (exactExcluded.length > 0) {
      expr = `(${expr}) NOT ${TEXT_COLUMNS.all} : (${exactExcluded.map(termExpression).join(' OR ')})`;
    }
    return expr;
  };
  return { all: build('all'), titleTags: build('titleTags'), title: build('title'), verify };
}

const BM25_K1 = 1.2;
const BM25_B = 0.75;
const FIELD_WEIGHTS = { title: 10, tags: 5, body: 1 };

/**
 * Okapi BM25 of each document for the given words, with the same title/tags/body weights as the
 * index (a field's weight multiplies its term frequency and length). Higher is better.
 */
export function bm25Scores(docs: Array<DocumentText | undefined>, words: Array<{ word: string; documents: number }>, totalDocuments: number): number[] {
  const prepared = docs.map((doc) => {
    if (!doc) return undefined;
    const fields = [
      { text: normalizeText(doc.title), weight: FIELD_WEIGHTS.title },
      { text: normalizeText(doc.tags.join(' ')), weight: FIELD_WEIGHTS.tags },
      { text: normalizeText(`${doc.summary} ${doc.body}`), weight: FIELD_WEIGHTS.body },
    ];
    return { fields, length: fields.reduce((sum, f) => sum + f.weight * f.text.length, 0) };
  });
  const present = prepared.filter((p) => p !== undefined);
  const averageLength = present.reduce((sum, p) => sum + p.length, 0) / Math.max(1, present.length);
  return prepared.map((doc) => {
    if (!doc) return 0;
    let score = 0;
    for (const { word, documents } of words) {
      const tf = doc.fields.reduce((sum, f) => sum + f.weight * occurrences(word, f.text).length, 0);
      if (tf === 0) continue;
      const idf = Math.log(1 + (totalDocuments - documents + 0.5) / (documents + 0.5));
      score += (idf * tf * (BM25_K1 + 1)) / (tf + BM25_K1 * (1 - BM25_B + (BM25_B * doc.length) / Math.max(1, averageLength)));
    }
    return score;
  });
}

export interface SqliteIndexOptions {
  /** Loads the text of documents, for verifying candidates of inexact terms. */
  loadTexts: (ids: number[]) => Map<number, DocumentText>;
  /** Loads titles and tag names, to place small match sets in their tiers without the index. */
  loadTitles?: (ids: number[]) => Map<number, Pick<DocumentText, 'title' | 'tags'>>;
  /** Changes when another process may have written the index (clears the result cache). */
  changes?: () => string;
  /** Result pages kept for repeated queries (0 turns the cache off, as the benchmark does). */
  cacheEntries?: number;
}

/** SQLite FTS5 implementation of SearchIndex over the search_index table (see migrations). */
export class SqliteSearchIndex implements SearchIndex {
  readonly #db: Db;
  readonly #loadTexts: SqliteIndexOptions['loadTexts'];
  readonly #loadTitles: SqliteIndexOptions['loadTitles'];
  readonly #cache = new Map<string, SearchPage>();
  /** How many documents hold a common word (for BM25's IDF), cleared with the result cache. */
  readonly #documentFrequency = new Map<string, number>();
  #indexedDocuments: number | undefined;
  readonly #changes: (() => string) | undefined;
  readonly #cacheEntries: number;
  #cacheVersion = '';
  readonly #stmts;

  constructor(db: Db, options: SqliteIndexOptions) {
    this.#db = db;
    this.#loadTexts = options.loadTexts;
    this.#loadTitles = options.loadTitles;
    this.#changes = options.changes;
    this.#cacheEntries = options.cacheEntries ?? 500;
    this.#stmts = {
      keyOf: db.prepare<[number], { doc_key: number }>('SELECT doc_key FROM search_docs WHERE article_id = ?'),
      insertDoc: db.prepare<[number, string, string, string, string]>(
        'INSERT INTO search_index (rowid, title, tags, body, facets) VALUES (?, ?, ?, ?, ?)',
      ),
      deleteDoc: db.prepare<[number]>('DELETE FROM search_index WHERE rowid = ?'),
      setKey: db.prepare<[number, number]>(
        'INSERT INTO search_docs (article_id, doc_key) VALUES (?, ?) ON CONFLICT (article_id) DO UPDATE SET doc_key = excluded.doc_key',
      ),
      dropKey: db.prepare<[number]>('DELETE FROM search_docs WHERE article_id = ?'),
      count: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM search_index WHERE search_index MATCH ?'),
      keys: db.prepare<[string], { key: number }>('SELECT rowid AS key FROM search_index WHERE search_index MATCH ? ORDER BY rowid DESC'),
      keysPage: db.prepare<[string, number, number], { key: number }>(
        'SELECT rowid AS key FROM search_index WHERE search_index MATCH ? ORDER BY rowid DESC LIMIT ? OFFSET ?',
      ),
      scored: db.prepare<[string], { key: number; score: number }>(
        `SELECT rowid AS key, ${BM25} AS score FROM search_index WHERE search_index MATCH ?`,
      ),
      documents: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM search_docs'),
    };
  }

  upsert(doc: IndexedDocument): void {
    const key = documentKey(doc.id, doc.publishedTs);
    const previous = this.#stmts.keyOf.get(doc.id);
    if (previous) this.#stmts.deleteDoc.run(previous.doc_key);
    this.#stmts.insertDoc.run(
      key,
      indexTokens(normalizeText(doc.title)),
      indexFields(doc.tags.map(normalizeText)),
      indexFields([normalizeText(doc.summary), normalizeText(doc.body)]),
      [`c${doc.categoryId}`, ...doc.tagIds.map((tagId) => `t${tagId}`)].join(' '),
    );
    this.#stmts.setKey.run(doc.id, key);
    this.#cache.clear();
    this.#documentFrequency.clear();
    this.#indexedDocuments = undefined;
  }

  remove(id: number): void {
    const previous = this.#stmts.keyOf.get(id);
    if (!previous) return;
    this.#stmts.deleteDoc.run(previous.doc_key);
    this.#stmts.dropKey.run(id);
    this.#cache.clear();
    this.#documentFrequency.clear();
    this.#indexedDocuments = undefined;
  }

  clear(): void {
    this.#db.exec("INSERT INTO search_index (search_index) VALUES ('delete-all'); DELETE FROM search_docs;");
    this.#cache.clear();
    this.#documentFrequency.clear();
    this.#indexedDocuments = undefined;
  }

  search(query: ParsedQuery, filters: SearchFilters, offset: number, limit: number): SearchPage {
    const matchPlan = plan(query, filters);
    if (!matchPlan) return { total: 0, hits: [] };
    if (this.#changes) {
      const version = this.#changes();
      if (version !== this.#cacheVersion) {
        this.#cache.clear();
        this.#documentFrequency.clear();
        this.#indexedDocuments = undefined;
        this.#cacheVersion = version;
      }
    }
    const cacheKey = `${matchPlan.all}\u0000${offset}\u0000${limit}\u0000${matchPlan.verify ? JSON.stringify(query) : ''}`;
    const cached = this.#cache.get(cacheKey);
    if (cached) {
      // refresh its place in the LRU order
      this.#cache.delete(cacheKey);
      this.#cache.set(cacheKey, cached);
      return cached;
    }
    const page = matchPlan.verify
      ? this.#searchVerified(query, matchPlan, offset, limit)
      : this.#searchIndexed(query, matchPlan, offset, limit);
    if (this.#cacheEntries > 0) {
      this.#cache.set(cacheKey, page);
      if (this.#cache.size > this.#cacheEntries) this.#cache.delete(this.#cache.keys().next().value!);
    }
    return page;
  }

  count(query: ParsedQuery, filters: SearchFilters): number {
    const matchPlan = plan(query, filters);
    if (!matchPlan) return 0;
    if (matchPlan.verify) return this.#searchVerified(query, matchPlan, 0, 0).total;
    return this.#stmts.count.get(matchPlan.all)!.n;
  }

  #searchIndexed(query: ParsedQuery, matchPlan: Plan, offset: number, limit: number): SearchPage {
    // One bounded scan tells a small match set (ranked fully) from a large one (ranked by tier and
    // recency) without counting a large set twice.
    const probe = this.#stmts.keysPage.all(matchPlan.all, FULL_RANK_LIMIT + 1, 0);
    if (probe.length <= FULL_RANK_LIMIT) {
      const total = probe.length;
      if (total === 0 || offset >= total) return { total, hits: [] };
      if (total <= TEXT_RANK_LIMIT && query.include.length === 1) return this.#rankFromTexts(query, probe.map((row) => row.key), offset, limit);
      const tierOf = this.#tiersOf(query, matchPlan, probe.map((row) => row.key));
      const ranked = this.#stmts.scored
        .all(matchPlan.all)
        .map((row) => ({ key: row.key, score: row.score, tier: tierOf(row.key) }))
        .sort((a, b) => a.tier - b.tier || a.score - b.score || b.key - a.key);
      return { total, hits: ranked.slice(offset, offset + limit).map((row) => ({ id: idOfKey(row.key), tier: row.tier })) };
    }
    const total = this.#stmts.count.get(matchPlan.all)!.n;
    // Too many to score in time: tiers in order, each newest first (rowid order is recency).
    // A tier's size is counted only when the requested page starts beyond it, so page 1 costs
    // one count and a few LIMIT scans that stop early.
    const tiers: Array<{ expr: string; tier: Tier; size: () => number }> = [
      { expr: matchPlan.title, tier: 0, size: () => this.#stmts.count.get(matchPlan.title)!.n },
      {
        expr: `(${matchPlan.titleTags}) NOT (${matchPlan.title})`,
        tier: 1,
        size: () => this.#stmts.count.get(matchPlan.titleTags)!.n - this.#stmts.count.get(matchPlan.title)!.n,
      },
      { expr: `(${matchPlan.all}) NOT (${matchPlan.titleTags})`, tier: 2, size: () => Number.POSITIVE_INFINITY },
    ];
    const hits: SearchHit[] = [];
    if (offset === 0) {
      // The first page, the common case: title hits, then title-or-tag hits with the title hits
      // taken out here rather than by a NOT (which would evaluate the query twice more).
      const inTitle = this.#stmts.keysPage.all(matchPlan.title, limit, 0).map((row) => row.key);
      for (const key of inTitle) hits.push({ id: idOfKey(key), tier: 0 });
      if (hits.length < limit) {
        const seen = new Set(inTitle);
        for (const row of this.#stmts.keysPage.all(matchPlan.titleTags, limit, 0)) {
          if (hits.length >= limit) break;
          if (!seen.has(row.key)) hits.push({ id: idOfKey(row.key), tier: 1 });
        }
      }
      if (hits.length < limit) {
        for (const row of this.#stmts.keysPage.all(tiers[2]!.expr, limit - hits.length, 0)) hits.push({ id: idOfKey(row.key), tier: 2 });
      }
      return { total, hits };
    }
    let skip = offset;
    for (const { expr, tier, size } of tiers) {
      if (hits.length >= limit) break;
      if (skip > 0) {
        const tierSize = size();
        if (skip >= tierSize) {
          skip -= tierSize;
          continue;
        }
      }
      for (const row of this.#stmts.keysPage.all(expr, limit - hits.length, skip)) hits.push({ id: idOfKey(row.key), tier });
      // the page continues at the start of the next tier
      skip = 0;
    }
    return { total, hits };
  }

  /**
   * A single term with few matches, ranked from the documents' own text: its document frequency is
   * the match count already known, so FTS5's bm25() (which would evaluate the query once more to
   * count it) is not needed.
   */
  #rankFromTexts(query: ParsedQuery, keys: number[], offset: number, limit: number): SearchPage {
    const term = query.include[0]!;
    const texts = this.#loadTexts(keys.map(idOfKey));
    const docs = keys.map((key) => texts.get(idOfKey(key)));
    const scores = bm25Scores(docs, termVariants(term).map((word) => ({ word, documents: keys.length })), this.#documentCount());
    const ranked = keys.map((key, i) => {
      const doc = docs[i];
      const title = doc ? normalizeText(doc.title) : '';
      const tags = doc ? doc.tags.map(normalizeText) : [];
      const holds = (within: string[]) => termVariants(term).some((v) => within.some((f) => termOccursIn(v, f)));
      const tier: Tier = holds([title]) ? 0 : holds([title, ...tags]) ? 1 : 2;
      return { key, tier, score: scores[i]! };
    });
    ranked.sort((a, b) => a.tier - b.tier || b.score - a.score || b.key - a.key);
    return { total: keys.length, hits: ranked.slice(offset, offset + limit).map((row) => ({ id: idOfKey(row.key), tier: row.tier })) };
  }

  /** Documents in the index (for IDF), remembered until the next write. */
  #documentCount(): number {
    this.#indexedDocuments ??= this.#stmts.documents.get()!.n;
    return this.#indexedDocuments;
  }

  /**
   * The tier of each document of a small match set: from titles and tag names in JS when they can
   * be loaded (short strings, cheap), else from two more index queries.
   */
  #tiersOf(query: ParsedQuery, matchPlan: Plan, keys: number[]): (key: number) => Tier {
    if (this.#loadTitles) {
      const docs = this.#loadTitles(keys.map(idOfKey));
      const tiers = new Map<number, Tier>();
      for (const key of keys) {
        const doc = docs.get(idOfKey(key));
        if (!doc) continue;
        const title = normalizeText(doc.title);
        const tags = doc.tags.map(normalizeText);
        const holds = (term: Term, within: string[]) => termVariants(term).some((v) => within.some((f) => termOccursIn(v, f)));
        tiers.set(key, query.include.every((t) => holds(t, [title])) ? 0 : query.include.every((t) => holds(t, [title, ...tags])) ? 1 : 2);
      }
      return (key) => tiers.get(key) ?? 2;
    }
    const inTitle = new Set(this.#stmts.keys.all(matchPlan.title).map((row) => row.key));
    const inTitleTags = new Set(this.#stmts.keys.all(matchPlan.titleTags).map((row) => row.key));
    return (key) => (inTitle.has(key) ? 0 : inTitleTags.has(key) ? 1 : 2);
  }

  /** Slow path for terms the index cannot decide: check every candidate against its text. */
  #searchVerified(query: ParsedQuery, matchPlan: Plan, offset: number, limit: number): SearchPage {
    const candidates = this.#stmts.keys.all(matchPlan.all).map((row) => row.key);
    const texts = this.#loadTexts(candidates.map(idOfKey));
    const matched: Array<{ key: number; tier: Tier }> = [];
    for (const key of candidates) {
      const doc = texts.get(idOfKey(key));
      if (!doc) continue;
      const title = normalizeText(doc.title);
      const tags = doc.tags.map(normalizeText);
      const fields = [title, ...tags, normalizeText(doc.summary), normalizeText(doc.body)];
      const holds = (term: Term, within: string[]) => termVariants(term).some((v) => within.some((f) => termOccursIn(v, f)));
      if (!query.include.every((term) => holds(term, fields))) continue;
      if (query.exclude.some((term) => holds(term, fields))) continue;
      const tier: Tier = query.include.every((t) => holds(t, [title])) ? 0 : query.include.every((t) => holds(t, [title, ...tags])) ? 1 : 2;
      matched.push({ key, tier });
    }
    matched.sort((a, b) => a.tier - b.tier || b.key - a.key);
    return { total: matched.length, hits: matched.slice(offset, offset + limit).map((m) => ({ id: idOfKey(m.key), tier: m.tier })) };
  }

  related(words: string[], filters: SearchFilters, exclude: ReadonlySet<number>, limit: number): RelatedHit[] {
    if (words.length === 0) return [];
    const filter = filterExpression(filters);
    const withFilter = (expr: string) => (filter ? `(${expr}) AND ${filter}` : expr);
    const phrases = words.map((word) => phraseExpression(termPhrase(normalizeText(word))));
    const counts = new Map<number, number>();
    const documentFrequency: number[] = [];
    for (const phrase of phrases) {
      const expr = withFilter(`${TEXT_COLUMNS.all} : ${phrase}`);
      const rows = this.#stmts.keysPage.all(expr, RELATED_CANDIDATES_PER_WORD, 0);
      let frequency = rows.length;
      if (rows.length >= RELATED_CANDIDATES_PER_WORD) {
        frequency = this.#documentFrequency.get(expr) ?? this.#stmts.count.get(expr)!.n;
        if (this.#documentFrequency.size > 10_000) this.#documentFrequency.clear();
        this.#documentFrequency.set(expr, frequency);
      }
      documentFrequency.push(frequency);
      for (const row of rows) if (!exclude.has(idOfKey(row.key))) counts.set(row.key, (counts.get(row.key) ?? 0) + 1);
    }
    const shortlist = [...counts.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0]).slice(0, limit * 3);
    if (shortlist.length === 0) return [];
    // BM25 for the short list, computed here from the documents' text: FTS5's bm25() would first
    // count every document holding each common word, per call.
    const texts = this.#loadTexts(shortlist.map(([key]) => idOfKey(key)));
    const normalizedWords = words.map(normalizeText);
    const total = this.#documentCount();
    const scores = bm25Scores(
      shortlist.map(([key]) => texts.get(idOfKey(key))),
      normalizedWords.map((word, i) => ({ word, documents: documentFrequency[i]! })),
      total,
    );
    const scoreOf = new Map(shortlist.map(([key], i) => [key, scores[i]!]));
    return shortlist
      .sort((a, b) => b[1] - a[1] || scoreOf.get(b[0])! - scoreOf.get(a[0])! || b[0] - a[0])
      .slice(0, limit)
      .map(([key, wordsMatched]) => ({ id: idOfKey(key), wordsMatched }));
  }
}
