/**
 * Conversion metrics (spec 5.7) against hand-written SQL: visits converting into orders of the same
 * customer within a window, attributed to the latest visit; conversion rate and conversions; time
 * ranges and query filters on the base side only; constant properties.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricQueryInput } from '../../src/core/query.js';
import { ENGINES, type TestWarehouse } from '../helpers/warehouses.js';
import { fixtureGraph } from '../fixtures/engine/fixture.js';
import { expectNonEmptyQueryMatches, openFixtureWarehouse } from '../fixtures/engine/harness.js';

const graph = fixtureGraph();

/**
 * Visits `v` (filtered by `visitWhere`), orders `o`, and each order matched `m` to its latest visit
 * of the same customer satisfying `cond` (ties broken by source, like the engine).
 */
const matched = (cond: string, visitWhere = 'true') => `v AS (SELECT visit_id, customer_id, visited_at AS d, source FROM fct_visits WHERE ${visitWhere}),
  o AS (SELECT order_id, customer_id, channel, CAST(date_trunc('day', ordered_at) AS date) AS d FROM fct_orders),
  m AS (SELECT DISTINCT ON (o.order_id) o.order_id, v.d, v.source, v.customer_id FROM o JOIN v ON v.customer_id = o.customer_id AND v.d <= o.d AND ${cond}
        ORDER BY o.order_id, v.d DESC, v.source)`;

describe.each(ENGINES)('conversion metrics on %s', (engine) => {
  let wh: TestWarehouse;
  beforeAll(async () => {
    wh = await openFixtureWarehouse(engine);
  });
  afterAll(async () => {
    await wh.dispose();
  });
  const check = (query: MetricQueryInput, sql: string) => expectNonEmptyQueryMatches(wh, graph, query, sql);

  it('conversion rate within 7 days by day and source, attributed to the latest visit', async () => {
    const rows = await check(
      { metrics: ['visit_to_order'], groupBy: ['metric_time', 'visit__source'] },
      `WITH ${matched('v.d > o.d - 7')},
         conv AS (SELECT d, source, COUNT(*) AS n FROM m GROUP BY 1, 2),
         opp AS (SELECT d, source, COUNT(*) AS n FROM v GROUP BY 1, 2)
       SELECT to_char(COALESCE(opp.d, conv.d), 'YYYY-MM-DD') AS metric_time__day, COALESCE(opp.source, conv.source) AS visit__source,
              CAST(conv.n AS DOUBLE PRECISION) / CAST(NULLIF(opp.n, 0) AS DOUBLE PRECISION) AS visit_to_order
       FROM opp FULL JOIN conv ON opp.d = conv.d AND opp.source = conv.source`,
    );
    // Customer 1's three orders on 15 January go to one of the two visits that day; customer 2's order on the 20th to the visit on the 16th.
    expect(rows).toContainEqual({ metric_time__day: '2024-01-16', visit__source: 'ads', visit_to_order: 1 });
    expect(rows).toContainEqual({ metric_time__day: '2024-01-15', visit__source: 'ads', visit_to_order: 3 });
  });

  it('a time range and a query filter apply to the visits only', async () => {
    await check(
      { metrics: ['visit_to_order'], groupBy: ['visit__source'], where: "{{ Dimension('visit__source') }} = 'ads'", timeRange: { start: '2024-01-16', end: '2024-02-28' } },
      `WITH ${matched('v.d > o.d - 7', "source = 'ads' AND visited_at BETWEEN '2024-01-16' AND '2024-02-28'")},
         conv AS (SELECT source, COUNT(*) AS n FROM m GROUP BY 1),
         opp AS (SELECT source, COUNT(*) AS n FROM v GROUP BY 1)
       SELECT opp.source AS visit__source, CAST(conv.n AS DOUBLE PRECISION) / CAST(NULLIF(opp.n, 0) AS DOUBLE PRECISION) AS visit_to_order
       FROM opp LEFT JOIN conv ON opp.source = conv.source`,
    );
  });

  it('conversions without a window, by a dimension joined to the visits, and overall', async () => {
    await check(
      { metrics: ['visit_conversions'], groupBy: ['customer__country'] },
      `WITH ${matched('true')},
         conv AS (SELECT c.country, COUNT(*) AS n FROM m LEFT JOIN dim_customers c ON c.customer_id = m.customer_id GROUP BY 1),
         opp AS (SELECT DISTINCT c.country FROM v LEFT JOIN dim_customers c ON c.customer_id = v.customer_id)
       SELECT opp.country AS customer__country, conv.n AS visit_conversions FROM opp LEFT JOIN conv ON opp.country = conv.country`,
    );
    await check({ metrics: ['visit_conversions', 'visits'] }, `WITH ${matched('true')} SELECT (SELECT COUNT(*) FROM m) AS visit_conversions, (SELECT COUNT(*) FROM v) AS visits`);
  });

  it('constant properties must match between the visit and the order', async () => {
    const rows = await check(
      { metrics: ['visit_conversions_same_channel'] },
      `WITH ${matched('v.d > o.d - 30 AND v.source = o.channel')} SELECT (SELECT SUM(1) FROM m) AS visit_conversions_same_channel`,
    );
    // Visit sources (ads, seo) never equal order channels (web, store): no conversions (NULL, like MetricFlow).
    expect(rows).toEqual([{ visit_conversions_same_channel: null }]);
  });
});
