import { describe, expect, it } from 'vitest';
import { ByteBoundedCache } from '../../src/search/byte-cache.js';

describe('ByteBoundedCache', () => {
  it('keeps at most its limit in bytes, the least recently used out first', () => {
    const cache = new ByteBoundedCache<string, string>(10);
    cache.set('a', 'A', 4);
    cache.set('b', 'B', 4);
    expect(cache.get('a')).toBe('A'); // now b is the least recently used
    cache.set('c', 'C', 4);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual(['A', undefined, 'C']);
    expect(cache.bytes).toBe(8);
  });

  it('counts a replaced value once, keeps nothing larger than its limit, and forgets on demand', () => {
    const cache = new ByteBoundedCache<number, string>(10);
    cache.set(1, 'one', 6);
    cache.set(1, 'uno', 6);
    expect(cache.bytes).toBe(6);
    cache.set(2, 'huge', 11);
    expect([cache.get(1), cache.get(2)]).toEqual(['uno', undefined]);
    cache.delete(1);
    expect([cache.get(1), cache.bytes]).toEqual([undefined, 0]);
    cache.set(3, 'three', 5);
    cache.clear();
    expect([cache.get(3), cache.bytes]).toEqual([undefined, 0]);
  });
});
