import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseImportText, type RawRecord, type Rejection } from './records.js';

const IMPORTABLE = /\.(md|markdown|json|jsonl|ndjson)$/i;

/** Files named directly, and importable files found recursively in named folders, sorted. */
export function collectImportFiles(paths: string[], rejected: Rejection[]): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith('.')) continue;
      const path = join(dir, name);
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      else if (IMPORTABLE.test(name)) files.push(path);
    }
  };
  for (const path of paths) {
    try {
      if (statSync(path).isDirectory()) walk(path);
      else files.push(path);
    } catch (error) {
      rejected.push({ where: path, field: '(file)', reason: `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
    }
  }
  return files;
}

/** Records of many files, read one file at a time; unreadable files become rejections. */
export function* recordsOfFiles(files: string[], rejected: Rejection[]): Generator<RawRecord> {
  for (const path of files) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      rejected.push({ where: path, field: '(file)', reason: `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
      continue;
    }
    const parsed = parseImportText(path, text);
    rejected.push(...parsed.rejections);
    yield* parsed.records;
  }
}
