/**
 * Rollup matching rules on both engines: a rollup answer checked against hand-written SQL, each
 * fallback with its named rule (the first rule each candidate failed, as POST /v1/compile shows
 * it), freshness (max_age, useRollups: false) and incremental refresh of the latest partitions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricQueryInput } from '../../../src/core/query.js';
import { createRollupCatalog } from '../../../src/engine/rollups/rollup-catalog.js';
import { parseRollups } from '../../../src/definitions/rollups/parse-rollups.js';
import { fixtureGraph, fixtureGraphWith } from '../../fixtures/engine/fixture.js';
import { openFixtureWarehouse } from '../../fixtures/engine/harness.js';
import { rollupSetup, sortedRows, type RollupSetup } from '../../helpers/rollups.js';
import { ENGINES, type TestWarehouse } from '../../helpers/warehouses.js';

const ROLLUPS = `
rollups:
  - name: orders_weekly
    metrics: [revenue]
    time_grain: week
    max_age: 1d
  - name: orders_monthly
    metrics: [revenue, customers_with_orders]
    group_by: [order__channel]
    time_grain: month
    max_age: 1d
  - name: orders_daily
    model: orders
    group_by: [order__channel, customer__country]
    time_grain: day
    partition_grain: month
    refresh: { partitions: 2 }
    max_age: 1d
`;

const DAY = 86_400_000;

describe.each(ENGINES)('rollup rules on %s', (engineName) => {
  let wh: TestWarehouse;
  let r: RollupSetup;
  let clock = Date.now();
  const graph = fixtureGraph();
  const rule = (q: MetricQueryInput, name: string) => {
    const c = r.engine.compile(q).rollupCandidates?.find((x) => x.name === name);
    return c?.used ? 'used' : c?.rule;
  };
  beforeAll(async () => {
    wh = await openFixtureWarehouse(engineName);
    r = rollupSetup(graph, wh, ROLLUPS, { now: () => clock });
  });
  afterAll(async () => {
    await r.drop();
    await wh.dispose();
  });

  it('answers nothing from a rollup that was never built', async () => {
    const res = await r.engine.run({ metrics: ['revenue'], groupBy: ['metric_time__month'] });
    expect(res.meta.rollup).toBeNull();
    expect(rule({ metrics: ['revenue'] }, 'orders_monthly')).toBe('not-built');
  });

  it('builds every rollup and records when, in which zone and how many rows', async () => {
    const reports = await r.build();
    expect(reports.map((x) => [x.name, x.mode])).toEqual([['orders_weekly', 'full'], ['orders_monthly', 'full'], ['orders_daily', 'full']]);
    const [hand] = (await wh.query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM (SELECT DISTINCT date_trunc('month', ordered_at), channel FROM fct_orders) t`)).rows;
    expect(reports[1]!.rows).toBe(hand!.n);
    const records = (await wh.query<{ name: string; mode: string; time_zone: string; row_count: number }>(`SELECT name, mode, time_zone, row_count::int AS row_count FROM "${r.schema}"."_builds" ORDER BY name`)).rows;
    expect(records.map((x) => [x.name, x.mode, x.time_zone, x.row_count])).toEqual(
      [...reports].sort((a, b) => (a.name < b.name ? -1 : 1)).map((x) => [x.name, 'full', graph.timeZone, x.rows]),
    );
  });

  it('answers revenue and order count by month and channel from the daily rollup, equal to hand-written SQL', async () => {
    const q = { metrics: ['revenue', 'order_count', 'avg_order_value'], groupBy: ['metric_time__quarter', 'order__channel'] };
    const res = await r.engine.run(q);
    expect(res.meta.rollup).toMatchObject({ name: 'orders_daily', ageSeconds: expect.any(Number) });
    expect(r.engine.compile(q).sql).toContain(`"${r.schema}"."orders_daily"`);
    const hand = (
      await wh.query(
        `SELECT to_char(date_trunc('quarter', ordered_at), 'YYYY-MM-DD') AS metric_time__quarter, channel AS order__channel,
                SUM(amount)::float8 AS revenue, COUNT(*)::int AS order_count, AVG(amount)::float8 AS avg_order_value
         FROM fct_orders GROUP BY 1, 2`,
      )
    ).rows;
    expect(hand.length).toBeGreaterThan(2);
    expect(sortedRows(res.rows)).toEqual(sortedRows(hand));
  });

  it('answers a distinct count only at exactly the rollup grouping', async () => {
    const exact = { metrics: ['customers_with_orders'], groupBy: ['metric_time__month', 'order__channel'] };
    expect((await r.engine.run(exact)).meta.rollup?.name).toBe('orders_monthly');
    const coarser = { metrics: ['customers_with_orders'], groupBy: ['metric_time__year'] };
    expect(rule(coarser, 'orders_monthly')).toBe('distinct-needs-exact-grouping');
    expect(rule(coarser, 'orders_daily')).toBe('distinct-needs-exact-grouping');
    const res = await r.engine.run(coarser);
    expect(res.meta.rollup).toBeNull();
    const hand = (await wh.query(`SELECT to_char(date_trunc('year', ordered_at), 'YYYY-MM-DD') AS metric_time__year, COUNT(DISTINCT customer_id)::int AS customers_with_orders FROM fct_orders GROUP BY 1`)).rows;
    expect(sortedRows(res.rows)).toEqual(sortedRows(hand));
  });

  it('falls back for a percentile at a coarser grouping', () => {
    expect(rule({ metrics: ['p90_order_amount'], groupBy: ['metric_time__month'] }, 'orders_daily')).toBe('percentile-needs-exact-grouping');
    expect(rule({ metrics: ['p90_order_amount'], groupBy: ['metric_time__day', 'order__channel', 'customer__country'] }, 'orders_daily')).toBe('used');
  });

  it('falls back when a group-by or filter item is not in the rollup (a row rule is a filter too)', () => {
    expect(rule({ metrics: ['revenue'], groupBy: ['customer__segment'] }, 'orders_daily')).toBe('group-by-item-missing');
    expect(rule({ metrics: ['revenue'], where: ["{{ Dimension('customer__segment') }} = 'smb'"] }, 'orders_daily')).toBe('filter-item-missing');
    expect(rule({ metrics: ['revenue'], where: ["{{ Dimension('customer__country') }} = 'NL'"] }, 'orders_daily')).toBe('used');
  });

  it('reads months from days but never from weeks', () => {
    expect(rule({ metrics: ['revenue'], groupBy: ['metric_time__month'] }, 'orders_weekly')).toBe('time-grain');
    expect(rule({ metrics: ['revenue'], groupBy: ['metric_time__week'] }, 'orders_weekly')).toBe('used');
    expect(rule({ metrics: ['revenue'], groupBy: ['metric_time__year'] }, 'orders_weekly')).toBe('time-grain');
    expect(rule({ metrics: ['revenue'], groupBy: ['metric_time__year'] }, 'orders_monthly')).toBe('used');
  });

  it('falls back for a time range that does not start and end on whole rollup periods', () => {
    const q = { metrics: ['revenue'], timeRange: { start: '2024-02-15', end: '2024-05-31' } };
    expect(rule(q, 'orders_monthly')).toBe('unaligned-time-range');
    expect(rule(q, 'orders_daily')).toBe('used');
    expect(rule({ metrics: ['revenue'], timeRange: { start: '2024-02-01', end: '2024-05-31' } }, 'orders_monthly')).toBe('used');
  });

  it('names the rule for metrics a rollup cannot re-aggregate', () => {
    expect(rule({ metrics: ['web_order_share'] }, 'orders_daily')).toBe('input-filter');
    expect(rule({ metrics: ['nl_share'] }, 'orders_daily')).toBe('metric-filter');
    expect(rule({ metrics: ['revenue_mtd'], groupBy: ['metric_time__month'] }, 'orders_daily')).toBe('metric-kind');
    expect(rule({ metrics: ['revenue_per_item'] }, 'orders_daily')).toBe('metric-not-in-rollup');
  });

  it('refuses a rollup over a one-to-many join at load, with its file and line', () => {
    const parsed = parseRollups('rollups.yml', 'rollups:\n  - name: bad\n    metrics: [new_customers]\n    group_by: [order__channel]\n    time_grain: day\n    max_age: 1h\n');
    const catalog = createRollupCatalog({ graph, rollups: parsed.rollups });
    expect(catalog.shapes).toEqual([]);
    expect(catalog.issues.map((i) => [i.file, i.line, i.path])).toEqual([['rollups.yml', 2, 'rollups[0].group_by']]);
    expect(catalog.issues[0]!.message).toContain('order__channel');
  });

  it('uses no build made in another time zone', async () => {
    const other = fixtureGraphWith([], 'time_zone: Asia/Tokyo\n');
    const catalog = createRollupCatalog({ graph: other, rollups: r.catalog.shapes.map((s) => s.def), warehouse: wh, schema: r.schema });
    await catalog.refresh();
    const tried = catalog.candidates().map((c) => c.state?.timeZone);
    expect(tried).toEqual([graph.timeZone, graph.timeZone, graph.timeZone]);
    const { compileQuery } = await import('../../../src/compiler/index.js');
    const compiled = compileQuery(other, { metrics: ['revenue'], groupBy: [], orderBy: [] }, { rollups: catalog });
    expect(compiled.rollup).toBeUndefined();
    expect(compiled.rollupCandidates?.map((c) => c.rule)).toEqual(['time-zone', 'time-zone', 'time-zone']);
  });

  it('answers from the raw tables past max_age, and when the query says useRollups: false', async () => {
    const q = { metrics: ['revenue'], groupBy: ['metric_time__month'] };
    expect((await r.engine.run({ ...q, useRollups: false })).meta.rollup).toBeNull();
    expect(rule({ ...q, useRollups: false }, 'orders_monthly')).toBe('disabled');
    clock += 2 * DAY;
    try {
      expect((await r.engine.run(q)).meta.rollup).toBeNull();
      expect(rule(q, 'orders_monthly')).toBe('stale');
    } finally {
      clock -= 2 * DAY;
    }
    expect((await r.engine.run(q)).meta.rollup?.name).toBe('orders_monthly');
  });

  it('refreshes the latest partitions incrementally and answers with the new rows', async () => {
    const [latest] = (await wh.query<{ m: string }>(`SELECT to_char(date_trunc('month', MAX(ordered_at)), 'YYYY-MM-DD') AS m FROM fct_orders`)).rows;
    await wh.query(`INSERT INTO fct_orders (order_id, customer_id, ordered_at, shipped_at, channel, is_gift, amount, discount) SELECT 9901, 1, MAX(ordered_at), NULL, 'web', false, 12.5, 0 FROM fct_orders`);
    try {
      const reports = await r.build({ names: ['orders_daily'] });
      expect(reports).toMatchObject([{ name: 'orders_daily', mode: 'incremental' }]);
      const from = new Date(`${latest!.m}T00:00:00Z`);
      from.setUTCMonth(from.getUTCMonth() - 1);
      expect(reports[0]!.from?.slice(0, 10)).toBe(from.toISOString().slice(0, 10));
      const q = { metrics: ['revenue', 'order_count'], groupBy: ['metric_time__month', 'order__channel', 'customer__country'] };
      const res = await r.engine.run(q);
      expect(res.meta.rollup?.name).toBe('orders_daily');
      expect(sortedRows(res.rows)).toEqual(sortedRows((await r.engine.run({ ...q, useRollups: false })).rows));
      expect((await r.build({ names: ['orders_daily'], full: true }))[0]!.mode).toBe('full');
    } finally {
      await wh.query('DELETE FROM fct_orders WHERE order_id = 9901');
    }
  });
});
