/**
 * Cumulative metrics (spec 5.5, 3.10) against hand-written SQL: trailing windows across month
 * ends and the leap day, year-to-date resetting on 1 January in local time (timestamptz payments
 * in Europe/Amsterdam), period_agg at coarser grains, edges of a time range, joined dimensions,
 * count_distinct over a window, a derived metric over cumulative metrics over a filtered simple one.
 */
import type { MetricQueryInput } from '../../src/core/query.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MaatstafError } from '../../src/core/errors.js';
import { ENGINES, type TestWarehouse } from '../helpers/warehouses.js';
import { fixtureGraph, fixtureGraphWith } from '../fixtures/engine/fixture.js';
import { expectNonEmptyQueryMatches, openFixtureWarehouse, runQuery } from '../fixtures/engine/harness.js';

const graph = fixtureGraph();

/** Payments per local day, and the daily spine. */
const BASE = `p AS (SELECT (paid_at AT TIME ZONE 'Europe/Amsterdam')::date AS d, amount, method, customer_id FROM fct_payments),
  days AS (SELECT date_day AS d FROM time_spine_daily)`;

/** A daily cumulative series `v` over rows of `p` matching `cond` (days d, rows p). */
const daily = (agg: string, cond: string, from = 'p') => `SELECT days.d, ${agg} AS v FROM days JOIN ${from} ON ${from}.d <= days.d AND ${cond} GROUP BY days.d`;

/** A sum whose per-day partials can be NULL (no card payment that day): the running window must keep such days. */
const NULL_PARTIALS = {
  path: 'null-partials.yml',
  text: `
semantic_models:
  - name: card_amounts
    model: ref('fct_payments')
    defaults: {agg_time_dimension: paid_at}
    entities: [{name: card_payment, type: primary, expr: payment_id}]
    # Local time as a naive timestamp (the fixture's column types list only its own models).
    dimensions: [{name: paid_at, type: time, expr: "paid_at AT TIME ZONE 'Europe/Amsterdam'", type_params: {time_granularity: day}}]
    measures: [{name: card_amount, agg: sum, expr: "CASE WHEN method = 'card' THEN amount END"}]
metrics:
  - name: card_amount_l2d
    type: cumulative
    type_params: {measure: card_amount, cumulative_type_params: {window: 2 days}}
`,
};

describe.each(ENGINES)('cumulative metrics on %s', (engine) => {
  let wh: TestWarehouse;
  beforeAll(async () => {
    wh = await openFixtureWarehouse(engine);
  });
  afterAll(async () => {
    await wh.dispose();
  });
  const check = (query: MetricQueryInput, sql: string) => expectNonEmptyQueryMatches(wh, graph, query, sql);

  it('sums a trailing 7-day window per day over the whole spine', async () => {
    await check(
      { metrics: ['payments_l7d'], groupBy: ['metric_time__day'] },
      `WITH ${BASE}, s AS (${daily('SUM(p.amount)', "p.d > days.d - 7")})
       SELECT to_char(d, 'YYYY-MM-DD') AS metric_time__day, v AS payments_l7d FROM s`,
    );
  });

  it('trailing 1-month window across month ends and the leap day, looking back before the range start', async () => {
    const rows = await check(
      { metrics: ['payments_l1m'], groupBy: ['metric_time'], timeRange: { start: '2024-02-25', end: '2024-04-02' } },
      `WITH ${BASE}, s AS (${daily('SUM(p.amount)', "p.d > days.d - interval '1 month'")})
       SELECT to_char(d, 'YYYY-MM-DD') AS metric_time__day, v AS payments_l1m FROM s WHERE d BETWEEN '2024-02-25' AND '2024-04-02'`,
    );
    const at = (day: string) => rows.find((r) => r['metric_time__day'] === day)?.['payments_l1m'];
    expect(rows).toHaveLength(38);
    expect(Number(at('2024-02-25'))).toBe(30); // 31 Jan (before the range) + 1 Feb
    expect(Number(at('2024-02-29'))).toBe(100); // (29 Jan, 29 Feb]
    expect(Number(at('2024-03-01'))).toBe(120); // (1 Feb, 1 Mar]
    expect(Number(at('2024-03-30'))).toBe(50); // 30 Mar - 1 month = 29 Feb (leap day), excluded
    expect(Number(at('2024-03-31'))).toBe(110);
  });

  it('a running window keeps spine times whose window holds rows with NULL values only (NULL, as the join gives it)', async () => {
    const rows = await expectNonEmptyQueryMatches(
      wh,
      fixtureGraphWith([NULL_PARTIALS]),
      { metrics: ['card_amount_l2d'], groupBy: ['metric_time__day'] },
      `WITH ${BASE}, s AS (${daily("SUM(CASE WHEN p.method = 'card' THEN p.amount END)", 'p.d > days.d - 2')})
       SELECT to_char(d, 'YYYY-MM-DD') AS metric_time__day, v AS card_amount_l2d FROM s`,
    );
    expect(rows.filter((r) => r['card_amount_l2d'] === null).length).toBeGreaterThan(0);
  });

  it('period_agg last picks the value on the last day of each month', async () => {
    await check(
      { metrics: ['payments_l1m'], groupBy: ['metric_time__month'] },
      `WITH ${BASE}, s AS (${daily('SUM(p.amount)', "p.d > days.d - interval '1 month'")})
       SELECT DISTINCT ON (date_trunc('month', d)) to_char(date_trunc('month', d), 'YYYY-MM-DD') AS metric_time__month, v AS payments_l1m
       FROM s ORDER BY date_trunc('month', d), d DESC`,
    );
  });

  it('year to date resets on 1 January in local time', async () => {
    const rows = await check(
      { metrics: ['payments_ytd'], groupBy: ['metric_time__day'], timeRange: { start: '2023-12-31', end: '2025-01-02' } },
      `WITH ${BASE}, s AS (${daily('SUM(p.amount)', "p.d >= date_trunc('year', days.d)")})
       SELECT to_char(d, 'YYYY-MM-DD') AS metric_time__day, v AS payments_ytd FROM s WHERE d BETWEEN '2023-12-31' AND '2025-01-02'`,
    );
    const at = (day: string) => Number(rows.find((r) => r['metric_time__day'] === day)?.['payments_ytd']);
    expect(at('2023-12-31')).toBe(5); // payment 2 (23:30 UTC on 31 Dec) is already 2024 in Amsterdam
    expect(at('2024-01-01')).toBe(7);
    expect(at('2024-12-31')).toBe(287);
    expect(at('2025-01-01')).toBe(80);
    expect(at('2025-01-02')).toBe(170);
  });

  it('year to date by year and quarter picks the first day (default period_agg)', async () => {
    await check(
      { metrics: ['payments_ytd'], groupBy: ['metric_time__quarter', 'metric_time__year'] },
      `WITH ${BASE}, s AS (${daily('SUM(p.amount)', "p.d >= date_trunc('year', days.d)")})
       SELECT DISTINCT ON (date_trunc('quarter', d)) to_char(date_trunc('quarter', d), 'YYYY-MM-DD') AS metric_time__quarter,
              to_char(date_trunc('year', d), 'YYYY-MM-DD') AS metric_time__year, v AS payments_ytd
       FROM s ORDER BY date_trunc('quarter', d), d`,
    );
  });

  it('month to date over orders (a measure input with fill_nulls_with), first value per month', async () => {
    await check(
      { metrics: ['revenue_mtd'], groupBy: ['metric_time__month'] },
      `WITH o AS (SELECT CAST(ordered_at AS date) AS d, amount FROM fct_orders), days AS (SELECT date_day AS d FROM time_spine_daily),
         s AS (SELECT days.d, SUM(o.amount) AS v FROM days JOIN o ON o.d <= days.d AND o.d >= date_trunc('month', days.d) GROUP BY days.d)
       SELECT DISTINCT ON (date_trunc('month', d)) to_char(date_trunc('month', d), 'YYYY-MM-DD') AS metric_time__month, COALESCE(v, 0) AS revenue_mtd
       FROM s ORDER BY date_trunc('month', d), d`,
    );
  });

  it('groups by a joined dimension (rows without a match keep a NULL country)', async () => {
    await check(
      { metrics: ['payments_l7d'], groupBy: ['metric_time', 'customer__country'], timeRange: { start: '2024-02-26', end: '2024-03-05' } },
      `WITH ${BASE}, pc AS (SELECT p.*, c.country FROM p LEFT JOIN dim_customers c ON c.customer_id = p.customer_id)
       SELECT to_char(days.d, 'YYYY-MM-DD') AS metric_time__day, pc.country AS customer__country, SUM(pc.amount) AS payments_l7d
       FROM days JOIN pc ON pc.d <= days.d AND pc.d > days.d - 7
       WHERE days.d BETWEEN '2024-02-26' AND '2024-03-05' GROUP BY days.d, pc.country`,
    );
  });

  it('counts distinct payers over the window, not a sum of daily distinct counts; average per month', async () => {
    await check(
      { metrics: ['payers_l30d'], groupBy: ['metric_time__day'] },
      `WITH ${BASE}, s AS (${daily('COUNT(DISTINCT p.customer_id)', 'p.d > days.d - 30')})
       SELECT to_char(d, 'YYYY-MM-DD') AS metric_time__day, v AS payers_l30d FROM s`,
    );
    await check(
      { metrics: ['payers_l30d'], groupBy: ['metric_time__month'] },
      `WITH ${BASE}, s AS (${daily('COUNT(DISTINCT p.customer_id)', 'p.d > days.d - 30')})
       SELECT to_char(date_trunc('month', d), 'YYYY-MM-DD') AS metric_time__month, AVG(v) AS payers_l30d FROM s GROUP BY 1`,
    );
  });

  it('derived over cumulative metrics over a filtered simple metric', async () => {
    const rows = await check(
      { metrics: ['card_mtd_share', 'payments_mtd'], groupBy: ['metric_time__month'] },
      `WITH ${BASE}, card AS (SELECT * FROM p WHERE method = 'card'),
         a AS (${daily('SUM(p.amount)', "p.d >= date_trunc('month', days.d)")}),
         c AS (${daily('SUM(card.amount)', "card.d >= date_trunc('month', days.d)", 'card')}),
         am AS (SELECT DISTINCT ON (date_trunc('month', d)) date_trunc('month', d) AS m, v FROM a ORDER BY date_trunc('month', d), d DESC),
         cm AS (SELECT DISTINCT ON (date_trunc('month', d)) date_trunc('month', d) AS m, v FROM c ORDER BY date_trunc('month', d), d DESC)
       SELECT to_char(am.m, 'YYYY-MM-DD') AS metric_time__month, cm.v * 100 / NULLIF(am.v, 0) AS card_mtd_share, am.v AS payments_mtd
       FROM am LEFT JOIN cm ON cm.m = am.m`,
    );
    expect(rows.find((r) => r['metric_time__month'] === '2024-02-01')).toMatchObject({ payments_mtd: expect.anything() });
    expect(Number(rows.find((r) => r['metric_time__month'] === '2024-02-01')!['card_mtd_share'])).toBeCloseTo(6000 / 90, 6);
  });

  it('applies filters on metric_time to the output times, not to the rows in the window', async () => {
    const rows = await runQuery(wh, graph, {
      metrics: ['payments_l7d'],
      groupBy: ['metric_time'],
      where: "{{ TimeDimension('metric_time', 'day') }} = '2024-03-01'",
    });
    expect(rows.map((r) => [r['metric_time__day'], Number(r['payments_l7d'])])).toEqual([['2024-03-01', 120]]);
  });

  it('all-time totals: per day from the first payment on, and without metric_time up to the range end', async () => {
    await check(
      { metrics: ['payments_all_time'], groupBy: ['metric_time'], timeRange: { start: '2024-03-01', end: '2024-03-03' } },
      `WITH ${BASE}, s AS (${daily('SUM(p.amount)', 'true')})
       SELECT to_char(d, 'YYYY-MM-DD') AS metric_time__day, v AS payments_all_time FROM s WHERE d BETWEEN '2024-03-01' AND '2024-03-03'`,
    );
    await check({ metrics: ['payments_all_time'], groupBy: ['payment__method'] }, `SELECT method AS payment__method, SUM(amount) AS payments_all_time FROM fct_payments GROUP BY 1`);
    await check(
      { metrics: ['payments_all_time'], timeRange: { start: '2024-03-01', end: '2024-03-31' } },
      `WITH ${BASE} SELECT SUM(amount) AS payments_all_time FROM p WHERE d <= '2024-03-31'`,
    );
  });

  it('the aggregation time dimension works like metric_time', async () => {
    await check(
      { metrics: ['payments_mtd'], groupBy: ['payment__paid_at__day'], timeRange: { start: '2024-02-27', end: '2024-03-02' } },
      `WITH ${BASE}, s AS (${daily('SUM(p.amount)', "p.d >= date_trunc('month', days.d)")})
       SELECT to_char(d, 'YYYY-MM-DD') AS payment__paid_at__day, v AS payments_mtd FROM s WHERE d BETWEEN '2024-02-27' AND '2024-03-02'`,
    );
  });

  it('rejects windowed cumulative metrics without a time item and date parts (spec 3.10)', async () => {
    const code = async (q: Parameters<typeof runQuery>[2]) => runQuery(wh, graph, q).then(() => 'ok', (e: unknown) => (e instanceof MaatstafError ? e.code : String(e)));
    expect(await code({ metrics: ['payments_l7d'], groupBy: ['payment__method'] })).toBe('INVALID_QUERY');
    expect(await code({ metrics: ['card_mtd_share'] })).toBe('INVALID_QUERY');
    expect(await code({ metrics: ['payments_ytd'], groupBy: ['metric_time__extract_month'] })).not.toBe('ok');
  });
});
