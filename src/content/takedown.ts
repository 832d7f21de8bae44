import type { ArticleRepository } from '../db/articles.js';
import type { ContentVersion } from '../db/changes.js';
import type { Db } from '../db/open.js';
import type { TakedownRepository } from '../db/takedowns.js';
import type { SearchIndex } from '../search/engine.js';
import type { Catalog } from './catalog.js';
import { extractPlainText } from './markdown.js';

export class TakedownError extends Error {}

export interface TakedownDeps {
  db: Db;
  articles: ArticleRepository;
  takedowns: TakedownRepository;
  index: SearchIndex;
  catalog: () => Catalog;
  contentVersion: ContentVersion;
  now?: () => Date;
}

/**
 * The takedown workflow. Nothing is deleted: approving marks the article removed and takes it out
 * of the index (so out of search, lists, feeds and sitemaps at once); restoring reverses that.
 * Every step is written to the audit table in the same transaction as the change itself.
 */
export function createTakedownService(deps: TakedownDeps) {
  const { db, articles, takedowns, index } = deps;
  const now = () => (deps.now ?? (() => new Date()))().toISOString();

  function reindex(articleId: number) {
    const row = articles.indexRow(articleId);
    if (!row) return;
    const catalog = deps.catalog();
    const tagIds = articles.tagIdsOf([articleId]).get(articleId) ?? [];
    index.upsert({
      id: row.id,
      publishedTs: row.published_ts,
      title: row.title,
      summary: row.summary,
      body: extractPlainText(row.body_md),
      categoryId: row.category_id,
      tagIds,
      tags: tagIds.map((id) => catalog.tagById.get(id)?.name ?? ''),
    });
  }

  return {
    /** Files a request from the public form; returns its number. */
    file: db.transaction((input: { articleId: number; claimant: string; email: string; reason: string }): number => {
      const article = articles.byId(input.articleId);
      if (!article) throw new TakedownError(`没有编号为 ${input.articleId} 的文章。`);
      const at = now();
      const id = takedowns.create(input.articleId, input.claimant, input.email, input.reason, at);
      takedowns.audit(id, input.articleId, 'filed', null, at);
      return id;
    }),
    approve: db.transaction((requestId: number, note: string | null = null) => {
      const request = takedowns.byId(requestId);
      if (!request) throw new TakedownError(`没有编号为 ${requestId} 的申请。`);
      const at = now();
      if (!takedowns.decide(requestId, 'approved', note, at)) throw new TakedownError(`申请 ${requestId} 已经处理过（${request.status}）。`);
      articles.setStatus(request.article_id, 'removed', at);
      index.remove(request.article_id);
      deps.contentVersion.bump();
      takedowns.audit(requestId, request.article_id, 'approved', note, at);
      return request.article_id;
    }),
    reject: db.transaction((requestId: number, reason: string) => {
      const request = takedowns.byId(requestId);
      if (!request) throw new TakedownError(`没有编号为 ${requestId} 的申请。`);
      const at = now();
      if (!takedowns.decide(requestId, 'rejected', reason, at)) throw new TakedownError(`申请 ${requestId} 已经处理过（${request.status}）。`);
      takedowns.audit(requestId, request.article_id, 'rejected', reason, at);
    }),
    restore: db.transaction((articleId: number, note: string | null = null) => {
      const article = articles.byId(articleId);
      if (!article) throw new TakedownError(`没有编号为 ${articleId} 的文章。`);
      if (article.status !== 'removed') throw new TakedownError(`文章 ${articleId} 没有下架。`);
      const at = now();
      articles.setStatus(articleId, 'published', at);
      reindex(articleId);
      deps.contentVersion.bump();
      takedowns.audit(null, articleId, 'restored', note, at);
    }),
    list: () => takedowns.list(),
    show: (requestId: number) => {
      const request = takedowns.byId(requestId);
      return request && { request, article: articles.byId(request.article_id), audit: takedowns.auditOf(request.article_id) };
    },
  };
}

export type TakedownService = ReturnType<typeof createTakedownService>;
