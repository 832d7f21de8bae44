import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordsOfFiles } from '../../src/content/files.js';
import type { Rejection } from '../../src/content/records.js';

describe('JSON Lines files', () => {
  it('stream in chunks: multi-byte characters and lines across chunk boundaries arrive whole, with line numbers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xunwen-jsonl-'));
    try {
      // about 3 MiB of three-byte characters: chunk boundaries fall inside characters and lines
      const lines = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ n: i, body: `第${i}篇：${'容器网络与命名空间'.repeat(40 + (i % 7))}` }));
      lines.splice(1500, 0, '{broken', '');
      const path = join(dir, 'big.jsonl');
      writeFileSync(path, `${lines.join('\r\n')}\n`);
      const rejected: Rejection[] = [];
      const records = [...recordsOfFiles([path], rejected)];
      expect(records).toHaveLength(3000);
      records.forEach((record, i) => {
        const value = record.value as { n: number; body: string };
        expect(value.n).toBe(i);
        expect(value.body).toBe(`第${i}篇：${'容器网络与命名空间'.repeat(40 + (i % 7))}`);
      });
      expect(records[1500]!.where).toBe(`${path}:1503`);
      expect(rejected).toEqual([{ where: `${path}:1501`, field: '(json)', reason: expect.stringContaining('invalid JSON') }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
