import type { Db } from './open.js';

/**
 * The content version: a number in the database that every change of published content bumps in
 * the same transaction (imports, takedowns, restores), so it is right across processes too. View
 * counts do not bump it: a page's ETag and caches then live for a rotation window, and the count
 * shown may lag that long.
 */
export function createContentVersion(db: Db, maxAgeMs = 200) {
  const read = db.prepare<[], { value: number }>("SELECT value FROM site_meta WHERE key = 'content_version'");
  const bump = db.prepare("UPDATE site_meta SET value = value + 1 WHERE key = 'content_version'");
  // Every request asks; re-reading at most every maxAgeMs keeps that off the hot path, and another
  // process's change is still seen within a fraction of a second. Our own bumps re-read at once.
  let cached = '';
  let readAt = Number.NEGATIVE_INFINITY;
  return {
    current(): string {
      const now = performance.now();
      if (now - readAt > maxAgeMs) {
        cached = String(read.get()?.value ?? 0);
        readAt = now;
      }
      return cached;
    },
    bump(): void {
      bump.run();
      readAt = Number.NEGATIVE_INFINITY;
    },
  };
}

export type ContentVersion = ReturnType<typeof createContentVersion>;

/** A named number in site_meta (flags that migrations leave for the application). */
export function createMetaFlag(db: Db, key: string) {
  const read = db.prepare<[string], number>('SELECT value FROM site_meta WHERE key = ?').pluck();
  const write = db.prepare<[string, number]>('INSERT INTO site_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  return {
    get: (): number | undefined => read.get(key),
    set: (value: number): void => {
      write.run(key, value);
    },
  };
}
