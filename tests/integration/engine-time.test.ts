/**
 * Time semantics against hand-written SQL: timestamptz columns truncated in the project time zone
 * (DST changes in Europe/Amsterdam), ISO weeks around new year, date parts, time ranges.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { introspectTimeTypes } from '../../src/engine/introspect-time-types.js';
import { buildSemanticGraph } from '../../src/semantic-graph/index.js';
import { ENGINES, type TestWarehouse } from '../helpers/warehouses.js';
import { FIXTURE_TIME_TYPES, fixtureDefinitions, fixtureGraph } from '../fixtures/engine/fixture.js';
import { expectQueryMatches, openFixtureWarehouse, runQuery } from '../fixtures/engine/harness.js';

const graph = fixtureGraph();
const AMS = `'Europe/Amsterdam'`;

describe.each(ENGINES)('engine time semantics on %s', (engine) => {
  let wh: TestWarehouse;
  beforeAll(async () => {
    wh = await openFixtureWarehouse(engine);
  });
  afterAll(async () => {
    await wh.dispose();
  });
  const check = (query: Parameters<typeof runQuery>[2], sql: string) => expectQueryMatches(wh, graph, query, sql);

  it('finds the same time-column types by introspection as the fixture declares', async () => {
    const { lookup: types, problems } = await introspectTimeTypes(fixtureDefinitions(), wh);
    expect(problems).toEqual([]);
    for (const m of fixtureDefinitions().semanticModels) {
      for (const d of m.dimensions.filter((x) => x.type === 'time')) expect([m.name, d.name, types(m.name, d.name)]).toEqual([m.name, d.name, FIXTURE_TIME_TYPES(m.name, d.name)]);
    }
  });

  it('truncates timestamptz hours in local time across both DST changes', async () => {
    const rows = await check(
      { metrics: ['pickups'], groupBy: ['metric_time__hour'] },
      `SELECT to_char(date_trunc('hour', picked_up_at AT TIME ZONE ${AMS}), 'YYYY-MM-DD HH24:MI:SS') AS metric_time__hour, COUNT(*) AS pickups
       FROM fct_pickups GROUP BY 1`,
    );
    // 2024-03-31 01:30 UTC is 03:30 in Amsterdam (no 02:xx that night); two instants share 02:xx on 2024-10-27.
    expect(rows).toContainEqual({ metric_time__hour: '2024-03-31 03:00:00', pickups: 1 });
    expect(rows).toContainEqual({ metric_time__hour: '2024-10-27 02:00:00', pickups: 2 });
    expect(rows.map((r) => r['metric_time__hour'])).not.toContain('2024-03-31 02:00:00');
  });

  it('truncates timestamptz days in local time (late-evening UTC rows move to the next day)', async () => {
    const rows = await check(
      { metrics: ['pickups', 'new_customers'], groupBy: ['metric_time'] },
      `WITH p AS (SELECT (picked_up_at AT TIME ZONE ${AMS})::date AS d, COUNT(*) AS n FROM fct_pickups GROUP BY 1),
            c AS (SELECT (signed_up_at AT TIME ZONE ${AMS})::date AS d, COUNT(customer_id) AS n FROM dim_customers GROUP BY 1)
       SELECT to_char(COALESCE(p.d, c.d), 'YYYY-MM-DD') AS metric_time__day, p.n AS pickups, c.n AS new_customers FROM p FULL JOIN c ON p.d = c.d`,
    );
    expect(rows).toContainEqual({ metric_time__day: '2024-03-31', pickups: 4, new_customers: 1 });
    expect(rows).toContainEqual({ metric_time__day: '2024-01-01', pickups: null, new_customers: 1 });
  });

  it('extracts date parts in local time: ISO day of week (Monday = 1) and hour', async () => {
    await check(
      { metrics: ['pickups'], groupBy: ['metric_time__extract_dow', 'metric_time__extract_hour'] },
      `SELECT EXTRACT(isodow FROM picked_up_at AT TIME ZONE ${AMS})::int AS metric_time__extract_dow,
              EXTRACT(hour FROM picked_up_at AT TIME ZONE ${AMS})::int AS metric_time__extract_hour, COUNT(*) AS pickups
       FROM fct_pickups GROUP BY 1, 2`,
    );
  });

  it('constrains a timestamptz aggregation time in local time', async () => {
    const rows = await check(
      { metrics: ['pickups'], groupBy: ['metric_time'], timeRange: { start: '2024-03-31', end: '2024-03-31' } },
      `SELECT to_char((picked_up_at AT TIME ZONE ${AMS})::date, 'YYYY-MM-DD') AS metric_time__day, COUNT(*) AS pickups FROM fct_pickups
       WHERE picked_up_at AT TIME ZONE ${AMS} >= '2024-03-31' AND picked_up_at AT TIME ZONE ${AMS} < '2024-04-01' GROUP BY 1`,
    );
    expect(rows).toEqual([{ metric_time__day: '2024-03-31', pickups: 4 }]);
    // An hour range on an hourly column: 03:00-04:59 local on the spring-forward day.
    await check(
      { metrics: ['pickups'], groupBy: ['metric_time__hour'], timeRange: { start: '2024-03-31 03:00', end: '2024-03-31 04:10' } },
      `SELECT to_char(date_trunc('hour', picked_up_at AT TIME ZONE ${AMS}), 'YYYY-MM-DD HH24:MI:SS') AS metric_time__hour, COUNT(*) AS pickups FROM fct_pickups
       WHERE picked_up_at AT TIME ZONE ${AMS} >= '2024-03-31 03:00' AND picked_up_at AT TIME ZONE ${AMS} < '2024-03-31 05:00' GROUP BY 1`,
    );
  });

  it('uses ISO weeks around new year (week of 2024-12-30 starts on Monday, belongs to 2025)', async () => {
    const rows = await check(
      { metrics: ['revenue'], groupBy: ['metric_time__week', 'metric_time__extract_week', 'metric_time__extract_year'], timeRange: { start: '2024-12-20', end: '2025-01-05' } },
      `SELECT to_char(date_trunc('week', ordered_at), 'YYYY-MM-DD') AS metric_time__week, EXTRACT(week FROM ordered_at)::int AS metric_time__extract_week,
              EXTRACT(year FROM ordered_at)::int AS metric_time__extract_year, SUM(amount) AS revenue
       FROM fct_orders WHERE ordered_at >= '2024-12-16' AND ordered_at < '2025-01-06' GROUP BY 1, 2, 3`,
    );
    expect(rows).toContainEqual({ metric_time__week: '2024-12-23', metric_time__extract_week: 52, metric_time__extract_year: 2024, revenue: 60 });
    expect(rows).toContainEqual({ metric_time__week: '2024-12-30', metric_time__extract_week: 1, metric_time__extract_year: 2025, revenue: 10 });
  });

  it('groups by a date column and a non-aggregation time dimension as they are', async () => {
    await check(
      { metrics: ['revenue', 'visits'], groupBy: ['metric_time__month', 'metric_time__extract_doy'] },
      `WITH o AS (SELECT date_trunc('month', ordered_at)::date AS m, EXTRACT(doy FROM ordered_at)::int AS d, SUM(amount) AS revenue FROM fct_orders GROUP BY 1, 2),
            v AS (SELECT date_trunc('month', visited_at)::date AS m, EXTRACT(doy FROM visited_at)::int AS d, COUNT(*) AS visits FROM fct_visits GROUP BY 1, 2)
       SELECT to_char(COALESCE(o.m, v.m), 'YYYY-MM-DD') AS metric_time__month, COALESCE(o.d, v.d) AS metric_time__extract_doy, o.revenue, v.visits
       FROM o FULL JOIN v ON o.m = v.m AND o.d = v.d`,
    );
    await check(
      { metrics: ['revenue'], groupBy: ['order__shipped_at__month'] },
      `SELECT to_char(date_trunc('month', shipped_at), 'YYYY-MM-DD') AS order__shipped_at__month, SUM(amount) AS revenue FROM fct_orders GROUP BY 1`,
    );
  });

  it('joins to the time spine after aggregation and fills NULLs (join_to_timespine, fill_nulls_with)', async () => {
    const rows = await check(
      { metrics: ['revenue_filled', 'revenue'], groupBy: ['metric_time'], timeRange: { start: '2024-01-14', end: '2024-01-21' } },
      `WITH a AS (SELECT ordered_at::date AS d, SUM(amount) AS revenue FROM fct_orders GROUP BY 1)
       SELECT to_char(s.date_day, 'YYYY-MM-DD') AS metric_time__day, COALESCE(a.revenue, 0) AS revenue_filled, a.revenue
       FROM time_spine_daily s LEFT JOIN a ON a.d = s.date_day WHERE s.date_day BETWEEN '2024-01-14' AND '2024-01-21'`,
    );
    expect(rows).toHaveLength(8);
    expect(rows).toContainEqual({ metric_time__day: '2024-01-16', revenue_filled: 0, revenue: null });
    await check(
      { metrics: ['revenue_filled'], groupBy: ['metric_time__month', 'order__channel'] },
      `WITH a AS (SELECT date_trunc('month', ordered_at)::date AS m, channel, SUM(amount) AS revenue FROM fct_orders GROUP BY 1, 2),
            s AS (SELECT DISTINCT date_trunc('month', date_day)::date AS m FROM time_spine_daily)
       SELECT to_char(s.m, 'YYYY-MM-DD') AS metric_time__month, a.channel AS order__channel, COALESCE(a.revenue, 0) AS revenue_filled
       FROM s LEFT JOIN a ON a.m = s.m`,
    );
    await check({ metrics: ['revenue_filled'], groupBy: ['order__channel'] }, `SELECT channel AS order__channel, SUM(amount) AS revenue_filled FROM fct_orders GROUP BY 1`);
  });

  it('generates hourly spine rows in local wall-clock time when no spine is fine enough', async () => {
    const rows = await check(
      { metrics: ['pickups_on_spine'], groupBy: ['metric_time__hour'], timeRange: { start: '2024-03-31', end: '2024-03-31' } },
      `WITH a AS (SELECT date_trunc('hour', picked_up_at AT TIME ZONE ${AMS}) AS h, COUNT(*) AS n FROM fct_pickups GROUP BY 1)
       SELECT to_char(s.h, 'YYYY-MM-DD HH24:MI:SS') AS metric_time__hour, a.n AS pickups_on_spine
       FROM generate_series(timestamp '2024-03-31 00:00', timestamp '2024-03-31 23:00', interval '1 hour') AS s(h) LEFT JOIN a ON a.h = s.h`,
    );
    expect(rows).toHaveLength(24);
  });

  it('groups by a custom granularity from the time spine (local, joined, timestamptz, spine rows)', async () => {
    await check(
      { metrics: ['revenue', 'pickups'], groupBy: ['metric_time__fiscal_quarter'] },
      `WITH o AS (SELECT s.fiscal_quarter AS q, SUM(o.amount) AS revenue FROM fct_orders o LEFT JOIN time_spine_daily s ON s.date_day = o.ordered_at::date GROUP BY 1),
            p AS (SELECT s.fiscal_quarter AS q, COUNT(*) AS pickups FROM fct_pickups p
                  LEFT JOIN time_spine_daily s ON s.date_day = (p.picked_up_at AT TIME ZONE ${AMS})::date GROUP BY 1)
       SELECT to_char(COALESCE(o.q, p.q), 'YYYY-MM-DD') AS metric_time__fiscal_quarter, o.revenue, p.pickups FROM o FULL JOIN p ON o.q = p.q`,
    );
    await check(
      { metrics: ['revenue'], groupBy: ['customer__signed_up_at__fiscal_quarter'] },
      `SELECT to_char(s.fiscal_quarter, 'YYYY-MM-DD') AS customer__signed_up_at__fiscal_quarter, SUM(o.amount) AS revenue
       FROM fct_orders o LEFT JOIN dim_customers c ON c.customer_id = o.customer_id
       LEFT JOIN time_spine_daily s ON s.date_day = (c.signed_up_at AT TIME ZONE ${AMS})::date GROUP BY 1`,
    );
    await check(
      { groupBy: ['metric_time__fiscal_quarter'], timeRange: { start: '2024-01-01', end: '2024-06-30' } },
      `SELECT DISTINCT to_char(fiscal_quarter, 'YYYY-MM-DD') AS metric_time__fiscal_quarter FROM time_spine_daily WHERE date_day BETWEEN '2024-01-01' AND '2024-06-30'`,
    );
    await check(
      { metrics: ['revenue_filled'], groupBy: ['metric_time__fiscal_quarter'] },
      `WITH a AS (SELECT s.fiscal_quarter AS q, SUM(o.amount) AS revenue FROM fct_orders o LEFT JOIN time_spine_daily s ON s.date_day = o.ordered_at::date GROUP BY 1)
       SELECT DISTINCT to_char(s.fiscal_quarter, 'YYYY-MM-DD') AS metric_time__fiscal_quarter, COALESCE(a.revenue, 0) AS revenue_filled
       FROM time_spine_daily s LEFT JOIN a ON a.q = s.fiscal_quarter`,
    );
  });

  it('truncates in another project time zone when configured', async () => {
    const defs = fixtureDefinitions();
    const ny = buildSemanticGraph({ ...defs, settings: { ...defs.settings, timeZone: 'America/New_York' } }, { timeColumnTypes: FIXTURE_TIME_TYPES });
    const rows = await runQuery(wh, ny, { metrics: ['pickups'], groupBy: ['metric_time'] });
    const expected = await wh.query(
      `SELECT to_char((picked_up_at AT TIME ZONE 'America/New_York')::date, 'YYYY-MM-DD') AS metric_time__day, COUNT(*) AS pickups FROM fct_pickups GROUP BY 1`,
    );
    expect(rows.sort((a, b) => String(a['metric_time__day']).localeCompare(String(b['metric_time__day'])))).toEqual(
      expected.rows.sort((a, b) => String(a['metric_time__day']).localeCompare(String(b['metric_time__day']))),
    );
  });
});
