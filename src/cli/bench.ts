import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, loadavg, release, totalmem, type as osType } from 'node:os';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchRecords, DEFAULT_SEED, GENERATOR_VERSION, mixSeed, mulberry32, type BenchTaxonomy } from '../bench/corpus.js';
import { killChildren, runHttpSuite, type HttpSuiteResult } from '../bench/http.js';
import { buildQueryMix, type QueryClass } from '../bench/queries.js';
import { renderSection, runUsage, withRuns, writeReport, type BenchReport, type ImportFigures, type ImportRun, type MachineInfo, type MemoryFigures } from '../bench/report.js';
import { runSearchBench } from '../bench/search.js';
import { formatInt } from '../bench/stats.js';
import { IMPORT_ENV, IMPORT_NODE_FLAGS } from '../bench/import-flags.js';
import { recordsOfFiles } from '../content/files.js';
import { IMPORT_BATCH_SIZE } from '../content/importer.js';
import { createPreparePool } from '../content/prepare-pool.js';
import type { Rejection } from '../content/records.js';
import { beginBulkWrites } from '../db/bulk-writes.js';
import { openDatabase, type Db } from '../db/open.js';
import { PROJECT_ROOT } from '../paths.js';
import { createServices, type Services } from '../services.js';

const USAGE = `usage: npm run bench -- [--docs N] [--rebuild] [--samples K] [--skip-http] [--out FILE] [--http-seconds S]
  (--import-only: the child process the benchmark imports in; not for use by hand)
  --docs N           articles in the synthetic corpus (default 100000)
  --rebuild          re-create bench-data/bench-N.db even when it exists
  --samples K        queries per search class (default 40)
  --runs R           runs of the whole search mix; medians are reported (default 3)
  --import-runs K    imports of the corpus when (re)building, each into a new database; the median is reported (default 3)
  --brute K          queries per class timed against a brute-force scan (default 3; 0 skips)
  --class-budget S   seconds one query class may take per run before its remaining queries are skipped (default 30)
  --skip-http        skip the HTTP section
  --http-seconds S   seconds per HTTP row (default 10)
  --connections C    HTTP connections (default 100)
  --out FILE         report file (default BENCHMARKS.md)`;

/** Worker threads of the import, as `npm run import` picks them: one per core. */
const IMPORT_WORKERS = Math.max(1, availableParallelism());

const SEARCH_POEMS = [{ line: '-', poet: '-', title: '-' }];

interface Options {
  docs: number;
  rebuild: boolean;
  importOnly: boolean;
  samples: number;
  runs: number;
  importRuns: number;
  brute: number;
  classBudget: number;
  skipHttp: boolean;
  httpSeconds: number;
  connections: number;
  out: string;
}

function positiveInt(name: string, value: string | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value.replace(/[_,]/g, ''));
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number ≥ ${min}, not ${JSON.stringify(value)}`);
  return n;
}

function parseOptions(argv: string[]): Options | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      docs: { type: 'string' },
      rebuild: { type: 'boolean', default: false },
      'import-only': { type: 'boolean', default: false },
      samples: { type: 'string' },
      runs: { type: 'string' },
      'import-runs': { type: 'string' },
      brute: { type: 'string' },
      'class-budget': { type: 'string' },
      'skip-http': { type: 'boolean', default: false },
      'http-seconds': { type: 'string' },
      connections: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return undefined;
  return {
    docs: positiveInt('docs', values.docs, 100_000, 100),
    rebuild: values.rebuild ?? false,
    importOnly: values['import-only'] ?? false,
    samples: positiveInt('samples', values.samples, 40),
    runs: positiveInt('runs', values.runs, 3),
    importRuns: positiveInt('import-runs', values['import-runs'], 3),
    brute: positiveInt('brute', values.brute, 3, 0),
    classBudget: positiveInt('class-budget', values['class-budget'], 30),
    skipHttp: values['skip-http'] ?? false,
    httpSeconds: positiveInt('http-seconds', values['http-seconds'], 10),
    connections: positiveInt('connections', values.connections, 100),
    out: values.out ?? 'BENCHMARKS.md',
  };
}

const log = (line: string) => process.stderr.write(`${line}\n`);

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function memory(): MemoryFigures {
  gc();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external };
}

function fileSize(path: string): number {
  return existsSync(path) ? statSync(path).size : 0;
}

function machineInfo(db: Db): MachineInfo {
  const cpuList = cpus();
  let os = `${osType()} ${release()}`;
  try {
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
    if (pretty) os = pretty;
  } catch {
    // not Linux, or no os-release
  }
  const require = createRequire(import.meta.url);
  const betterSqlite3 = (require('better-sqlite3/package.json') as { version: string }).version;
  return {
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown CPU',
    cpuCount: cpuList.length,
    totalMemory: totalmem(),
    os,
    kernel: release(),
    node: process.version,
    sqlite: db.prepare<[], { v: string }>('SELECT sqlite_version() AS v').get()!.v,
    betterSqlite3,
    loadAverage: loadavg(),
  };
}

function taxonomyOf(services: Services): BenchTaxonomy {
  return { categories: services.catalog().categories.map((c) => ({ slug: c.slug, tags: c.tags.map((t) => t.name) })) };
}

interface Sidecar {
  docs: number;
  generatorVersion: number;
  seed: number;
  /** PRAGMA user_version when it was built: a newer schema means a newer importer, so rebuild. */
  schemaVersion: number;
  import: ImportFigures;
}

function schemaVersion(db: Db): number {
  return Number(db.pragma('user_version', { simple: true }));
}

function readSidecar(path: string): Sidecar | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Sidecar;
  } catch {
    return undefined;
  }
}

/**
 * Space per table, its indexes included (FTS5 shadow tables count under their virtual table),
 * largest first; undefined when SQLite lacks dbstat.
 */
function spaceByObject(db: Db): Array<{ name: string; bytes: number }> | undefined {
  try {
    const objects = db.prepare<[], { name: string; bytes: number }>('SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name').all();
    const schema = db.prepare<[], { name: string; tbl_name: string; sql: string | null }>('SELECT name, tbl_name, sql FROM sqlite_schema').all();
    const tableOf = new Map(schema.map((row) => [row.name, row.tbl_name]));
    const virtualTables = schema.filter((row) => /^CREATE VIRTUAL TABLE/i.test(row.sql ?? '')).map((row) => row.name);
    const groups = new Map<string, number>();
    for (const { name, bytes } of objects) {
      let table = name === 'sqlite_schema' ? name : (tableOf.get(name) ?? name);
      const owner = virtualTables.find((v) => table.startsWith(`${v}_`));
      if (owner) table = owner;
      groups.set(table, (groups.get(table) ?? 0) + bytes);
    }
    return [...groups.entries()].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
  } catch {
    return undefined;
  }
}

/**
 * The corpus as a JSON Lines file, written once per size and generator version (not timed): the
 * import is then measured as `npm run import` runs, reading and parsing the file included.
 */
function corpusFile(options: Options, taxonomy: BenchTaxonomy, dataDir: string): { path: string; markdownBytes: number } {
  const path = join(dataDir, `corpus-${options.docs}-v${GENERATOR_VERSION}-${DEFAULT_SEED}.jsonl`);
  const sizePath = `${path}.bytes`;
  if (existsSync(path) && existsSync(sizePath)) return { path, markdownBytes: Number(readFileSync(sizePath, 'utf8')) };
  log(`import: writing the corpus to ${relative(PROJECT_ROOT, path)}`);
  const fd = openSync(`${path}.part`, 'w');
  let markdownBytes = 0;
  let chunk: string[] = [];
  for (const record of benchRecords(options.docs, { seed: DEFAULT_SEED, taxonomy })) {
    markdownBytes += Buffer.byteLength((record.value as { body: string }).body, 'utf8');
    chunk.push(JSON.stringify(record.value));
    if (chunk.length >= 1000) {
      writeSync(fd, `${chunk.join('\n')}\n`);
      chunk = [];
    }
  }
  if (chunk.length > 0) writeSync(fd, `${chunk.join('\n')}\n`);
  closeSync(fd);
  renameSync(`${path}.part`, path);
  writeFileSync(sizePath, String(markdownBytes));
  return { path, markdownBytes };
}

async function importCorpus(services: Services, db: Db, options: Options, dbPath: string): Promise<ImportFigures> {
  const corpus = corpusFile(options, taxonomyOf(services), dirname(dbPath));
  const markdownBytes = corpus.markdownBytes;
  const fileRejections: Rejection[] = [];
  log(`import: importing ${formatInt(options.docs)} articles from ${relative(PROJECT_ROOT, corpus.path)} into ${relative(PROJECT_ROOT, dbPath)}`);
  const start = process.hrtime.bigint();
  const cpuAtStart = process.cpuUsage();
  const faultsAtStart = process.resourceUsage().minorPageFault;
  // as `npm run import` does; the search runs below use the site's own settings again
  const bulk = beginBulkWrites(db);
  let lastLog = Date.now();
  // the same pipeline as `npm run import` (worker threads prepare batches, this one writes)
  // started on the clock: its threads' start-up is part of what an import costs
  const pool = createPreparePool(IMPORT_WORKERS);
  const summary = await services.importer
    .importRecordsParallel(recordsOfFiles([corpus.path], fileRejections), {
      pool,
      onProgress: (done) => {
        bulk.trimWal();
        const now = Date.now();
        if (now - lastLog < 5000 && done < options.docs) return;
        lastLog = now;
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        const rate = done / seconds;
        log(`import: ${formatInt(done)}/${formatInt(options.docs)} (${formatInt(rate)}/s, ${Math.round((options.docs - done) / rate)} s to go)`);
      },
    })
    .finally(() => pool.close());
  // sizes before the final checkpoint, which is part of the import's time
  const dbBytes = fileSize(dbPath);
  const walBytes = fileSize(`${dbPath}-wal`);
  await bulk.finish();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuAtStart);
  const minorFaults = process.resourceUsage().minorPageFault - faultsAtStart;
  summary.rejected.push(...fileRejections);
  if (summary.rejected.length > 0 || summary.imported !== options.docs) {
    for (const r of summary.rejected.slice(0, 10)) log(`rejected ${r.where}: ${r.field}: ${r.reason}`);
    throw new Error(`import imported ${summary.imported} of ${options.docs} (rejected ${summary.rejected.length}, unchanged ${summary.unchanged}, updated ${summary.updated})`);
  }
  const afterImport = memory();
  log(`import: done in ${seconds.toFixed(1)} s (${formatInt(options.docs / seconds)}/s)`);
  return {
    docs: options.docs,
    schemaVersion: schemaVersion(db),
    markdownBytes,
    seconds,
    rate: options.docs / seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    systemSeconds: cpu.system / 1e6,
    minorFaults,
    cores: availableParallelism(),
    dbBytes,
    walBytes,
    dbBytesCheckpointed: fileSize(dbPath),
    rssAfter: afterImport.rss,
    heapUsedAfter: afterImport.heapUsed,
    peakRss: process.resourceUsage().maxRSS * 1024,
    builtAt: new Date().toISOString(),
    workers: IMPORT_WORKERS,
    batchSize: IMPORT_BATCH_SIZE,
    journal: bulk.journal,
  };
}

/** Queries for the HTTP rows: a few of every class, and a cycle of thousands that no cache of the site holds. */
function httpQueries(mix: QueryClass[], docs: number, taxonomy: BenchTaxonomy): { cached: string[]; uncached: string[] } {
  const cached = mix.flatMap((cls) => [...new Set(cls.queries)].slice(0, 5));
  const big = buildQueryMix({ docs, samples: 400, seed: DEFAULT_SEED, querySeed: mixSeed(DEFAULT_SEED, docs, 'http'), taxonomy });
  const distinct = [...new Set(big.flatMap((cls) => cls.queries))];
  const random = mulberry32(mixSeed(DEFAULT_SEED, docs, 'http-uncached'));
  for (let i = distinct.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [distinct[i], distinct[j]] = [distinct[j]!, distinct[i]!];
  }
  return { cached, uncached: distinct };
}

/** Imports the corpus into a new database and writes its sidecar (the `--import-only` process). */
async function buildDatabase(options: Options, dbPath: string, sidecarPath: string): Promise<void> {
  for (const path of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`, sidecarPath]) rmSync(path, { force: true });
  const db = openDatabase(dbPath);
  try {
    const services = createServices(db, { searchCacheEntries: 0, poems: SEARCH_POEMS });
    const figures = await importCorpus(services, db, options, dbPath);
    await services.index.close();
    const sidecar: Sidecar = { docs: options.docs, generatorVersion: GENERATOR_VERSION, seed: DEFAULT_SEED, schemaVersion: schemaVersion(db), import: figures };
    writeFileSync(sidecarPath, `${JSON.stringify(sidecar, null, 2)}\n`);
  } finally {
    db.close();
  }
}

/**
 * Imports the corpus `importRuns` times, each time into a new database in a process of its own
 * started as `npm run import` starts one (IMPORT_NODE_FLAGS, IMPORT_ENV), and keeps the last
 * database. One import is ~20 s on a shared machine whose neighbours come and go, so the report
 * quotes the median run and lists every run with the share of the cores it got.
 */
function importRuns(options: Options, dbPath: string, sidecarPath: string): Sidecar {
  const runs: ImportRun[] = [];
  let sidecar: Sidecar | undefined;
  for (let run = 1; run <= options.importRuns; run++) {
    log(`import: run ${run} of ${options.importRuns}`);
    const child = spawnSync(process.execPath, [...IMPORT_NODE_FLAGS, '--expose-gc', fileURLToPath(import.meta.url), '--import-only', '--docs', String(options.docs)], {
      stdio: 'inherit',
      env: { ...process.env, ...IMPORT_ENV },
    });
    if (child.status !== 0) throw new Error(`the import process failed (${child.error?.message ?? `exit ${child.status ?? child.signal}`})`);
    sidecar = readSidecar(sidecarPath);
    if (!sidecar) throw new Error(`the import process wrote no ${relative(PROJECT_ROOT, sidecarPath)}`);
    runs.push({ seconds: sidecar.import.seconds, ...runUsage(sidecar.import) });
  }
  const result: Sidecar = { ...sidecar!, import: withRuns(sidecar!.import, runs) };
  // the reused database's report quotes the same runs
  writeFileSync(sidecarPath, `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

async function main(argv: string[]): Promise<number> {
  let options: Options | undefined;
  try {
    options = parseOptions(argv);
  } catch (error) {
    log(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (!options) {
    log(USAGE);
    return 0;
  }
  const began = Date.now();
  const date = new Date();
  const command = `npm run bench${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`;
  const dataDir = join(PROJECT_ROOT, 'bench-data');
  mkdirSync(dataDir, { recursive: true });
  const dbPath = join(dataDir, `bench-${options.docs}.db`);
  const sidecarPath = join(dataDir, `bench-${options.docs}.json`);
  const outPath = isAbsolute(options.out) ? options.out : join(PROJECT_ROOT, options.out);

  if (options.importOnly) {
    await buildDatabase(options, dbPath, sidecarPath);
    return 0;
  }

  // 1–2. corpus and import (or reuse)
  let sidecar = readSidecar(sidecarPath);
  let reused = false;
  let db: Db | undefined;
  if (!options.rebuild && sidecar && sidecar.docs === options.docs && sidecar.generatorVersion === GENERATOR_VERSION && sidecar.seed === DEFAULT_SEED && existsSync(dbPath)) {
    db = openDatabase(dbPath);
    const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM articles').get()!.n;
    if (count === options.docs && schemaVersion(db) === sidecar.schemaVersion) {
      reused = true;
      log(`import: reusing ${relative(PROJECT_ROOT, dbPath)} (${formatInt(count)} articles, built ${sidecar.import.builtAt}); --rebuild to re-create it`);
    } else {
      log(`import: ${relative(PROJECT_ROOT, dbPath)} holds ${count} articles of schema ${sidecar.schemaVersion} (now ${options.docs} of schema ${schemaVersion(db)}): rebuilding`);
      db.close();
      db = undefined;
    }
  }
  if (!db || !reused) {
    db?.close();
    sidecar = importRuns(options, dbPath, sidecarPath);
    db = openDatabase(dbPath);
  }
  const importFigures = sidecar!.import;

  // 3–5. search latency, brute force, memory
  const services = createServices(db, { searchCacheEntries: 0, poems: SEARCH_POEMS });
  const taxonomy = taxonomyOf(services);
  log(`search: drawing ${options.samples} queries per class`);
  const mix = buildQueryMix({ docs: options.docs, samples: options.samples, seed: DEFAULT_SEED, taxonomy });
  // the engine as the server runs it: warmed up before the first query (SearchService.warmUp)
  const warmed = services.search.warmUp();
  log(`search: warmed up in ${warmed.rounds} rounds, ${warmed.ms} ms`);
  const search = runSearchBench(services, db, mix, { runs: options.runs, bruteQueries: options.brute, classBudgetMs: options.classBudget * 1000, log });
  const memoryAfterSearch = memory();
  const helpers = services.index.helperStats;
  await services.index.close();
  const machine = machineInfo(db);
  log('space: measuring space per table (dbstat)');
  const space = spaceByObject(db);
  const articleId = db
    .prepare<[number], { id: number }>("SELECT id FROM articles WHERE status = 'published' ORDER BY published_ts DESC, id DESC LIMIT 1 OFFSET ?")
    .get(Math.floor(options.docs / 2))!.id;
  db.close();

  // 6. HTTP
  let http: HttpSuiteResult | undefined;
  if (!options.skipHttp) {
    const queries = httpQueries(mix, options.docs, taxonomy);
    log(`http: ${queries.cached.length} cached-mix queries, ${queries.uncached.length} distinct uncached queries`);
    http = await runHttpSuite({
      distDir: join(PROJECT_ROOT, 'dist'),
      dbPath,
      articleId,
      searchQueries: queries.cached,
      uncachedQueries: queries.uncached,
      seconds: options.httpSeconds,
      connections: options.connections,
      warmupSeconds: Math.min(2, options.httpSeconds),
      log,
    });
  }

  // 7. report
  const report: BenchReport = {
    docs: options.docs,
    date,
    command,
    machine,
    seed: DEFAULT_SEED,
    generatorVersion: GENERATOR_VERSION,
    samples: options.samples,
    runs: options.runs,
    bruteQueries: options.brute,
    classBudget: options.classBudget,
    dbPath: relative(PROJECT_ROOT, dbPath),
    helpers,
    importFigures,
    reused,
    ...(space ? { space } : {}),
    search,
    memoryAfterSearch,
    http,
    seconds: (Date.now() - began) / 1000,
  };
  writeReport(outPath, options.docs, renderSection(report));
  log(`wrote ${relative(PROJECT_ROOT, outPath) || outPath} (section "${formatInt(options.docs)} articles") in ${((Date.now() - began) / 1000).toFixed(0)} s`);
  return 0;
}

process.on('exit', killChildren);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killChildren();
    process.exit(130);
  });
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  killChildren();
  log(`bench failed: ${(error as Error).stack ?? String(error)}`);
  process.exitCode = 1;
}
