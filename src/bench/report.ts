import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { HELPER_MIN_ENTRIES } from '../search/segment-index.js';
import { LIST_CACHE_BYTES } from '../search/segment-reader.js';
import type { HttpSuiteResult } from './http.js';
import type { ClassResult } from './search.js';
import { IMPORT_ENV, IMPORT_NODE_FLAGS } from './import-flags.js';
import { formatBytes, formatInt, formatMs, formatPercent, formatRatio, median } from './stats.js';

export interface MachineInfo {
  cpuModel: string;
  cpuCount: number;
  totalMemory: number;
  os: string;
  kernel: string;
  node: string;
  sqlite: string;
  betterSqlite3: string;
  loadAverage: number[];
}

export interface ImportFigures {
  docs: number;
  /** PRAGMA user_version of the database built. */
  schemaVersion: number;
  /** UTF-8 bytes of the Markdown bodies generated. */
  markdownBytes: number;
  seconds: number;
  rate: number;
  /** CPU time of all the import's threads (user + system), and the cores it had (absent in older reports). */
  cpuSeconds?: number;
  cores?: number;
  /** Of that CPU time, the kernel's; and the process's minor page faults (absent in older reports). */
  systemSeconds?: number;
  minorFaults?: number;
  dbBytes: number;
  walBytes: number;
  /** Database file after PRAGMA wal_checkpoint(TRUNCATE). */
  dbBytesCheckpointed: number;
  rssAfter: number;
  heapUsedAfter: number;
  peakRss: number;
  builtAt: string;
  /** Import worker threads and records per batch (absent in reports written before they existed). */
  workers?: number;
  batchSize?: number;
  /** How the import wrote (BulkWrites.journal; absent in reports written before it was recorded). */
  journal?: 'rollback' | 'wal' | 'memory';
  /** Every import of the corpus in this build, in order; `seconds` and `rate` are then of the median run (absent before runs were repeated). */
  runs?: ImportRun[];
}

export interface ImportRun {
  seconds: number;
  /** CPU time of the run's threads: beside its wall time, how much of the cores it got. */
  cpuSeconds?: number;
  /**
   * The kernel's share of it and the page faults: a run that took more CPU for the same work did
   * so in the kernel (faults, I/O) or in our code, and these tell which.
   */
  systemSeconds?: number;
  minorFaults?: number;
}

/** What a run's figures say of its CPU time (the ImportRun fields the import process measured). */
export function runUsage(f: ImportFigures): Omit<ImportRun, 'seconds'> {
  return {
    ...(f.cpuSeconds !== undefined ? { cpuSeconds: f.cpuSeconds } : {}),
    ...(f.systemSeconds !== undefined ? { systemSeconds: f.systemSeconds } : {}),
    ...(f.minorFaults !== undefined ? { minorFaults: f.minorFaults } : {}),
  };
}

export interface MemoryFigures {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
}

/** How the search helper threads took part (SegmentSearchIndex.helperStats after the search runs). */
export interface HelperFigures {
  working: number;
  answered: number;
  fellBack: number;
  takenBack: number;
}

export interface BenchReport {
  docs: number;
  date: Date;
  command: string;
  machine: MachineInfo;
  seed: number;
  generatorVersion: number;
  samples: number;
  runs: number;
  bruteQueries: number;
  /** Seconds per class and run before remaining queries are skipped. */
  classBudget: number;
  dbPath: string;
  /** Absent in reports written before search helper threads existed. */
  helpers?: HelperFigures;
  importFigures: ImportFigures;
  reused: boolean;
  /** Space per table with its indexes (dbstat), largest first, measured in this run when dbstat is available. */
  space?: Array<{ name: string; bytes: number }>;
  search: ClassResult[];
  memoryAfterSearch: MemoryFigures;
  http: HttpSuiteResult | undefined;
  seconds: number;
}

const FILE_HEADER = `# 寻文 benchmarks

Written by \`npm run bench\` (\`src/cli/bench.ts\`, helpers in \`src/bench/\`). The file has one section per
corpus size (\`--docs N\`); a run replaces only the section of the size it measured, so edit nothing
inside a section by hand.

## How to read these numbers

- **Corpus.** Synthetic and deterministic (\`src/bench/corpus.ts\`): Chinese technical prose (≈ 2.2 KB of
  Markdown per article, a few \`##\` headings, now and then a \`bash\` block) from a few hundred Chinese
  technical words and a hundred Latin terms with Zipf-like frequencies, written once to a JSON Lines
  file (not timed) and imported from it as \`npm run import\` does, in a process of its own started
  with the same Node flags (\`${IMPORT_NODE_FLAGS.join(' ')}\`) and environment (\`${Object.entries(IMPORT_ENV).map(([k, v]) => `${k}=${v}`).join(' ')}\`) — reading and parsing the file,
  validation, the Markdown parse, hashing, MinHash, the index segment (in worker threads, one per
  core) and the transactions (main thread) — into \`bench-data/bench-<N>.db\`. The import runs three
  times (\`--import-runs\`), each into a new database, one after another; the rate is that of the
  median run. Every run is listed with the CPU time its threads used, the share of the cores
  that kept busy and the kernel's part (system time, page faults): one import takes ~20 s, the
  machine's neighbours come and go within a minute, and a run that kept the cores far less busy
  than the others shared them. A later run reuses the last
  database unless \`--rebuild\`; its import figures are then those of the runs that built it.
- **Search.** The result cache is off; the list cache (raw posting lists read from SQLite, as the
  server keeps them) is at its default, ${formatBytes(LIST_CACHE_BYTES)} per connection. The engine is first warmed up as the server does at start
  (\`SearchService.warmUp\`: up to three rounds of a dozen fixed queries, one of each shape). Every
  query is run once to warm up (in the first run), then
  timed once per run; the whole mix runs three times and the tables show the **median of the three per-run p50 and p99** (the machine
  is shared and noisy); *max* is the slowest single query over all runs. With 40 queries per class
  the p99 of a run is its slowest query. "top 20 + total" is \`SearchIndex.search(query, {}, 0, 20)\`:
  the first page in rank order and the exact number of matches; "count" is \`SearchIndex.count\`.
  The related-fallback row goes through the search service (exact results, related section and
  snippets), as the search page does. A class that takes more than its time budget in a run
  (\`--class-budget\`, 30 s) is timed on fewer queries; the table says so.
- **Brute force.** For a few queries per class, the same SQLite connection scans every published
  article with \`instr(lower(title), ?) OR instr(lower(body_md), ?)\` (one pair per term; the Markdown, since plain text is not stored) ordered by
  date; the speed-up is its median divided by the engine's median on the same queries.
- **HTTP.** Servers run as child processes; autocannon drives them from the benchmark process on
  the same cores, so absolute requests/s are modest. **Ratios to hello-world measured in the same
  run** are what to compare across runs and machines.
`;

const SECTION_HEADING = /^## ([\d,]+) articles[ \t]*$/;

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function code(text: string): string {
  const ticks = text.includes('`') ? '``' : '`';
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${escapeCell(text)}${pad}${ticks}`;
}

function table(header: string[], align: Array<'l' | 'r'>, rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(align.map((a) => (a === 'r' ? '---:' : '---'))), ...rows.map(line)].join('\n');
}

function minutes(seconds: number): string {
  return seconds < 90 ? `${Math.round(seconds)} s` : `${(seconds / 60).toFixed(1)} minutes`;
}

/** The figures of a build's last import with every run of it: time and rate become the median run's. */
export function withRuns(last: ImportFigures, runs: ImportRun[]): ImportFigures {
  const seconds = median(runs.map((r) => r.seconds));
  return { ...last, seconds, rate: last.docs / seconds, runs };
}

/**
 * ' (CPU 36.0 s, 100 % of 2 cores; system 4.1 s, 281k page faults)': how much of the machine a run
 * got (other tenants had the rest), and how much of its CPU time the kernel took.
 */
function cpuShare(run: Omit<ImportRun, 'seconds'>, seconds: number, cores: number | undefined): string {
  const { cpuSeconds, systemSeconds, minorFaults } = run;
  if (cpuSeconds === undefined || !cores) return '';
  const kernel = systemSeconds !== undefined && minorFaults !== undefined ? `; system ${systemSeconds.toFixed(1)} s, ${Math.round(minorFaults / 1000)}k page faults` : '';
  return ` (CPU ${cpuSeconds.toFixed(1)} s, ${Math.round((100 * cpuSeconds) / (seconds * cores))} % of ${cores} cores${kernel})`;
}

/** The wall time, and with repeated runs each run's time, rate and share of the cores. */
export function importTimeRows(f: ImportFigures): string[][] {
  if (!f.runs || f.runs.length < 2) return [['wall time', `${f.seconds.toFixed(1)} s${cpuShare(runUsage(f), f.seconds, f.cores)}`]];
  const runs = f.runs.map((r, i) => `${i + 1}: ${r.seconds.toFixed(1)} s = ${formatInt(f.docs / r.seconds)}/s${cpuShare(r, r.seconds, f.cores)}`);
  return [
    ['wall time', `${f.seconds.toFixed(1)} s, the median of ${f.runs.length} imports, each into a new database`],
    ['every run, in order', runs.join('; ')],
  ];
}

function importSection(report: BenchReport): string {
  const f = report.importFigures;
  const lines: string[] = ['### Import', ''];
  if (report.reused) {
    lines.push(
      `The database \`${report.dbPath}\` was reused (built ${f.builtAt.slice(0, 16).replace('T', ' ')} UTC); these figures are from that build. Run with \`--rebuild\` to measure the import again.`,
      '',
    );
  }
  const rows: string[][] = [
    ['articles', `${formatInt(f.docs)} (generator v${report.generatorVersion}, seed ${report.seed}; schema version ${f.schemaVersion})`],
    ['Markdown generated', `${formatBytes(f.markdownBytes)} (${formatInt(f.markdownBytes / Math.max(1, f.docs))} bytes per article)`],
    ...importTimeRows(f),
    ['rate', `**${formatInt(f.rate)} articles/s**${f.runs && f.runs.length > 1 ? ' (median run)' : ''} (reading the file, validation, Markdown parse, hashing, MinHash, storing, indexing and segment merges; ${f.workers ?? 1} worker threads, batches of ${formatInt(f.batchSize ?? 500)})`],
    ...(f.journal ? [['writes', f.journal === 'rollback' ? 'in place through a rollback journal (the import had the database to itself; README, "Import pipeline")' : `through the ${f.journal === 'wal' ? 'WAL, checkpointed by a thread of its own' : 'in-memory journal'}`]] : []),
    ['on disk right after the import', `${formatBytes(f.dbBytes + f.walBytes)} (database ${formatBytes(f.dbBytes)} + WAL ${formatBytes(f.walBytes)})`],
    ['on disk after a WAL checkpoint', formatBytes(f.dbBytesCheckpointed)],
  ];
  const space = report.space;
  if (space && space.length > 0) {
    const shown = space.filter((o) => o.bytes >= 1024 * 1024);
    const rest = space.filter((o) => o.bytes < 1024 * 1024).reduce((sum, o) => sum + o.bytes, 0);
    const parts = shown.map((o) => `${o.name} ${formatBytes(o.bytes)}`);
    if (rest > 0) parts.push(`the rest ${formatBytes(rest)}`);
    rows.push(['where the space is now (dbstat; each table with its indexes)', parts.join(', ')]);
    const index = space.filter((o) => o.name.startsWith('search_')).reduce((sum, o) => sum + o.bytes, 0);
    if (index > 0) rows.push(['full-text index (search_*) per byte of Markdown', `${(index / Math.max(1, f.markdownBytes)).toFixed(2)}`]);
  }
  rows.push(['RSS after the import', `${formatBytes(f.rssAfter)} (heap used ${formatBytes(f.heapUsedAfter)}; peak RSS ${formatBytes(f.peakRss)})`]);
  lines.push(table(['what', 'figure'], ['l', 'l'], rows));
  return lines.join('\n');
}

function searchSection(report: BenchReport): string {
  const lines: string[] = [
    '### Search latency (result cache off)',
    '',
    `${report.samples} queries per class, ${report.runs} run${report.runs === 1 ? '' : 's'} of the whole mix; milliseconds. p50 and p99 are medians of the per-run values; max is the slowest over all runs. "Median matches" is the exact total of a query, median over the class.`,
    '',
  ];
  if (report.helpers) {
    const h = report.helpers;
    lines.push(
      `Search helper threads: ${h.working} (\`SEARCH_THREADS\`, default one fewer than the cores). Over the runs, a helper evaluated ${formatInt(h.answered)} query shares; ${formatInt(h.takenBack)} light shares were taken back by the request thread, and ${formatInt(h.fellBack)} were handed back (stale, failed or late). Queries whose share reads fewer than ${formatInt(HELPER_MIN_ENTRIES)} list entries are not shared.`,
      '',
    );
  }
  const rows = report.search.map((c) => [
    c.viaService ? `${c.label} ¹` : c.label,
    c.measured < c.samples ? `${c.measured} of ${c.samples} ²` : String(c.measured),
    formatInt(c.medianMatches),
    `**${formatMs(c.search.p50)}**`,
    `**${formatMs(c.search.p99)}**`,
    formatMs(c.search.max),
    formatMs(c.count.p50),
    formatMs(c.count.p99),
    c.brute ? formatMs(c.brute.bruteMedian) : '—',
    c.brute ? formatRatio(c.brute.ratio) : '—',
  ]);
  lines.push(
    table(
      ['query class', 'queries', 'median matches', 'top 20 + total p50', 'p99', 'max', 'count p50', 'count p99', 'brute-force scan (median)', 'speed-up vs scan'],
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
      rows,
    ),
  );
  const service = report.search.find((c) => c.viaService);
  lines.push('');
  if (service) {
    lines.push(
      `¹ Through \`SearchService.search\` (page 1, 20 results): exact matches, then the related section (shown for ${formatPercent(service.relatedShare ?? 0)} of these queries), with snippets for both. Its brute-force scan does the same two things: one scan for the whole string and, when that finds fewer than a page, one that counts per article how many of the query's words (segmented as the service does) it holds, most first.`,
    );
  }
  if (report.search.some((c) => c.measured < c.samples)) {
    lines.push(
      `² Each class has ${report.classBudget} s per run; a slower class is timed on the queries its first run got through in that time (the same ones in every run).`,
    );
  }
  const bruteCount = report.search.find((c) => c.brute)?.brute?.queries;
  if (bruteCount) lines.push(`Brute force: ${bruteCount} quer${bruteCount === 1 ? 'y' : 'ies'} per class, one scan each; the engine time beside it is the median of three calls on the same queries.`);
  const mismatched = report.search.filter((c) => c.countMismatches > 0);
  if (mismatched.length > 0) {
    lines.push('', `**Warning:** \`count\` and \`search\` totals disagreed for ${mismatched.map((c) => `${c.label} (${c.countMismatches})`).join(', ')}.`);
  }
  lines.push('', '#### Query classes', '');
  lines.push(
    table(
      ['class', 'how the queries are drawn', 'examples'],
      ['l', 'l', 'l'],
      report.search.map((c) => [c.label, escapeCell(c.source), c.examples.map(code).join(' ')]),
    ),
  );
  return lines.join('\n');
}

function memorySection(report: BenchReport): string {
  const m = report.memoryAfterSearch;
  return [
    '### Memory of the benchmark process after the search runs',
    '',
    table(['RSS', 'heap used', 'heap total', 'external'], ['r', 'r', 'r', 'r'], [[formatBytes(m.rss), formatBytes(m.heapUsed), formatBytes(m.heapTotal), formatBytes(m.external)]]),
  ].join('\n');
}

function httpSection(report: BenchReport): string {
  const http = report.http;
  if (!http) return '### HTTP\n\nSkipped (`--skip-http`).';
  const lines: string[] = [
    '### HTTP',
    '',
    `${http.connections} connections, ${http.seconds} s per row after a ${http.warmupSeconds} s warm-up; autocannon in the benchmark process, servers as child processes on the same machine. The site is started afresh for every row (so one row's backlog cannot slow the next): \`node dist/server.js\` with ${Object.entries(
      http.siteEnv,
    )
      .filter(([key]) => key !== 'PORT')
      .map(([key, value]) => `\`${key}=${key === 'DATABASE_PATH' ? report.dbPath : value}\``)
      .join(', ')} and the site's own caches as they are configured by default.`,
    '',
  ];
  lines.push(
    table(
      ['target', 'first request ms', 'unloaded ms', 'requests/s (mean)', 'vs hello-world', 'latency p50 ms', 'p99 ms', 'bytes per response', 'unexpected status', 'errors', 'server RSS after'],
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
      http.rows.map((row) => [
        row.name,
        formatMs(row.firstMs),
        formatMs(row.unloadedMs),
        `**${formatInt(row.requestsPerSec)}**`,
        row.ratioToHello !== undefined ? `**${formatPercent(row.ratioToHello)}**` : '—',
        row.requests > 0 ? String(row.latencyP50) : '—',
        row.requests > 0 ? String(row.latencyP99) : '—',
        formatInt(row.bytesPerResponse),
        row.unexpected === 0 ? '0' : `${formatInt(row.unexpected)} (${Object.entries(row.statusCounts).map(([s, n]) => `${s}: ${n}`).join(', ')})`,
        formatInt(row.errors),
        row.serverRss !== undefined ? formatBytes(row.serverRss) : '—',
      ]),
    ),
  );
  lines.push(
    '',
    '"First request" is the first answer of the freshly started server (nothing cached yet); "unloaded" the median of the next few sequential requests on the idle server. "Unexpected status" counts answers other than 200 (other than 304 for the revalidation row); "errors" are connection errors and timeouts (10 s).',
    '',
  );
  for (const row of http.rows) lines.push(`- **${row.name}**: ${row.description}.`);
  return lines.join('\n');
}

/** The Markdown section of one corpus size. */
export function renderSection(report: BenchReport): string {
  const m = report.machine;
  const when = report.date.toISOString().slice(0, 16).replace('T', ' ');
  const header = [
    `## ${formatInt(report.docs)} articles`,
    '',
    `Measured ${when} UTC by \`${report.command}\` (${minutes(report.seconds)} in all).`,
    '',
    `Machine: ${m.cpuCount} × ${m.cpuModel}, ${formatBytes(m.totalMemory)} RAM, ${m.os} (kernel ${m.kernel}), Node ${m.node}, SQLite ${m.sqlite} (better-sqlite3 ${m.betterSqlite3}); load average at start ${m.loadAverage.map((l) => l.toFixed(2)).join(' / ')}.`,
  ].join('\n');
  return [header, importSection(report), searchSection(report), memorySection(report), httpSection(report)].join('\n\n') + '\n';
}

/**
 * Splits an existing BENCHMARKS.md into its size sections and any other `## ` sections (such as
 * the load test's), which are kept as they are. The preamble is always rewritten.
 */
export function parseSections(text: string): { sizes: Map<number, string>; others: Map<string, string> } {
  const sizes = new Map<number, string>();
  const others = new Map<string, string>();
  let current: { docs: number | undefined; heading: string; lines: string[] } | undefined;
  const close = () => {
    if (!current) return;
    const body = current.lines.join('\n').trimEnd() + '\n';
    if (current.docs !== undefined) sizes.set(current.docs, body);
    else if (current.heading !== '## How to read these numbers') others.set(current.heading, body);
  };
  let inFence = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) inFence = !inFence;
    if (!inFence && line.startsWith('## ')) {
      close();
      const size = SECTION_HEADING.exec(line);
      current = { docs: size ? Number(size[1]!.replace(/,/g, '')) : undefined, heading: line.trim(), lines: [line] };
    } else if (current) {
      current.lines.push(line);
    }
  }
  close();
  return { sizes, others };
}

/** Writes `section` for `docs` into the file, keeping other sizes (smallest first) and other sections. */
export function writeReport(path: string, docs: number, section: string): void {
  const { sizes, others } = existsSync(path) ? parseSections(readFileSync(path, 'utf8')) : { sizes: new Map<number, string>(), others: new Map<string, string>() };
  sizes.set(docs, section);
  const ordered = [...sizes.entries()].sort((a, b) => a[0] - b[0]).map(([, text]) => text);
  writeFileSync(path, `${FILE_HEADER}\n${[...ordered, ...others.values()].join('\n')}`);
}
