import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { spawnSiblingWorker } from '../worker-thread.js';
import type { SegmentInfo } from './segment-reader.js';
import type { FieldMatches } from './segment-terms.js';
import type { TermPhrase } from './tokenize.js';

/**
 * Search helper threads: a query's segments are shared out between the asking thread and helpers
 * (segment-worker.ts), each evaluating its share at the same time, so a large query takes about
 * the time of its largest share instead of all of it. The SearchIndex interface stays synchronous:
 * the asker does its own share, then blocks on a shared counter until each helper has answered,
 * and takes the answer off the port without its event loop (receiveMessageOnPort). A helper that
 * fails, is slow or saw another state of the index costs time, never a wrong result: its share is
 * then evaluated by the asker.
 */

export interface HelperTask {
  task: number;
  segments: SegmentInfo[];
  /** Every segment the asker's read transaction sees. */
  snapshot: readonly SegmentInfo[];
  terms: TermPhrase[][];
}

export type HelperReply = { task: number; matches: FieldMatches[][] } | { task: number; stale: true } | { task: number; error: string };

export interface SearchHelperOptions {
  /** Helper threads (0: none). */
  threads: number;
  /** Indexes with fewer documents than this are searched in one thread (helpers cost ~0.1 ms a query). */
  minDocuments: number;
  /** How long the asker waits for a helper before doing its share itself. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** What a helper that cannot work (its database would not open) leaves in its signal. */
export const HELPER_BROKEN = -1;

export function sameSegments(a: readonly SegmentInfo[], b: readonly SegmentInfo[]): boolean {
  return a.length === b.length && a.every((s, i) => s.id === b[i]!.id && s.base === b[i]!.base && s.span === b[i]!.span && s.level === b[i]!.level);
}

/** The buffers of a reply's arrays, each once (arrays may share one; empty ones are copied, not moved). */
export function transferablesOf(matches: FieldMatches[][]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const segment of matches) {
    for (const term of segment) {
      for (const field of [term.head, term.body]) {
        for (const array of [field.docs, field.weights, field.zones]) if (array.byteLength > 0) buffers.add(array.buffer as ArrayBuffer);
      }
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

  constructor(dbPath: string, timeoutMs: number) {
    const { port1, port2 } = new MessageChannel();
    this.#port = port1;
    this.#timeoutMs = timeoutMs;
    this.#worker = spawnSiblingWorker(import.meta.url, 'segment-worker', { dbPath, port: port2, signal: this.#signal }, [port2]);
    // a helper never keeps a process alive; its death is noticed between requests
    this.#worker.unref();
    this.#worker.on('error', () => (this.failed = true));
    this.#worker.on('exit', () => (this.failed = true));
  }

  send(segments: SegmentInfo[], snapshot: readonly SegmentInfo[], terms: TermPhrase[][]): number {
    const task = ++this.#nextTask;
    this.#port.postMessage({ task, segments, snapshot, terms } satisfies HelperTask);
    return task;
  }

  /** The helper's matches for `task`, or undefined when the asker must do the share itself. */
  receive(task: number): FieldMatches[][] | undefined {
    const deadline = performance.now() + this.#timeoutMs;
    for (;;) {
      const received = receiveMessageOnPort(this.#port);
      if (received) {
        const reply = received.message as HelperReply;
        // a late answer to a task already given up on
        if (reply.task !== task) continue;
        return 'matches' in reply ? reply.matches : undefined;
      }
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
  /** Shares evaluated by a helper, and shares a helper gave back (stale, failed, late) for this thread to do. */
  readonly stats = { answered: 0, fellBack: 0 };

  constructor(dbPath: string, options: SearchHelperOptions) {
    this.#dbPath = dbPath;
    this.#options = options;
  }

  /**
   * Each segment's matches, in the order given: `local` evaluates a segment in this thread. With
   * helpers, the segments are shared out by size (largest first, to the least loaded thread).
   */
  evaluate(segments: readonly SegmentInfo[], terms: TermPhrase[][], local: (segment: SegmentInfo) => FieldMatches[]): FieldMatches[][] {
    const documents = segments.reduce((sum, s) => sum + s.span, 0);
    const helpers = segments.length > 1 && documents >= this.#options.minDocuments ? this.#started() : [];
    if (helpers.length === 0) return segments.map(local);
    const shares: number[][] = Array.from({ length: helpers.length + 1 }, () => []);
    const load = new Array<number>(shares.length).fill(0);
    const bySize = segments.map((_, i) => i).sort((a, b) => segments[b]!.span - segments[a]!.span);
    for (const i of bySize) {
      const least = load.indexOf(Math.min(...load));
      shares[least]!.push(i);
      load[least]! += segments[i]!.span;
    }
    const tasks = helpers.map((helper, h) => {
      const share = shares[h + 1]!;
      return share.length > 0 ? helper.send(share.map((i) => segments[i]!), segments, terms) : 0;
    });
    const out: FieldMatches[][] = new Array(segments.length);
    for (const i of shares[0]!) out[i] = local(segments[i]!);
    helpers.forEach((helper, h) => {
      const share = shares[h + 1]!;
      if (share.length === 0) return;
      const matches = helper.receive(tasks[h]!);
      if (matches) this.stats.answered++;
      else this.stats.fellBack++;
      share.forEach((i, k) => (out[i] = matches?.[k] ?? local(segments[i]!)));
    });
    return out;
  }

  /**
   * The working helpers, started when first needed (small indexes never start them). A failed one
   * is not replaced: what broke it would most likely break the next.
   */
  #started(): SearchHelper[] {
    const { threads, timeoutMs = DEFAULT_TIMEOUT_MS } = this.#options;
    this.#helpers ??= Array.from({ length: Math.max(0, threads) }, () => new SearchHelper(this.#dbPath, timeoutMs));
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
