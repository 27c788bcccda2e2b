import { describe, expect, it } from 'vitest';
import { createResultCache } from '../../../src/cache/result-cache.js';
import type { QueryResult } from '../../../src/engine/types.js';

const result = (n: number, rows = 1): QueryResult => ({
  columns: [{ name: 'm', kind: 'metric', dataType: 'number' } as never],
  rows: Array.from({ length: rows }, (_, i) => ({ m: n + i })),
  meta: { definitionsVersion: 'v1', sqlHash: 'abc', rowCount: rows, durationMs: 1 },
});

describe('result cache', () => {
  it('answers fresh within the TTL, expired within the stale window, absent after', () => {
    let t = 1_000;
    const cache = createResultCache({ ttlMs: 100, maxBytes: 1e6, staleIfErrorMs: 1_000, now: () => t });
    cache.set('k', result(1));
    expect(cache.get('k').kind).toBe('fresh');
    t += 150;
    const expired = cache.get('k');
    expect(expired.kind).toBe('expired');
    expect(expired.kind !== 'absent' && expired.entry.result.rows).toEqual([{ m: 1 }]);
    t += 2_000;
    expect(cache.get('k').kind).toBe('absent');
  });

  it('is bounded in bytes: old entries are evicted, oversize results are not stored', () => {
    const cache = createResultCache({ ttlMs: 60_000, maxBytes: 2_000, staleIfErrorMs: 0 });
    for (let i = 0; i < 50; i++) cache.set(`k${i}`, result(i, 5));
    expect(cache.stats().bytes).toBeLessThanOrEqual(2_000);
    expect(cache.get('k0').kind).toBe('absent');
    expect(cache.get('k49').kind).toBe('fresh');
    expect(cache.set('big', result(1, 500))).toBeUndefined();
    expect(cache.get('big').kind).toBe('absent');
  });

  it('gives equal rows equal data hashes and different rows different ones', () => {
    const cache = createResultCache({ ttlMs: 60_000, maxBytes: 1e6, staleIfErrorMs: 0 });
    expect(cache.set('a', result(1))!.dataHash).toBe(cache.set('b', result(1))!.dataHash);
    expect(cache.set('c', result(2))!.dataHash).not.toBe(cache.set('a', result(1))!.dataHash);
  });

  it('is disabled by a TTL or size of 0', () => {
    for (const opts of [{ ttlMs: 0, maxBytes: 1e6 }, { ttlMs: 1000, maxBytes: 0 }]) {
      const cache = createResultCache({ ...opts, staleIfErrorMs: 0 });
      expect(cache.enabled).toBe(false);
      expect(cache.set('k', result(1))).toBeUndefined();
      expect(cache.get('k').kind).toBe('absent');
    }
  });
});
