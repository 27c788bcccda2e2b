/**
 * MetricFlow's full filter syntax on both engines, against hand-written SQL: Jinja tuples and
 * `None` where a list is expected (`entity_path=()`, as MetricFlow's own harness writes them), and
 * bare group-by item names in the SQL of a filter (`metric_time__day`, `customer__country`), which
 * MetricFlow resolves as those items.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MaatstafError } from '../../src/core/errors.js';
import type { MetricQueryInput } from '../../src/core/query.js';
import { ENGINES, type TestWarehouse } from '../helpers/warehouses.js';
import { fixtureGraph } from '../fixtures/engine/fixture.js';
import { expectNonEmptyQueryMatches, openFixtureWarehouse, runQuery } from '../fixtures/engine/harness.js';

const graph = fixtureGraph();

describe.each(ENGINES)('MetricFlow filter syntax on %s', (engine) => {
  let wh: TestWarehouse;
  beforeAll(async () => {
    wh = await openFixtureWarehouse(engine);
  });
  afterAll(async () => {
    await wh.dispose();
  });
  const check = (query: MetricQueryInput, sql: string) => expectNonEmptyQueryMatches(wh, graph, query, sql);

  it('accepts tuples and None for entity_path and group_by', async () => {
    await check(
      {
        metrics: ['revenue'],
        groupBy: ['order__channel'],
        where: [
          "{{ Dimension('customer__country', entity_path=()) }} = 'NL'",
          "{{ TimeDimension('metric_time', 'day', entity_path=None) }} >= '2024-01-01'",
          "{{ Metric('order_count', group_by=('customer',)) }} >= 1",
        ],
      },
      `SELECT o.channel AS order__channel, SUM(o.amount) AS revenue
       FROM fct_orders o LEFT JOIN dim_customers c ON c.customer_id = o.customer_id
       WHERE c.country = 'NL' AND o.ordered_at >= '2024-01-01' GROUP BY 1`,
    );
  });

  it('resolves bare group-by names in the SQL as the items of that name', async () => {
    await check(
      {
        metrics: ['revenue'],
        groupBy: ['metric_time__day'],
        where: "CAST(metric_time__day AS TIMESTAMP) >= CAST('2024-02-01' AS TIMESTAMP) AND customer__country IN ('NL', 'BE')",
      },
      `SELECT to_char(date_trunc('day', o.ordered_at), 'YYYY-MM-DD') AS metric_time__day, SUM(o.amount) AS revenue
       FROM fct_orders o LEFT JOIN dim_customers c ON c.customer_id = o.customer_id
       WHERE o.ordered_at >= '2024-02-01' AND c.country IN ('NL', 'BE') GROUP BY 1`,
    );
  });

  it('refuses a bare name that is not a group-by item, naming it', async () => {
    const err = await runQuery(wh, graph, { metrics: ['revenue'], where: "customer__contry = 'NL'" }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(MaatstafError);
    expect((err as MaatstafError).code).toMatch(/UNKNOWN_GROUP_BY|INVALID_FILTER/);
    expect((err as MaatstafError).message).toContain('customer__contry');
  });
});
