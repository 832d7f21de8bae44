import type { Db } from './open.js';

export interface CategoryRow {
  id: number;
  slug: string;
  name: string;
  position: number;
}

export interface TagRow {
  id: number;
  slug: string;
  name: string;
  category_id: number;
  position: number;
}

export interface AliasRow {
  alias: string;
  tag_id: number;
}

/** Categories, tags and aliases: small tables, read whole. */
export function createTaxonomyRepository(db: Db) {
  const stmts = {
    categories: db.prepare<[], CategoryRow>('SELECT id, slug, name, position FROM categories ORDER BY position'),
    tags: db.prepare<[], TagRow>(
      'SELECT t.id, t.slug, t.name, t.category_id, t.position FROM tags t JOIN categories c ON c.id = t.category_id ORDER BY c.position, t.position, t.id',
    ),
    aliases: db.prepare<[], AliasRow>('SELECT alias, tag_id FROM tag_aliases ORDER BY alias'),
    tagByKey: db.prepare<[string], TagRow>('SELECT id, slug, name, category_id, position FROM tags WHERE name_key = ?'),
    tagBySlug: db.prepare<[string], TagRow>('SELECT id, slug, name, category_id, position FROM tags WHERE slug = ?'),
    nextTagPosition: db.prepare<[number], { next: number }>('SELECT coalesce(max(position), 0) + 1 AS next FROM tags WHERE category_id = ?'),
    insertTag: db.prepare<[string, string, string, number, number]>(
      'INSERT INTO tags (slug, name, name_key, category_id, position) VALUES (?, ?, ?, ?, ?)',
    ),
  };
  return {
    categories: () => stmts.categories.all(),
    tags: () => stmts.tags.all(),
    aliases: () => stmts.aliases.all(),
    tagByNameKey: (key: string) => stmts.tagByKey.get(key),
    tagBySlug: (slug: string) => stmts.tagBySlug.get(slug),
    /** Creates a tag at the end of its category; returns its id. */
    insertTag(name: string, slug: string, categoryId: number): number {
      const position = stmts.nextTagPosition.get(categoryId)!.next;
      return Number(stmts.insertTag.run(slug, name, name.toLowerCase(), categoryId, position).lastInsertRowid);
    },
  };
}

export type TaxonomyRepository = ReturnType<typeof createTaxonomyRepository>;
