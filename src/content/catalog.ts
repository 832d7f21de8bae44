import type { CategoryRow, TagRow, TaxonomyRepository } from '../db/taxonomy.js';
import { normalizeText } from '../search/normalize.js';

export interface Category extends CategoryRow {
  tags: TagRow[];
}

/** The taxonomy held in memory: lookups by slug, name and alias without a query. */
export interface Catalog {
  categories: Category[];
  categoryById: Map<number, Category>;
  categoryBySlug: Map<string, Category>;
  tagById: Map<number, TagRow>;
  /** Normalised alias -> normalised tag name, for query expansion. */
  searchAliases: Map<string, string>;
  /** A tag by slug, name (any case) or alias. */
  findTag(key: string): TagRow | undefined;
}

export function loadCatalog(taxonomy: TaxonomyRepository): Catalog {
  const tags = taxonomy.tags();
  const categories: Category[] = taxonomy.categories().map((category) => ({ ...category, tags: tags.filter((tag) => tag.category_id === category.id) }));
  const tagById = new Map(tags.map((tag) => [tag.id, tag]));
  const lookup = new Map<string, TagRow>();
  for (const tag of tags) {
    lookup.set(tag.slug, tag);
    lookup.set(tag.name.toLowerCase(), tag);
  }
  const searchAliases = new Map<string, string>();
  for (const { alias, tag_id } of taxonomy.aliases()) {
    const tag = tagById.get(tag_id);
    if (!tag) continue;
    if (!lookup.has(alias)) lookup.set(alias, tag);
    searchAliases.set(normalizeText(alias), normalizeText(tag.name));
  }
  return {
    categories,
    categoryById: new Map(categories.map((c) => [c.id, c])),
    categoryBySlug: new Map(categories.map((c) => [c.slug, c])),
    tagById,
    searchAliases,
    findTag: (key) => lookup.get(key.toLowerCase()) ?? lookup.get(key.normalize('NFKC').toLowerCase()),
  };
}
