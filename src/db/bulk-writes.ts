import { existsSync, statSync } from 'node:fs';
import type { Db } from './open.js';
import { spawnSiblingWorker } from '../worker-thread.js';

export interface BulkWrites {
  /**
   * Call between transactions: empties the WAL once it passes its bound. The WAL starts over only
   * when a writer begins while every frame is copied, a moment a writer that never pauses may not
   * give: it grew to 1.5 GB per 100k articles (measured). What the thread has copied is not copied
   * again, but the writer waits for the rest and the syncs: at a 256 MB bound that cost 62 µs per
   * imported article, at 1 GiB 14 µs (measured at 100k), hence the default.
   */
  trimWal(): void;
  /** Stops the checkpoint thread and checkpoints what is left, so readers find a short WAL (once). */
  finish(): Promise<void>;
}

/**
 * Settings for a process that writes in bulk (the import CLI, the benchmark), until finish():
 *  - a larger page cache keeps the indexes' hot pages across batches;
 *  - WAL checkpoints move to a thread of their own. SQLite's automatic checkpoint runs inside the
 *    COMMIT that crosses its threshold, so the writer waits while frames are copied and synced
 *    (about a third of the import's main-thread time, measured); a PASSIVE checkpoint from another
 *    connection does that work while the writer goes on appending, which the WAL design allows.
 */
export function beginBulkWrites(db: Db, checkpointEveryMs = 250, walLimitBytes = 1024 * 1024 * 1024): BulkWrites {
  db.pragma('cache_size = -262144');
  // an in-memory database has no WAL to checkpoint
  if (db.memory) return { trimWal: () => {}, finish: async () => {} };
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
  return { trimWal, finish: () => (finished ??= finish()) };
}
