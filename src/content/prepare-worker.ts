import { parentPort } from 'node:worker_threads';
import { packBatch, transferablesOf } from './prepare-message.js';
import { prepareBatch, type ArticleSource } from './prepare.js';

/** A worker thread of the import pipeline: prepares batches (prepare.ts) sent by the importer. */
parentPort!.on('message', (message: { id: number; sources: ArticleSource[] }) => {
  try {
    const packed = packBatch(prepareBatch(message.sources));
    parentPort!.postMessage({ id: message.id, packed }, transferablesOf(packed));
  } catch (error) {
    parentPort!.postMessage({ id: message.id, error: (error as Error).message });
  }
});
