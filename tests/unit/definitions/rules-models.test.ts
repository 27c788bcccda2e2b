import { describe, expect, it } from 'vitest';
import { errorsOf, parse } from './helpers.js';

/** Rules about names, semantic models and measures (spec 2, rules 1–16). */

/** Errors for a project of ORDERS_MODEL plus `metrics` (and other files). */
const metricErrors = (metrics: string, files: Record<string, string> = {}) => errorsOf(parse({ 'm.yml': `metrics:\n${metrics}`, ...files }));

const BASE = `  - {name: revenue, type: simple, type_params: {measure: order_total}}
  - {name: orders, type: simple, type_params: {measure: order_count}}
`;

const modelFile = (body: string) => ({ 'models/x.yml': `semantic_models:\n${body}` });

describe('names and uniqueness', () => {
  it('rejects reserved names and SQL keywords', () => {
    expect(
      errorsOf(
        parse({
          ...modelFile(`  - name: metric_time
    model: ref('t')
    entities: [{name: select, type: primary}]
    dimensions: [{name: week, type: categorical}]
`),
          'm.yml': `metrics:\n${BASE}  - {name: day, type: simple, type_params: {measure: order_total}}\n`,
        }),
      ),
    ).toEqual([
      "m.yml:4 metrics[2].name: metric name 'day' is reserved (time grain names, metric_time and mf_internal_uuid cannot be used as names)",
      "models/x.yml:2 semantic_models[0].name: semantic model name 'metric_time' is reserved (time grain names, metric_time and mf_internal_uuid cannot be used as names)",
      "models/x.yml:4 semantic_models[0].entities[0].name: entity name 'select' is a reserved SQL keyword",
      "models/x.yml:5 semantic_models[0].dimensions[0].name: dimension name 'week' is reserved (time grain names, metric_time and mf_internal_uuid cannot be used as names)",
    ]);
  });

  it('checks name syntax in the schema', () => {
    expect(metricErrors(`${BASE}  - {name: bad__name, type: simple, type_params: {measure: order_total}}\n  - {name: trailing_, type: simple, type_params: {measure: order_total}}\n`)).toEqual([
      "m.yml:4 metrics[2].name: invalid name 'bad__name': use lower-case letters, digits and single underscores, start with a letter and end with a letter or digit",
      "m.yml:5 metrics[3].name: invalid name 'trailing_': use lower-case letters, digits and single underscores, start with a letter and end with a letter or digit",
    ]);
  });

  it('keeps element names unique within a model and measures unique everywhere', () => {
    const errors = errorsOf(
      parse({
        ...modelFile(`  - name: more_orders
    model: ref('t')
    defaults: {agg_time_dimension: ordered_at}
    entities: [{name: order, type: primary}]
    dimensions:
      - {name: ordered_at, type: time, type_params: {time_granularity: day}}
      - {name: order, type: categorical}
    measures: [{name: order_total, agg: sum}]
`),
        'm.yml': `metrics:\n${BASE}`,
      }),
    );
    expect(errors).toEqual([
      "models/x.yml:7 semantic_models[0].dimensions[0].name: 'order__ordered_at' is also defined by semantic model 'orders' (same primary entity and dimension name)",
      "models/x.yml:8 semantic_models[0].dimensions[1].name: 'order' is already an entity of semantic model 'more_orders'",
      "models/x.yml:8 semantic_models[0].dimensions[1].name: 'order' is a dimension here but an entity in semantic model 'orders'",
      "models/x.yml:9 semantic_models[0].measures[0].name: duplicate measure name 'order_total' (also in semantic model 'orders' at models/orders.yml:3)",
    ]);
  });

  it('keeps element kinds and dimension types consistent across models', () => {
    const errors = errorsOf(
      parse({
        ...modelFile(`  - name: shipments
    model: ref('t')
    entities: [{name: shipment, type: primary}, {name: channel, type: foreign}]
    dimensions:
      - {name: is_gift, type: time, type_params: {time_granularity: day}}
`),
        'm.yml': `metrics:\n${BASE}`,
      }),
    );
    expect(errors).toEqual([
      "models/x.yml:4 semantic_models[0].entities[1].name: 'channel' is an entity here but a dimension in semantic model 'orders'",
      "models/x.yml:6 semantic_models[0].dimensions[0].type: dimension 'is_gift' is time here but categorical in semantic model 'orders'",
    ]);
  });
});

describe('semantic models', () => {
  it('checks primary entities', () => {
    expect(
      errorsOf(
        parse({
          ...modelFile(`  - name: two_primaries
    model: ref('t')
    primary_entity: thing
    entities: [{name: thing, type: primary}, {name: other, type: primary}]
`),
          'm.yml': `metrics:\n${BASE}`,
        }),
      ),
    ).toEqual([
      "models/x.yml:4 semantic_models[0].primary_entity: primary_entity is set, but entity 'thing' already has type primary; use one of the two",
      "models/x.yml:5 semantic_models[0].entities[1].type: semantic model 'two_primaries' has more than one primary entity ('thing' and 'other')",
    ]);
  });

  it('checks time dimensions and agg time dimensions', () => {
    expect(
      errorsOf(
        parse({
          ...modelFile(`  - name: events
    model: ref('t')
    primary_entity: event
    defaults: {agg_time_dimension: kind}
    dimensions:
      - {name: kind, type: categorical}
      - {name: happened_at, type: time}
    measures:
      - {name: event_count, agg: count, expr: 1}
      - {name: event_total, agg: sum, agg_time_dimension: happend_at}
`),
          'm.yml': `metrics:\n${BASE}`,
        }),
      ),
    ).toEqual([
      "models/x.yml:5 semantic_models[0].defaults.agg_time_dimension: agg_time_dimension 'kind' is a categorical dimension; it must be a time dimension",
      'models/x.yml:8 semantic_models[0].dimensions[1]: time dimension \'happened_at\' needs type_params.time_granularity',
      "models/x.yml:11 semantic_models[0].measures[1].agg_time_dimension: unknown time dimension 'happend_at' in semantic model 'events' (did you mean 'happened_at'?)",
    ]);
  });

  it('checks SCD type II validity windows', () => {
    const scd = (dims: string, entities: string, measures = '') =>
      errorsOf(
        parse({
          ...modelFile(`  - name: listings_history
    model: ref('t')
    primary_entity: listing_version
    entities: ${entities}
    dimensions:
${dims}${measures}`),
          'm.yml': `metrics:\n${BASE}`,
        }),
      );
    const window = `      - {name: valid_from, type: time, type_params: {time_granularity: day, validity_params: {is_start: true}}}
      - {name: valid_to, type: time, type_params: {time_granularity: day, validity_params: {is_end: true}}}
`;
    expect(scd(window, '[{name: listing, type: natural}]')).toEqual([]);
    expect(scd(window, '[{name: listing, type: unique}]', '    measures: [{name: listing_versions, agg: count, expr: 1, agg_time_dimension: valid_from}]\n')).toEqual([
      "models/x.yml:5 semantic_models[0].entities: semantic model 'listings_history' has a validity window but no natural entity",
      'models/x.yml:5 semantic_models[0].entities[0].type: a semantic model with a validity window cannot have unique entities',
      'models/x.yml:9 semantic_models[0].measures: a semantic model with a validity window cannot have measures',
    ]);
    expect(scd(window.split('\n')[0] + '\n', '[{name: listing, type: natural}]')).toEqual([
      'models/x.yml:7 semantic_models[0].dimensions[0].type_params.validity_params: a validity window needs exactly two time dimensions: one with is_start: true and one with is_end: true',
    ]);
    expect(scd('      - {name: valid_from, type: time, type_params: {time_granularity: day}}\n', '[{name: listing, type: natural}]')).toEqual([
      "models/x.yml:5 semantic_models[0].entities[0].type: natural entity 'listing' needs a validity window (two time dimensions with validity_params is_start / is_end)",
    ]);
  });

  it('checks non-additive dimensions', () => {
    expect(
      errorsOf(
        parse({
          ...modelFile(`  - name: balances
    model: ref('t')
    defaults: {agg_time_dimension: as_of}
    entities: [{name: account, type: primary}]
    dimensions:
      - {name: as_of, type: time, type_params: {time_granularity: day}}
      - {name: as_of_month, type: time, type_params: {time_granularity: month}}
    measures:
      - name: balance
        agg: sum
        non_additive_dimension: {name: as_of_month, window_choice: MAX, window_groupings: [acount]}
`),
          'm.yml': `metrics:\n${BASE}`,
        }),
      ),
    ).toEqual([
      "models/x.yml:12 semantic_models[0].measures[0].non_additive_dimension.name: non_additive_dimension 'as_of_month' has grain month but the agg time dimension 'as_of' has grain day; they must match",
      "models/x.yml:12 semantic_models[0].measures[0].non_additive_dimension.window_groupings[0]: unknown entity 'acount' in semantic model 'balances' (did you mean 'account'?)",
    ]);
  });
});

describe('measures and aggregations', () => {
  it('checks count, percentile and median settings', () => {
    expect(
      errorsOf(
        parse({
          ...modelFile(`  - name: stats
    model: ref('t')
    defaults: {agg_time_dimension: at}
    primary_entity: stat
    dimensions: [{name: at, type: time, type_params: {time_granularity: day}}]
    measures:
      - {name: distinct_count, agg: count, expr: distinct user_id}
      - {name: no_pct, agg: percentile}
      - {name: bad_pct, agg: percentile, agg_params: {percentile: 100}}
      - {name: med, agg: median, agg_params: {percentile: 0.4, use_discrete_percentile: true}}
      - {name: summed, agg: sum, agg_params: {percentile: 0.5}}
`),
          'm.yml': `metrics:\n${BASE}`,
        }),
      ),
    ).toEqual([
      "models/x.yml:8 semantic_models[0].measures[0].expr: use agg: count_distinct instead of an expr starting with 'distinct'",
      'models/x.yml:9 semantic_models[0].measures[1]: agg: percentile needs agg_params.percentile (a fraction such as 0.9)',
      'models/x.yml:10 semantic_models[0].measures[2].agg_params.percentile: percentile must be between 0 and 1 (exclusive), got 100',
      'models/x.yml:11 semantic_models[0].measures[3].agg_params.percentile: agg: median is percentile 0.5; it cannot set percentile 0.4',
      'models/x.yml:11 semantic_models[0].measures[3].agg_params.use_discrete_percentile: agg: median cannot use a discrete percentile',
      'models/x.yml:12 semantic_models[0].measures[4].agg_params.percentile: percentile is only allowed with agg: percentile (or median), not sum',
    ]);
  });

  it('rejects create_metric when a non-simple metric has the name', () => {
    const orders = { 'models/x.yml': 'semantic_models:\n  - name: tips_model\n    model: ref(\'t\')\n    defaults: {agg_time_dimension: at}\n    primary_entity: tip\n    dimensions: [{name: at, type: time, type_params: {time_granularity: day}}]\n    measures: [{name: tips, agg: sum, create_metric: true}]\n' };
    expect(metricErrors(`${BASE}  - {name: tips, type: derived, type_params: {expr: revenue, metrics: [revenue]}}\n`, orders)).toEqual([
      'models/x.yml:7 semantic_models[0].measures[0].create_metric: create_metric: a derived metric named \'tips\' already exists (m.yml:4)',
    ]);
  });
});
