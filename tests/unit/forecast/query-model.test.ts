/** The forecast spec in the query model: defaults, and its normal form (cache key and audit record). */
import { describe, expect, it } from 'vitest';
import { queryCacheKey } from '../../../src/cache/query-key.js';
import { MetricQuerySchema, normaliseQuery } from '../../../src/core/query.js';

const base = { metrics: ['pickups'], groupBy: ['metric_time__hour'] };
const normal = (input: unknown) => normaliseQuery(MetricQuerySchema.parse(input));

describe('forecast in the query model', () => {
  it('fills defaults and sorts the seasonal periods in the normal form the audit log records', () => {
    expect(normal({ ...base, forecast: { horizon: 24, seasonalPeriods: [168, 24, 24] }, anomalies: {} })).toMatchObject({
      forecast: { horizon: 24, level: 0.9, method: 'auto', seasonalPeriods: [24, 168] },
      anomalies: { level: 0.99 },
    });
    expect(normal(base)).not.toHaveProperty('forecast');
  });

  it('is part of the cache key: equal specs share a key, any difference does not', () => {
    const key = (q: object) => queryCacheKey(q, 'v1');
    const plain = key(base);
    const a = key({ ...base, forecast: { horizon: 24 } });
    expect(key({ ...base, forecast: { horizon: 24, level: 0.9, method: 'auto' } })).toBe(a);
    expect(new Set([plain, a, key({ ...base, forecast: { horizon: 25 } }), key({ ...base, forecast: { horizon: 24, level: 0.95 } }), key({ ...base, forecast: { horizon: 24 }, anomalies: {} })]).size).toBe(5);
  });
});
