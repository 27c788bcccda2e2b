import { describe, expect, it } from 'vitest';
import { errorsOf, parse, parseOk } from './helpers.js';

const METRICS = `
metrics:
  - {name: revenue, type: simple, type_params: {measure: order_total}}
  - {name: orders, type: simple, type_params: {measure: order_count}}
`;

const savedQuery = (queryParams: string) => ({
  'm.yml': METRICS,
  'q.yml': `saved_queries:\n  - name: sq\n    query_params:\n${queryParams}`,
});

describe('saved queries', () => {
  it('normalises object-syntax group_by and order_by to dunder names', () => {
    const defs = parseOk(
      savedQuery(`      metrics: [Revenue, orders]
      group_by:
        - "TimeDimension('metric_time', 'week')"
        - "Dimension('customer__country')"
        - "Dimension('order__ordered_at').grain('month')"
        - "Dimension('order__ordered_at').date_part('year')"
        - "Entity('customer')"
        - order__channel
      where: "{{ Dimension('order__channel') }} = 'web'"
      order_by:
        - "TimeDimension('metric_time', 'week').descending(True)"
        - "Metric('revenue')"
        - "Dimension('order__ordered_at').date_part('year').descending(False)"
        - order__channel
        - orders
      limit: 10
`),
    );
    expect(defs.savedQueries).toEqual([
      {
        name: 'sq',
        metrics: ['revenue', 'orders'],
        groupBy: ['metric_time__week', 'customer__country', 'order__ordered_at__month', 'order__ordered_at__extract_year', 'customer', 'order__channel'],
        where: ["{{ Dimension('order__channel') }} = 'web'"],
        orderBy: [
          { name: 'metric_time__week', descending: true },
          { name: 'revenue', descending: false },
          { name: 'order__ordered_at__extract_year', descending: false },
          { name: 'order__channel', descending: false },
          { name: 'orders', descending: false },
        ],
        limit: 10,
        tags: [],
        meta: {},
        loc: { file: 'q.yml', line: 2, path: 'saved_queries[0]' },
      },
    ]);
  });

  it('reports unknown metrics, unknown elements, bad grains and order_by items that are not selected', () => {
    const result = parse(
      savedQuery(`      metrics: [revenue, revenu]
      group_by:
        - "TimeDimension('metric_time', 'wek')"
        - "Dimension('customer__contry')"
        - "Dimension('order__ordered_at').date_part('week')"
        - "Dimension('customer__country').descending(True)"
        - "Dimension('customer__country'"
      order_by: ["Metric('orders')"]
`),
    );
    expect(errorsOf(result)).toEqual([
      "q.yml:4 saved_queries[0].query_params.metrics[1]: unknown metric 'revenu' (did you mean 'revenue'?)",
      "q.yml:6 saved_queries[0].query_params.group_by[0]: unknown time granularity 'wek' in group_by (did you mean 'week'?)",
      "q.yml:7 saved_queries[0].query_params.group_by[1]: unknown dimension 'contry' in group_by (did you mean 'country'?)",
      "q.yml:8 saved_queries[0].query_params.group_by[2]: unknown date part 'week' in group_by (expected one of: year, quarter, month, day, dow, doy, hour)",
      'q.yml:9 saved_queries[0].query_params.group_by[3]: descending() belongs in order_by, not group_by',
      "q.yml:10 saved_queries[0].query_params.group_by[4]: invalid item 'Dimension('customer__country'': expected ',' or ')' but found the end of the call",
      "q.yml:11 saved_queries[0].query_params.order_by[0]: order_by item 'orders' is not one of the saved query's metrics or group_by items (revenue, revenu, metric_time__wek, customer__contry, order__ordered_at__extract_week, customer__country)",
    ]);
  });

  it('checks the limit in the schema', () => {
    expect(errorsOf(parse(savedQuery('      metrics: [revenue]\n      limit: -1\n')))).toEqual(['q.yml:5 saved_queries[0].query_params.limit: must be at least 0']);
  });

  it('needs at least one metric or group-by item; group-bys alone are a dimension-values query, as in MetricFlow', () => {
    expect(errorsOf(parse(savedQuery('      metrics: []\n')))).toEqual([
      'q.yml:3 saved_queries[0].query_params: a saved query needs at least one metric or group_by item in query_params',
    ]);
    expect(errorsOf(parse(savedQuery('      metrics: []\n      group_by: [metric_time]\n')))).toEqual([]);
  });
});
