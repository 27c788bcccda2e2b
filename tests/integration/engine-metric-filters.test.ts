/**
 * `{{ Metric('m', group_by=['entity']) }}` in query and metric filters (spec 3.7) against
 * hand-written SQL: the metric is computed per entity without the outer filters and joined to the
 * rows on the entity (also across models and through a join); rows without a match compare NULL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MaatstafError } from '../../src/core/errors.js';
import type { MetricQueryInput } from '../../src/core/query.js';
import { ENGINES, type TestWarehouse } from '../helpers/warehouses.js';
import { fixtureGraph } from '../fixtures/engine/fixture.js';
import { expectNonEmptyQueryMatches, openFixtureWarehouse, runQuery } from '../fixtures/engine/harness.js';

const graph = fixtureGraph();

describe.each(ENGINES)('Metric() filters on %s', (engine) => {
  let wh: TestWarehouse;
  beforeAll(async () => {
    wh = await openFixtureWarehouse(engine);
  });
  afterAll(async () => {
    await wh.dispose();
  });
  const check = (query: MetricQueryInput, sql: string) => expectNonEmptyQueryMatches(wh, graph, query, sql);

  it('filters rows by a metric computed per customer, ignoring the other query filters', async () => {
    await check(
      {
        metrics: ['revenue'],
        groupBy: ['metric_time__month'],
        where: ["{{ Metric('order_count', group_by=['customer']) }} > 2", "{{ Dimension('order__channel') }} = 'web'"],
      },
      `WITH n AS (SELECT customer_id, COUNT(*) AS c FROM fct_orders GROUP BY 1)
       SELECT to_char(date_trunc('month', o.ordered_at), 'YYYY-MM-DD') AS metric_time__month, SUM(o.amount) AS revenue
       FROM fct_orders o JOIN n ON n.customer_id = o.customer_id WHERE n.c > 2 AND o.channel = 'web' GROUP BY 1`,
    );
  });

  it('in a metric definition, and across models (visits of customers with revenue > 100)', async () => {
    await check(
      { metrics: ['repeat_customer_revenue', 'big_spender_visits'], groupBy: ['customer'] },
      `WITH n AS (SELECT customer_id, COUNT(*) AS c, SUM(amount) AS r FROM fct_orders GROUP BY 1),
         a AS (SELECT o.customer_id, SUM(o.amount) AS v FROM fct_orders o JOIN n USING (customer_id) WHERE n.c >= 2 GROUP BY 1),
         b AS (SELECT v.customer_id, COUNT(*) AS v FROM fct_visits v JOIN n USING (customer_id) WHERE n.r > 100 GROUP BY 1)
       SELECT COALESCE(a.customer_id, b.customer_id) AS customer, a.v AS repeat_customer_revenue, b.v AS big_spender_visits
       FROM a FULL JOIN b ON a.customer_id = b.customer_id`,
    );
  });

  it('through a join: order lines of customers with at least two visits', async () => {
    await check(
      { metrics: ['item_quantity'], groupBy: ['order__channel'], where: "{{ Metric('visits', group_by=['order__customer']) }} >= 2" },
      `WITH n AS (SELECT customer_id, COUNT(*) AS c FROM fct_visits GROUP BY 1)
       SELECT o.channel AS order__channel, SUM(i.quantity) AS item_quantity
       FROM fct_order_items i JOIN fct_orders o ON o.order_id = i.order_id JOIN n ON n.customer_id = o.customer_id WHERE n.c >= 2 GROUP BY 1`,
    );
  });

  it('reports unknown metrics and entities Metric() cannot be grouped by', async () => {
    const code = async (q: MetricQueryInput) => runQuery(wh, graph, q).then(() => 'ok', (e: unknown) => (e instanceof MaatstafError ? e.code : String(e)));
    expect(await code({ metrics: ['revenue'], where: "{{ Metric('order_cnt', group_by=['customer']) }} > 1" })).toBe('UNKNOWN_METRIC');
    expect(await code({ metrics: ['revenue'], where: "{{ Metric('order_count', group_by=['region']) }} > 1" })).not.toBe('ok');
  });
});
