import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IMPORT_ENV, IMPORT_NODE_FLAGS } from '../../src/bench/import-flags.js';
import { writeReport } from '../../src/bench/report.js';
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
