import type { Db } from './open.js';

/** Site time zone: China Standard Time has no daylight saving, so a fixed offset is exact. */
export const SITE_UTC_OFFSET_SECONDS = 8 * 3600;

export interface ArticleRow {
  id: number;
  external_key: string;
  title: string;
  author: string;
  type: 'repost' | 'original';
  source_url: string | null;
  published_at: string;
  published_ts: number;
  imported_at: string;
  updated_at: string;
  views: number;
  status: 'published' | 'removed';
  category_id: number;
  summary: string;
  /** The Markdown source: pages render it when viewed (src/content/rendered.ts). */
  body_md: string;
  content_hash: string;
  duplicate_of: number | null;
}

/** What a list item or search result shows. */
export interface ArticleListRow {
  id: number;
  title: string;
  author: string;
  type: 'repost' | 'original';
  published_at: string;
  views: number;
  category_id: number;
  summary: string;
  /** The first characters of the plain text, for items without a summary. */
  excerpt: string;
  updated_at: string;
  /** The lead article of its group of near-duplicate reposts, if it is a copy. */
  duplicate_of: number | null;
}

export interface GroupMemberRow {
  id: number;
  title: string;
  author: string;
  source_url: string | null;
}

/** What the plain text of an article is derived from (src/content/texts.ts). */
export interface ArticleSourceRow {
  id: number;
  title: string;
  summary: string;
  body_md: string;
  content_hash: string;
}

/** What the index is rebuilt from, for one article. */
export interface ArticleIndexRow {
  id: number;
  title: string;
  summary: string;
  body_md: string;
  published_ts: number;
  category_id: number;
}

export interface ArticleTagRow {
  article_id: number;
  tag_id: number;
}

export interface ArticleWrite {
  externalKey: string;
  title: string;
  author: string;
  type: 'repost' | 'original';
  sourceUrl: string | null;
  publishedAt: string;
  publishedTs: number;
  views: number;
  categoryId: number;
  summary: string;
  /** The Markdown, or its UTF-8 bytes (stored as TEXT all the same). */
  bodyMd: string | Uint8Array;
  /** The first characters of the plain text (excerptOf). */
  excerpt: string;
  contentHash: string;
  tagIds: number[];
  /** Lead of the near-duplicate group this article joins, if any. */
  duplicateOf: number | null;
}

export interface MonthCountRow {
  month: string;
  n: number;
}

const LIST_COLUMNS = 'a.id, a.title, a.author, a.type, a.published_at, a.views, a.category_id, a.summary, a.excerpt, a.updated_at, a.duplicate_of';

/** Articles and their tags. Every list reads published articles only. */
export function createArticleRepository(db: Db) {
  const monthExpr = `strftime('%Y-%m', published_ts + ${SITE_UTC_OFFSET_SECONDS}, 'unixepoch')`;
  const stmts = {
    byId: db.prepare<[number], ArticleRow>(
      `SELECT id, external_key, title, author, type, source_url, published_at, published_ts, imported_at, updated_at,
              views, status, category_id, summary, body_md, content_hash, duplicate_of FROM articles WHERE id = ?`,
    ),
    byKey: db.prepare<[string], { id: number; content_hash: string; status: string; views: number }>(
      'SELECT id, content_hash, status, views FROM articles WHERE external_key = ?',
    ),
    // positional parameters, in the order of storedValues: binding named ones from an object cost
    // 3 µs more per imported article (measured), with two objects built per write
    insert: db.prepare(
      `INSERT INTO articles (external_key, title, author, type, source_url, published_at, published_ts, views, category_id,
                             summary, body_md, excerpt, content_hash, duplicate_of, imported_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS TEXT), ?, ?, ?, ?, ?)`,
    ),
    update: db.prepare(
      `UPDATE articles SET title = ?, author = ?, type = ?, source_url = ?, published_at = ?, published_ts = ?, views = max(views, ?),
              category_id = ?, summary = ?, body_md = CAST(? AS TEXT), excerpt = ?, content_hash = ?, duplicate_of = ?, updated_at = ?
        WHERE id = ?`,
    ),
    deleteTags: db.prepare<[number]>('DELETE FROM article_tags WHERE article_id = ?'),
    insertTag: db.prepare<[number, number]>('INSERT OR IGNORE INTO article_tags (article_id, tag_id) VALUES (?, ?)'),
    tagsOf: db.prepare<[string], ArticleTagRow>(
      `SELECT at.article_id, at.tag_id FROM article_tags at JOIN tags t ON t.id = at.tag_id
        WHERE at.article_id IN (SELECT value FROM json_each(?)) ORDER BY t.position`,
    ),
    listRows: db.prepare<[string], ArticleListRow>(
      `SELECT ${LIST_COLUMNS} FROM articles a WHERE a.id IN (SELECT value FROM json_each(?)) AND a.status = 'published'`,
    ),
    sources: db.prepare<[string], ArticleSourceRow>(
      `SELECT id, title, summary, body_md, content_hash FROM articles WHERE id IN (SELECT value FROM json_each(?)) AND status = 'published'`,
    ),
    countPublished: db.prepare<[], { n: number }>("SELECT count(*) AS n FROM articles WHERE status = 'published'"),
    countAll: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM articles'),
    latest: db.prepare<[number, number], ArticleListRow>(
      `SELECT ${LIST_COLUMNS} FROM articles a WHERE a.status = 'published' ORDER BY a.published_ts DESC, a.id DESC LIMIT ? OFFSET ?`,
    ),
    countInCategory: db.prepare<[number], { n: number }>(
      "SELECT count(*) AS n FROM articles WHERE category_id = ? AND status = 'published'",
    ),
    inCategory: db.prepare<[number, number, number], ArticleListRow>(
      `SELECT ${LIST_COLUMNS} FROM articles a WHERE a.category_id = ? AND a.status = 'published'
        ORDER BY a.published_ts DESC, a.id DESC LIMIT ? OFFSET ?`,
    ),
    countInMonth: db.prepare<[number, number], { n: number }>(
      "SELECT count(*) AS n FROM articles WHERE status = 'published' AND published_ts >= ? AND published_ts < ?",
    ),
    inMonth: db.prepare<[number, number, number, number], ArticleListRow>(
      `SELECT ${LIST_COLUMNS} FROM articles a WHERE a.status = 'published' AND a.published_ts >= ? AND a.published_ts < ?
        ORDER BY a.published_ts DESC, a.id DESC LIMIT ? OFFSET ?`,
    ),
    countWithTag: db.prepare<[number], { n: number }>(
      "SELECT count(*) AS n FROM article_tags at JOIN articles a ON a.id = at.article_id WHERE at.tag_id = ? AND a.status = 'published'",
    ),
    withTag: db.prepare<[number, number, number], ArticleListRow>(
      `SELECT ${LIST_COLUMNS} FROM article_tags at JOIN articles a ON a.id = at.article_id
        WHERE at.tag_id = ? AND a.status = 'published' ORDER BY a.published_ts DESC, a.id DESC LIMIT ? OFFSET ?`,
    ),
    sitemapChunk: db.prepare<[number, number], { id: number; updated_at: string }>(
      "SELECT id, updated_at FROM articles WHERE status = 'published' ORDER BY id LIMIT ? OFFSET ?",
    ),
    lastUpdated: db.prepare<[], { at: string | null }>("SELECT max(updated_at) AS at FROM articles WHERE status = 'published'"),
    setSignature: db.prepare<[number, Buffer]>(
      'INSERT INTO article_signatures (article_id, signature) VALUES (?, ?) ON CONFLICT (article_id) DO UPDATE SET signature = excluded.signature',
    ),
    dropSignature: db.prepare<[number]>('DELETE FROM article_signatures WHERE article_id = ?'),
    signatureOf: db.prepare<[number], Buffer>('SELECT signature FROM article_signatures WHERE article_id = ?').pluck(),
    duplicateOf: db.prepare<[number], number | null>('SELECT duplicate_of FROM articles WHERE id = ?').pluck(),
    signatureCount: db.prepare<[], number>('SELECT count(*) FROM article_signatures').pluck(),
    allSignatures: db.prepare<[], [number, Buffer]>('SELECT article_id, signature FROM article_signatures ORDER BY article_id').raw(),
    groupMembers: db.prepare<[number, number], GroupMemberRow>(
      // two indexed lookups; as one OR the planner chose the status index and read every article
      `SELECT id, title, author, source_url FROM articles WHERE id = ? AND +status = 'published'
       UNION ALL
       SELECT id, title, author, source_url FROM articles WHERE duplicate_of = ? AND +status = 'published'
       ORDER BY id`,
    ),
    months: db.prepare<[], MonthCountRow>(
      `SELECT ${monthExpr} AS month, count(*) AS n FROM articles WHERE status = 'published' GROUP BY month ORDER BY month DESC`,
    ),
    tagCounts: db.prepare<[], { tag_id: number; n: number }>(
      // all links from the tag index, minus those of the (few) removed articles
      `WITH removed AS (SELECT r.tag_id, count(*) AS n FROM articles a JOIN article_tags r ON r.article_id = a.id
                         WHERE a.status = 'removed' GROUP BY r.tag_id)
       SELECT t.tag_id, t.n - coalesce(removed.n, 0) AS n
         FROM (SELECT tag_id, count(*) AS n FROM article_tags GROUP BY tag_id) t LEFT JOIN removed USING (tag_id)`,
    ),
    neighbourBefore: db.prepare<[number, number, number, number], { id: number; title: string }>(
      `SELECT id, title FROM articles WHERE category_id = ? AND status = 'published'
        AND (published_ts < ? OR (published_ts = ? AND id < ?)) ORDER BY published_ts DESC, id DESC LIMIT 1`,
    ),
    neighbourAfter: db.prepare<[number, number, number, number], { id: number; title: string }>(
      `SELECT id, title FROM articles WHERE category_id = ? AND status = 'published'
        AND (published_ts > ? OR (published_ts = ? AND id > ?)) ORDER BY published_ts ASC, id ASC LIMIT 1`,
    ),
    // two subqueries, so each is one step down the primary key
    idRange: db.prepare<[], { lo: number | null; hi: number | null }>('SELECT (SELECT min(id) FROM articles) AS lo, (SELECT max(id) FROM articles) AS hi'),
    publishedAtOrAfter: db.prepare<[number], { id: number }>(
      "SELECT id FROM articles WHERE id >= ? AND +status = 'published' ORDER BY id LIMIT 1",
    ),
    publishedInCategoryAtOrAfter: db.prepare<[number, number], { id: number }>(
      "SELECT id FROM articles WHERE +category_id = ? AND id >= ? AND +status = 'published' ORDER BY id LIMIT 1",
    ),
    firstInCategory: db.prepare<[number], { id: number }>(
      "SELECT id FROM articles WHERE +category_id = ? AND +status = 'published' ORDER BY id LIMIT 1",
    ),
    indexRow: db.prepare<[number], ArticleIndexRow>(
      'SELECT id, title, summary, body_md, published_ts, category_id FROM articles WHERE id = ?',
    ),
    setStatus: db.prepare<[string, string, number]>('UPDATE articles SET status = ?, updated_at = ? WHERE id = ?'),
    addViews: db.prepare<[number, number]>('UPDATE articles SET views = views + ? WHERE id = ?'),
    indexSource: db.prepare<[number, number], ArticleIndexRow & { status: string }>(
      'SELECT id, title, summary, body_md, published_ts, category_id, status FROM articles WHERE id > ? ORDER BY id LIMIT ?',
    ),
  };

  const json = (ids: readonly number[]) => JSON.stringify(ids);

  return {
    byId: (id: number) => stmts.byId.get(id),
    byExternalKey: (key: string) => stmts.byKey.get(key),
    /** Inserts or updates one article with its tags; returns its id. Call inside a transaction. */
    write(article: ArticleWrite, existingId: number | undefined, now: string): number {
      const a = article;
      // the columns both statements set, in their order
      const storedValues = [a.title, a.author, a.type, a.sourceUrl, a.publishedAt, a.publishedTs, a.views, a.categoryId, a.summary, a.bodyMd, a.excerpt, a.contentHash, a.duplicateOf];
      let id: number;
      if (existingId === undefined) {
        id = Number(stmts.insert.run(a.externalKey, ...storedValues, now, now).lastInsertRowid);
      } else {
        id = existingId;
        stmts.update.run(...storedValues, now, id);
        stmts.deleteTags.run(id);
      }
      for (const tagId of a.tagIds) stmts.insertTag.run(id, tagId);
      return id;
    },
    /** tag ids of each article, in sidebar order. */
    tagIdsOf(ids: readonly number[]): Map<number, number[]> {
      const out = new Map<number, number[]>(ids.map((id) => [id, []]));
      for (const row of stmts.tagsOf.all(json(ids))) out.get(row.article_id)?.push(row.tag_id);
      return out;
    },
    /** Published list rows for ids, in the order given (missing or removed ids are skipped). */
    listRows(ids: readonly number[]): ArticleListRow[] {
      const byId = new Map(stmts.listRows.all(json(ids)).map((row) => [row.id, row]));
      return ids.flatMap((id) => byId.get(id) ?? []);
    },
    /** What the plain text of published articles is derived from, in no particular order. */
    sources: (ids: readonly number[]) => stmts.sources.all(json(ids)),
    countPublished: () => stmts.countPublished.get()!.n,
    countAll: () => stmts.countAll.get()!.n,
    latest: (offset: number, limit: number) => stmts.latest.all(limit, offset),
    countInCategory: (categoryId: number) => stmts.countInCategory.get(categoryId)!.n,
    inCategory: (categoryId: number, offset: number, limit: number) => stmts.inCategory.all(categoryId, limit, offset),
    countInRange: (fromTs: number, toTs: number) => stmts.countInMonth.get(fromTs, toTs)!.n,
    inRange: (fromTs: number, toTs: number, offset: number, limit: number) => stmts.inMonth.all(fromTs, toTs, limit, offset),
    countWithTag: (tagId: number) => stmts.countWithTag.get(tagId)!.n,
    withTag: (tagId: number, offset: number, limit: number) => stmts.withTag.all(tagId, limit, offset),
    months: () => stmts.months.all(),
    /** Stores an article's MinHash signature in place of any it had; none drops it (too short a text). */
    setSignature(id: number, signature: Buffer | undefined) {
      if (signature) stmts.setSignature.run(id, signature);
      else stmts.dropSignature.run(id);
    },
    /** The stored signature of an article, if it has one. */
    signatureOf: (id: number) => stmts.signatureOf.get(id),
    signatureCount: () => stmts.signatureCount.get()!,
    /** Every stored signature as [article id, signature], in id order. */
    allSignatures: () => stmts.allSignatures.iterate(),
    /** The group lead an article was filed under, if it is a copy. */
    duplicateOf: (id: number) => stmts.duplicateOf.get(id) ?? null,
    /** The published lead and copies of a duplicate group, oldest first. */
    groupMembers: (leadId: number) => stmts.groupMembers.all(leadId, leadId),
    /** One sitemap's worth of published ids, in id order. */
    sitemapChunk: (offset: number, limit: number) => stmts.sitemapChunk.all(limit, offset),
    lastUpdated: () => stmts.lastUpdated.get()!.at,
    tagCounts: () => stmts.tagCounts.all(),
    /** Previous (older) and next (newer) published article in the same category. */
    neighbours(article: Pick<ArticleRow, 'id' | 'category_id' | 'published_ts'>) {
      const args = [article.category_id, article.published_ts, article.published_ts, article.id] as const;
      return { older: stmts.neighbourBefore.get(...args), newer: stmts.neighbourAfter.get(...args) };
    },
    /** A uniformly-ish random published article id (random point in the id range, next one up). */
    randomId(random: () => number, categoryId?: number): number | undefined {
      const range = stmts.idRange.get()!;
      if (range.lo === null || range.hi === null) return undefined;
      const pick = range.lo + Math.floor(random() * (range.hi - range.lo + 1));
      if (categoryId === undefined) return stmts.publishedAtOrAfter.get(pick)?.id ?? stmts.publishedAtOrAfter.get(range.lo)?.id;
      return stmts.publishedInCategoryAtOrAfter.get(categoryId, pick)?.id ?? stmts.firstInCategory.get(categoryId)?.id;
    },
    /** The fields the search index needs for one article. */
    indexRow: (id: number) => stmts.indexRow.get(id),
    setStatus: (id: number, status: 'published' | 'removed', now: string) => stmts.setStatus.run(status, now, id).changes,
    addViews: (id: number, count: number) => stmts.addViews.run(count, id),
    /** Batches of articles in id order, for rebuilding the search index. */
    indexSource: (afterId: number, limit: number) => stmts.indexSource.all(afterId, limit),
  };
}

export type ArticleRepository = ReturnType<typeof createArticleRepository>;
