import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { spawnSiblingWorker } from '../worker-thread.js';
import type { DocumentFacts, SegmentRelated, SegmentRelatedResult, SegmentSearch, SegmentSearchResult } from './segment-query.js';
import type { SegmentInfo } from './segment-reader.js';

/**
 * Search helper threads: a query's segments are shared out between the asking thread and helpers
 * (segment-worker.ts), each evaluating its share at the same time, so a large query takes about
 * the time of its largest share instead of all of it. The SearchIndex interface stays synchronous:
 * the asker does its own share, then blocks on a shared counter until each helper has answered,
 * and takes the answer off the port without its event loop (receiveMessageOnPort). A helper that
 * fails, is slow or saw another state of the index costs time, never a wrong result: its share is
 * then evaluated by the asker.
 */

/** What a helper does to each segment of its share (segment-query.ts). */
export type HelperWork = { kind: 'search'; search: SegmentSearch; facts: DocumentFacts } | { kind: 'related'; related: SegmentRelated; facts: DocumentFacts };
interface WorkResults {
  search: SegmentSearchResult;
  related: SegmentRelatedResult;
}
type Result = WorkResults[keyof WorkResults];

/** The segments a query reads, as the asker's transaction sees them. */
export interface IndexView {
  segments: readonly SegmentInfo[];
  generation: number;
}

export interface HelperTask {
  task: number;
  segments: SegmentInfo[];
  /** Every segment the asker's read transaction sees, and their generation. */
  snapshot: readonly SegmentInfo[];
  generation: number;
  work: HelperWork;
}

export type HelperReply = { task: number; results: Result[] } | { task: number; stale: true } | { task: number; error: string };

export interface SearchHelperOptions {
  /** Helper threads (0: none). */
  threads: number;
  /** Indexes with fewer documents than this are searched in one thread (helpers cost ~0.1 ms a query). */
  minDocuments: number;
  /** How long the asker waits for a helper before doing its share itself. */
  timeoutMs?: number;
  /** Bytes of lists each helper's connection keeps (LIST_CACHE_BYTES). */
  listCacheBytes?: number;
  /**
   * When the asker's own share took less than this and the helper has not answered yet, the asker
   * does the helper's share too rather than wait (default 2 ms). Measured on this 2-core machine:
   * waking an idle helper costs about 1 ms, and a helper runs the same share 15-40 % slower than
   * the request thread, so below ~2 ms a query is faster alone; above, sharing wins.
   */
  takeBackMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_TAKE_BACK_MS = 2;
/** What a helper that cannot work (its database would not open) leaves in its signal. */
export const HELPER_BROKEN = -1;

export function sameSegments(a: readonly SegmentInfo[], b: readonly SegmentInfo[]): boolean {
  return a.length === b.length && a.every((s, i) => s.id === b[i]!.id && s.base === b[i]!.base && s.span === b[i]!.span && s.level === b[i]!.level);
}

/**
 * The buffers of a reply's typed arrays (fields, or arrays of them), each once: arrays may share
 * one. Empty ones are copied, not moved, and shared memory needs neither.
 */
export function transferablesOf(results: readonly Result[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  const add = (value: unknown) => {
    if (ArrayBuffer.isView(value) && value.byteLength > 0 && value.buffer instanceof ArrayBuffer) buffers.add(value.buffer);
  };
  for (const result of results) {
    for (const value of Object.values(result)) {
      if (Array.isArray(value)) value.forEach(add);
      else add(value);
    }
  }
  return [...buffers];
}

class SearchHelper {
  readonly #worker: Worker;
  readonly #port: MessagePort;
  readonly #signal = new Int32Array(new SharedArrayBuffer(4));
  readonly #timeoutMs: number;
  #nextTask = 0;
  failed = false;

  constructor(dbPath: string, timeoutMs: number, listCacheBytes: number | undefined) {
    const { port1, port2 } = new MessageChannel();
    this.#port = port1;
    this.#timeoutMs = timeoutMs;
    this.#worker = spawnSiblingWorker(import.meta.url, 'segment-worker', { dbPath, port: port2, signal: this.#signal, listCacheBytes }, [port2]);
    // a helper never keeps a process alive; its death is noticed between requests
    this.#worker.unref();
    this.#worker.on('error', () => (this.failed = true));
    this.#worker.on('exit', () => (this.failed = true));
  }

  send(segments: SegmentInfo[], index: IndexView, work: HelperWork): number {
    const task = ++this.#nextTask;
    this.#port.postMessage({ task, segments, snapshot: index.segments, generation: index.generation, work } satisfies HelperTask);
    return task;
  }

  /**
   * The helper's results for `task`, or undefined when the asker must do the share itself. With
   * `wait` false, null when the helper has not answered yet.
   */
  receive(task: number, wait = true): Result[] | undefined | null {
    const deadline = performance.now() + this.#timeoutMs;
    for (;;) {
      const received = receiveMessageOnPort(this.#port);
      if (received) {
        const reply = received.message as HelperReply;
        // a late answer to a task already given up on
        if (reply.task !== task) continue;
        return 'results' in reply ? reply.results : undefined;
      }
      if (!wait) return null;
      const seen = Atomics.load(this.#signal, 0);
      if (seen === task) continue;
      if (seen === HELPER_BROKEN) this.failed = true;
      if (this.failed) return undefined;
      const left = deadline - performance.now();
      if (left <= 0) return undefined;
      Atomics.wait(this.#signal, 0, seen, left);
    }
  }

  close(): Promise<number> {
    return this.#worker.terminate();
  }
}

export class SearchHelpers {
  readonly #dbPath: string;
  readonly #options: SearchHelperOptions;
  #helpers: SearchHelper[] | undefined;
  /**
   * Shares a helper answered; shares it gave back (stale, failed, too late) for this thread to do;
   * shares this thread took back because its own was light (see takeBackMs).
   */
  readonly stats = { answered: 0, fellBack: 0, takenBack: 0 };

  constructor(dbPath: string, options: SearchHelperOptions) {
    this.#dbPath = dbPath;
    this.#options = options;
  }

  /**
   * Each segment's results, in the order given: `local` evaluates a segment in this thread. With
   * helpers, the segments are shared out by size (largest first, to the least loaded thread),
   * unless `worthSharing` finds this thread's share too light to be worth a helper.
   */
  evaluate<K extends HelperWork['kind']>(
    index: IndexView,
    work: Extract<HelperWork, { kind: K }>,
    local: (segment: SegmentInfo) => WorkResults[K],
    worthSharing: (ownShare: SegmentInfo[]) => boolean = () => true,
  ): Array<WorkResults[K]> {
    const { segments } = index;
    const documents = segments.reduce((sum, s) => sum + s.span, 0);
    // facts outside shared memory would be copied into every task: more than the helper saves
    const shareable = work.facts.alive.buffer instanceof SharedArrayBuffer;
    const threads = this.#helpers ? this.working : Math.max(0, this.#options.threads);
    if (!shareable || threads === 0 || segments.length < 2 || documents < this.#options.minDocuments) return segments.map(local);
    const shares: number[][] = Array.from({ length: threads + 1 }, () => []);
    const load = new Array<number>(shares.length).fill(0);
    const bySize = segments.map((_, i) => i).sort((a, b) => segments[b]!.span - segments[a]!.span);
    for (const i of bySize) {
      const least = load.indexOf(Math.min(...load));
      shares[least]!.push(i);
      load[least]! += segments[i]!.span;
    }
    // too little work to share: sized from the lists this thread's own share will read
    if (!worthSharing(shares[0]!.map((i) => segments[i]!))) return segments.map(local);
    const helpers = this.#started();
    // (a helper that failed since `threads` was counted leaves its share to this thread)
    while (helpers.length < threads) shares[0]!.push(...shares.pop()!);
    const tasks = helpers.map((helper, h) => {
      const share = shares[h + 1]!;
      return share.length > 0 ? helper.send(share.map((i) => segments[i]!), index, work) : 0;
    });
    const out: Array<WorkResults[K]> = new Array(segments.length);
    const started = performance.now();
    for (const i of shares[0]!) out[i] = local(segments[i]!);
    const light = performance.now() - started < (this.#options.takeBackMs ?? DEFAULT_TAKE_BACK_MS);
    helpers.forEach((helper, h) => {
      const share = shares[h + 1]!;
      if (share.length === 0) return;
      // a reply answers the task it was sent, whose kind is this one's
      let results = helper.receive(tasks[h]!, false) as Array<WorkResults[K]> | undefined | null;
      if (results === null && light) {
        this.stats.takenBack++;
        results = undefined;
      } else {
        if (results === null) results = helper.receive(tasks[h]!) as Array<WorkResults[K]> | undefined;
        if (results) this.stats.answered++;
        else this.stats.fellBack++;
      }
      share.forEach((i, k) => (out[i] = results?.[k] ?? local(segments[i]!)));
    });
    return out;
  }

  /**
   * The working helpers, started when first needed (small indexes never start them). A failed one
   * is not replaced: what broke it would most likely break the next.
   */
  #started(): SearchHelper[] {
    const { threads, timeoutMs = DEFAULT_TIMEOUT_MS } = this.#options;
    this.#helpers ??= Array.from({ length: Math.max(0, threads) }, () => new SearchHelper(this.#dbPath, timeoutMs, this.#options.listCacheBytes));
    return this.#helpers.filter((helper) => !helper.failed);
  }

  /** Helper threads started and still working (for tests and the benchmark's report). */
  get working(): number {
    return this.#helpers?.filter((helper) => !helper.failed).length ?? 0;
  }

  async close(): Promise<void> {
    const helpers = this.#helpers ?? [];
    this.#helpers = [];
    await Promise.all(helpers.map((helper) => helper.close()));
  }
}
