import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';

describe('configuration', () => {
  it('reads the search settings as numbers and names a bad one', () => {
    expect(loadConfig({ SEARCH_LIST_CACHE_MB: '64', SEARCH_THREADS: '0' })).toMatchObject({ SEARCH_LIST_CACHE_MB: 64, SEARCH_THREADS: 0 });
    expect(loadConfig({}).SEARCH_LIST_CACHE_MB).toBeUndefined();
    for (const bad of ['-1', 'lots', '1.5']) expect(() => loadConfig({ SEARCH_LIST_CACHE_MB: bad })).toThrow(/SEARCH_LIST_CACHE_MB/);
  });
});
