/**
 * Issue 8 target: 200 concurrent identical cold requests cost exactly one warehouse query
 * (counted at the warehouse). The HTTP figures are in http.bench.ts.
 */
import { createSpeedLayer, DEFAULT_SPEED_LAYER } from '../cache/speed-layer.js';
import { loadEngine } from '../engine/load-engine.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import type { BenchSection } from './engine.bench.js';
import { fmt } from './stats.js';

const QUERY = { metrics: ['reports_received', 'app_share'], groupBy: ['metric_time__month', 'report__channel'], orderBy: ['metric_time__month'] };

/** The warehouse with a query counter. */
function counting(inner: Warehouse): { readonly wh: Warehouse; readonly count: () => number } {
  let n = 0;
  const wh: Warehouse = {
    kind: inner.kind,
    db: inner.db,
    schema: inner.schema,
    query: (sql, params) => {
      n++;
      return inner.query(sql, params);
    },
    ping: () => inner.ping(),
    close: () => inner.close(),
  };
  return { wh, count: () => n };
}

export async function benchCoalescing(warehouse: Warehouse, metricsDir: string, engineLabel: string): Promise<BenchSection> {
  const counted = counting(warehouse);
  const loaded = await loadEngine(metricsDir, counted.wh);
  if (!loaded.engine) throw new Error(loaded.error);
  const failures: string[] = [];

  const before = counted.count();
  const t0 = performance.now();
  const single = await loaded.engine.run(QUERY);
  const singleMs = performance.now() - t0;
  const bare = counted.count() - before;

  const engine = createSpeedLayer(DEFAULT_SPEED_LAYER).wrapEngine(loaded.engine);
  const start = counted.count();
  const t1 = performance.now();
  const results = await Promise.all(Array.from({ length: 200 }, () => engine.run(QUERY)));
  const burstMs = performance.now() - t1;
  const queries = counted.count() - start;
  if (queries !== 1) failures.push(`coalescing: 200 concurrent identical cold requests ran ${queries} warehouse queries (want 1)`);
  const expected = JSON.stringify(single.rows);
  const wrong = results.filter((r) => JSON.stringify(r.rows) !== expected).length;
  if (wrong) failures.push(`coalescing: ${wrong} of 200 answers differ from the uncached answer`);

  return {
    title: `Request coalescing (${engineLabel})`,
    lines: [
      '| case | warehouse queries | wall time |',
      '|---|---|---|',
      `| 1 request, no speed layer | ${bare} | ${fmt(singleMs)} |`,
      `| 200 concurrent identical cold requests | ${queries} | ${fmt(burstMs)} |`,
      '',
      `All 200 answers equal the uncached answer: ${wrong === 0 ? 'yes' : `no (${wrong} differ)`} (${single.rows.length} rows).`,
    ],
    failures,
  };
}
