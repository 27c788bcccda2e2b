/**
 * Compiled queries against hand-written SQL over the same seeded tables: joins, combining metrics,
 * ratios, derived metrics, filters, NULL groups, aggregations, dimension-only queries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestWarehouse } from '../helpers/warehouses.js';
import { fixtureGraph, fixtureGraphWith } from '../fixtures/engine/fixture.js';
import { expectQueryMatches, expectSameRows, openFixtureWarehouse, runQuery } from '../fixtures/engine/harness.js';

const graph = fixtureGraph();

/** The same metric twice as inputs, and metrics of one model that share one aggregation. */
const SAME_INPUT_TWICE = {
  path: 'same-input-twice.yml',
  text: `
metrics:
  - name: revenue_over_itself
    type: ratio
    type_params: {numerator: revenue, denominator: revenue}
  - name: revenue_plus_itself
    type: derived
    type_params:
      expr: revenue + revenue_again + order_count
      metrics:
        - {name: revenue}
        - {name: revenue, alias: revenue_again}
        - {name: order_count}
`,
};

/** A count of a nullable column (compiled as COUNT(col) when grouped): groups where every value is NULL count 0. */
const NULLABLE_COUNT = {
  path: 'nullable-count.yml',
  text: `
semantic_models:
  - name: shipments
    model: ref('fct_orders')
    defaults: {agg_time_dimension: ordered_at}
    entities: [{name: shipment, type: primary, expr: order_id}]
    dimensions:
      - {name: ordered_at, type: time, type_params: {time_granularity: day}}
      - {name: channel, type: categorical}
    measures:
      - {name: shipped_orders, agg: count, expr: shipped_at}
metrics:
  - {name: shipped_orders, type: simple, type_params: {measure: shipped_orders}}
`,
};

describe.each(ENGINES)('engine core on %s', (engine) => {
  let wh: TestWarehouse;
  beforeAll(async () => {
    wh = await openFixtureWarehouse(engine);
  });
  afterAll(async () => {
    await wh.dispose();
  });
  const check = (query: Parameters<typeof runQuery>[2], sql: string) => expectQueryMatches(wh, graph, query, sql);

  it('never fans out: order metrics and order-line metrics are aggregated separately', async () => {
    const rows = await check(
      { metrics: ['revenue', 'item_quantity'], groupBy: ['order__channel'] },
      `WITH r AS (SELECT channel, SUM(amount) AS revenue FROM fct_orders GROUP BY channel),
            q AS (SELECT o.channel, SUM(i.quantity) AS item_quantity
                  FROM fct_order_items i LEFT JOIN fct_orders o ON o.order_id = i.order_id GROUP BY o.channel)
       SELECT COALESCE(r.channel, q.channel) AS order__channel, r.revenue, q.item_quantity
       FROM r FULL JOIN q ON COALESCE(r.channel, '<null>') = COALESCE(q.channel, '<null>')`,
    );
    expect(rows.reduce((s, r) => s + Number(r['revenue'] ?? 0), 0)).toBeCloseTo(600.5);
    expect(rows.find((r) => r['order__channel'] === null)).toEqual({ order__channel: null, revenue: 75.5, item_quantity: null });
  });

  it('counts a nullable column per group as by hand, 0 where every value is NULL, NULL over no rows at all', async () => {
    const g = fixtureGraphWith([NULLABLE_COUNT]);
    const rows = await expectQueryMatches(
      wh,
      g,
      { metrics: ['shipped_orders'], groupBy: ['metric_time__month', 'shipment__channel'] },
      `SELECT CAST(DATE_TRUNC('month', ordered_at) AS DATE) AS metric_time__month, channel AS shipment__channel, COUNT(shipped_at) AS shipped_orders
       FROM fct_orders GROUP BY 1, 2`,
    );
    expect(rows).toContainEqual(expect.objectContaining({ shipment__channel: 'web', shipped_orders: 0 }));
    const none = await expectQueryMatches(
      wh,
      g,
      { metrics: ['shipped_orders'], where: ["{{ Dimension('shipment__channel') }} = 'none'"] },
      `SELECT SUM(CASE WHEN shipped_at IS NOT NULL THEN 1 ELSE 0 END) AS shipped_orders FROM fct_orders WHERE channel = 'none'`,
    );
    expect(none).toEqual([{ shipped_orders: null }]);
  });

  it('the same metric twice as inputs, next to another metric of its model (one shared aggregation)', async () => {
    const g = fixtureGraphWith([SAME_INPUT_TWICE]);
    const rows = await expectQueryMatches(
      wh,
      g,
      { metrics: ['revenue_over_itself', 'revenue_plus_itself', 'revenue', 'order_count'], groupBy: ['order__channel'] },
      `SELECT channel AS order__channel,
              CAST(SUM(amount) AS DOUBLE PRECISION) / NULLIF(SUM(amount), 0) AS revenue_over_itself,
              SUM(amount) + SUM(amount) + COUNT(*) AS revenue_plus_itself,
              SUM(amount) AS revenue, COUNT(*) AS order_count
       FROM fct_orders GROUP BY channel`,
    );
    expect(rows.length).toBeGreaterThan(1);
  });

  it('combines metrics of different models on their keys, keeping rows of only one metric', async () => {
    const rows = await check(
      { metrics: ['revenue', 'visits'], groupBy: ['metric_time'] },
      `WITH o AS (SELECT ordered_at::date AS d, SUM(amount) AS revenue FROM fct_orders GROUP BY 1),
            v AS (SELECT visited_at AS d, COUNT(*) AS visits FROM fct_visits GROUP BY 1)
       SELECT to_char(COALESCE(o.d, v.d), 'YYYY-MM-DD') AS metric_time__day, o.revenue, v.visits FROM o FULL JOIN v ON o.d = v.d`,
    );
    expect(rows).toContainEqual({ metric_time__day: '2024-01-16', revenue: null, visits: 1 });
  });

  it('combines on several keys including NULL keys without double counting', async () => {
    await check(
      { metrics: ['revenue', 'visits'], groupBy: ['customer__country'] },
      `WITH o AS (SELECT c.country, SUM(o.amount) AS revenue FROM fct_orders o LEFT JOIN dim_customers c ON c.customer_id = o.customer_id GROUP BY 1),
            v AS (SELECT c.country, COUNT(*) AS visits FROM fct_visits v LEFT JOIN dim_customers c ON c.customer_id = v.customer_id GROUP BY 1)
       SELECT COALESCE(o.country, v.country) AS customer__country, o.revenue, v.visits FROM o FULL JOIN v ON COALESCE(o.country, '<null>') = COALESCE(v.country, '<null>')`,
    );
  });

  it('joins two hops (orders → customers → regions)', async () => {
    await check(
      { metrics: ['revenue'], groupBy: ['customer__region__region_name'] },
      `SELECT r.region_name AS customer__region__region_name, SUM(o.amount) AS revenue
       FROM fct_orders o LEFT JOIN dim_customers c ON c.customer_id = o.customer_id LEFT JOIN dim_regions r ON r.region_id = c.region_id
       GROUP BY 1`,
    );
    await check(
      { metrics: ['item_quantity'], groupBy: ['order__customer__country'] },
      `SELECT c.country AS order__customer__country, SUM(i.quantity) AS item_quantity
       FROM fct_order_items i LEFT JOIN fct_orders o ON o.order_id = i.order_id LEFT JOIN dim_customers c ON c.customer_id = o.customer_id
       GROUP BY 1`,
    );
  });

  it('joins through a unique entity', async () => {
    await check(
      { metrics: ['visits'], groupBy: ['customer__tier'] },
      `SELECT a.tier AS customer__tier, COUNT(*) AS visits FROM fct_visits v LEFT JOIN dim_customer_accounts a ON a.customer_id = v.customer_id GROUP BY 1`,
    );
  });

  it('computes a ratio across models as DOUBLE PRECISION', async () => {
    await check(
      { metrics: ['orders_per_visit'], groupBy: ['metric_time'] },
      `WITH o AS (SELECT ordered_at::date AS d, COUNT(*) AS n FROM fct_orders GROUP BY 1),
            v AS (SELECT visited_at AS d, COUNT(*) AS n FROM fct_visits GROUP BY 1)
       SELECT to_char(COALESCE(o.d, v.d), 'YYYY-MM-DD') AS metric_time__day, o.n::float8 / NULLIF(v.n, 0)::float8 AS orders_per_visit
       FROM o FULL JOIN v ON o.d = v.d`,
    );
  });

  it('gives NULL for a zero denominator', async () => {
    const rows = await check(
      { metrics: ['revenue_per_discount'], groupBy: ['metric_time'] },
      `SELECT to_char(ordered_at::date, 'YYYY-MM-DD') AS metric_time__day, SUM(amount)::float8 / NULLIF(SUM(discount), 0)::float8 AS revenue_per_discount
       FROM fct_orders GROUP BY 1`,
    );
    expect(rows).toContainEqual({ metric_time__day: '2024-01-20', revenue_per_discount: null });
  });

  it('applies input filters to one input only (ratio and derived)', async () => {
    await check(
      { metrics: ['web_order_share', 'web_share_derived'], groupBy: ['metric_time__month'] },
      `SELECT to_char(date_trunc('month', ordered_at), 'YYYY-MM-DD') AS metric_time__month,
              SUM(1) FILTER (WHERE channel = 'web')::float8 / NULLIF(COUNT(*), 0) AS web_order_share,
              SUM(amount) FILTER (WHERE channel = 'web') / NULLIF(SUM(amount), 0) AS web_share_derived
       FROM fct_orders GROUP BY 1`,
    );
  });

  it('computes nested derived metrics level by level', async () => {
    await check(
      { metrics: ['net_plus_aov', 'net_revenue'], groupBy: ['metric_time__quarter'] },
      `SELECT to_char(date_trunc('quarter', ordered_at), 'YYYY-MM-DD') AS metric_time__quarter,
              (SUM(amount) - SUM(discount)) * 2 + SUM(amount) / NULLIF(COUNT(*), 0) AS net_plus_aov,
              SUM(amount) - SUM(discount) AS net_revenue
       FROM fct_orders GROUP BY 1`,
    );
    await check(
      { metrics: ['revenue_per_item'], groupBy: ['order__channel'] },
      `WITH r AS (SELECT channel, SUM(amount) AS revenue FROM fct_orders GROUP BY 1),
            q AS (SELECT o.channel, SUM(i.quantity) AS qty FROM fct_order_items i LEFT JOIN fct_orders o ON o.order_id = i.order_id GROUP BY 1)
       SELECT COALESCE(r.channel, q.channel) AS order__channel, r.revenue / NULLIF(q.qty, 0) AS revenue_per_item
       FROM r FULL JOIN q ON COALESCE(r.channel, '<null>') = COALESCE(q.channel, '<null>')`,
    );
  });

  it('filters on joined dimensions before aggregation (query and metric filters)', async () => {
    await check(
      { metrics: ['revenue', 'nl_revenue'], groupBy: ['order__channel'], where: "{{ Dimension('region__region_name', entity_path=['customer']) }} = 'North'" },
      `SELECT o.channel AS order__channel, SUM(o.amount) AS revenue, SUM(o.amount) FILTER (WHERE c.country = 'NL') AS nl_revenue
       FROM fct_orders o LEFT JOIN dim_customers c ON c.customer_id = o.customer_id LEFT JOIN dim_regions r ON r.region_id = c.region_id
       WHERE r.region_name = 'North' GROUP BY 1`,
    );
  });

  it('ANDs several where filters, including ones on the time dimension', async () => {
    await check(
      {
        metrics: ['order_count'],
        groupBy: ['customer__country'],
        where: ["{{ TimeDimension('metric_time', 'month') }} = '2024-01-01'", "{{ Dimension('order__channel') }} IN ('web', 'store')"],
      },
      `SELECT c.country AS customer__country, COUNT(*) AS order_count FROM fct_orders o LEFT JOIN dim_customers c ON c.customer_id = o.customer_id
       WHERE date_trunc('month', o.ordered_at) = '2024-01-01' AND o.channel IN ('web', 'store') GROUP BY 1`,
    );
  });

  it('keeps NULL dimension values as their own group (unmatched joins included)', async () => {
    const rows = await check(
      { metrics: ['revenue'], groupBy: ['customer__country', 'customer__segment'] },
      `SELECT c.country AS customer__country, c.segment AS customer__segment, SUM(o.amount) AS revenue
       FROM fct_orders o LEFT JOIN dim_customers c ON c.customer_id = o.customer_id GROUP BY 1, 2`,
    );
    expect(rows).toContainEqual({ customer__country: null, customer__segment: null, revenue: 30 });
  });

  it('returns no rows for an empty time range, and one NULL row without group-by', async () => {
    expect(await runQuery(wh, graph, { metrics: ['revenue'], groupBy: ['metric_time'], timeRange: { start: '1990-01-01', end: '1990-12-31' } })).toEqual([]);
    expect(await runQuery(wh, graph, { metrics: ['revenue', 'revenue_or_zero'], timeRange: { start: '1990-01-01', end: '1990-12-31' } })).toEqual([
      { revenue: null, revenue_or_zero: 0 },
    ]);
  });

  it('computes percentiles, averages, min/max from row level', async () => {
    await check(
      { metrics: ['median_order_amount', 'p90_order_amount', 'avg_order_value', 'max_order_amount', 'min_order_amount', 'gift_orders'], groupBy: ['order__channel'] },
      `SELECT channel AS order__channel,
              PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY amount) AS median_order_amount,
              PERCENTILE_DISC(0.9) WITHIN GROUP (ORDER BY amount) AS p90_order_amount,
              AVG(amount) AS avg_order_value, MAX(amount) AS max_order_amount, MIN(amount) AS min_order_amount,
              COUNT(*) FILTER (WHERE is_gift) AS gift_orders
       FROM fct_orders GROUP BY 1`,
    );
  });

  it('counts distinct values per requested group, never re-aggregating daily counts', async () => {
    const rows = await check(
      { metrics: ['customers_with_orders'], groupBy: ['metric_time__month'] },
      `SELECT to_char(date_trunc('month', ordered_at), 'YYYY-MM-DD') AS metric_time__month, COUNT(DISTINCT customer_id) AS customers_with_orders
       FROM fct_orders GROUP BY 1`,
    );
    expect(rows).toContainEqual({ metric_time__month: '2024-12-01', customers_with_orders: 1 });
  });

  it('widens the time range to whole periods of the queried grain', async () => {
    const rows = await check(
      { metrics: ['revenue'], groupBy: ['metric_time__month'], timeRange: { start: '2024-01-15', end: '2024-02-10' } },
      `SELECT to_char(date_trunc('month', ordered_at), 'YYYY-MM-DD') AS metric_time__month, SUM(amount) AS revenue
       FROM fct_orders WHERE ordered_at >= '2024-01-01' AND ordered_at < '2024-03-01' GROUP BY 1`,
    );
    expect(rows).toHaveLength(2);
    await check(
      { metrics: ['revenue'], timeRange: { start: '2024-01-15 12:00', end: '2024-01-20' } },
      `SELECT SUM(amount) AS revenue FROM fct_orders WHERE ordered_at >= '2024-01-15' AND ordered_at < '2024-01-21'`,
    );
  });

  it('orders and limits the output', async () => {
    const rows = await runQuery(wh, graph, { metrics: ['revenue'], groupBy: ['customer__country'], orderBy: ['-revenue'], limit: 2 });
    expect(rows).toEqual([
      { customer__country: 'NL', revenue: 240.5 },
      { customer__country: 'DE', revenue: 210 },
    ]);
  });

  it('lists distinct dimension values without metrics (FULL OUTER across models)', async () => {
    await check(
      { groupBy: ['customer__country'] },
      `SELECT DISTINCT country AS customer__country FROM dim_customers`,
    );
    await check(
      { groupBy: ['customer__country', 'region__region_name'] },
      `SELECT DISTINCT c.country AS customer__country, r.region_name AS region__region_name FROM dim_customers c FULL JOIN dim_regions r ON r.region_id = c.region_id`,
    );
    await check(
      { groupBy: ['order__channel'], where: "{{ Dimension('customer__country') }} = 'NL'" },
      `SELECT DISTINCT o.channel AS order__channel FROM fct_orders o FULL JOIN dim_customers c ON c.customer_id = o.customer_id WHERE c.country = 'NL'`,
    );
  });

  it('lists metric_time values from the time spine, constrained by the time range', async () => {
    await check(
      { groupBy: ['metric_time__month'], timeRange: { start: '2024-01-15', end: '2024-03-10' } },
      `SELECT DISTINCT to_char(date_trunc('month', date_day), 'YYYY-MM-DD') AS metric_time__month FROM time_spine_daily
       WHERE date_day >= '2024-01-01' AND date_day < '2024-04-01'`,
    );
    const rows = await runQuery(wh, graph, { groupBy: ['metric_time', 'order__channel'], timeRange: { start: '2024-02-01', end: '2024-02-02' } });
    expectSameRows(
      rows,
      ['2024-02-01', '2024-02-02'].flatMap((d) => ['web', 'store', null].map((c) => ({ metric_time__day: d, order__channel: c }))),
    );
  });
});
