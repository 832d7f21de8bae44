import type { Worker } from 'node:worker_threads';
import { spawnSiblingWorker } from '../worker-thread.js';
import { unpackBatch, type ArticleSource, type PackedBatch, type PreparedBatch } from './prepare.js';

/** Worker threads that run prepareBatch; each batch goes to the least busy one. */
export function createPreparePool(size: number) {
  const spawn = () => spawnSiblingWorker(import.meta.url, 'prepare-worker');
  const pending = new Map<number, { resolve: (batch: PreparedBatch) => void; reject: (error: Error) => void }>();
  const load = new Map<Worker, number>();
  let nextId = 0;
  const workers = Array.from({ length: Math.max(1, size) }, () => {
    const worker = spawn();
    load.set(worker, 0);
    worker.on('message', (message: { id: number; packed?: PackedBatch; error?: string }) => {
      load.set(worker, load.get(worker)! - 1);
      const waiting = pending.get(message.id);
      pending.delete(message.id);
      if (message.packed) waiting?.resolve(unpackBatch(message.packed));
      else waiting?.reject(new Error(`preparing a batch failed: ${message.error}`));
    });
    worker.on('error', (error) => {
      for (const waiting of pending.values()) waiting.reject(error);
      pending.clear();
    });
    return worker;
  });
  return {
    prepare(sources: ArticleSource[]): Promise<PreparedBatch> {
      const worker = workers.reduce((best, w) => (load.get(w)! < load.get(best)! ? w : best));
      load.set(worker, load.get(worker)! + 1);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, sources });
      });
    },
    async close(): Promise<void> {
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}
