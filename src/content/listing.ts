import type { ArticleListRow, ArticleRepository } from '../db/articles.js';
import { escapeHtml } from '../search/snippet.js';
import type { Catalog } from './catalog.js';
import { formatDateTime } from './time.js';

export interface ListItem {
  id: number;
  url: string;
  title: string;
  /** Escaped title, with matches marked on search pages. */
  titleHtml: string;
  /** Escaped excerpt, with matches marked on search pages. */
  snippetHtml: string;
  author: string;
  type: 'repost' | 'original';
  category: { slug: string; name: string };
  tags: Array<{ slug: string; name: string }>;
  publishedAt: string;
  /** China time, YYYY-MM-DD HH:mm:ss. */
  publishedLabel: string;
  views: number;
  /** Lead of its near-duplicate group when this is a copy. */
  duplicateOf: number | null;
  /** Other published copies of the same article (set when a list groups duplicates). */
  copies?: Array<{ url: string; title: string; author: string }>;
}

/** Characters of an article's plain text kept for lists (they show EXCERPT_SHOWN and an ellipsis). */
export const EXCERPT_STORED = 160;
const EXCERPT_SHOWN = 140;

/** The stored excerpt of a plain text: its start, never ending in half a surrogate pair. */
export function excerptOf(plainText: string): string {
  const start = plainText.slice(0, EXCERPT_STORED);
  return /[\ud800-\udbff]$/.test(start) ? start.slice(0, -1) : start;
}

export function articleUrl(id: number): string {
  return `/articles/${id}`;
}

/** List rows -> what list templates show (tags and category resolved from the catalog). */
export function toListItems(rows: ArticleListRow[], articles: ArticleRepository, catalog: Catalog): ListItem[] {
  const tagIds = articles.tagIdsOf(rows.map((row) => row.id));
  return rows.map((row) => {
    const category = catalog.categoryById.get(row.category_id);
    const excerpt = row.summary || row.excerpt;
    return {
      id: row.id,
      url: articleUrl(row.id),
      title: row.title,
      titleHtml: escapeHtml(row.title),
      snippetHtml: escapeHtml(excerpt.length > EXCERPT_SHOWN ? `${excerpt.slice(0, EXCERPT_SHOWN)}…` : excerpt),
      author: row.author,
      type: row.type,
      category: { slug: category?.slug ?? '', name: category?.name ?? '' },
      tags: (tagIds.get(row.id) ?? []).flatMap((id) => {
        const tag = catalog.tagById.get(id);
        return tag ? [{ slug: tag.slug, name: tag.name }] : [];
      }),
      publishedAt: row.published_at,
      publishedLabel: formatDateTime(row.published_at),
      views: row.views,
      duplicateOf: row.duplicate_of,
    };
  });
}

/**
 * Shows each group of near-duplicate reposts once: the first (best-ranked) member stays, with
 * links to the other copies; the rest of the group is dropped from this list.
 */
export function groupDuplicates<T extends ListItem>(items: T[], articles: ArticleRepository): T[] {
  const kept = new Map<number, T>();
  for (const item of items) {
    const key = item.duplicateOf ?? item.id;
    if (!kept.has(key)) kept.set(key, item);
  }
  return [...kept.entries()].map(([lead, item]) => {
    const copies = articles
      .groupMembers(lead)
      .filter((member) => member.id !== item.id)
      .map((member) => ({ url: articleUrl(member.id), title: member.title, author: member.author }));
    return copies.length > 0 ? { ...item, copies } : item;
  });
}
