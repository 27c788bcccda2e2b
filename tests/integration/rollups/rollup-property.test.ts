/**
 * Property test: hundreds of random queries over the engine fixture's star schema (orders →
 * customers → regions) on both engines. Whenever a rollup answers (meta.rollup set), its rows
 * equal the raw answer (useRollups: false) exactly; and rollups do answer a good share of them.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricQueryInput } from '../../../src/core/query.js';
import { fixtureGraph } from '../../fixtures/engine/fixture.js';
import { openFixtureWarehouse } from '../../fixtures/engine/harness.js';
import { rollupSetup, sortedRows, type RollupSetup } from '../../helpers/rollups.js';
import { ENGINES, type TestWarehouse } from '../../helpers/warehouses.js';

export const ORDER_ROLLUPS = `
rollups:
  - name: orders_monthly
    metrics: [revenue, customers_with_orders, median_order_amount]
    group_by: [order__channel]
    time_grain: month
    max_age: 1d
  - name: orders_daily
    model: orders
    group_by: [order__channel, customer__country]
    time_grain: day
    partition_grain: month
    max_age: 1d
`;

const METRICS = [
  'revenue', 'order_count', 'customers_with_orders', 'avg_order_value', 'max_order_amount', 'min_order_amount', 'median_order_amount',
  'p90_order_amount', 'gift_orders', 'shipped_revenue', 'web_revenue', 'nl_revenue', 'revenue_per_customer', 'aov', 'net_revenue',
  'web_order_share', 'nl_share', 'revenue_per_item', 'visits',
];
const GROUP_BY = [
  'metric_time__day', 'metric_time__week', 'metric_time__month', 'metric_time__quarter', 'metric_time__year', 'metric_time__extract_month',
  'metric_time__extract_dow', 'order__channel', 'customer__country', 'customer__segment',
];
const WHERE = [
  "{{ Dimension('order__channel') }} = 'web'",
  "{{ Dimension('customer__country') }} IN ('NL', 'BE')",
  "{{ TimeDimension('metric_time', 'month') }} >= '2024-03-01'",
  "{{ Dimension('customer__segment') }} = 'smb'",
];
const RANGES = [undefined, { start: '2024-02-01', end: '2024-06-30' }, { start: '2024-01-01' }, { start: '2024-02-15', end: '2024-03-10' }];

const queryArb = fc.record({
  metrics: fc.uniqueArray(fc.constantFrom(...METRICS), { minLength: 1, maxLength: 3 }),
  groupBy: fc.uniqueArray(fc.constantFrom(...GROUP_BY), { maxLength: 3 }),
  where: fc.uniqueArray(fc.constantFrom(...WHERE), { maxLength: 2 }),
  range: fc.constantFrom(...RANGES),
  limit: fc.option(fc.constantFrom(3, 50), { nil: undefined }),
});

describe.each(ENGINES)('rollup answers equal raw answers on %s', (engine) => {
  let wh: TestWarehouse;
  let r: RollupSetup;
  beforeAll(async () => {
    wh = await openFixtureWarehouse(engine);
    r = rollupSetup(fixtureGraph(), wh, ORDER_ROLLUPS);
    await r.build();
  });
  afterAll(async () => {
    await r.drop();
    await wh.dispose();
  });

  it('whenever a rollup answers, the rows are exactly the raw rows', async () => {
    let hits = 0;
    let misses = 0;
    await fc.assert(
      fc.asyncProperty(queryArb, async ({ range, limit, ...q }) => {
        // A limit without an order picks arbitrary rows: order by every output column.
        const orderBy = limit !== undefined ? [...q.groupBy, ...q.metrics] : [];
        const query: MetricQueryInput = { ...q, orderBy, ...(range ? { timeRange: range } : {}), ...(limit !== undefined ? { limit } : {}) };
        let fromRollup;
        try {
          fromRollup = await r.engine.run(query);
        } catch (e) {
          // Invalid combinations (an item the metrics cannot reach) fail the same way raw.
          await expect(r.engine.run({ ...query, useRollups: false })).rejects.toThrow((e as Error).message);
          return;
        }
        const raw = await r.engine.run({ ...query, useRollups: false });
        expect(raw.meta.rollup).toBeNull();
        if (fromRollup.meta.rollup) hits++;
        else misses++;
        if (limit !== undefined) expect(fromRollup.rows).toEqual(raw.rows);
        else expect(sortedRows(fromRollup.rows)).toEqual(sortedRows(raw.rows));
      }),
      { numRuns: 250, seed: 2323 },
    );
    expect(hits).toBeGreaterThan(40);
    expect(misses).toBeGreaterThan(40);
  }, 240_000);
});
