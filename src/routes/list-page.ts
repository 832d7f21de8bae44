import type { ArticleRepository } from '../db/articles.js';
import { groupDuplicates, type ListItem } from '../content/listing.js';
import { paginate, pageExists } from '../site/pagination.js';
import { notFound } from './errors.js';

export const PER_PAGE = 20;

/** Model for the shared list template, or a 404 when the page number is past the end. */
export function listModel(options: { heading: string; intro?: string; items: ListItem[]; articles: ArticleRepository; total: number; page: number; basePath: string; extraQuery?: string }) {
  if (!pageExists(options.total, options.page, PER_PAGE)) throw notFound('页');
  const query = options.extraQuery ? `${options.extraQuery}&` : '';
  return {
    heading: options.heading,
    intro: options.intro ?? '',
    items: groupDuplicates(options.items, options.articles),
    total: options.total,
    pagination: paginate(options.total, options.page, PER_PAGE),
    pageHref: (page: number) => (page === 1 && !query ? options.basePath : `${options.basePath}?${query}page=${page}`),
  };
}

/** Canonical path of a paginated list: page 1 is the bare path. */
export function pagedPath(basePath: string, page: number): string {
  return page === 1 ? basePath : `${basePath}?page=${page}`;
}
