import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

/**
 * The checkpoint thread of a bulk write (bulk-writes.ts): its own connection copies committed WAL
 * frames into the database file while the writer goes on appending new ones.
 */
const { path, intervalMs } = workerData as { path: string; intervalMs: number };
const db = new Database(path);
db.pragma('busy_timeout = 5000');
const checkpoint = () => db.pragma('wal_checkpoint(PASSIVE)');
const timer = setInterval(checkpoint, intervalMs);
parentPort!.once('message', () => {
  clearInterval(timer);
  db.close();
  // nothing else holds the thread open once the timer is gone: it exits, which stop() awaits
  parentPort!.close();
});
