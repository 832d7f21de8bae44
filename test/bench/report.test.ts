import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IMPORT_ENV, IMPORT_NODE_FLAGS } from '../../src/bench/import-flags.js';
import { importTimeRows, withRuns, writeReport, type ImportFigures } from '../../src/bench/report.js';
import { PROJECT_ROOT } from '../../src/paths.js';

describe('BENCHMARKS.md writer', () => {
  it('replaces only the measured size and keeps other sizes and other sections', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'xunwen-report-')), 'B.md');
    writeFileSync(path, '# x\n\n## How to read these numbers\nold\n\n## 1,000 articles\nsmall\n\n## 100,000 articles\nold big\n\n## Load test\nload figures\n');
    writeReport(path, 100_000, '## 100,000 articles\nnew big\n');
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('## 1,000 articles\nsmall');
    expect(text).toContain('## 100,000 articles\nnew big');
    expect(text).not.toContain('old big');
    expect(text).toContain('## Load test\nload figures');
    expect(text.match(/## How to read these numbers/g)).toHaveLength(1);
  });
});

describe('the benchmark imports as `npm run import` does', () => {
  it('starts its import process with the Node flags and the environment of the import script', () => {
    const scripts = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const env = Object.entries(IMPORT_ENV).map(([name, value]) => `${name}=${value}`);
    expect(scripts.import).toBe(`${env.join(' ')} node ${IMPORT_NODE_FLAGS.join(' ')} dist/cli/import.js`);
  });
});

describe('repeated imports in one benchmark run', () => {
  const last: ImportFigures = {
    docs: 100_000, schemaVersion: 11, markdownBytes: 1, seconds: 25, rate: 4_000, dbBytes: 1, walBytes: 0,
    dbBytesCheckpointed: 1, rssAfter: 1, heapUsedAfter: 1, peakRss: 1, builtAt: '2026-12-08T00:00:00Z', cores: 2,
  };
  const runs = [
    { seconds: 20, cpuSeconds: 38, systemSeconds: 4.2, minorFaults: 281_400 },
    { seconds: 16, cpuSeconds: 32, systemSeconds: 3.5, minorFaults: 262_600 },
    // measured before system time and faults were recorded
    { seconds: 25, cpuSeconds: 37.5 },
  ];

  it('quote the median run, not the last or the fastest', () => {
    const figures = withRuns(last, runs);
    expect(figures.seconds).toBe(20);
    expect(figures.rate).toBe(5_000);
    expect(figures.runs).toEqual(runs);
  });

  it('list every run in order with the share of the cores it got, and the kernel\'s part where it was measured', () => {
    const rows = importTimeRows(withRuns(last, runs));
    expect(rows[0]).toEqual(['wall time', '20.0 s, the median of 3 imports, each into a new database']);
    expect(rows[1]![1]).toBe(
      '1: 20.0 s = 5,000/s (CPU 38.0 s, 95 % of 2 cores; system 4.2 s, 281k page faults); 2: 16.0 s = 6,250/s (CPU 32.0 s, 100 % of 2 cores; system 3.5 s, 263k page faults); 3: 25.0 s = 4,000/s (CPU 37.5 s, 75 % of 2 cores)',
    );
  });

  it('show a single import as its wall time, with its share of the cores when it was measured', () => {
    expect(importTimeRows({ ...last, cores: undefined })).toEqual([['wall time', '25.0 s']]);
    expect(importTimeRows({ ...last, cpuSeconds: 40 })).toEqual([['wall time', '25.0 s (CPU 40.0 s, 80 % of 2 cores)']]);
    expect(importTimeRows({ ...last, cpuSeconds: 40, systemSeconds: 5, minorFaults: 300_000 })).toEqual([['wall time', '25.0 s (CPU 40.0 s, 80 % of 2 cores; system 5.0 s, 300k page faults)']]);
  });
});
