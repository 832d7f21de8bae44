import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/open.js';
import { parseQuery, type ParsedQuery } from '../search/query.js';
import type { Services } from '../services.js';
import type { QueryClass, QueryClassId } from './queries.js';
import { normalizeText } from '../search/normalize.js';
import { relatedWords } from '../search/related.js';
import { RELATED_LIMIT, RELATED_THRESHOLD } from '../search/service.js';
import { max, median, percentile, timeMs } from './stats.js';

export const SEARCH_LIMIT = 20;
/** The scans' test of one term (bound twice): 1 when the article holds it, else 0. */
const HOLDS_TERM = '(instr(lower(title), ?) > 0 OR instr(lower(body_md), ?) > 0)';
/** Rows the related scan keeps: the engine's short list (three times the section, segment-index.ts related). */
const RELATED_SCAN_LIMIT = RELATED_LIMIT * 3;

/** Latency figures of one class: medians over runs of each run's p50 and p99; max over all runs. */
export interface LatencyFigures {
  p50: number;
  p99: number;
  max: number;
}

export interface BruteFigures {
  queries: number;
  /** Median brute-force scan time over the sampled queries. */
  bruteMedian: number;
  /** Median engine time of the same queries (same call as the latency table). */
  engineMedian: number;
  /** bruteMedian / engineMedian. */
  ratio: number;
}

export interface ClassResult {
  id: QueryClassId;
  label: string;
  source: string;
  examples: string[];
  samples: number;
  /** Queries timed per run: fewer than samples when the class ran out of its time budget. */
  measured: number;
  viaService: boolean;
  /** Median number of matching articles over the class's queries. */
  medianMatches: number;
  /** Share of queries that got a related section (service class only). */
  relatedShare?: number;
  search: LatencyFigures;
  count: LatencyFigures;
  /** Queries whose count() differed from search().total (should be 0). */
  countMismatches: number;
  brute?: BruteFigures;
}

export interface SearchBenchOptions {
  runs: number;
  /** Milliseconds one class may take in one run; the rest of its queries are skipped (slow classes at large sizes). */
  classBudgetMs: number;
  /** Queries per class timed against the brute-force scan. */
  bruteQueries: number;
  log: (line: string) => void;
}

interface RunTimes {
  search: number[];
  count: number[];
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Runs the query mix `runs` times against the index (result cache off), then the brute-force comparison. */
export function runSearchBench(services: Services, db: Db, mix: QueryClass[], options: SearchBenchOptions): ClassResult[] {
  const aliases = services.catalog().searchAliases;
  const parse = (q: string): ParsedQuery => parseQuery(q, { aliases });

  /** One search as the benchmark times it; returns the exact total (and whether related results showed). */
  const searchOnce = (cls: QueryClass, q: string): { total: number; related: boolean } => {
    if (cls.viaService) {
      const outcome = services.search.search({ q, page: 1, limit: SEARCH_LIMIT });
      return { total: outcome.total, related: outcome.related.length > 0 };
    }
    return { total: services.index.search(parse(q), {}, 0, SEARCH_LIMIT).total, related: false };
  };
  const countOnce = (q: string): number => services.index.count(parse(q), {});

  const perClass = new Map<QueryClassId, { runs: RunTimes[]; totals: number[]; related: number; mismatches: number; measured: number }>();
  for (const cls of mix) perClass.set(cls.id, { runs: [], totals: [], related: 0, mismatches: 0, measured: 0 });

  for (let run = 1; run <= options.runs; run++) {
    const runStart = Date.now();
    for (const cls of mix) {
      gc();
      const times: RunTimes = { search: [], count: [] };
      const record = perClass.get(cls.id)!;
      // later runs time the same queries the first run got through within its budget
      const queries = run === 1 ? cls.queries : cls.queries.slice(0, record.measured);
      const classStart = Date.now();
      for (const q of queries) {
        if (Date.now() - classStart > options.classBudgetMs) {
          options.log(`search run ${run}/${options.runs} ${cls.label}: time budget of ${options.classBudgetMs / 1000} s spent after ${times.search.length} queries`);
          break;
        }
        if (run === 1) searchOnce(cls, q); // warm-up, once per query
        const searched = timeMs(() => searchOnce(cls, q));
        const counted = timeMs(() => countOnce(q));
        times.search.push(searched.ms);
        times.count.push(counted.ms);
        if (run === 1) {
          record.totals.push(searched.value.total);
          if (searched.value.related) record.related++;
          if (!cls.viaService && counted.value !== searched.value.total) {
            record.mismatches++;
            options.log(`WARNING: count and search disagree for ${JSON.stringify(q)}: ${counted.value} vs ${searched.value.total}`);
          }
        }
      }
      record.runs.push(times);
      if (run === 1) record.measured = times.search.length;
      options.log(
        `search run ${run}/${options.runs} ${cls.label.padEnd(18)} p50 ${percentile(times.search, 50).toFixed(2)} ms, p99 ${percentile(times.search, 99).toFixed(2)} ms, count p50 ${percentile(times.count, 50).toFixed(2)} ms`,
      );
    }
    options.log(`search run ${run}/${options.runs} done in ${((Date.now() - runStart) / 1000).toFixed(1)} s`);
  }

  // Brute force: the scan a site without an index would do, on the same connection.
  const scans = new Map<number, Statement<string[], { id: number }>>();
  const scanFor = (terms: number) => {
    let stmt = scans.get(terms);
    if (!stmt) {
      const condition = Array.from({ length: terms }, () => HOLDS_TERM).join(' AND ');
      stmt = db.prepare<string[], { id: number }>(`SELECT id FROM articles WHERE status = 'published' AND ${condition} ORDER BY published_ts DESC`);
      scans.set(terms, stmt);
    }
    return stmt;
  };
  // the related section's scan: how many of the query's words each article holds, most first
  const relatedScans = new Map<number, Statement<string[], { id: number; matched: number }>>();
  const relatedScanFor = (words: number) => {
    let stmt = relatedScans.get(words);
    if (!stmt) {
      const matched = Array.from({ length: words }, () => HOLDS_TERM).join(' + ');
      stmt = db.prepare<string[], { id: number; matched: number }>(
        `SELECT id, matched FROM (SELECT id, published_ts, ${matched} AS matched FROM articles WHERE status = 'published') WHERE matched > 0 ORDER BY matched DESC, published_ts DESC LIMIT ${RELATED_SCAN_LIMIT}`,
      );
      relatedScans.set(words, stmt);
    }
    return stmt;
  };
  /** The scan that answers what the engine answers: the exact matches and, for the service class, the related section's words. */
  const scanOnce = (cls: QueryClass, terms: string[]): number => {
    const exact = scanFor(terms.length).all(...terms.flatMap((term) => [term, term])).length;
    if (!cls.viaService || exact >= RELATED_THRESHOLD) return exact;
    const words = relatedWords(terms).map(normalizeText);
    if (words.length > 0) relatedScanFor(words.length).all(...words.flatMap((word) => [word, word]));
    return exact;
  };
  const brute = new Map<QueryClassId, BruteFigures>();
  if (options.bruteQueries > 0) {
    for (const cls of mix) {
      const queries = [...new Set(cls.queries.slice(0, Math.max(1, perClass.get(cls.id)!.measured)))].slice(0, options.bruteQueries);
      const bruteTimes: number[] = [];
      const engineTimes: number[] = [];
      for (const q of queries) {
        const terms = parse(q).include.map((term) => term.text);
        if (terms.length === 0) continue;
        const scanned = timeMs(() => scanOnce(cls, terms));
        bruteTimes.push(scanned.ms);
        const engine = [timeMs(() => searchOnce(cls, q))];
        // a median of three for fast queries; one call is enough for slow ones
        while (engine.length < 3 && engine[0]!.ms < 250) engine.push(timeMs(() => searchOnce(cls, q)));
        engineTimes.push(median(engine.map((e) => e.ms)));
        options.log(
          `brute force ${cls.label.padEnd(18)} ${JSON.stringify(q).padEnd(24)} scan ${scanned.ms.toFixed(0)} ms (${scanned.value} rows), engine ${median(engine.map((e) => e.ms)).toFixed(2)} ms (${engine[0]!.value.total} matches)`,
        );
      }
      const bruteMedian = median(bruteTimes);
      const engineMedian = median(engineTimes);
      brute.set(cls.id, { queries: bruteTimes.length, bruteMedian, engineMedian, ratio: bruteMedian / engineMedian });
    }
  }

  return mix.map((cls) => {
    const record = perClass.get(cls.id)!;
    const figures = (pick: (r: RunTimes) => number[]): LatencyFigures => ({
      p50: median(record.runs.map((r) => percentile(pick(r), 50))),
      p99: median(record.runs.map((r) => percentile(pick(r), 99))),
      max: max(record.runs.map((r) => max(pick(r)))),
    });
    const bruteFigures = brute.get(cls.id);
    return {
      id: cls.id,
      label: cls.label,
      source: cls.source,
      examples: [...new Set(cls.queries)].slice(0, 3),
      samples: cls.queries.length,
      measured: record.measured,
      viaService: cls.viaService,
      medianMatches: median(record.totals),
      ...(cls.viaService ? { relatedShare: record.related / Math.max(1, record.measured) } : {}),
      search: figures((r) => r.search),
      count: figures((r) => r.count),
      countMismatches: record.mismatches,
      ...(bruteFigures ? { brute: bruteFigures } : {}),
    };
  });
}
