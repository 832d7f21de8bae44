import Database from 'better-sqlite3';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MIGRATIONS_DIR } from '../paths.js';

export type Db = Database.Database;

/** Opens (creating if needed) the database with the pragmas every process uses, then migrates it. */
export function openDatabase(path: string): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  // 16 KiB pages hold ~2 KB article rows with far less slack; only effective before the first table.
  db.pragma('page_size = 16384');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -65536');
  migrate(db);
  return db;
}

/**
 * A second connection to an existing database that only reads (the search helper threads'): no
 * migrations, and writing is refused by SQLite rather than by convention.
 */
export function openReadingConnection(path: string): Db {
  const db = new Database(path, { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -65536');
  db.pragma('query_only = ON');
  return db;
}

/** Applies every numbered migration newer than PRAGMA user_version, each in its own transaction. */
export function migrate(db: Db, dir: string = MIGRATIONS_DIR): number {
  const current = Number(db.pragma('user_version', { simple: true }));
  const files = readdirSync(dir)
    .filter((name) => /^\d{4}_.+\.sql$/.test(name))
    .sort();
  let applied = 0;
  for (const file of files) {
    const version = Number(file.slice(0, 4));
    if (version <= current) continue;
    const sql = readFileSync(join(dir, file), 'utf8');
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version}`);
    })();
    applied++;
  }
  return applied;
}
