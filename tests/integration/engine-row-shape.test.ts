/**
 * The two row-shaping options of queries without metrics (MetricFlow's min_max_only and
 * apply_group_by=False), against hand-written SQL over the seeded fixture, on both engines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MaatstafError } from '../../src/core/errors.js';
import { ENGINES, type TestWarehouse } from '../helpers/warehouses.js';
import { fixtureGraph } from '../fixtures/engine/fixture.js';
import { expectNonEmptyQueryMatches, openFixtureWarehouse, runQuery } from '../fixtures/engine/harness.js';

const graph = fixtureGraph();

describe.each(ENGINES)('minMaxOnly and applyGroupBy: false on %s', (engine) => {
  let wh: TestWarehouse;
  beforeAll(async () => {
    wh = await openFixtureWarehouse(engine);
  });
  afterAll(async () => {
    await wh.dispose();
  });
  const check = (query: Parameters<typeof runQuery>[2], sql: string) => expectNonEmptyQueryMatches(wh, graph, query, sql);

  it('minMaxOnly: one row with the smallest and largest value of a categorical item (NULLs ignored)', async () => {
    const rows = await check(
      { groupBy: ['Customer__Country'], minMaxOnly: true },
      `SELECT MIN(country) AS customer__country__min, MAX(country) AS customer__country__max FROM dim_customers`,
    );
    expect(rows).toHaveLength(1);
  });

  it('minMaxOnly: a time item at its grain, after filters', async () => {
    await check(
      { groupBy: ['order__ordered_at__month'], where: "{{ Dimension('order__channel') }} = 'web'", minMaxOnly: true },
      `SELECT to_char(MIN(date_trunc('month', ordered_at)), 'YYYY-MM-DD') AS order__ordered_at__month__min,
              to_char(MAX(date_trunc('month', ordered_at)), 'YYYY-MM-DD') AS order__ordered_at__month__max
       FROM fct_orders WHERE channel = 'web'`,
    );
  });

  it('minMaxOnly: metric_time reads the time spine (within the time range)', async () => {
    await check(
      { groupBy: ['metric_time__month'], timeRange: { start: '2024-01-15', end: '2024-03-10' }, minMaxOnly: true },
      `SELECT to_char(MIN(date_trunc('month', date_day)), 'YYYY-MM-DD') AS metric_time__month__min,
              to_char(MAX(date_trunc('month', date_day)), 'YYYY-MM-DD') AS metric_time__month__max
       FROM time_spine_daily WHERE date_day >= '2024-01-01' AND date_day < '2024-04-01'`,
    );
  });

  it('applyGroupBy: false keeps one row per source row, duplicates included', async () => {
    const rows = await check(
      { groupBy: ['order__channel', 'customer__country'], applyGroupBy: false },
      `SELECT o.channel AS order__channel, c.country AS customer__country FROM fct_orders o FULL JOIN dim_customers c ON c.customer_id = o.customer_id`,
    );
    const distinct = await runQuery(wh, graph, { groupBy: ['order__channel', 'customer__country'] });
    expect(rows.length).toBeGreaterThan(distinct.length);
    await check(
      { groupBy: ['order__channel'], where: "{{ Dimension('customer__country') }} = 'NL'", applyGroupBy: false, orderBy: ['order__channel'] },
      `SELECT o.channel AS order__channel FROM fct_orders o FULL JOIN dim_customers c ON c.customer_id = o.customer_id WHERE c.country = 'NL'`,
    );
  });

  it('refuses shapes MetricFlow does not define, with INVALID_QUERY and the offending field', async () => {
    const bad: [Parameters<typeof runQuery>[2], string][] = [
      [{ metrics: ['revenue'], groupBy: ['customer__country'], minMaxOnly: true }, 'minMaxOnly'],
      [{ groupBy: ['customer__country', 'order__channel'], minMaxOnly: true }, 'groupBy'],
      [{ groupBy: ['customer__country'], minMaxOnly: true, orderBy: ['customer__country'] }, 'orderBy'],
      [{ metrics: ['revenue'], groupBy: ['customer__country'], applyGroupBy: false }, 'applyGroupBy'],
      [{ groupBy: ['customer__country'], minMaxOnly: true, applyGroupBy: false }, 'applyGroupBy'],
    ];
    for (const [query, path] of bad) {
      const err = await runQuery(wh, graph, query).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(MaatstafError);
      expect((err as MaatstafError).code).toBe('INVALID_QUERY');
      expect((err as MaatstafError).details.path).toBe(path);
    }
  });
});
