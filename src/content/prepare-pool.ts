import { spawnSiblingWorker } from '../worker-thread.js';
import { unpackBatch, type PackedBatch, type PrepareChunk } from './prepare-message.js';
import type { ArticleSource, PreparedBatch } from './prepare.js';

/**
 * The worker for the next batch: the fewest batches outstanding, and among those the one given a
 * batch least recently (`lastGiven`: the number of its last batch, -1 for none).
 */
export function pickWorker(outstanding: readonly number[], lastGiven: readonly number[]): number {
  let best = 0;
  for (let w = 1; w < outstanding.length; w++) {
    if (outstanding[w]! < outstanding[best]! || (outstanding[w] === outstanding[best] && lastGiven[w]! < lastGiven[best]!)) best = w;
  }
  return best;
}

/**
 * The workers' nice value, below the writer's: on a machine with fewer cores than the import has
 * threads, the writer (which reads, validates, commits and merges, a batch at a time) is the
 * pipeline's narrowest stage, and a worker that took its core only delayed it; the workers have
 * batches queued and catch up whenever the writer waits. Also kinder to a site serving from the
 * same machine. (Linux only: see lowerThreadPriority.)
 */
export const WORKER_NICE = 10;

interface Pending {
  resolve: (batch: PreparedBatch) => void;
  reject: (error: Error) => void;
}

/** A batch being sent to a worker a part at a time; `end` sends the last part. */
export interface BatchInPreparation {
  add(sources: ArticleSource[]): void;
  end(sources?: ArticleSource[]): Promise<PreparedBatch>;
}

/**
 * Worker threads that prepare batches (prepare.ts), each with its bodies as UTF-8 bytes. A batch's
 * parts are posted as they come, so a worker starts on it as soon as it is free, even while this
 * thread is busy admitting the rest, writing or merging (pickWorker chooses where).
 * Breaking ties by position put two batches behind the first worker while the other sat idle (one
 * worker did 24 s of a 100k import, the other 15 s, measured).
 */
export function createPreparePool(size: number, options: { nice?: number } = {}) {
  const pending = new Map<number, Pending>();
  const count = Math.max(1, size);
  const outstanding = new Array<number>(count).fill(0);
  const lastGiven = new Array<number>(count).fill(-1);
  const given = new Array<number>(count).fill(0);
  let nextId = 0;
  const workers = Array.from({ length: count }, (_, w) => {
    const worker = spawnSiblingWorker(import.meta.url, 'prepare-worker', { nice: options.nice ?? WORKER_NICE });
    worker.on('message', (message: { id: number; packed?: PackedBatch; error?: string }) => {
      outstanding[w]!--;
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
  // the batch being sent, if any: a worker builds one batch at a time (its SegmentBuilder's tables
  // are the thread's), so two batches' parts must never interleave on one worker
  let sending: number | undefined;
  /**
   * Starts a batch on the worker pickWorker chooses; send its parts in order, then end it. One
   * batch is sent at a time: beginning another before the last one ended throws.
   */
  function begin(): BatchInPreparation {
    if (sending !== undefined) throw new Error(`batch ${sending} is still being sent: end it before beginning another`);
    const w = pickWorker(outstanding, lastGiven);
    const id = nextId++;
    sending = id;
    outstanding[w]!++;
    lastGiven[w] = id;
    given[w]!++;
    const prepared = new Promise<PreparedBatch>((resolve, reject) => pending.set(id, { resolve, reject }));
    const post = (chunk: PrepareChunk) => {
      if (sending !== id) throw new Error(`batch ${id} was ended already`);
      workers[w]!.postMessage(chunk);
    };
    return {
      add: (sources) => post({ id, sources, last: false }),
      end: (sources = []) => {
        post({ id, sources, last: true });
        sending = undefined;
        return prepared;
      },
    };
  }
  return {
    /** How many worker threads it has. */
    size: count,
    begin,
    /** A whole batch in one message. */
    prepare: (sources: ArticleSource[]): Promise<PreparedBatch> => begin().end(sources),
    /** How many batches each worker has been given (diagnostics, tests). */
    batchesPerWorker: (): number[] => [...given],
    async close(): Promise<void> {
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}

export type PreparePool = ReturnType<typeof createPreparePool>;
