import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordsOfFiles, totalBytesOf } from '../../src/content/files.js';
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

  it('keep a line longer than a chunk whole, and read a last line without a newline', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xunwen-jsonl-'));
    try {
      // 3 × 700k three-byte characters: one line over two chunks' worth of bytes
      const long = '长'.repeat(700_000);
      const path = join(dir, 'long.jsonl');
      writeFileSync(path, `${JSON.stringify({ n: 0 })}\n${JSON.stringify({ n: 1, body: long })}\n${JSON.stringify({ n: 2, body: '尾行' })}`);
      const rejected: Rejection[] = [];
      const values = [...recordsOfFiles([path], rejected)].map((record) => record.value as { n: number; body?: string });
      expect(rejected).toEqual([]);
      expect(values.map((value) => value.n)).toEqual([0, 1, 2]);
      expect(values[1]!.body).toBe(long);
      expect(values[2]!.body).toBe('尾行');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('read position', () => {
  it('counts the bytes consumed, line by line in JSON Lines and whole files otherwise, up to the total', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xunwen-position-'));
    try {
      const jsonl = join(dir, 'a.jsonl');
      const lines = [JSON.stringify({ n: 0, body: '容器' }), JSON.stringify({ n: 1, body: '网络' }), JSON.stringify({ n: 2 })];
      writeFileSync(jsonl, `${lines[0]}\r\n${lines[1]}\n${lines[2]}`);
      const md = join(dir, 'b.md');
      writeFileSync(md, '---\ntitle: 标题\n---\n正文\n');
      const files = [jsonl, md, join(dir, 'missing.json')];
      const position = { bytes: 0 };
      const seen: number[] = [];
      for (const _ of recordsOfFiles(files, [], position)) seen.push(position.bytes);
      const lineBytes = (i: number) => Buffer.byteLength(lines[i]!);
      expect(seen).toEqual([lineBytes(0) + 2, lineBytes(0) + 2 + lineBytes(1) + 1, totalBytesOf([jsonl]), totalBytesOf([jsonl, md])]);
      expect(position.bytes).toBe(totalBytesOf(files));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
