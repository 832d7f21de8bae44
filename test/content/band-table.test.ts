import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BandTable } from '../../src/content/band-table.js';
import { BANDS, bandKeys, SIGNATURE_SIZE } from '../../src/content/minhash.js';

/** The band rows and lookup the importer used before migration 0008, as the reference. */
function sqlBands() {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE article_bands (band_key INTEGER NOT NULL, article_id INTEGER NOT NULL, PRIMARY KEY (band_key, article_id)) WITHOUT ROWID');
  const insert = db.prepare<[number, number]>('INSERT OR IGNORE INTO article_bands (band_key, article_id) VALUES (?, ?)');
  const drop = db.prepare<[number, number]>('DELETE FROM article_bands WHERE band_key = ? AND article_id = ?');
  const members = db.prepare<[number, number], number>('SELECT article_id FROM article_bands WHERE band_key = ? AND article_id < ? ORDER BY article_id LIMIT 8').pluck();
  return {
    add: (id: number, signature: Uint32Array) => bandKeys(signature).forEach((key) => insert.run(key, id)),
    remove: (id: number, signature: Uint32Array) => bandKeys(signature).forEach((key) => drop.run(key, id)),
    candidates(signature: Uint32Array, below: number): number[] {
      const ids = new Set<number>();
      for (const key of bandKeys(signature)) for (const id of members.all(key, below)) ids.add(id);
      return [...ids].sort((a, b) => a - b);
    },
    close: () => db.close(),
  };
}

/**
 * Signatures whose bands each take one of `kinds` values, so that bands are shared by a few
 * articles, by none, or (with few kinds) by more than 8. Unbiased: fast-check's bias towards
 * small values would put nearly every article in one bucket.
 */
const signature = (kinds: number) =>
  fc.noBias(fc.array(fc.integer({ min: 0, max: kinds - 1 }), { minLength: BANDS, maxLength: BANDS })).map((perBand) => {
    const rows = SIGNATURE_SIZE / BANDS;
    return Uint32Array.from({ length: SIGNATURE_SIZE }, (_, k) => perBand[Math.floor(k / rows)]! * 2654435761 + (k % rows));
  });

type Step = { op: 'write'; id: number; signature: Uint32Array } | { op: 'drop'; id: number } | { op: 'look'; signature: Uint32Array; below: number };

const steps = (ids: number, kinds: number, length: number) =>
  fc.array(
    fc.oneof(
      { weight: 4, arbitrary: fc.record({ op: fc.constant('write' as const), id: fc.noBias(fc.integer({ min: 1, max: ids })), signature: signature(kinds) }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('drop' as const), id: fc.noBias(fc.integer({ min: 1, max: ids })) }) },
      { weight: 3, arbitrary: fc.record({ op: fc.constant('look' as const), signature: signature(kinds), below: fc.noBias(fc.integer({ min: 1, max: ids + 1 })) }) },
    ),
    { minLength: length / 2, maxLength: length },
  );

/** Runs the steps on the table and on the SQL bands (where a rewrite deleted the old signature's bands first). */
function agree(table: BandTable, run: Step[]): void {
  const sql = sqlBands();
  const stored = new Map<number, Uint32Array>();
  try {
    for (const step of run) {
      if (step.op === 'look') {
        expect(table.candidates(step.signature, step.below)).toEqual(sql.candidates(step.signature, step.below));
        continue;
      }
      const previous = stored.get(step.id);
      if (previous) {
        sql.remove(step.id, previous);
        stored.delete(step.id);
      }
      const next = step.op === 'write' ? step.signature : undefined;
      table.set(step.id, next);
      if (next) {
        sql.add(step.id, next);
        stored.set(step.id, next);
      }
      expect(table.signatureOf(step.id)).toEqual(next);
    }
    // and from every article still held, with itself and newer ones included
    for (const [id, held] of stored) {
      expect(table.candidates(held, Number.MAX_SAFE_INTEGER)).toEqual(sql.candidates(held, Number.MAX_SAFE_INTEGER));
      expect(table.signatureOf(id)).toEqual(held);
    }
  } finally {
    sql.close();
  }
}

describe('the in-memory band table', () => {
  it('finds the same candidates as the article_bands rows did, through writes, rewrites and removals', () => {
    fc.assert(
      fc.property(steps(60, 6, 400), (run) => agree(new BandTable(0), run)),
      { numRuns: 100 },
    );
  });

  it('stays right as it grows past its first size', () => {
    fc.assert(
      fc.property(steps(3000, 2000, 2500), (run) => agree(new BandTable(10), run)),
      { numRuns: 8 },
    );
  });

  it('takes at most 8 of a band shared by many, the oldest below the limit', () => {
    const table = new BandTable(0);
    const shared = new Uint32Array(SIGNATURE_SIZE).fill(7);
    for (let id = 100; id >= 1; id--) table.set(id, shared);
    expect(table.candidates(shared, Number.MAX_SAFE_INTEGER)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (let id = 1; id <= 95; id++) table.set(id, undefined);
    expect(table.candidates(shared, 99)).toEqual([96, 97, 98]);
    expect(table.candidates(shared, 96)).toEqual([]);
  });
});
