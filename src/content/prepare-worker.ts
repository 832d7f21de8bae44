import { parentPort, workerData } from 'node:worker_threads';
import { packBatch, transferablesOf, type PrepareChunk } from './prepare-message.js';
import { BatchPreparer } from './prepare.js';
import { lowerThreadPriority } from '../worker-thread.js';

// the pool's choice (prepare-pool.ts WORKER_NICE)
lowerThreadPriority((workerData as { nice: number }).nice);

/**
 * A worker thread of the import pipeline: prepares batches (prepare.ts) sent by the importer a
 * chunk at a time. Chunks of one batch come in order and never interleave with another batch's
 * (the pool sends one batch at a time).
 */
let current: { id: number; preparer: BatchPreparer | undefined } | undefined;

parentPort!.on('message', (chunk: PrepareChunk) => {
  if (current?.id !== chunk.id) current = { id: chunk.id, preparer: new BatchPreparer({ keepBodies: true }) };
  const batch = current;
  // a batch that failed was answered already; the rest of its chunks are dropped
  if (!batch.preparer) return;
  try {
    batch.preparer.add(chunk.sources);
    if (!chunk.last) return;
    const packed = packBatch(batch.preparer.finish());
    parentPort!.postMessage({ id: chunk.id, packed }, transferablesOf(packed));
  } catch (error) {
    parentPort!.postMessage({ id: chunk.id, error: (error as Error).message });
  }
  batch.preparer = undefined;
});
