import { loadConfig } from '../config.js';
import { collectImportFiles, recordsOfFiles } from '../content/files.js';
import type { Rejection } from '../content/records.js';
import { openDatabase } from '../db/open.js';
import { createServices } from '../services.js';

const USAGE = 'usage: npm run import -- <file|folder>...   (.md with front matter, .json, .jsonl)';

function main(argv: string[]): number {
  const paths = argv.filter((arg) => !arg.startsWith('--'));
  if (paths.length === 0 || argv.includes('--help')) {
    process.stderr.write(`${USAGE}\n`);
    return paths.length === 0 ? 2 : 0;
  }
  const config = loadConfig(process.env);
  const db = openDatabase(config.DATABASE_PATH);
  try {
    const services = createServices(db);
    const fileRejections: Rejection[] = [];
    const files = collectImportFiles(paths, fileRejections);
    const started = Date.now();
    const tty = process.stderr.isTTY;
    const summary = services.importer.importRecords(recordsOfFiles(files, fileRejections), (done) => {
      if (tty) process.stderr.write(`\r导入中… ${done} 条记录，${Math.round(done / Math.max(0.001, (Date.now() - started) / 1000))} 条/秒   `);
    });
    if (tty) process.stderr.write('\n');
    const rejected = [...fileRejections, ...summary.rejected];
    for (const r of rejected) process.stderr.write(`${r.where}: ${r.field}: ${r.reason}\n`);
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(
      `imported ${summary.imported}, updated ${summary.updated}, unchanged ${summary.unchanged}, rejected ${rejected.length} (${files.length} files, ${seconds.toFixed(1)} s)\n`,
    );
    return rejected.length > 0 ? 1 : 0;
  } finally {
    db.close();
  }
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`import failed: ${(error as Error).message}\n`);
  process.exitCode = 2;
}
