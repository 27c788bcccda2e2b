/**
 * Derived metrics with offset_window / offset_to_grain (spec 5.6, 3.10) against hand-written SQL:
 * year over year, previous week at day and month grain (after and before aggregation), value at
 * the start of the month, an offset of a cumulative metric, edges of the data and of a time range.
 */
import type { MetricQueryInput } from '../../src/core/query.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MaatstafError } from '../../src/core/errors.js';
import { ENGINES, type TestWarehouse } from '../helpers/warehouses.js';
import { fixtureGraph } from '../fixtures/engine/fixture.js';
import { expectNonEmptyQueryMatches, openFixtureWarehouse, runQuery } from '../fixtures/engine/harness.js';

const graph = fixtureGraph();

/** Payments per local day, daily payment sums, and the daily spine. */
const BASE = `p AS (SELECT (paid_at AT TIME ZONE 'Europe/Amsterdam')::date AS d, amount, method, customer_id FROM fct_payments),
  pd AS (SELECT d, SUM(amount) AS v FROM p GROUP BY d),
  days AS (SELECT date_day AS d FROM time_spine_daily)`;

describe.each(ENGINES)('offset metrics on %s', (engine) => {
  let wh: TestWarehouse;
  beforeAll(async () => {
    wh = await openFixtureWarehouse(engine);
  });
  afterAll(async () => {
    await wh.dispose();
  });
  const check = (query: MetricQueryInput, sql: string) => expectNonEmptyQueryMatches(wh, graph, query, sql);

  it('(current − last year) / last year by month, NULL where either side is missing', async () => {
    const rows = await check(
      { metrics: ['payments_yoy', 'payments'], groupBy: ['metric_time__month'] },
      `WITH ${BASE}, m AS (SELECT date_trunc('month', d)::date AS mo, SUM(amount) AS v FROM p GROUP BY 1),
         sm AS (SELECT DISTINCT date_trunc('month', d)::date AS mo FROM days),
         ly AS (SELECT sm.mo, m.v FROM sm JOIN m ON m.mo = sm.mo - interval '1 year')
       SELECT to_char(COALESCE(m.mo, ly.mo), 'YYYY-MM-DD') AS metric_time__month, (m.v - ly.v) / NULLIF(ly.v, 0) AS payments_yoy, m.v AS payments
       FROM m FULL JOIN ly ON m.mo = ly.mo`,
    );
    const at = (month: string) => rows.find((r) => r['metric_time__month'] === month);
    expect(Number(at('2025-01-01')!['payments_yoy'])).toBe(9); // (80 + 90 - 17) / 17; payment 10 is January in Amsterdam
    expect(at('2024-12-01')).toMatchObject({ payments: null, payments_yoy: null }); // only last year's 5
    expect(at('2024-01-01')!['payments_yoy']).toBeNull(); // no data a year earlier
    expect(at('2025-03-01')).toMatchObject({ payments: null, payments_yoy: null }); // only last year's value
  });

  it('previous week by day inside a time range sees values from before the range', async () => {
    const rows = await check(
      { metrics: ['payments_prev_week'], groupBy: ['metric_time'], timeRange: { start: '2024-03-01', end: '2024-03-10' } },
      `WITH ${BASE} SELECT to_char(days.d, 'YYYY-MM-DD') AS metric_time__day, pd.v AS payments_prev_week
       FROM days JOIN pd ON pd.d = days.d - 7 WHERE days.d BETWEEN '2024-03-01' AND '2024-03-10'`,
    );
    expect(rows.map((r) => [r['metric_time__day'], Number(r['payments_prev_week'])]).sort()).toEqual([
      ['2024-03-06', 30],
      ['2024-03-07', 40],
      ['2024-03-08', 50],
    ]);
  });

  it('previous week by month shifts every day before aggregating', async () => {
    await check(
      { metrics: ['payments_prev_week'], groupBy: ['metric_time__month'] },
      `WITH ${BASE} SELECT to_char(date_trunc('month', days.d), 'YYYY-MM-DD') AS metric_time__month, SUM(p.amount) AS payments_prev_week
       FROM days JOIN p ON p.d = days.d - 7 GROUP BY 1`,
    );
  });

  it('offset_to_grain month: the value on the first day of the month', async () => {
    await check(
      { metrics: ['payments_at_month_start'], groupBy: ['metric_time__day'] },
      `WITH ${BASE} SELECT to_char(days.d, 'YYYY-MM-DD') AS metric_time__day, pd.v AS payments_at_month_start
       FROM days JOIN pd ON pd.d = date_trunc('month', days.d)`,
    );
  });

  it('offset of a cumulative metric, with a time range', async () => {
    await check(
      { metrics: ['payments_mtd_prev_month'], groupBy: ['metric_time'], timeRange: { start: '2024-03-01', end: '2024-03-31' } },
      `WITH ${BASE}, s AS (SELECT days.d, SUM(p.amount) AS v FROM days JOIN p ON p.d <= days.d AND p.d >= date_trunc('month', days.d) GROUP BY days.d),
         prev AS (SELECT days.d, s.v FROM days JOIN s ON s.d = days.d - interval '1 month')
       SELECT to_char(COALESCE(s.d, prev.d), 'YYYY-MM-DD') AS metric_time__day, s.v - prev.v AS payments_mtd_prev_month
       FROM s FULL JOIN prev ON s.d = prev.d WHERE COALESCE(s.d, prev.d) BETWEEN '2024-03-01' AND '2024-03-31'`,
    );
  });

  it('filters on metric_time constrain the output month, not the shifted input', async () => {
    const rows = await runQuery(wh, graph, {
      metrics: ['payments_yoy'],
      groupBy: ['metric_time__month'],
      where: "{{ TimeDimension('metric_time', 'month') }} = '2025-01-01'",
    });
    expect(rows.map((r) => [r['metric_time__month'], Number(r['payments_yoy'])])).toEqual([['2025-01-01', 9]]);
  });

  it('groups by a joined dimension', async () => {
    await check(
      { metrics: ['payments_prev_week'], groupBy: ['metric_time__day', 'customer__country'] },
      `WITH ${BASE} SELECT to_char(days.d, 'YYYY-MM-DD') AS metric_time__day, c.country AS customer__country, SUM(p.amount) AS payments_prev_week
       FROM days JOIN p ON p.d = days.d - 7 LEFT JOIN dim_customers c ON c.customer_id = p.customer_id GROUP BY 1, 2`,
    );
  });

  it('offsets need metric_time in the group-by (spec 3.10)', async () => {
    const code = async (q: Parameters<typeof runQuery>[2]) => runQuery(wh, graph, q).then(() => 'ok', (e: unknown) => (e instanceof MaatstafError ? e.code : String(e)));
    expect(await code({ metrics: ['payments_yoy'], groupBy: ['payment__method'] })).toBe('INVALID_QUERY');
    expect(await code({ metrics: ['payments_at_month_start'], groupBy: ['metric_time__month', 'metric_time__extract_dow'] })).not.toBe('ok');
  });
});
