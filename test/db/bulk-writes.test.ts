import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { beginBulkWrites } from '../../src/db/bulk-writes.js';
import { openDatabase } from '../../src/db/open.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDatabase() {
  const dir = mkdtempSync(join(tmpdir(), 'xunwen-bulk-'));
  dirs.push(dir);
  const path = join(dir, 'site.db');
  const db = openDatabase(path);
  db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, text TEXT NOT NULL)');
  // the tests measure the WAL from here: the migrations' own frames (about 1 MB) must not count
  db.pragma('wal_checkpoint(TRUNCATE)');
  return { db, path };
}

const size = (path: string) => statSync(path).size;
const journalMode = (db: Database.Database) => db.pragma('journal_mode', { simple: true });
const synchronous = (db: Database.Database) => Number(db.pragma('synchronous', { simple: true }));

/** Another process's connection, as a running site holds one: it keeps the import on the WAL. */
function reader(path: string) {
  const other = new Database(path, { readonly: true });
  other.prepare('SELECT count(*) FROM filler').get();
  return other;
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('bulk writes', () => {
  it('writes in place through a rollback journal when the database is its alone, then turns the WAL back on', async () => {
    const { db, path } = tempDatabase();
    const bulk = beginBulkWrites(db, 20);
    expect(journalMode(db)).toBe('delete');
    expect(synchronous(db)).toBe(2);
    const insert = db.prepare<[string]>('INSERT INTO filler (text) VALUES (?)');
    db.transaction(() => {
      for (let i = 0; i < 500; i++) insert.run(`第${i}行`.padEnd(2000, '字'));
    })();
    // committed straight into the database file: no WAL, and the journal is gone after the commit
    expect(existsSync(`${path}-wal`)).toBe(false);
    expect(existsSync(`${path}-journal`)).toBe(false);
    expect(size(path)).toBeGreaterThan(500 * 2000);
    await bulk.finish();
    await bulk.finish();
    expect(journalMode(db)).toBe('wal');
    expect(synchronous(db)).toBe(1);
    db.close();
    const again = openDatabase(path);
    expect(again.prepare('SELECT count(*) AS n FROM filler').get()).toEqual({ n: 500 });
    again.close();
  });

  it('keeps the WAL when a process opens the database during the bulk writes, and loses nothing', async () => {
    const { db, path } = tempDatabase();
    const bulk = beginBulkWrites(db, 20);
    expect(journalMode(db)).toBe('delete');
    const insert = db.prepare<[string]>('INSERT INTO filler (text) VALUES (?)');
    const write = (from: number) =>
      db.transaction(() => {
        for (let i = from; i < from + 100; i++) insert.run(`第${i}行`);
      })();
    write(0);
    // the site starting meanwhile: openDatabase turns the WAL on, and the writer follows
    const site = openDatabase(path);
    expect(journalMode(site)).toBe('wal');
    write(100);
    expect(journalMode(db)).toBe('wal');
    expect(site.prepare('SELECT count(*) AS n FROM filler').get()).toEqual({ n: 200 });
    await bulk.finish();
    expect(journalMode(db)).toBe('wal');
    site.close();
    db.close();
  });

  it('checkpoints from its own thread while the writer commits, and leaves an empty WAL', async () => {
    const { db, path } = tempDatabase();
    const site = reader(path);
    const bulk = beginBulkWrites(db, 20);
    // another connection is open: SQLite refuses the rollback journal, and the import keeps the WAL
    expect(journalMode(db)).toBe('wal');
    const before = size(path);
    const insert = db.prepare<[string]>('INSERT INTO filler (text) VALUES (?)');
    db.transaction(() => {
      for (let i = 0; i < 2000; i++) insert.run(`第${i}行`.padEnd(2000, '字'));
    })();
    // this connection never checkpoints now: only the thread can have grown the database file
    expect(Number(db.pragma('wal_autocheckpoint', { simple: true }))).toBe(0);
    for (let waited = 0; size(path) <= before && waited < 5000; waited += 20) await sleep(20);
    expect(size(path)).toBeGreaterThan(before);
    await bulk.finish();
    await bulk.finish();
    expect(size(`${path}-wal`)).toBe(0);
    expect(Number(db.pragma('wal_autocheckpoint', { simple: true }))).toBe(1000);
    expect(db.prepare('SELECT count(*) AS n FROM filler').get()).toEqual({ n: 2000 });
    site.close();
    db.close();
  });

  it('empties the WAL between transactions once it passes its bound, and not before', async () => {
    const { db, path } = tempDatabase();
    const site = reader(path);
    // a long interval: only trimWal can empty the WAL here
    const bulk = beginBulkWrites(db, 60_000, 1024 * 1024);
    const insert = db.prepare<[string]>('INSERT INTO filler (text) VALUES (?)');
    const write = (rows: number) =>
      db.transaction(() => {
        for (let i = 0; i < rows; i++) insert.run('字'.repeat(1000));
      })();
    write(10);
    bulk.trimWal();
    expect(size(`${path}-wal`)).toBeGreaterThan(0);
    write(1000);
    expect(size(`${path}-wal`)).toBeGreaterThan(1024 * 1024);
    bulk.trimWal();
    expect(size(`${path}-wal`)).toBe(0);
    await bulk.finish();
    expect(db.prepare('SELECT count(*) AS n FROM filler').get()).toEqual({ n: 1010 });
    site.close();
    db.close();
  });

  it('does nothing for an in-memory database', async () => {
    const db = openDatabase(':memory:');
    await beginBulkWrites(db).finish();
    expect(db.pragma('journal_mode', { simple: true })).toBe('memory');
    db.close();
  });
});
