import { workerData, type MessagePort } from 'node:worker_threads';
import { openReadingConnection, type Db } from '../db/open.js';
import { PostingsReader, type SegmentInfo } from './segment-reader.js';
import { relatedInSegment, searchSegment } from './segment-query.js';
import { HELPER_BROKEN, sameSegments, transferablesOf, type HelperReply, type HelperTask } from './search-helpers.js';

/**
 * A search helper thread: evaluates a query's terms on the segments it is given, through its own
 * connection, and answers on its port. It answers `stale` when the segments it sees are not the
 * ones the asking connection saw (a merge or a rebuild committed in between): the asker then does
 * the work itself, so a result never mixes two states of the index.
 */

const { dbPath, port, signal, listCacheBytes } = workerData as { dbPath: string; port: MessagePort; signal: Int32Array; listCacheBytes: number | undefined };

function wake(value: number): void {
  // the asking thread is blocked in Atomics.wait, not in its event loop
  Atomics.store(signal, 0, value);
  Atomics.notify(signal, 0);
}

let db: Db;
try {
  db = openReadingConnection(dbPath);
} catch (error) {
  wake(HELPER_BROKEN);
  throw error;
}
const reader = new PostingsReader(db, listCacheBytes !== undefined ? { listCacheBytes } : {});
const currentSegments = db.prepare<[], SegmentInfo>('SELECT id, base, span, level FROM search_segments ORDER BY base');

const evaluate = db.transaction((task: HelperTask): HelperReply => {
  const generation = reader.readGeneration();
  if (generation !== task.generation || !sameSegments(currentSegments.all(), task.snapshot)) return { task: task.task, stale: true };
  reader.useGeneration(generation);
  const { work } = task;
  const results = task.segments.map((segment) =>
    work.kind === 'search' ? searchSegment(reader, segment, work.search, work.facts) : relatedInSegment(reader, segment, work.related, work.facts),
  );
  return { task: task.task, results };
});

port.on('message', (task: HelperTask) => {
  let reply: HelperReply;
  try {
    reply = evaluate(task);
  } catch (error) {
    reply = { task: task.task, error: (error as Error).message };
  }
  port.postMessage(reply, 'results' in reply ? transferablesOf(reply.results) : []);
  wake(task.task);
});
