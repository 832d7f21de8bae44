import { availableParallelism } from 'node:os';
import { loadConfig } from '../config.js';
import { collectImportFiles, recordsOfFiles, totalBytesOf, type ReadPosition } from '../content/files.js';
import { IMPORT_BATCH_SIZE } from '../content/importer.js';
import { createPreparePool } from '../content/prepare-pool.js';
import type { Rejection } from '../content/records.js';
import { beginBulkWrites } from '../db/bulk-writes.js';
import { openDatabase } from '../db/open.js';
import { createServices } from '../services.js';
import { progressLine } from './progress.js';

const USAGE = `usage: npm run import -- [--workers N] [--batch N] <file|folder>...   (.md with front matter, .json, .jsonl)
  --workers N  threads that parse and index batches while this one writes (default: cores, at least 1)
  --batch N    records per transaction and index segment (default ${IMPORT_BATCH_SIZE})`;

function numberOption(argv: string[], name: string, fallback: number): number {
  const at = argv.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(argv[at + 1]);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`${name} needs a whole number ≥ 1`);
  return value;
}

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const paths = argv.filter((arg, i) => !arg.startsWith('--') && !['--workers', '--batch'].includes(argv[i - 1] ?? ''));
  if (paths.length === 0 || argv.includes('--help')) {
    process.stderr.write(`${USAGE}\n`);
    // asking for help is not an error, even without paths
    return argv.includes('--help') ? 0 : 2;
  }
  const workers = numberOption(argv, '--workers', Math.max(1, availableParallelism()));
  const batchSize = numberOption(argv, '--batch', IMPORT_BATCH_SIZE);
  const config = loadConfig(process.env);
  const db = openDatabase(config.DATABASE_PATH);
  const bulk = beginBulkWrites(db);
  // before the services are built, so the worker threads load their code meanwhile; nothing that
  // can throw comes between here and the try whose finally closes it
  const pool = createPreparePool(workers);
  try {
    const services = createServices(db);
    const fileRejections: Rejection[] = [];
    const files = collectImportFiles(paths, fileRejections);
    const started = Date.now();
    const tty = process.stderr.isTTY;
    const bytesTotal = tty ? totalBytesOf(files) : 0;
    const read: ReadPosition = { bytes: 0 };
    const summary = await services.importer.importRecordsParallel(recordsOfFiles(files, fileRejections, read), {
      pool,
      batchSize,
      position: () => read.bytes,
      onProgress: (records, bytesDone) => {
        bulk.trimWal();
        // \x1b[K clears what a longer previous line left behind
        if (tty) process.stderr.write(`\r${progressLine({ records, bytesDone, bytesTotal, elapsedSeconds: (Date.now() - started) / 1000 })}\x1b[K`);
      },
    });
    await bulk.finish();
    if (tty) process.stderr.write('\n');
    const rejected = [...fileRejections, ...summary.rejected];
    for (const r of rejected) process.stderr.write(`${r.where}: ${r.field}: ${r.reason}\n`);
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(
      `imported ${summary.imported}, updated ${summary.updated}, unchanged ${summary.unchanged}, rejected ${rejected.length} (${files.length} files, ${seconds.toFixed(1)} s)\n`,
    );
    return rejected.length > 0 ? 1 : 0;
  } finally {
    await pool.close();
    await bulk.finish();
    db.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error) => {
    process.stderr.write(error instanceof UsageError ? `${error.message}\n${USAGE}\n` : `import failed: ${error.message}\n`);
    process.exitCode = 2;
  },
);
