/**
 * Derived metrics offset by a custom granularity (spec 5.6) against hand-written SQL on both
 * engines: by day (same position in the earlier period), by month in a time range, by the custom
 * grain itself (the whole earlier period), two periods back, and text-labelled tertials numbered by
 * their first day. Edges: partial first/last spine periods, a longer earlier period (its last days
 * fall beyond the current one), the end of the spine (shifted rows past it are dropped).
 */
import type { MetricQueryInput } from '../../src/core/query.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestWarehouse } from '../helpers/warehouses.js';
import { CUSTOM_OFFSETS_YAML, TERTIAL_SPINE_SQL } from '../fixtures/engine/custom-offsets.js';
import { fixtureGraphWith } from '../fixtures/engine/fixture.js';
import { expectNonEmptyQueryMatches, openFixtureWarehouse } from '../fixtures/engine/harness.js';

const graph = fixtureGraphWith([CUSTOM_OFFSETS_YAML]);

/**
 * Payments per local day; spine days numbered within their fiscal quarter (pos) and fiscal
 * quarters numbered by their label (a date: the quarter's first day), written independently of
 * the compiler's numbering by first spine day.
 */
const BASE = `p AS (SELECT (paid_at AT TIME ZONE 'Europe/Amsterdam')::date AS d, amount, method FROM fct_payments),
  pd AS (SELECT d, SUM(amount) AS v FROM p GROUP BY d),
  sp AS (SELECT date_day AS d, fiscal_quarter AS fq,
                ROW_NUMBER() OVER (PARTITION BY fiscal_quarter ORDER BY date_day) AS pos,
                DENSE_RANK() OVER (ORDER BY fiscal_quarter) AS n
         FROM time_spine_daily),
  shifted AS (SELECT o.d AS out_d, s.d AS src_d FROM sp o JOIN sp s ON s.n = o.n - 1 AND s.pos = o.pos)`;

/** Tertials numbered arithmetically (year × 3 + tertial), not from their text labels. */
const TERTIALS = `tp AS (SELECT date_day AS d, tertial,
                (EXTRACT(YEAR FROM date_day)::int * 3 + (EXTRACT(MONTH FROM date_day)::int - 1) / 4) AS n,
                ROW_NUMBER() OVER (PARTITION BY tertial ORDER BY date_day) AS pos
         FROM time_spine_tertial)`;

const num = (v: unknown) => (v === null ? null : Number(v));

describe.each(ENGINES)('custom-granularity offsets on %s', (engine) => {
  let wh: TestWarehouse;
  beforeAll(async () => {
    wh = await openFixtureWarehouse(engine);
    for (const statement of TERTIAL_SPINE_SQL) await wh.query(statement);
  });
  afterAll(async () => {
    await wh.dispose();
  });
  const check = (query: MetricQueryInput, sql: string) => expectNonEmptyQueryMatches(wh, graph, query, sql);

  it('by day: each day reads the same position of the previous fiscal quarter', async () => {
    const rows = await check(
      { metrics: ['payments_prev_fq'], groupBy: ['metric_time'] },
      `WITH ${BASE} SELECT to_char(shifted.out_d, 'YYYY-MM-DD') AS metric_time__day, pd.v AS payments_prev_fq
       FROM shifted JOIN pd ON pd.d = shifted.src_d`,
    );
    const byDay = Object.fromEntries(rows.map((r) => [r['metric_time__day'], num(r['payments_prev_fq'])]));
    // The spine starts on 2023-12-01, so the fiscal quarter of November 2023 starts there (position 1):
    // 2023-12-31 (position 31) → 2024-03-02 in the leap year, 2024-01-01 → 03-03, 2024-01-31 → 04-02.
    expect(byDay).toMatchObject({ '2024-03-02': 5, '2024-03-03': 7, '2024-04-02': 10 });
    // Period boundary: the last day of Feb–Apr 2024 (position 90) lands on 29 July; 30–31 July have no position 91–92 earlier.
    expect(byDay['2024-07-29']).toBe(70);
    expect(Object.keys(byDay).filter((d) => d > '2024-07-29')).toEqual([]);
    // Edge of the data: January 2025's payments map past the end of the spine (2025-03-31) and are dropped.
    expect(Object.keys(byDay).sort().at(-1)).toBe('2024-07-29');
  });

  it('by month inside a time range, filtered and grouped by a dimension', async () => {
    const rows = await check(
      {
        metrics: ['payments_prev_fq'],
        groupBy: ['metric_time__month', 'payment__method'],
        where: ["{{ Dimension('payment__method') }} = 'card'"],
        timeRange: { start: '2024-03-01', end: '2024-05-31' },
      },
      `WITH ${BASE} SELECT to_char(date_trunc('month', shifted.out_d), 'YYYY-MM-DD') AS metric_time__month, p.method AS payment__method,
              SUM(p.amount) AS payments_prev_fq
       FROM shifted JOIN p ON p.d = shifted.src_d
       WHERE p.method = 'card' AND shifted.out_d BETWEEN '2024-03-01' AND '2024-05-31'
       GROUP BY 1, 2`,
    );
    expect(rows.map((r) => [r['metric_time__month'], num(r['payments_prev_fq'])]).sort()).toEqual([
      ['2024-03-01', 5],
      ['2024-04-01', 10],
      ['2024-05-01', 110],
    ]);
  });

  it('by a date part (month of year) alongside the fiscal quarter, as MetricFlow allows: each day shifted, then grouped', async () => {
    await check(
      { metrics: ['payments_prev_fq'], groupBy: ['metric_time__extract_month', 'metric_time__fiscal_quarter'] },
      `WITH ${BASE} SELECT EXTRACT(month FROM shifted.out_d) AS metric_time__extract_month, o.fq AS metric_time__fiscal_quarter, SUM(pd.v) AS payments_prev_fq
       FROM shifted JOIN pd ON pd.d = shifted.src_d JOIN sp o ON o.d = shifted.out_d
       GROUP BY 1, 2`,
    );
  });

  it('by fiscal quarter: each quarter takes the whole previous quarter, combined with the current value', async () => {
    const rows = await check(
      { metrics: ['payments_fq_change', 'payments_prev_fq', 'payments'], groupBy: ['metric_time__fiscal_quarter'] },
      `WITH ${BASE},
         q AS (SELECT sp.fq, SUM(pd.v) AS v FROM pd JOIN sp ON sp.d = pd.d GROUP BY sp.fq),
         per AS (SELECT DISTINCT fq, n FROM sp),
         prev AS (SELECT o.fq, q.v FROM per o JOIN per s ON s.n = o.n - 1 JOIN q ON q.fq = s.fq)
       SELECT to_char(COALESCE(q.fq, prev.fq), 'YYYY-MM-DD') AS metric_time__fiscal_quarter,
              q.v - prev.v AS payments_fq_change, prev.v AS payments_prev_fq, q.v AS payments
       FROM q FULL JOIN prev ON prev.fq = q.fq`,
    );
    const at = (fq: string) => {
      const r = rows.find((x) => x['metric_time__fiscal_quarter'] === fq)!;
      return [num(r['payments']), num(r['payments_prev_fq']), num(r['payments_fq_change'])];
    };
    expect(at('2024-02-01')).toEqual([270, 22, 248]); // all of the (partial) Nov 2023–Jan 2024 quarter
    expect(at('2024-05-01')).toEqual([null, 270, null]);
    // The partial last quarter (Feb–Mar 2025) still gets the whole of Nov 2024–Jan 2025, unlike by day.
    expect(at('2025-02-01')).toEqual([null, 170, null]);
  });

  it('two fiscal quarters back, by fiscal quarter and by day', async () => {
    await check(
      { metrics: ['payments_prev_2fq'], groupBy: ['metric_time__fiscal_quarter'] },
      `WITH ${BASE},
         q AS (SELECT sp.fq, SUM(pd.v) AS v FROM pd JOIN sp ON sp.d = pd.d GROUP BY sp.fq),
         per AS (SELECT DISTINCT fq, n FROM sp)
       SELECT to_char(o.fq, 'YYYY-MM-DD') AS metric_time__fiscal_quarter, q.v AS payments_prev_2fq
       FROM per o JOIN per s ON s.n = o.n - 2 JOIN q ON q.fq = s.fq`,
    );
    await check(
      { metrics: ['payments_prev_2fq'], groupBy: ['metric_time__day', 'metric_time__fiscal_quarter'] },
      `WITH ${BASE}
       SELECT to_char(o.d, 'YYYY-MM-DD') AS metric_time__day, to_char(o.fq, 'YYYY-MM-DD') AS metric_time__fiscal_quarter, pd.v AS payments_prev_2fq
       FROM sp o JOIN sp s ON s.n = o.n - 2 AND s.pos = o.pos JOIN pd ON pd.d = s.d`,
    );
  });

  it('a standard offset (1 week) grouped by fiscal quarter shifts days across the quarter boundary', async () => {
    const rows = await check(
      { metrics: ['payments_prev_week'], groupBy: ['metric_time__fiscal_quarter'] },
      `WITH ${BASE}
       SELECT to_char(s.fiscal_quarter, 'YYYY-MM-DD') AS metric_time__fiscal_quarter, SUM(pd.v) AS payments_prev_week
       FROM time_spine_daily s JOIN pd ON pd.d = s.date_day - 7 GROUP BY 1`,
    );
    // 30 April (Feb–Apr quarter) is read on 7 May, in the May–Jul quarter.
    expect(rows.map((r) => [r['metric_time__fiscal_quarter'], num(r['payments_prev_week'])]).sort()).toEqual([
      ['2023-11-01', 12],
      ['2024-02-01', 210],
      ['2024-05-01', 70],
      ['2024-11-01', 170],
    ]);
  });

  it('text-labelled tertials are ordered by their first day, by tertial and by day', async () => {
    const rows = await check(
      { metrics: ['payments_prev_tertial'], groupBy: ['metric_time__tertial'] },
      `WITH ${BASE}, ${TERTIALS},
         t AS (SELECT tp.tertial, tp.n, SUM(pd.v) AS v FROM pd JOIN tp ON tp.d = pd.d GROUP BY 1, 2),
         per AS (SELECT DISTINCT tertial, n FROM tp)
       SELECT o.tertial AS metric_time__tertial, t.v AS payments_prev_tertial
       FROM per o JOIN t ON t.n = o.n - 1`,
    );
    // In label order ('T1 2024' < 'T1 2025' < 'T2 2024' < 'T3 2023') T2 2024 would read T1 2025;
    // in time order it reads T1 2024, and T1 2024 reads the partial T3 2023 (December only).
    expect(rows.map((r) => [r['metric_time__tertial'], num(r['payments_prev_tertial'])]).sort()).toEqual([
      ['T1 2024', 5],
      ['T2 2024', 287],
    ]);
    await check(
      { metrics: ['payments_prev_tertial'], groupBy: ['metric_time__day'], timeRange: { start: '2024-01-01', end: '2024-12-31' } },
      `WITH ${BASE}, ${TERTIALS}
       SELECT to_char(o.d, 'YYYY-MM-DD') AS metric_time__day, pd.v AS payments_prev_tertial
       FROM tp o JOIN tp s ON s.n = o.n - 1 AND s.pos = o.pos JOIN pd ON pd.d = s.d
       WHERE o.d BETWEEN '2024-01-01' AND '2024-12-31'`,
    );
  });
});
