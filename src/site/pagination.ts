export interface PageLink {
  page: number;
  current: boolean;
}

export interface Pagination {
  page: number;
  pageCount: number;
  prev: number | undefined;
  next: number | undefined;
  /** Page numbers to show, `null` for a gap. */
  items: Array<PageLink | null>;
}

/** The page links for a list: first, last, and two either side of the current page. */
export function paginate(total: number, page: number, perPage: number): Pagination {
  const pageCount = Math.max(1, Math.ceil(total / perPage));
  const wanted = new Set([1, pageCount]);
  for (let p = page - 2; p <= page + 2; p++) if (p >= 1 && p <= pageCount) wanted.add(p);
  const sorted = [...wanted].sort((a, b) => a - b);
  const items: Array<PageLink | null> = [];
  sorted.forEach((p, i) => {
    if (i > 0 && p - sorted[i - 1]! > 1) items.push(null);
    items.push({ page: p, current: p === page });
  });
  return { page, pageCount, prev: page > 1 ? page - 1 : undefined, next: page < pageCount ? page + 1 : undefined, items };
}

/** A page number past the end of a non-empty list is a page that does not exist. */
export function pageExists(total: number, page: number, perPage: number): boolean {
  return page === 1 || (page - 1) * perPage < total;
}
