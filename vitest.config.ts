import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // browser journeys start Chromium and a server: keep them off the other workers' toes
    fileParallelism: true,
    maxWorkers: 2,
    // the JSON report lets .ci/run print a plain "N passed, N failed" line
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
