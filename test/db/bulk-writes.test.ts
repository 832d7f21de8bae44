import { mkdtempSync, rmSync, statSync } from 'node:fs';
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
  // the migrations' frames (~1 MB) must not count towards the small WAL bounds used here
  db.pragma('wal_checkpoint(TRUNCATE)');
  return { db, path };
}

const size = (path: string) => statSync(path).size;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('bulk writes', () => {
  it('checkpoints from its own thread while the writer commits, and leaves an empty WAL', async () => {
    const { db, path } = tempDatabase();
    const bulk = beginBulkWrites(db, 20);
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
    db.close();
  });

  it('empties the WAL between transactions once it passes its bound, and not before', async () => {
    const { db, path } = tempDatabase();
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
    db.close();
  });

  it('does nothing for an in-memory database', async () => {
    const db = openDatabase(':memory:');
    await beginBulkWrites(db).finish();
    expect(db.pragma('journal_mode', { simple: true })).toBe('memory');
    db.close();
  });
});
