import { existsSync, statSync } from 'node:fs';
import type { Db } from './open.js';
import { spawnSiblingWorker } from '../worker-thread.js';

export interface BulkWrites {
  /** How the bulk writes reach the file: in place through a rollback journal, or through the WAL. */
  readonly journal: 'rollback' | 'wal' | 'memory';
  /**
   * Call between transactions: empties the WAL once it passes its bound. The WAL starts over only
   * when a writer begins while every frame is copied, a moment a writer that never pauses may not
   * give: it grew to 1.5 GB per 100k articles (measured). What the thread has copied is not copied
   * again, but the writer waits for the rest and the syncs: at a 256 MB bound that cost 62 µs per
   * imported article, at 1 GiB 14 µs (measured at 100k), hence the default.
   */
  trimWal(): void;
  /**
   * Ends the bulk settings (once): back from the rollback journal to the WAL, or stops the
   * checkpoint thread and checkpoints what is left, so readers find a short WAL.
   */
  finish(): Promise<void>;
}

/**
 * Settings for a process that writes in bulk (the import CLI, the benchmark), until finish():
 *  - a larger page cache keeps the indexes' hot pages across batches;
 *  - when no other connection has the database open, a rollback journal in place of the WAL
 *    (see writeInPlace);
 *  - otherwise WAL checkpoints move to a thread of their own. SQLite's automatic checkpoint runs
 *    inside the COMMIT that crosses its threshold, so the writer waits while frames are copied and
 *    synced (about a third of the import's main-thread time, measured); a PASSIVE checkpoint from
 *    another connection does that work while the writer goes on appending, which the WAL design
 *    allows.
 */
export function beginBulkWrites(db: Db, checkpointEveryMs = 250, walLimitBytes = 1024 * 1024 * 1024): BulkWrites {
  db.pragma('cache_size = -262144');
  // an in-memory database has no WAL to checkpoint
  if (db.memory) return { journal: 'memory', trimWal: () => {}, finish: async () => {} };
  if (writeInPlace(db)) {
    let back: Promise<void> | undefined;
    return { journal: 'rollback', trimWal: () => {}, finish: () => (back ??= Promise.resolve().then(() => backToWal(db))) };
  }
  const previous = Number(db.pragma('wal_autocheckpoint', { simple: true }));
  db.pragma('wal_autocheckpoint = 0');
  const worker = spawnSiblingWorker(import.meta.url, 'checkpoint-worker', { path: db.name, intervalMs: checkpointEveryMs });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  // a thread that failed leaves its work to the final checkpoint; it must not take the import down
  worker.on('error', () => {});
  let finished: Promise<void> | undefined;
  const finish = async () => {
    worker.postMessage('stop');
    await exited;
    db.pragma(`wal_autocheckpoint = ${previous}`);
    // TRUNCATE also gives the disk back: a bulk import's WAL reaches hundreds of megabytes
    db.pragma('wal_checkpoint(TRUNCATE)');
  };
  const walPath = `${db.name}-wal`;
  const trimWal = () => {
    if (existsSync(walPath) && statSync(walPath).size >= walLimitBytes) db.pragma('wal_checkpoint(TRUNCATE)');
  };
  return { journal: 'wal', trimWal, finish: () => (finished ??= finish()) };
}

/**
 * Through the WAL every page is written twice: appended, then copied into the database file by a
 * checkpoint (2.5 s of CPU per 100k imported articles on the checkpoint thread, and a final
 * checkpoint the import waits for, measured). With a rollback journal pages are written once, in
 * place, and a page the transaction added to the file (most of an import's) is not journaled at
 * all; a crash or Ctrl-C still leaves the last committed batch, as SQLite rolls a hot journal
 * back on the next open. synchronous=FULL meanwhile, as SQLite advises for rollback journals.
 *
 * Only when nothing else has the database open: SQLite then refuses the change at once
 * (SQLITE_BUSY), and the import keeps the WAL, so a running site goes on reading beside it. A
 * process that opens the database during the import (openDatabase) turns the WAL back on, and
 * this connection follows at its next transaction. Returns whether the journal was changed.
 */
function writeInPlace(db: Db): boolean {
  try {
    if (db.pragma('journal_mode = DELETE', { simple: true }) !== 'delete') return false;
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_BUSY') return false;
    throw error;
  }
  db.pragma('synchronous = FULL');
  return true;
}

/** The settings of openDatabase again. Left to the next open if a reader holds the database now. */
function backToWal(db: Db): void {
  db.pragma('synchronous = NORMAL');
  try {
    db.pragma('journal_mode = WAL');
  } catch (error) {
    // openDatabase, which every process opens the database with, turns the WAL on
    if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
  }
}
