import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open.js';
import { parseQuery } from '../../src/search/query.js';
import { createServices } from '../../src/services.js';
import { articleRecord, TEST_POEMS } from '../helpers.js';

const CLI = join(import.meta.dirname, '..', '..', 'src', 'cli', 'backup.ts');

describe('backup CLI', () => {
  it('copies a live database with the online backup API, and will not overwrite without --force', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xunwen-backup-'));
    const source = join(dir, 'live.db');
    const db = openDatabase(source);
    createServices(db, { poems: TEST_POEMS }).importer.importRecords([articleRecord(), articleRecord()]);
    const target = join(dir, 'copy.db');
    const run = (...args: string[]) => promisify(execFile)(process.execPath, ['--import', 'tsx', CLI, ...args], { env: { ...process.env, DATABASE_PATH: source } });
    // the source stays open (as a running server would hold it) while the backup runs
    const { stdout } = await run(target);
    expect(stdout).toContain(`to ${target}`);
    const copy = new Database(target, { readonly: true });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    expect((copy.prepare('SELECT count(*) AS n FROM articles').get() as { n: number }).n).toBe(2);
    copy.close();
    // the copy's search index answers as the original's does
    const restored = openDatabase(target);
    expect(createServices(restored, { poems: TEST_POEMS }).index.count(parseQuery('容器'), {})).toBe(2);
    restored.close();
    await expect(run(target)).rejects.toMatchObject({ code: 1 });
    await run(target, '--force');
    db.close();
  });
});
