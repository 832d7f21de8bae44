import type { Db } from './open.js';

/**
 * A value that changes whenever the database content may have changed: data_version moves when
 * another connection (an import or takedown CLI) commits, total_changes when this one writes.
 * Caches compare it instead of being told about every write.
 */
export function createChangeTracker(db: Db): () => string {
  const dataVersion = db.prepare<[], { v: number }>('PRAGMA data_version');
  const totalChanges = db.prepare<[], { n: number }>('SELECT total_changes() AS n');
  return () => `${dataVersion.get()!.v}:${totalChanges.get()!.n}`;
}
