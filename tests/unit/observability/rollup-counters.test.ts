/** Prometheus counters of rollup hits and misses, per rollup and first failed rule. */
import { describe, expect, it } from 'vitest';
import { createServerMetrics } from '../../../src/observability/metrics.js';

describe('maatstaf_rollup_queries_total', () => {
  it('counts a hit for the rollup used and a miss with its rule for each one tried before', async () => {
    const m = createServerMetrics({ processMetrics: false });
    m.observeRollups([{ name: 'weekly', used: false, rule: 'time-grain', reason: '…' }, { name: 'daily', used: true }]);
    m.observeRollups([{ name: 'weekly', used: false, rule: 'time-grain', reason: '…' }, { name: 'daily', used: false, rule: 'stale', reason: '…' }]);
    const text = await m.registry.metrics();
    expect(text).toContain('maatstaf_rollup_queries_total{rollup="weekly",outcome="miss",rule="time-grain"} 2');
    expect(text).toContain('maatstaf_rollup_queries_total{rollup="daily",outcome="hit",rule=""} 1');
    expect(text).toContain('maatstaf_rollup_queries_total{rollup="daily",outcome="miss",rule="stale"} 1');
  });
});
