import { describe, expect, it } from 'vitest';
import { errorsOf, parse, warningsOf } from './helpers.js';

/** Rules about metrics, filters and time spines (spec 2, rules 17–25). */

/** Errors for a project of ORDERS_MODEL plus `metrics` (and other files). */
const metricErrors = (metrics: string, files: Record<string, string> = {}) => errorsOf(parse({ 'm.yml': `metrics:\n${metrics}`, ...files }));

const BASE = `  - {name: revenue, type: simple, type_params: {measure: order_total}}
  - {name: orders, type: simple, type_params: {measure: order_count}}
`;

const modelFile = (body: string) => ({ 'models/x.yml': `semantic_models:\n${body}` });

describe('metrics', () => {
  it('checks simple metrics', () => {
    expect(
      metricErrors(`${BASE}  - {name: both, type: simple, type_params: {measure: order_total, metric_aggregation_params: {semantic_model: orders, agg: sum}}}
  - {name: neither, type: simple, type_params: {}}
  - {name: fill_on_metric, type: simple, type_params: {measure: order_total, fill_nulls_with: 0}}
  - {name: wrong_model, type: simple, type_params: {metric_aggregation_params: {semantic_model: ordrs, agg: sum}}}
  - {name: count_no_expr, type: simple, type_params: {metric_aggregation_params: {semantic_model: orders, agg: count}}}
  - {name: ratio_keys, type: simple, type_params: {measure: order_total, numerator: revenue}}
  - {name: bad_grain, type: simple, time_granularity: fortnight, type_params: {measure: order_total}}
`),
    ).toEqual([
      'm.yml:4 metrics[2].type_params.metric_aggregation_params: give either measure or metric_aggregation_params, not both',
      'm.yml:5 metrics[3].type_params: needs measure or metric_aggregation_params',
      'm.yml:6 metrics[4].type_params.fill_nulls_with: with a measure input, set fill_nulls_with on the measure input (type_params.measure: {name, fill_nulls_with})',
      "m.yml:7 metrics[5].type_params.metric_aggregation_params.semantic_model: unknown semantic model 'ordrs' (did you mean 'orders'?)",
      'm.yml:8 metrics[6].type_params.metric_aggregation_params: agg: count needs an expr (use expr: 1 to count rows)',
      'm.yml:9 metrics[7].type_params.numerator: type_params.numerator is not used by simple metrics',
      "m.yml:10 metrics[8].time_granularity: unknown time granularity 'fortnight'",
    ]);
  });

  it('warns about a measure-proxy expr', () => {
    const result = parse({ 'm.yml': 'metrics:\n  - {name: rev, type: simple, type_params: {measure: order_total, expr: amount * 2}}\n' });
    expect(warningsOf(result)).toContain("m.yml:2 metrics[0].type_params.expr: type_params.expr is ignored: the measure's expr is used");
  });

  it('checks cumulative metrics', () => {
    expect(
      metricErrors(`${BASE}  - {name: c1, type: cumulative, type_params: {measure: order_total, cumulative_type_params: {metric: revenue}}}
  - {name: c2, type: cumulative, type_params: {}}
  - {name: c3, type: cumulative, type_params: {cumulative_type_params: {metric: aov}}}
  - {name: c4, type: cumulative, type_params: {measure: order_total, window: 7 days, cumulative_type_params: {window: 14 days}}}
  - {name: c5, type: cumulative, type_params: {measure: order_total, window: 7 fortnights}}
  - {name: c6, type: cumulative, type_params: {measure: order_total, grain_to_date: mnth}}
  - {name: aov, type: ratio, type_params: {numerator: revenue, denominator: orders}}
`),
    ).toEqual([
      'm.yml:4 metrics[2].type_params.cumulative_type_params.metric: give either type_params.measure or cumulative_type_params.metric, not both',
      'm.yml:5 metrics[3].type_params: a cumulative metric needs type_params.measure or type_params.cumulative_type_params.metric',
      "m.yml:6 metrics[4].type_params.cumulative_type_params.metric: metric 'aov' is a ratio metric; only simple metrics can be used here",
      "m.yml:7 metrics[5].type_params.cumulative_type_params.window: type_params.window ('7 days') and cumulative_type_params.window ('14 days') disagree",
      "m.yml:8 metrics[6].type_params.window: invalid window '7 fortnights': 'fortnights' is not a standard time grain",
      "m.yml:9 metrics[7].type_params.grain_to_date: grain_to_date must be a standard time grain, got 'mnth' (did you mean 'month'?)",
    ]);
  });

  it('checks derived and ratio metrics', () => {
    const result = parse({
      'm.yml': `metrics:\n${BASE}  - {name: d1, type: derived, type_params: {expr: revenue}}
  - {name: d2, type: derived, type_params: {metrics: [revenue, orders]}}
  - name: d3
    type: derived
    type_params:
      expr: revenue - revenue
      metrics:
        - revenue
        - {name: revenue}
        - {name: orders, alias: revenue}
        - {name: revenu, offset_window: 1 week, offset_to_grain: fortnight}
  - {name: r1, type: ratio, type_params: {numerator: {name: revenue, alias: xx}, denominator: {name: orders, alias: xx}}}
  - {name: r2, type: ratio, type_params: {numerator: revenue}}
`,
    });
    expect(errorsOf(result)).toEqual([
      'm.yml:4 metrics[2].type_params: a derived metric needs at least one input in type_params.metrics',
      'm.yml:5 metrics[3].type_params: a derived metric with several inputs needs type_params.expr',
      "m.yml:12 metrics[4].type_params.metrics[1]: two inputs are called 'revenue' in the expr; give one an alias",
      "m.yml:13 metrics[4].type_params.metrics[2]: two inputs are called 'revenue' in the expr; give one an alias",
      "m.yml:14 metrics[4].type_params.metrics[3].name: unknown metric 'revenu' (did you mean 'revenue'?)",
      'm.yml:14 metrics[4].type_params.metrics[3].offset_to_grain: give either offset_window or offset_to_grain, not both',
      "m.yml:14 metrics[4].type_params.metrics[3].offset_to_grain: offset_to_grain must be a standard time grain, got 'fortnight'",
      "m.yml:15 metrics[5].type_params.denominator.alias: numerator and denominator have the same alias 'xx'",
      'm.yml:16 metrics[6].type_params: a ratio metric needs type_params.denominator',
    ]);
    expect(warningsOf(result)).toContain("m.yml:14 metrics[4].type_params.metrics[3]: input 'revenu' is not used in the expr 'revenue - revenue'");
  });

  it('finds cycles among metrics', () => {
    expect(
      metricErrors(`  - {name: a1, type: derived, type_params: {expr: b1, metrics: [b1]}}
  - {name: b1, type: ratio, type_params: {numerator: c1, denominator: c1}}
  - {name: c1, type: derived, type_params: {expr: a1, metrics: [a1]}}
  - {name: self_ref, type: derived, type_params: {expr: self_ref, metrics: [self_ref]}}
`),
    ).toEqual([
      "m.yml:2 metrics[0].type_params: metric 'a1' depends on itself: a1 → b1 → c1 → a1",
      "m.yml:5 metrics[3].type_params: metric 'self_ref' depends on itself: self_ref → self_ref",
    ]);
  });

  it('checks conversion metrics', () => {
    const visits = modelFile(`  - name: visits
    model: ref('t')
    defaults: {agg_time_dimension: visited_at}
    primary_entity: visit
    entities: [{name: visitor, type: foreign}]
    dimensions: [{name: visited_at, type: time, type_params: {time_granularity: day}}, {name: referrer, type: categorical}]
    measures: [{name: visit_count, agg: sum, expr: 1}, {name: visit_value, agg: sum, expr: value}]
`);
    const result = parse({
      ...visits,
      'm.yml': `metrics:\n${BASE}  - name: conv
    type: conversion
    type_params:
      conversion_type_params:
        base_measure: visit_value
        conversion_measure: {name: order_count, filter: "{{ Dimension('order__channel') }} = 'web'"}
        entity: customer
        window: 7 dayz
        constant_properties: [{base_property: referer, conversion_property: channel}]
  - {name: conv2, type: conversion, type_params: {conversion_type_params: {base_metric: revenue, entity: customer}}}
  - {name: conv3, type: conversion, type_params: {}}
`,
    });
    expect(errorsOf(result)).toEqual([
      'm.yml:8 metrics[2].type_params.conversion_type_params.base_measure: the base input must count events: agg count, count_distinct, or sum with expr 1 (got sum)',
      "m.yml:10 metrics[2].type_params.conversion_type_params.entity: unknown entity 'customer' in semantic model 'visits' (base input)",
      "m.yml:11 metrics[2].type_params.conversion_type_params.window: invalid window '7 dayz': 'dayz' is not a standard time grain (did you mean 'day'?)",
      "m.yml:12 metrics[2].type_params.conversion_type_params.constant_properties[0].base_property: unknown dimension or entity 'referer' in semantic model 'visits' (did you mean 'referrer'?)",
      'm.yml:13 metrics[3].type_params.conversion_type_params: needs conversion_measure or conversion_metric',
      'm.yml:13 metrics[3].type_params.conversion_type_params.base_metric: the base input must count events: agg count, count_distinct, or sum with expr 1 (got sum)',
      'm.yml:14 metrics[4].type_params: a conversion metric needs type_params.conversion_type_params',
    ]);
    expect(warningsOf(result)).toContain(
      'm.yml:9 metrics[2].type_params.conversion_type_params.conversion_measure.filter: a filter on the conversion input limits which events count as conversions (MetricFlow ignores it; maatstaf applies it)',
    );
  });
});

describe('filters', () => {
  it('checks the form of every {{ }} call and that its element exists', () => {
    expect(
      metricErrors(`  - name: filtered
    type: simple
    type_params:
      measure: {name: order_total, filter: "{{ Dimension('order__chanel') }} = 'web'"}
    filter:
      - "{{ TimeDimension('order__ordered_at', 'mnth') }} > '2024-01-01'"
      - "{{ Entity('custmer') }} IS NOT NULL AND {{ Metric('revenue', group_by=['customer']) }} > 10"
      - "{{ Dimension(channel) }} = 'x'"
      - "{{ Metric('orders') }} > 1 AND {{ TimeDimension('order__channel') }} > 1"
      - "{{ Dimension('metric_time').date_part('week') }} = 1 AND {{ Dimension('country', entity_path=['custumer']) }} = 'NL'"
  - name: revenue
    type: simple
    type_params: {measure: order_total}
`),
    ).toEqual([
      "m.yml:5 metrics[0].type_params.measure.filter: unknown dimension 'chanel' in filter (did you mean 'channel'?)",
      "m.yml:7 metrics[0].filter[0]: unknown time granularity 'mnth' in filter (did you mean 'month'?)",
      "m.yml:8 metrics[0].filter[1]: unknown entity 'custmer' in filter (did you mean 'customer'?)",
      "m.yml:9 metrics[0].filter[2]: invalid filter call '{{ Dimension(channel) }}': unexpected name 'channel' (quote strings)",
      "m.yml:10 metrics[0].filter[3]: unknown metric 'orders' in filter",
      "m.yml:10 metrics[0].filter[3]: Metric('orders') needs group_by with exactly one entity, e.g. group_by=['customer']",
      "m.yml:10 metrics[0].filter[3]: unknown time dimension 'channel' in filter",
      "m.yml:11 metrics[0].filter[4]: unknown date part 'week' in filter (expected one of: year, quarter, month, day, dow, doy, hour)",
      "m.yml:11 metrics[0].filter[4]: unknown entity 'custumer' in filter (did you mean 'customer'?)",
    ]);
  });

  it('accepts metric_time, custom grains and entity paths', () => {
    expect(
      metricErrors(
        `  - name: ok
    type: simple
    type_params: {measure: order_total}
    filter: >-
      {{ TimeDimension('metric_time', 'fiscal_year') }} = '2024' AND {{ Dimension('customer__country') }} = 'NL'
      AND {{ Dimension('order__ordered_at').grain('week') }} > '2024-01-01' AND {{ Entity('order') }} > 1
`,
        { 'spine.yml': 'models:\n  - name: calendar\n    time_spine: {standard_granularity_column: d, custom_granularities: [{name: fiscal_year}]}\n    columns: [{name: d, granularity: day}]\n' },
      ),
    ).toEqual([]);
  });
});

describe('time spines and emptiness', () => {
  it('requires a granularity on the standard granularity column', () => {
    expect(errorsOf(parse({ 'm.yml': `metrics:\n${BASE}`, 'spine.yml': 'models:\n  - name: calendar\n    time_spine: {standard_granularity_column: d}\n' }))).toEqual([
      "spine.yml:3 models[0].time_spine.standard_granularity_column: standard_granularity_column 'd' must be listed under columns with a granularity",
    ]);
  });

  it('requires a time spine for cumulative metrics, offsets and join_to_timespine', () => {
    const noSpine = { 'models/orders.yml': 'semantic_models:\n  - name: orders\n    model: ref(\'o\')\n    defaults: {agg_time_dimension: at}\n    primary_entity: order\n    dimensions: [{name: at, type: time, type_params: {time_granularity: day}}]\n    measures: [{name: total, agg: sum}]\n' };
    expect(
      metricErrors(
        `  - {name: total_m, type: simple, type_params: {measure: {name: total, join_to_timespine: true}}}
  - {name: running, type: cumulative, type_params: {measure: total}}
  - {name: plain, type: simple, type_params: {measure: total}}
`,
        noSpine,
      ),
    ).toEqual([
      'm.yml:2 metrics[0].type_params: join_to_timespine need a time spine: declare a dbt model with time_spine (or metricflow_time_spine), or time_spine in maatstaf.yaml',
      'm.yml:3 metrics[1].type_params: cumulative metrics need a time spine: declare a dbt model with time_spine (or metricflow_time_spine), or time_spine in maatstaf.yaml',
    ]);
  });

  it('prefers a new-style spine over the legacy metricflow_time_spine of the same grain', () => {
    const result = parse({ 'm.yml': `metrics:\n${BASE}`, 'legacy.yml': 'models:\n  - name: metricflow_time_spine\n    columns: [{name: date_day}]\n' });
    expect(result.definitions!.timeSpines.map((s) => s.relation.alias)).toEqual(['time_spine_daily']);
    expect(warningsOf(result)).toContain('models/orders.yml:28 models[0]: more than one time spine with grain day (also legacy.yml:2); the first is used');
  });

  it('keeps custom granularity names unique and apart from other names', () => {
    const spine = (name: string, grains: string) =>
      `  - name: ${name}\n    time_spine: {standard_granularity_column: d, custom_granularities: [${grains}]}\n    columns: [{name: d, granularity: day}]\n`;
    expect(
      metricErrors(BASE, { 'spine.yml': `models:\n${spine('cal_a', '{name: fiscal_year}, {name: revenue}')}${spine('cal_b', '{name: fiscal_year, column_name: fy}')}` }),
    ).toEqual([
      "spine.yml:3 models[0].time_spine.custom_granularities[1].name: custom granularity 'revenue' has the same name as a metric",
      "spine.yml:6 models[1].time_spine.custom_granularities[0].name: duplicate custom granularity 'fiscal_year' (first defined at spine.yml:3)",
    ]);
  });

  it('rejects an empty project', () => {
    expect(errorsOf(parse({ 'models/orders.yml': 'version: 2\n' }))).toEqual([
      '.:1: no semantic models defined (semantic_models:)',
      '.:1: no metrics defined (metrics:, or create_metric: true on a measure)',
    ]);
  });
});
