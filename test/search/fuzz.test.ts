import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importRecordSchema } from '../../src/content/records.js';
import { parseImportText } from '../../src/content/records.js';
import { openDatabase, type Db } from '../../src/db/open.js';
import { MAX_QUERY_LENGTH, MAX_TERMS, parseQuery } from '../../src/search/query.js';
import { SegmentSearchIndex } from '../../src/search/segment-index.js';

let db: Db;
let index: SegmentSearchIndex;
beforeAll(() => {
  db = openDatabase(':memory:');
  index = new SegmentSearchIndex(db, { loadTexts: () => new Map() });
  index.upsert({ id: 1, publishedTs: 1_700_000_000, title: 'c++ 容器', tags: ['Docker'], summary: '', body: 'node.js 与 .net，网络命名空间', categoryId: 1, tagIds: [1] });
});
afterAll(() => db.close());

describe('query parser fuzzing', () => {
  it('never throws, bounds its output, and every query runs against the index', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 400 }), fc.string({ unit: 'binary', maxLength: 400 }), fc.array(fc.constantFrom('"', '-', '*', '(', ')', 'NEAR', 'OR', 'AND', 'NOT', ':', '^', '{', '}', ' ', 'a', '容', 'c++', '\u0000'), { maxLength: 60 }).map((p) => p.join(''))), (raw) => {
        const parsed = parseQuery(raw);
        expect(parsed.include.length + parsed.exclude.length).toBeLessThanOrEqual(MAX_TERMS);
        for (const term of [...parsed.include, ...parsed.exclude]) {
          expect(term.text.length).toBeGreaterThan(0);
          expect(Array.from(term.text).length).toBeLessThanOrEqual(MAX_QUERY_LENGTH);
          expect(term.text).not.toMatch(/[\u0000-\u001f]/);
        }
        const page = index.search(parsed, { categoryId: 1 }, 0, 20);
        expect(page.total).toBeGreaterThanOrEqual(page.hits.length);
      }),
      { numRuns: 3000, seed: 3 },
    );
  });
});

describe('import validator fuzzing', () => {
  it('never throws on any value: a record or field-level reasons', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const result = importRecordSchema.safeParse(value);
        if (!result.success) expect(result.error.issues.length).toBeGreaterThan(0);
      }),
      { numRuns: 2000, seed: 5 },
    );
  });

  it('never throws on any file text, whatever the extension', () => {
    fc.assert(
      fc.property(fc.constantFrom('a.md', 'a.json', 'a.jsonl', 'a.txt'), fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string().map((s) => `---\n${s}\n---\n${s}`)), (path, text) => {
        const { records, rejections } = parseImportText(path, text);
        expect(records.length + rejections.length).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 2000, seed: 9 },
    );
  });
});
