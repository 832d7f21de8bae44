import { parentPort } from 'node:worker_threads';
import { prepareBatch, type ArticleSource } from './prepare.js';

/** A worker thread of the import pipeline: prepares batches (prepare.ts) sent by the importer. */
parentPort!.on('message', (message: { id: number; sources: ArticleSource[] }) => {
  try {
    parentPort!.postMessage({ id: message.id, batch: prepareBatch(message.sources) });
  } catch (error) {
    parentPort!.postMessage({ id: message.id, error: (error as Error).message });
  }
});
