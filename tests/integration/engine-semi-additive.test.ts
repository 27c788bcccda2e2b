/**
 * Semi-additive measures (non_additive_dimension, spec 6.2) against hand-written SQL: end-of-period
 * balances with gaps (a customer without a snapshot on the period's last day), per-customer
 * latest values (window_groupings), opening balances (min), no time item, joined dimensions,
 * time ranges and use inside a ratio.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestWarehouse } from '../helpers/warehouses.js';
import { fixtureGraph } from '../fixtures/engine/fixture.js';
import type { MetricQueryInput } from '../../src/core/query.js';
import { expectNonEmptyQueryMatches, openFixtureWarehouse } from '../fixtures/engine/harness.js';

const graph = fixtureGraph();

/** Rows of fct_balances at the max/min snapshot day per `partition` (SQL list, may be empty). */
const kept = (choice: 'max' | 'min', partition: string) =>
  `(SELECT * FROM (SELECT b.*, ${choice}(snapshot_at) OVER (${partition ? `PARTITION BY ${partition}` : ''}) AS w FROM fct_balances b) x WHERE snapshot_at = w)`;

describe.each(ENGINES)('semi-additive metrics on %s', (engine) => {
  let wh: TestWarehouse;
  beforeAll(async () => {
    wh = await openFixtureWarehouse(engine);
  });
  afterAll(async () => {
    await wh.dispose();
  });
  const check = (query: MetricQueryInput, sql: string) => expectNonEmptyQueryMatches(wh, graph, query, sql);
  const values = (rows: readonly Record<string, unknown>[], key: string, metric: string) =>
    Object.fromEntries(rows.map((r) => [String(r[key]), r[metric] === null ? null : Number(r[metric])]));

  it('end-of-month balance: only the rows on the last snapshot day of each month', async () => {
    const rows = await check(
      { metrics: ['total_balance'], groupBy: ['metric_time__month'] },
      `SELECT to_char(date_trunc('month', snapshot_at), 'YYYY-MM-DD') AS metric_time__month, SUM(balance) AS total_balance
       FROM ${kept('max', "date_trunc('month', snapshot_at)")} k GROUP BY 1`,
    );
    // January's last snapshot day is the 31st (customer 2's balance of the 20th is not counted).
    expect(values(rows, 'metric_time__month', 'total_balance')).toEqual({ '2024-01-01': 120, '2024-02-01': 120, '2024-03-01': 90 });
  });

  it('latest balance per customer (window_groupings) fills the gaps with each customer’s last snapshot', async () => {
    const rows = await check(
      { metrics: ['customer_balance'], groupBy: ['metric_time__month'] },
      `SELECT to_char(date_trunc('month', snapshot_at), 'YYYY-MM-DD') AS metric_time__month, SUM(balance) AS customer_balance
       FROM ${kept('max', "customer_id, date_trunc('month', snapshot_at)")} k GROUP BY 1`,
    );
    expect(values(rows, 'metric_time__month', 'customer_balance')).toEqual({ '2024-01-01': 190, '2024-02-01': 250, '2024-03-01': 101 });
  });

  it('opening balance (min) by week, and by the snapshot dimension itself', async () => {
    await check(
      { metrics: ['opening_balance'], groupBy: ['metric_time__week'] },
      `SELECT to_char(date_trunc('week', snapshot_at), 'YYYY-MM-DD') AS metric_time__week, SUM(balance) AS opening_balance
       FROM ${kept('min', "date_trunc('week', snapshot_at)")} k GROUP BY 1`,
    );
    await check(
      { metrics: ['opening_balance'], groupBy: ['balance__snapshot_at__quarter'] },
      `SELECT to_char(date_trunc('quarter', snapshot_at), 'YYYY-MM-DD') AS balance__snapshot_at__quarter, SUM(balance) AS opening_balance
       FROM ${kept('min', "date_trunc('quarter', snapshot_at)")} k GROUP BY 1`,
    );
  });

  it('without a time item: the global last day, or each customer’s last day', async () => {
    await check({ metrics: ['total_balance', 'customer_balance'] }, `SELECT (SELECT SUM(balance) FROM ${kept('max', '')} a) AS total_balance, (SELECT SUM(balance) FROM ${kept('max', 'customer_id')} c) AS customer_balance`);
    await check(
      { metrics: ['customer_balance'], groupBy: ['customer__country'] },
      `SELECT c.country AS customer__country, SUM(k.balance) AS customer_balance FROM ${kept('max', 'customer_id')} k LEFT JOIN dim_customers c ON c.customer_id = k.customer_id GROUP BY 1`,
    );
  });

  it('a joined dimension does not partition the window; a time range applies before choosing the day', async () => {
    await check(
      { metrics: ['total_balance'], groupBy: ['metric_time__month', 'customer__country'] },
      `SELECT to_char(date_trunc('month', k.snapshot_at), 'YYYY-MM-DD') AS metric_time__month, c.country AS customer__country, SUM(k.balance) AS total_balance
       FROM ${kept('max', "date_trunc('month', snapshot_at)")} k LEFT JOIN dim_customers c ON c.customer_id = k.customer_id GROUP BY 1, 2`,
    );
    const rows = await check(
      { metrics: ['total_balance'], timeRange: { start: '2024-01-01', end: '2024-01-25' } },
      `SELECT SUM(balance) AS total_balance FROM fct_balances WHERE snapshot_at = '2024-01-20'`,
    );
    expect(Number(rows[0]!['total_balance'])).toBe(70);
  });

  it('inside a ratio, only the semi-additive input is filtered', async () => {
    await check(
      { metrics: ['balance_per_snapshot'], groupBy: ['metric_time__month'] },
      `WITH n AS (SELECT date_trunc('month', snapshot_at) AS m, SUM(balance) AS v FROM ${kept('max', "customer_id, date_trunc('month', snapshot_at)")} k GROUP BY 1),
            d AS (SELECT date_trunc('month', snapshot_at) AS m, COUNT(balance_id) AS v FROM fct_balances GROUP BY 1)
       SELECT to_char(d.m, 'YYYY-MM-DD') AS metric_time__month, CAST(n.v AS DOUBLE PRECISION) / CAST(NULLIF(d.v, 0) AS DOUBLE PRECISION) AS balance_per_snapshot
       FROM d LEFT JOIN n ON n.m = d.m`,
    );
  });
});
