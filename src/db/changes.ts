import type { Db } from './open.js';

/**
 * The content version: a number in the database that every change of published content bumps in
 * the same transaction (imports, takedowns, restores), so it is right across processes too. View
 * counts do not bump it: a page's ETag and caches then live for a rotation window, and the count
 * shown may lag that long.
 */
export function createContentVersion(db: Db) {
  const read = db.prepare<[], { value: number }>("SELECT value FROM site_meta WHERE key = 'content_version'");
  const bump = db.prepare("UPDATE site_meta SET value = value + 1 WHERE key = 'content_version'");
  return {
    current: (): string => String(read.get()?.value ?? 0),
    bump: (): void => {
      bump.run();
    },
  };
}

export type ContentVersion = ReturnType<typeof createContentVersion>;
