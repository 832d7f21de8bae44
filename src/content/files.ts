import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { parseImportText, parseJsonLine, type RawRecord, type Rejection } from './records.js';

const JSON_LINES = /\.(jsonl|ndjson)$/i;
const CHUNK_BYTES = 1 << 20;

/** Lines of a file read a chunk at a time, so a JSON Lines file of any size streams. */
function* linesOf(path: string): Generator<string> {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(CHUNK_BYTES);
    const decoder = new StringDecoder('utf8');
    let rest = '';
    for (;;) {
      const read = readSync(fd, buffer, 0, CHUNK_BYTES, null);
      if (read === 0) break;
      const lines = (rest + decoder.write(buffer.subarray(0, read))).split('\n');
      rest = lines.pop()!;
      yield* lines;
    }
    rest += decoder.end();
    if (rest) yield rest;
  } finally {
    closeSync(fd);
  }
}

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
    if (JSON_LINES.test(path)) {
      let lineNumber = 0;
      try {
        for (const line of linesOf(path)) {
          const parsed = parseJsonLine(path, ++lineNumber, line);
          if (parsed && 'value' in parsed) yield parsed;
          else if (parsed) rejected.push(parsed);
        }
      } catch (error) {
        rejected.push({ where: path, field: '(file)', reason: `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
      }
      continue;
    }
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
