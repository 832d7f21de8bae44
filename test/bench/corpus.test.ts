import { describe, expect, it } from 'vitest';
import { benchRecord, benchRecords, mostCommonTerms, type BenchTaxonomy } from '../../src/bench/corpus.js';
import { buildQueryMix } from '../../src/bench/queries.js';
import { importRecordSchema } from '../../src/content/records.js';
import { openDatabase } from '../../src/db/open.js';
import { createServices } from '../../src/services.js';
import { TEST_POEMS } from '../helpers.js';

function realTaxonomy() {
  const db = openDatabase(':memory:');
  const services = createServices(db, { poems: TEST_POEMS, searchCacheEntries: 0 });
  const taxonomy: BenchTaxonomy = { categories: services.catalog().categories.map((c) => ({ slug: c.slug, tags: c.tags.map((t) => t.name) })) };
  return { db, services, taxonomy };
}

describe('benchmark corpus', () => {
  const { db, services, taxonomy } = realTaxonomy();

  it('is deterministic: the same seed and index give the same record, lazily or one by one', () => {
    const first = [...benchRecords(50, { taxonomy, seed: 7 })];
    const second = [...benchRecords(50, { taxonomy, seed: 7 })];
    expect(second).toEqual(first);
    expect(benchRecord(37, { taxonomy, seed: 7 })).toEqual(first[37]);
    const other = benchRecord(37, { taxonomy, seed: 8 });
    expect(other.value).not.toEqual(first[37]!.value);
  });

  it('produces valid import records with the real taxonomy and the promised shape', () => {
    const categories = new Set(taxonomy.categories.map((c) => c.slug));
    const tagNames = new Set(taxonomy.categories.flatMap((c) => c.tags));
    const urls = new Set<string>();
    let bodyBytes = 0;
    const count = 300;
    for (const record of benchRecords(count, { taxonomy })) {
      const parsed = importRecordSchema.safeParse(record.value);
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
      if (!parsed.success) continue;
      const r = parsed.data;
      expect(categories.has(r.category)).toBe(true);
      expect(r.tags.length).toBeGreaterThanOrEqual(1);
      expect(r.tags.length).toBeLessThanOrEqual(3);
      for (const tag of r.tags) expect(tagNames.has(tag)).toBe(true);
      const titleLength = Array.from(r.title).length;
      expect(titleLength).toBeGreaterThanOrEqual(10);
      expect(titleLength).toBeLessThanOrEqual(25);
      const year = r.published_at.getUTCFullYear();
      expect(year).toBeGreaterThanOrEqual(2014);
      expect(year).toBeLessThanOrEqual(2025);
      expect(r.source_url).toMatch(/^https:\/\/bench\.example\/\d+$/);
      urls.add(r.source_url!);
      expect(r.body).toMatch(/^## /m);
      expect(r.body).toMatch(/[\u4e00-\u9fff]{4}/);
      bodyBytes += Buffer.byteLength(r.body, 'utf8');
    }
    expect(urls.size).toBe(count);
    const mean = bodyBytes / count;
    expect(mean).toBeGreaterThan(1800);
    expect(mean).toBeLessThan(2600);
  });

  it('imports through the real importer without rejections', () => {
    const summary = services.importer.importRecords(benchRecords(60, { taxonomy }));
    expect(summary.rejected).toEqual([]);
    expect(summary.imported).toBe(60);
    // no tag was invented: every tag came from the taxonomy
    expect(services.catalog().tagById.size).toBe(taxonomy.categories.reduce((n, c) => n + c.tags.length, 0));
    // the most common term is found in almost every article
    const top = mostCommonTerms(1)[0]!.term;
    const { total } = services.search.search({ q: top, page: 1, limit: 20 });
    expect(total).toBeGreaterThan(50);
    db.close();
  });

  it('draws the same query mix every time, with terms that occur in the corpus', () => {
    const a = buildQueryMix({ docs: 1000, samples: 10, taxonomy });
    const b = buildQueryMix({ docs: 1000, samples: 10, taxonomy });
    expect(b).toEqual(a);
    const byId = new Map(a.map((cls) => [cls.id, cls]));
    for (const [id, length] of [['cjk1', 1], ['cjk2', 2], ['cjk3', 3], ['cjk4', 4], ['cjk6', 6]] as const) {
      const cls = byId.get(id)!;
      expect(cls.queries).toHaveLength(10);
      for (const q of cls.queries) expect(Array.from(q)).toHaveLength(length);
    }
    expect(byId.get('symbol')!.queries.some((q) => /[+#.]/.test(q))).toBe(true);
    expect(byId.get('and2')!.queries.every((q) => q.split(' ').length === 2)).toBe(true);
    expect(byId.get('mixed')!.queries.every((q) => /^[a-z][\w.+#-]*\p{Script=Han}+$/iu.test(q))).toBe(true);
  });
});
