import { existsSync } from 'node:fs';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/open.js';

/** Copies the live database with SQLite's online backup API: safe while the server runs. */
async function main(argv: string[]): Promise<number> {
  const target = argv.find((arg) => !arg.startsWith('--'));
  if (!target) {
    process.stderr.write('usage: npm run backup -- <file>\n');
    return 2;
  }
  if (existsSync(target) && !argv.includes('--force')) {
    process.stderr.write(`${target} exists; pass --force to overwrite it\n`);
    return 1;
  }
  const config = loadConfig(process.env);
  const db = openDatabase(config.DATABASE_PATH);
  try {
    const started = Date.now();
    await db.backup(target, {
      progress: ({ totalPages, remainingPages }) => {
        if (process.stderr.isTTY) process.stderr.write(`\r${totalPages - remainingPages}/${totalPages} pages`);
        return 1000;
      },
    });
    if (process.stderr.isTTY) process.stderr.write('\n');
    process.stdout.write(`backed up ${config.DATABASE_PATH} to ${target} in ${Date.now() - started} ms\n`);
    return 0;
  } finally {
    db.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`backup failed: ${(error as Error).message}\n`);
    process.exitCode = 2;
  },
);
