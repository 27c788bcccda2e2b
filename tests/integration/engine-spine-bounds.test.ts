/**
 * Time spines bounded by the query (issue 24): hourly timestamptz pickups have no spine table fine
 * enough, so their spines are generated — limited to the time range when given, else to the span
 * the data can reach (computed in the same statement). Numbers against hand-written SQL over an
 * unbounded calendar, with and without a time range, at the edges of the data (first and last
 * day, ranges starting before and ending after it), for year-to-date, trailing-window, all-time,
 * offset and join_to_timespine metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricQueryInput } from '../../src/core/query.js';
import { compileQuery } from '../../src/compiler/index.js';
import { MetricQuerySchema } from '../../src/core/query.js';
import { fixtureGraph } from '../fixtures/engine/fixture.js';
import { expectNonEmptyQueryMatches, openFixtureWarehouse, type Row } from '../fixtures/engine/harness.js';
import { ENGINES, type TestWarehouse } from '../helpers/warehouses.js';

const graph = fixtureGraph();
const AMS = `'Europe/Amsterdam'`;

/** Pickups at local wall-clock time, and a calendar far wider than the data. */
const BASE = `p AS (SELECT (picked_up_at AT TIME ZONE ${AMS}) AS t, zone FROM fct_pickups),
  days AS (SELECT g::date AS d FROM generate_series(timestamp '2000-01-01', timestamp '2040-12-31', interval '1 day') AS g),
  hours AS (SELECT h FROM generate_series(timestamp '2023-01-01', timestamp '2026-01-01', interval '1 hour') AS h)`;

/** Year to date per local day: every pickup of the same year up to the end of the day. */
const YTD = `SELECT days.d, COUNT(*)::int AS v FROM days JOIN p ON p.t::date <= days.d AND date_trunc('year', p.t) = date_trunc('year', days.d::timestamp) GROUP BY days.d`;

const day = (rows: readonly Row[], d: string, col: string) => rows.find((r) => r['metric_time__day'] === d)?.[col];

describe.each(ENGINES)('time spines bounded by the query on %s', (engine) => {
  let wh: TestWarehouse;
  beforeAll(async () => {
    wh = await openFixtureWarehouse(engine);
  });
  afterAll(async () => {
    await wh.dispose();
  });
  const check = (query: MetricQueryInput, sql: string) => expectNonEmptyQueryMatches(wh, graph, query, sql);
  const ytd = (where = 'true') => `WITH ${BASE}, s AS (${YTD}) SELECT to_char(d, 'YYYY-MM-DD') AS metric_time__day, v AS pickups_ytd FROM s WHERE ${where}`;

  it('year to date by day without a time range: from the first day of data to the end of its year', async () => {
    const rows = await check({ metrics: ['pickups_ytd'], groupBy: ['metric_time__day'] }, ytd());
    expect(rows).toHaveLength(276); // 2024-03-31 … 2024-12-31
    expect(Number(day(rows, '2024-03-31', 'pickups_ytd'))).toBe(4); // 23:30 UTC on 30 March is 31 March locally
    expect(Number(day(rows, '2024-10-26', 'pickups_ytd'))).toBe(4);
    expect(Number(day(rows, '2024-10-27', 'pickups_ytd'))).toBe(8);
    expect(Number(day(rows, '2024-12-31', 'pickups_ytd'))).toBe(8);
  });

  it('year to date by day with time ranges at the edges of the data', async () => {
    // Starts before the data.
    expect(await check({ metrics: ['pickups_ytd'], groupBy: ['metric_time'], timeRange: { start: '2024-01-01', end: '2024-04-02' } }, ytd(`d BETWEEN '2024-01-01' AND '2024-04-02'`))).toHaveLength(3);
    // Ends after the data (and after its year: the new year starts from nothing).
    expect(await check({ metrics: ['pickups_ytd'], groupBy: ['metric_time__day'], timeRange: { start: '2024-10-26', end: '2025-01-05' } }, ytd(`d BETWEEN '2024-10-26' AND '2025-01-05'`))).toHaveLength(67);
    // Exactly the first and the last day of data.
    const rows = await check({ metrics: ['pickups_ytd'], groupBy: ['metric_time__day'], timeRange: { start: '2024-03-31', end: '2024-10-27' } }, ytd(`d BETWEEN '2024-03-31' AND '2024-10-27'`));
    expect(rows).toHaveLength(211);
    expect([Number(day(rows, '2024-03-31', 'pickups_ytd')), Number(day(rows, '2024-10-27', 'pickups_ytd'))]).toEqual([4, 8]);
    // A range ending on the first day of data, starting on the last.
    expect(await check({ metrics: ['pickups_ytd'], groupBy: ['metric_time__day'], timeRange: { start: '2024-03-01', end: '2024-03-31' } }, ytd(`d BETWEEN '2024-03-01' AND '2024-03-31'`))).toHaveLength(1);
    expect(await check({ metrics: ['pickups_ytd'], groupBy: ['metric_time__day'], timeRange: { start: '2024-10-27', end: '2024-10-27' } }, ytd(`d = '2024-10-27'`))).toHaveLength(1);
  });

  it('year to date by day × a dimension and by month', async () => {
    await check(
      { metrics: ['pickups_ytd'], groupBy: ['metric_time__day', 'pickup__zone'], timeRange: { start: '2024-03-30', end: '2024-11-03' } },
      `WITH ${BASE} SELECT to_char(days.d, 'YYYY-MM-DD') AS metric_time__day, p.zone AS pickup__zone, COUNT(*)::int AS pickups_ytd
       FROM days JOIN p ON p.t::date <= days.d AND date_trunc('year', p.t) = date_trunc('year', days.d::timestamp)
       WHERE days.d BETWEEN '2024-03-30' AND '2024-11-03' GROUP BY days.d, p.zone`,
    );
    const rows = await check(
      { metrics: ['pickups_ytd'], groupBy: ['metric_time__month'] },
      `WITH ${BASE}, s AS (${YTD}) SELECT DISTINCT ON (date_trunc('month', d)) to_char(date_trunc('month', d), 'YYYY-MM-DD') AS metric_time__month, v AS pickups_ytd
       FROM s ORDER BY date_trunc('month', d), d DESC`,
    );
    expect(rows).toHaveLength(10); // March … December 2024
  });

  it('trailing 3-hour window by hour: rows until the window has passed the last pickup', async () => {
    const l3h = (where = 'true') => `WITH ${BASE} SELECT to_char(h, 'YYYY-MM-DD HH24:MI:SS') AS metric_time__hour, COUNT(*)::int AS pickups_l3h
      FROM hours JOIN p ON date_trunc('hour', p.t) <= h AND date_trunc('hour', p.t) > h - interval '3 hours' WHERE ${where} GROUP BY h`;
    const all = await check({ metrics: ['pickups_l3h'], groupBy: ['metric_time__hour'] }, l3h());
    expect(all.at(-1)).toBeDefined();
    expect(all.map((r) => r['metric_time__hour'])).toContain('2024-10-27 06:00:00'); // last pickup 04:00 local + 2 h
    expect(all.map((r) => r['metric_time__hour'])).not.toContain('2024-10-27 07:00:00');
    await check({ metrics: ['pickups_l3h'], groupBy: ['metric_time__hour'], timeRange: { start: '2024-10-27', end: '2024-10-27' } }, l3h(`h >= '2024-10-27' AND h < '2024-10-28'`));
    await check({ metrics: ['pickups_l3h'], groupBy: ['metric_time__day'], timeRange: { start: '2024-03-30', end: '2024-03-31' } },
      `WITH ${BASE}, s AS (SELECT h, COUNT(*)::int AS v FROM hours JOIN p ON date_trunc('hour', p.t) <= h AND date_trunc('hour', p.t) > h - interval '3 hours' GROUP BY h)
       SELECT to_char(h::date, 'YYYY-MM-DD') AS metric_time__day, v AS pickups_l3h FROM (SELECT DISTINCT ON (h::date) h, v FROM s ORDER BY h::date, h) f
       WHERE h >= '2024-03-30' AND h < '2024-04-01'`);
  });

  it('all-time cumulative with a range ending after the data keeps counting', async () => {
    const rows = await check(
      { metrics: ['pickups_all_time'], groupBy: ['metric_time__day'], timeRange: { start: '2024-10-25', end: '2024-11-02' } },
      `WITH ${BASE} SELECT to_char(days.d, 'YYYY-MM-DD') AS metric_time__day, COUNT(*)::int AS pickups_all_time
       FROM days JOIN p ON p.t::date <= days.d WHERE days.d BETWEEN '2024-10-25' AND '2024-11-02' GROUP BY days.d`,
    );
    expect(rows).toHaveLength(9);
    // Rows before the range are reduced to one per zone at its start (time-floor): same numbers.
    await check(
      { metrics: ['pickups_all_time'], groupBy: ['metric_time__day', 'pickup__zone'], timeRange: { start: '2024-10-27', end: '2024-10-28' } },
      `WITH ${BASE} SELECT to_char(days.d, 'YYYY-MM-DD') AS metric_time__day, p.zone AS pickup__zone, COUNT(*)::int AS pickups_all_time
       FROM days JOIN p ON p.t::date <= days.d WHERE days.d BETWEEN '2024-10-27' AND '2024-10-28' GROUP BY days.d, p.zone`,
    );
    // Distinct customers over all time: each counts from its first pickup on (a NULL customer never).
    const customers = (range: string) => `WITH ${BASE}, c AS (SELECT (picked_up_at AT TIME ZONE ${AMS}) AS t, zone, customer_id FROM fct_pickups)
       SELECT to_char(days.d, 'YYYY-MM-DD') AS metric_time__day, c.zone AS pickup__zone, COUNT(DISTINCT c.customer_id) AS pickup_customers_all_time
       FROM days JOIN c ON c.t::date <= days.d WHERE ${range} GROUP BY days.d, c.zone`;
    await check({ metrics: ['pickup_customers_all_time'], groupBy: ['metric_time__day', 'pickup__zone'], timeRange: { start: '2024-03-31', end: '2024-10-28' } }, customers(`days.d BETWEEN '2024-03-31' AND '2024-10-28'`));
    await check({ metrics: ['pickup_customers_all_time'], groupBy: ['metric_time__month'] },
      `WITH ${BASE}, c AS (SELECT (picked_up_at AT TIME ZONE ${AMS}) AS t, customer_id FROM fct_pickups)
       SELECT to_char(m, 'YYYY-MM-DD') AS metric_time__month, (SELECT COUNT(DISTINCT customer_id) FROM c WHERE c.t < m + interval '1 month') AS pickup_customers_all_time
       FROM generate_series(timestamp '2024-03-01', timestamp '2040-12-01', interval '1 month') AS m`);
    const { sql } = compileQuery(graph, MetricQuerySchema.parse({ metrics: ['pickups_all_time'], groupBy: ['metric_time__day'], timeRange: { start: '2024-10-27', end: '2024-10-28' } }));
    expect(sql).toMatch(/GREATEST\("metric_time__day", CAST\(\$\d+ AS DATE\)\) AS "metric_time__day"/);
  });

  it('offsets by a day at hourly grain: output hours are the data hours shifted, with and without a range', async () => {
    const prev = (where = 'true') => `WITH ${BASE}, a AS (SELECT date_trunc('hour', t) AS h, COUNT(*)::int AS n FROM p GROUP BY 1)
      SELECT to_char(h + interval '1 day', 'YYYY-MM-DD HH24:MI:SS') AS metric_time__hour, n AS pickups_prev_day FROM a WHERE ${where}`;
    expect(await check({ metrics: ['pickups_prev_day'], groupBy: ['metric_time__hour'] }, prev())).toHaveLength(7); // two pickups share 02:00 local on 27 October (summer and winter time)
    expect(
      await check({ metrics: ['pickups_prev_day'], groupBy: ['metric_time__hour'], timeRange: { start: '2024-10-27', end: '2024-10-28' } }, prev(`h + interval '1 day' >= '2024-10-27' AND h + interval '1 day' < '2024-10-29'`)),
    ).toHaveLength(3);
  });

  it('join_to_timespine by hour without a range spans the data, first to last hour; a range is shown whole', async () => {
    const onSpine = (from: string, to: string) => `WITH a AS (SELECT date_trunc('hour', picked_up_at AT TIME ZONE ${AMS}) AS h, COUNT(*) AS n FROM fct_pickups GROUP BY 1)
      SELECT to_char(s.h, 'YYYY-MM-DD HH24:MI:SS') AS metric_time__hour, a.n AS pickups_on_spine
      FROM generate_series(${from}, ${to}, interval '1 hour') AS s(h) LEFT JOIN a ON a.h = s.h`;
    const rows = await check({ metrics: ['pickups_on_spine'], groupBy: ['metric_time__hour'] }, onSpine('(SELECT MIN(h) FROM a)', '(SELECT MAX(h) FROM a)'));
    expect(rows).toHaveLength(210 * 24 + 5); // 2024-03-31 00:00 … 2024-10-27 04:00
    const before = await check({ metrics: ['pickups_on_spine'], groupBy: ['metric_time__hour'], timeRange: { start: '2024-03-30', end: '2024-03-31' } }, onSpine(`timestamp '2024-03-30 00:00'`, `timestamp '2024-03-31 23:00'`));
    expect(before).toHaveLength(48);
  });

  it('compiles the spine over the data, not over 2000 … 2040, and needs no second statement', () => {
    const { sql } = compileQuery(graph, MetricQuerySchema.parse({ metrics: ['pickups_ytd'], groupBy: ['metric_time__day'] }));
    expect(sql).toMatch(/GENERATE_SERIES\(\(SELECT GREATEST\(CAST\(\$\d+ AS TIMESTAMP\), "__lo"\) FROM "time_bounds_\d+__spine"\)/);
    expect(sql).toMatch(/MIN\(CAST\("metric_time__hour" AS TIMESTAMP\)\) AS "__lo"/);
  });
});
