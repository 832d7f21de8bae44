import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { unpackBatch, type ArticleSource, type PackedBatch, type PreparedBatch } from './prepare.js';

/** Worker threads that run prepareBatch; each batch goes to the least busy one. */
export function createPreparePool(size: number) {
  // the worker beside this module: .js when built; .ts when run by tsx (tests and `npm run dev`),
  // whose loader a worker thread must register for itself
  const extension = extname(fileURLToPath(import.meta.url));
  const url = new URL(`./prepare-worker${extension}`, import.meta.url);
  const spawn = () =>
    extension === '.ts'
      ? new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`, { eval: true })
      : new Worker(url);
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
