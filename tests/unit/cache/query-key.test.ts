import { describe, expect, it } from 'vitest';
import { queryCacheKey } from '../../../src/cache/query-key.js';

const Q = {
  metrics: ['reports_received'],
  groupBy: ['metric_time__month', 'report__channel'],
  where: ["{{ Dimension('report__channel') }} = 'app'", "{{ Dimension('report__category') }} = 'afval'"],
};

describe('queryCacheKey', () => {
  it('is a sha256 hex digest and stable for the same query', () => {
    const key = queryCacheKey(Q, 'v1');
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(queryCacheKey(structuredClone(Q), 'v1')).toBe(key);
  });

  it('shares an entry when only the where order, property order or defaults differ', () => {
    const reordered = { where: [...Q.where].reverse(), groupBy: Q.groupBy, metrics: Q.metrics };
    expect(queryCacheKey(reordered, 'v1')).toBe(queryCacheKey(Q, 'v1'));
    expect(queryCacheKey({ metrics: ['m'], groupBy: [], orderBy: [] }, 'v1')).toBe(queryCacheKey({ metrics: ['m'] }, 'v1'));
    expect(queryCacheKey({ metrics: ['m'], where: 'x = 1' }, 'v1')).toBe(queryCacheKey({ metrics: ['m'], where: ['x = 1'] }, 'v1'));
  });

  it('never shares across scope, definitions version, filters, limit or time range', () => {
    const base = queryCacheKey(Q, 'v1');
    expect(queryCacheKey(Q, 'v1', 'team-a')).not.toBe(base);
    expect(queryCacheKey(Q, 'v1', 'public')).toBe(base);
    expect(queryCacheKey(Q, 'v2')).not.toBe(base);
    expect(queryCacheKey({ ...Q, where: [Q.where[0]!] }, 'v1')).not.toBe(base);
    expect(queryCacheKey({ ...Q, limit: 10 }, 'v1')).not.toBe(base);
    expect(queryCacheKey({ ...Q, timeRange: { start: '2024-01-01' } }, 'v1')).not.toBe(base);
    expect(queryCacheKey({ ...Q, timeRange: { end: '2024-01-01' } }, 'v1')).not.toBe(queryCacheKey({ ...Q, timeRange: { start: '2024-01-01' } }, 'v1'));
  });

  it('keeps the order of metrics, groupBy and orderBy (they shape the output)', () => {
    const base = queryCacheKey(Q, 'v1');
    expect(queryCacheKey({ ...Q, groupBy: [...Q.groupBy].reverse() }, 'v1')).not.toBe(base);
    expect(queryCacheKey({ ...Q, metrics: ['a', 'b'] }, 'v1')).not.toBe(queryCacheKey({ ...Q, metrics: ['b', 'a'] }, 'v1'));
    expect(queryCacheKey({ ...Q, orderBy: ['a', 'b'] }, 'v1')).not.toBe(queryCacheKey({ ...Q, orderBy: ['b', 'a'] }, 'v1'));
  });

  it('rejects an invalid query like the engine does', () => {
    expect(() => queryCacheKey({ metrics: 'nope' } as never, 'v1')).toThrow(expect.objectContaining({ code: 'INVALID_QUERY' }));
  });
});
