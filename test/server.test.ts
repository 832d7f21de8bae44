import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

const SERVER = join(import.meta.dirname, '..', 'src', 'server.ts');

describe('server process', () => {
  it('refuses a bad configuration with a message naming the variable', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', SERVER], { env: { ...process.env, PORT: 'eighty', LOG_LEVEL: 'loud' } });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('PORT');
    expect(stderr).toContain('LOG_LEVEL');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('on SIGTERM finishes, writes pending view counts, closes the database, and logs without client addresses', async () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'xunwen-server-')), 's.db');
    const child = spawn(process.execPath, ['--import', 'tsx', SERVER], { env: { ...process.env, PORT: '0', DATABASE_PATH: dbPath, LOG_LEVEL: 'info' } });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    const base = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start: ${stdout}`)), 60_000);
      child.stdout.on('data', () => {
        const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
    });
    const home = await fetch(`${base}/`);
    expect(home.status).toBe(200);
    const id = Number(/href="\/articles\/(\d+)"/.exec(await home.text())![1]);
    const beacon = await fetch(`${base}/articles/${id}/view`, { method: 'POST', headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0' } });
    expect(beacon.status).toBe(204);
    child.kill('SIGTERM');
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    const db = new Database(dbPath, { readonly: true });
    expect((db.prepare('SELECT views FROM articles WHERE id = ?').get(id) as { views: number }).views).toBe(1);
    db.close();
    const lines = stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    // the index's document facts are read before the server listens, not by the first search
    const loaded = lines.find((l) => l.msg === 'search index loaded');
    expect(loaded?.documents).toBeGreaterThan(0);
    const listening = lines.findIndex((l) => String(l.msg).startsWith('Server listening'));
    expect(lines.indexOf(loaded!)).toBeLessThan(listening);
    // and the engine's code is warmed up before it, too
    const warmed = lines.find((l) => l.msg === 'search engine warmed up');
    expect(warmed?.rounds).toBeGreaterThan(0);
    expect(lines.indexOf(warmed!)).toBeLessThan(listening);
    const requests = lines.filter((l) => l.msg === 'request');
    expect(requests.length).toBeGreaterThanOrEqual(2);
    expect(requests[0]).toMatchObject({ method: 'GET', url: '/', status: 200 });
    expect(typeof requests[0]!.ms).toBe('number');
    expect(stdout).not.toContain('127.0.0.1"');
    expect(stdout).not.toMatch(/remoteAddress|"ip"/);
  });
});
