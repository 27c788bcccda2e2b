import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/config.js';

describe('speed layer settings', () => {
  it('defaults: 60 s TTL, 64 MiB, 1 h stale-if-error, 8 running, 100 queued, no Redis', () => {
    expect(loadConfig({}, {})).toMatchObject({
      cacheTtlMs: 60_000,
      cacheMaxBytes: 64 * 1024 * 1024,
      staleIfErrorMs: 3_600_000,
      maxConcurrentQueries: 8,
      maxQueuedQueries: 100,
      refreshCheckMs: 10_000,
    });
    expect(loadConfig({}, {}).redisUrl).toBeUndefined();
  });

  it('reads the environment, and 0 is allowed to switch the cache off', () => {
    const c = loadConfig({}, {
      MAATSTAF_CACHE_TTL_MS: '0',
      MAATSTAF_CACHE_MAX_BYTES: '1024',
      MAATSTAF_STALE_IF_ERROR_MS: '0',
      MAATSTAF_MAX_CONCURRENT_QUERIES: '2',
      MAATSTAF_MAX_QUEUED_QUERIES: '0',
      REDIS_URL: 'redis://127.0.0.1:6379/3',
    });
    expect(c).toMatchObject({ cacheTtlMs: 0, cacheMaxBytes: 1024, staleIfErrorMs: 0, maxConcurrentQueries: 2, maxQueuedQueries: 0, redisUrl: 'redis://127.0.0.1:6379/3' });
  });

  it('names the setting for a bad value and hides a Redis password', () => {
    expect(() => loadConfig({}, { MAATSTAF_MAX_CONCURRENT_QUERIES: '0' })).toThrow(/MAATSTAF_MAX_CONCURRENT_QUERIES/);
    expect(() => loadConfig({}, { MAATSTAF_CACHE_TTL_MS: '-1' })).toThrow(/MAATSTAF_CACHE_TTL_MS/);
    expect(() => loadConfig({}, { REDIS_URL: 'http://u:secret@h' })).toThrow(/REDIS_URL.*\*\*\*/);
  });
});
