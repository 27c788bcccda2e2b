import { Histogram, Registry, type Metric } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { RequestHistogram } from '../../../src/observability/request-histogram.js';

const BUCKETS = [0.001, 0.01, 0.1, 1];
const OBSERVATIONS: [string, string, number, number][] = [
  ['/v1/query', 'GET', 200, 0.0004],
  ['/v1/query', 'GET', 200, 0.001], // on a bound: counted in that bucket (le = less or equal)
  ['/v1/query', 'GET', 200, 0.05],
  ['/v1/query', 'POST', 200, 2.5], // above every bound: only +Inf
  ['/v1/query', 'GET', 404, 0.002],
  ['unmatched', 'GET', 404, 0.0001],
];

/** prom-client's own Histogram, fed the same observations: the reference text. */
async function referenceText(): Promise<string> {
  const registry = new Registry();
  const h = new Histogram({ name: 'req_seconds', help: 'Latency.', labelNames: ['route', 'method', 'status'], buckets: BUCKETS, registers: [registry] });
  for (const [route, method, status, v] of OBSERVATIONS) h.observe({ route, method, status: String(status) }, v);
  return registry.metrics();
}

const sortedLines = (text: string) => text.trim().split('\n').sort();

describe('RequestHistogram', () => {
  it('exposes exactly the lines prom-client\'s Histogram exposes for the same observations', async () => {
    const registry = new Registry();
    const h = new RequestHistogram('req_seconds', 'Latency.', BUCKETS);
    registry.registerMetric(h as unknown as Metric);
    for (const [route, method, status, v] of OBSERVATIONS) h.series(route, method, status).observe(v);
    const ours = await registry.metrics();
    expect(ours).toContain('req_seconds_bucket{le="0.001",route="/v1/query",method="GET",status="200"} 2');
    expect(ours).toContain('req_seconds_count{route="/v1/query",method="POST",status="200"} 1');
    expect(sortedLines(ours)).toEqual(sortedLines(await referenceText()));
  });

  it('hands out one series per label set and forgets them on reset', async () => {
    const registry = new Registry();
    const h = new RequestHistogram('req_seconds', 'Latency.', BUCKETS);
    registry.registerMetric(h as unknown as Metric);
    expect(h.series('/a', 'GET', 200)).toBe(h.series('/a', 'GET', 200));
    expect(h.series('/a', 'GET', 200)).not.toBe(h.series('/a', 'GET', 500));
    h.series('/a', 'GET', 200).observe(0.5);
    expect(await registry.metrics()).toContain('req_seconds_sum{route="/a",method="GET",status="200"} 0.5');
    registry.resetMetrics();
    expect(await registry.metrics()).not.toContain('req_seconds_sum');
  });
});
