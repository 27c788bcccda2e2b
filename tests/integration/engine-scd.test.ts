/**
 * SCD type II dimensions (spec 6.3) against hand-written SQL: each fact row sees the dimension
 * version valid at its aggregation time (valid_to exclusive, NULL = open), in local time for
 * timestamptz facts; rows outside every version get NULL; filters on SCD dimensions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MaatstafError } from '../../src/core/errors.js';
import type { MetricQueryInput } from '../../src/core/query.js';
import { ENGINES, type TestWarehouse } from '../helpers/warehouses.js';
import { fixtureGraph } from '../fixtures/engine/fixture.js';
import { expectNonEmptyQueryMatches, openFixtureWarehouse, runQuery } from '../fixtures/engine/harness.js';

const graph = fixtureGraph();

/** The tier of customer `c` valid on day `d`. */
const TIER = (c: string, d: string) =>
  `LEFT JOIN dim_customer_tier_history h ON h.customer_id = ${c} AND ${d} >= h.valid_from AND (${d} < h.valid_to OR h.valid_to IS NULL)`;

describe.each(ENGINES)('SCD type II joins on %s', (engine) => {
  let wh: TestWarehouse;
  beforeAll(async () => {
    wh = await openFixtureWarehouse(engine);
  });
  afterAll(async () => {
    await wh.dispose();
  });
  const check = (query: MetricQueryInput, sql: string) => expectNonEmptyQueryMatches(wh, graph, query, sql);

  it('attributes each order to the tier valid on its day', async () => {
    const rows = await check(
      { metrics: ['revenue', 'order_count'], groupBy: ['customer__loyalty_tier'] },
      `SELECT h.loyalty_tier AS customer__loyalty_tier, SUM(o.amount) AS revenue, COUNT(*) AS order_count
       FROM fct_orders o ${TIER('o.customer_id', 'CAST(o.ordered_at AS date)')} GROUP BY 1`,
    );
    // Customer 1's orders of 15 January are bronze (gold from the 16th); customer 2's order of 2025 is gold.
    expect(rows.find((r) => r['customer__loyalty_tier'] === 'bronze')?.['order_count']).toBe(3);
    expect(rows.find((r) => r['customer__loyalty_tier'] === 'gold')?.['order_count']).toBe(1);
  });

  it('with metric_time, another dimension of the same entity and a filter on the tier', async () => {
    await check(
      { metrics: ['revenue'], groupBy: ['metric_time__month', 'customer__loyalty_tier', 'customer__country'], where: "{{ Dimension('customer__loyalty_tier') }} IS NOT NULL" },
      `SELECT to_char(date_trunc('month', o.ordered_at), 'YYYY-MM-DD') AS metric_time__month, h.loyalty_tier AS customer__loyalty_tier, c.country AS customer__country,
              SUM(o.amount) AS revenue
       FROM fct_orders o ${TIER('o.customer_id', 'CAST(o.ordered_at AS date)')} LEFT JOIN dim_customers c ON c.customer_id = o.customer_id
       WHERE h.loyalty_tier IS NOT NULL GROUP BY 1, 2, 3`,
    );
  });

  it('compares timestamptz facts in local time (a payment at 00:30 on 1 January in Amsterdam)', async () => {
    await check(
      { metrics: ['payments'], groupBy: ['customer__loyalty_tier', 'metric_time__day'] },
      `WITH p AS (SELECT customer_id, amount, CAST(paid_at AT TIME ZONE 'Europe/Amsterdam' AS date) AS d FROM fct_payments)
       SELECT to_char(p.d, 'YYYY-MM-DD') AS metric_time__day, h.loyalty_tier AS customer__loyalty_tier, SUM(p.amount) AS payments
       FROM p ${TIER('p.customer_id', 'p.d')} GROUP BY 1, 2`,
    );
  });

  it('dimension-only queries read the SCD model as the left side (all versions)', async () => {
    await check({ groupBy: ['customer__loyalty_tier'] }, `SELECT DISTINCT loyalty_tier AS customer__loyalty_tier FROM dim_customer_tier_history`);
    await check(
      { groupBy: ['customer__loyalty_tier', 'customer__country'] },
      `SELECT DISTINCT h.loyalty_tier AS customer__loyalty_tier, c.country AS customer__country
       FROM dim_customer_tier_history h FULL JOIN dim_customers c ON c.customer_id = h.customer_id`,
    );
  });

  it('does not join an SCD model into other rows without a metric time', async () => {
    const error = await runQuery(wh, graph, { groupBy: ['customer__loyalty_tier', 'region__region_name'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MaatstafError);
  });
});
