import { describe, expect, it } from 'vitest';
import { metric, parse, parseOk, simple, warningsOf } from './helpers.js';

const simpleOver = (measure: string) => `
metrics:
  - {name: mm, type: simple, type_params: {measure: ${measure}}}
`;

describe('aggregation rewrites (spec 1.6)', () => {
  it('count(1) becomes sum of 1', () => {
    const m = simple(parseOk({ 'm.yml': simpleOver('order_count') }), 'mm');
    expect(m.aggregation).toMatchObject({ agg: 'sum', sourceAgg: 'count', expr: { sql: '1' }, measure: 'order_count' });
    expect(m.aggregation.expr.column).toBeUndefined();
  });

  it('count(X) becomes sum of CASE WHEN X IS NOT NULL', () => {
    const m = simple(parseOk({ 'm.yml': simpleOver('orders_with_amount') }), 'mm');
    expect(m.aggregation).toMatchObject({ agg: 'sum', sourceAgg: 'count', expr: { sql: 'CASE WHEN amount IS NOT NULL THEN 1 ELSE 0 END' } });
  });

  it('sum_boolean becomes sum of CASE WHEN X', () => {
    const m = simple(parseOk({ 'm.yml': simpleOver('gift_orders') }), 'mm');
    expect(m.aggregation).toMatchObject({ agg: 'sum', sourceAgg: 'sum_boolean', expr: { sql: 'CASE WHEN is_gift THEN 1 ELSE 0 END' } });
  });

  it('median becomes percentile 0.5, continuous', () => {
    const m = simple(parseOk({ 'm.yml': simpleOver('median_amount') }), 'mm');
    expect(m.aggregation).toMatchObject({ agg: 'percentile', sourceAgg: 'median', percentile: 0.5, useDiscretePercentile: false });
  });

  it('reads a percentile in (1, 100) as a percentage, with a warning', () => {
    const result = parse({ 'm.yml': simpleOver('p95_amount') });
    expect(simple(result.definitions!, 'mm').aggregation).toMatchObject({ agg: 'percentile', percentile: 0.95 });
    expect(warningsOf(result)).toEqual(['models/orders.yml:19 semantic_models[0].measures[5].agg_params.percentile: percentile 95 read as a percentage: 0.95']);
  });

  it('keeps plain aggregations and marks bare-identifier exprs as columns', () => {
    const defs = parseOk({ 'm.yml': simpleOver('order_total') });
    expect(simple(defs, 'mm').aggregation).toMatchObject({ agg: 'sum', expr: { sql: 'amount', column: 'amount' }, aggTimeDimension: 'ordered_at', joinToTimespine: false });
    const orders = defs.semanticModels.find((x) => x.name === 'orders')!;
    expect(orders.entities[0]!.expr).toEqual({ sql: 'order_id', column: 'order_id' });
    expect(orders.dimensions.find((d) => d.name === 'channel')!.expr).toEqual({ sql: 'channel', column: 'channel' });
    expect(orders.dimensions[0]).toMatchObject({ name: 'ordered_at', type: 'time', grain: 'day', isPartition: false });
  });

  it('treats SQL exprs as raw SQL and lower-cases enum values and references', () => {
    const defs = parseOk({
      'x.yml': `
semantic_models:
  - name: shipments
    model: ref('fct_shipments')
    defaults: {agg_time_dimension: Shipped_At}
    entities: [{name: shipment, type: PRIMARY}]
    dimensions:
      - {name: shipped_at, type: TIME, type_params: {time_granularity: Week}}
      - {name: weight_class, type: Categorical, expr: "CASE WHEN kg > 10 THEN 'heavy' ELSE 'light' END"}
    measures:
      - {name: kilos, agg: SUM, expr: Weight_Kg}
metrics:
  - {name: shipped_kilos, type: SIMPLE, type_params: {measure: Kilos}}
`,
    });
    const model = defs.semanticModels.find((m) => m.name === 'shipments')!;
    expect(model.entities[0]).toMatchObject({ type: 'primary', expr: { sql: 'shipment', column: 'shipment' } });
    expect(model.dimensions[0]).toMatchObject({ type: 'time', grain: 'week' });
    expect(model.dimensions[1]!.expr).toEqual({ sql: "CASE WHEN kg > 10 THEN 'heavy' ELSE 'light' END" });
    expect(model.defaultAggTimeDimension).toBe('shipped_at');
    expect(simple(defs, 'shipped_kilos').aggregation).toMatchObject({
      agg: 'sum',
      expr: { sql: 'Weight_Kg', column: 'weight_kg' },
      aggTimeDimension: 'shipped_at',
      measure: 'kilos',
    });
  });
});

describe('measures inlined into metrics (spec 1.7–1.8)', () => {
  it('moves measure-input settings onto the metric and ANDs filters (input first)', () => {
    const defs = parseOk({
      'm.yml': `
metrics:
  - name: web_revenue
    type: simple
    filter: "{{ Dimension('customer__country') }} = 'NL'"
    type_params:
      measure:
        name: order_total
        filter: ["{{ Dimension('order__channel') }} = 'web'"]
        join_to_timespine: true
        fill_nulls_with: 0
`,
    });
    const m = simple(defs, 'web_revenue');
    expect(m.filters).toEqual(["{{ Dimension('order__channel') }} = 'web'", "{{ Dimension('customer__country') }} = 'NL'"]);
    expect(m.aggregation).toMatchObject({ joinToTimespine: true, fillNullsWith: 0, measure: 'order_total' });
  });

  it('accepts the metric_aggregation_params form (expr defaults to the metric name)', () => {
    const defs = parseOk({
      'm.yml': `
metrics:
  - name: amount
    type: simple
    type_params:
      metric_aggregation_params: {semantic_model: orders, agg: percentile, agg_params: {percentile: 0.9, use_discrete_percentile: true}}
      fill_nulls_with: -1
`,
    });
    expect(simple(defs, 'amount').aggregation).toEqual({
      semanticModel: 'orders',
      agg: 'percentile',
      sourceAgg: 'percentile',
      expr: { sql: 'amount', column: 'amount' },
      percentile: 0.9,
      useDiscretePercentile: true,
      useApproximatePercentile: false,
      aggTimeDimension: 'ordered_at',
      joinToTimespine: false,
      fillNullsWith: -1,
    });
  });

  it('creates metrics for create_metric: true, unless a metric of that name exists', () => {
    const orders = (extra: string) => ORDERS_WITH(extra);
    const defs = parseOk({ 'models/orders.yml': orders('      - {name: tips, agg: sum, create_metric: true, label: Tips}\n') });
    expect(simple(defs, 'tips')).toMatchObject({ label: 'Tips', hidden: false, aggregation: { expr: { sql: 'tips', column: 'tips' }, measure: 'tips' } });
    const existing = parseOk({
      'models/orders.yml': orders('      - {name: tips, agg: sum, create_metric: true}\n'),
      'm.yml': 'metrics:\n  - {name: tips, type: simple, label: Mine, type_params: {measure: {name: tips, fill_nulls_with: 0}}}\n',
    });
    expect(existing.metrics.filter((m) => m.name === 'tips')).toHaveLength(1);
    expect(metric(existing, 'tips').label).toBe('Mine');
  });

  it('gives cumulative/conversion measure inputs a hidden simple metric, named like MetricFlow', () => {
    const defs = parseOk({
      'm.yml': `
metrics:
  - {name: order_total, type: simple, type_params: {measure: order_count}}
  - name: c1
    type: cumulative
    type_params: {measure: order_total, cumulative_type_params: {window: 3 days}}
  - name: c2
    type: cumulative
    type_params: {measure: {name: order_total, join_to_timespine: true, fill_nulls_with: -5, filter: "{{ Dimension('order__channel') }} = 'web'", alias: tt}, window: 1 week}
  - name: c3
    type: cumulative
    type_params: {measure: {name: order_total, fill_nulls_with: -5, join_to_timespine: true}, grain_to_date: month}
`,
    });
    // `order_total` is taken by a metric over another measure, so the hidden one is order_total_1.
    expect(metric(defs, 'c1')).toMatchObject({ input: { name: 'order_total_1', filters: [] }, window: { count: 3, grain: 'day' }, periodAgg: 'first' });
    expect(metric(defs, 'c2')).toMatchObject({
      input: { name: 'order_total_fill_nulls_with_neg_5_join_to_timespine', alias: 'tt', filters: ["{{ Dimension('order__channel') }} = 'web'"] },
      window: { count: 1, grain: 'week' },
    });
    expect(metric(defs, 'c3')).toMatchObject({ input: { name: 'order_total_fill_nulls_with_neg_5_join_to_timespine' }, grainToDate: 'month' });
    const hidden = defs.metrics.filter((m) => m.hidden);
    expect(hidden.map((m) => m.name)).toEqual(['order_total_1', 'order_total_fill_nulls_with_neg_5_join_to_timespine']);
    expect(simple(defs, 'order_total_fill_nulls_with_neg_5_join_to_timespine').aggregation).toMatchObject({
      measure: 'order_total',
      fillNullsWith: -5,
      joinToTimespine: true,
    });
  });

  it('reuses a visible simple metric that computes the same thing, but not a filtered one', () => {
    const defs = parseOk({
      'm.yml': `
metrics:
  - {name: web_revenue, type: simple, type_params: {measure: order_total}, filter: "{{ Dimension('order__channel') }} = 'web'"}
  - {name: revenue, type: simple, type_params: {measure: order_total}}
  - {name: revenue_ytd, type: cumulative, type_params: {measure: order_total, cumulative_type_params: {grain_to_date: year}}}
`,
    });
    expect(metric(defs, 'revenue_ytd')).toMatchObject({ input: { name: 'revenue' } });
    expect(defs.metrics.some((m) => m.hidden)).toBe(false);
  });
});

describe('metric inputs and windows', () => {
  const defs = parseOk({
    'm.yml': `
metrics:
  - {name: revenue, type: simple, type_params: {measure: order_total}}
  - {name: orders, type: simple, type_params: {measure: order_count}}
  - name: aov
    type: ratio
    type_params: {numerator: revenue, denominator: {name: orders, alias: cnt, filter: "{{ Dimension('order__channel') }} = 'web'"}}
  - name: growth
    type: derived
    time_granularity: Month
    type_params:
      expr: revenue - prev
      metrics:
        - revenue
        - {name: revenue, alias: prev, offset_window: 2 Months}
        - {name: orders, alias: start_orders, offset_to_grain: Month}
  - name: revenue_alias
    type: derived
    type_params: {metrics: [{name: revenue}]}
`,
  });

  it('parses windows, strips plural s, lower-cases grains', () => {
    const growth = metric(defs, 'growth');
    expect(growth).toMatchObject({
      type: 'derived',
      expr: 'revenue - prev',
      timeGranularity: 'month',
      inputs: [
        { name: 'revenue', filters: [] },
        { name: 'revenue', alias: 'prev', filters: [], offsetWindow: { count: 2, grain: 'month' } },
        { name: 'orders', alias: 'start_orders', filters: [], offsetToGrain: 'month' },
      ],
    });
  });

  it('reads ratio inputs as names or objects', () => {
    expect(metric(defs, 'aov')).toMatchObject({
      numerator: { name: 'revenue', filters: [] },
      denominator: { name: 'orders', alias: 'cnt', filters: ["{{ Dimension('order__channel') }} = 'web'"] },
    });
  });

  it('defaults a single-input derived expr to that input', () => {
    expect(metric(defs, 'revenue_alias')).toMatchObject({ type: 'derived', expr: 'revenue' });
  });
});

function ORDERS_WITH(extraMeasure: string): string {
  return `
semantic_models:
  - name: orders
    model: ref('fct_orders')
    defaults: {agg_time_dimension: ordered_at}
    entities: [{name: order, type: primary, expr: order_id}]
    dimensions: [{name: ordered_at, type: time, type_params: {time_granularity: day}}]
    measures:
      - {name: order_total, agg: sum, expr: amount}
${extraMeasure}`;
}
