import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type Transferable } from 'node:worker_threads';

/**
 * Starts the worker module `name` (no extension) that sits beside `importerUrl`: `.js` when built;
 * `.ts` when run by tsx (tests and `npm run dev`), whose loader a worker thread must register for
 * itself before it can import TypeScript.
 */
export function spawnSiblingWorker(importerUrl: string, name: string, workerData?: unknown, transferList: Transferable[] = []): Worker {
  const extension = extname(fileURLToPath(importerUrl));
  const url = new URL(`./${name}${extension}`, importerUrl);
  if (extension !== '.ts') return new Worker(url, { workerData, transferList });
  const loader = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(loader, { eval: true, workerData, transferList });
}

/**
 * Lowers the scheduling priority of the calling thread alone to `nice` (Linux gives each thread its
 * own nice value; /proc/thread-self names it). Where that is not possible (another system, a
 * sandbox) nothing changes. Returns whether it did.
 */
export function lowerThreadPriority(nice: number): boolean {
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(threadId) || threadId <= 0) return false;
    setPriority(threadId, nice);
    return true;
  } catch {
    return false;
  }
}
