/**
 * MetricFlow's native definition files (its own test manifests): one-key documents separated by
 * `---`, `project_configuration` time spines, `$source_schema` placeholders, a virtual
 * `primary_entity` known to filters, and dimension-only saved queries.
 */
import { describe, expect, it } from 'vitest';
import { parseDefinitionFiles } from '../../../src/definitions/parse.js';
import { errorsOf } from './helpers.js';

const MODELS = `---
semantic_model:
  name: bookings_source
  node_relation: {schema_name: $source_schema, alias: fct_bookings}
  defaults: {agg_time_dimension: ds}
  primary_entity: booking
  entities:
    - {name: listing, type: foreign, expr: listing_id}
  dimensions:
    - {name: ds, type: time, type_params: {time_granularity: day}}
    - {name: is_instant, type: categorical}
  measures:
    - {name: bookings, agg: sum, expr: "1", create_metric: true}
---
semantic_model:
  name: listings
  node_relation: {schema_name: $source_schema, alias: dim_listings}
  entities:
    - {name: listing, type: primary, expr: listing_id}
  dimensions:
    - {name: country, type: categorical}
`;

const METRICS = `---
metric:
  name: instant_bookings
  type: simple
  type_params: {measure: bookings}
  filter: "{{ Dimension('booking__is_instant') }}"
---
metric:
  name: all_bookings
  type: simple
  type_params: {measure: bookings}
`;

const CONFIG = `---
mf_config_schema: 0
project_configuration:
  time_spines:
    - node_relation: {schema_name: $source_schema, alias: mf_time_spine}
      primary_column: {name: ds, time_granularity: day}
      custom_granularities: [{name: alien_day}]
`;

const SAVED = `---
saved_query:
  name: listing_countries
  query_params:
    metrics: []
    group_by: ["Dimension('listing__country')"]
`;

const load = (files: Record<string, string>, vars?: Record<string, string>) =>
  parseDefinitionFiles(Object.entries(files).map(([path, text]) => ({ path, text })), undefined, vars ? { vars } : {});

describe('MetricFlow native definition files', () => {
  const files = { 'models.yaml': MODELS, 'metrics.yaml': METRICS, 'project_configuration.yaml': CONFIG, 'saved.yaml': SAVED };

  it('loads one-key documents separated by ---, with $source_schema substituted', () => {
    const result = load(files, { source_schema: 'mf_src' });
    expect(errorsOf(result)).toEqual([]);
    const defs = result.definitions!;
    expect(defs.semanticModels.map((m) => [m.name, m.relation])).toEqual([
      ['bookings_source', { schema: 'mf_src', alias: 'fct_bookings' }],
      ['listings', { schema: 'mf_src', alias: 'dim_listings' }],
    ]);
    expect(defs.metrics.map((m) => m.name).sort()).toEqual(['all_bookings', 'bookings', 'instant_bookings']);
    expect(defs.timeSpines.map((s) => [s.relation.alias, s.relation.schema, s.primaryColumn, s.grain, s.customGranularities.map((c) => c.name)])).toEqual([
      ['mf_time_spine', 'mf_src', 'ds', 'day', ['alien_day']],
    ]);
    expect(defs.savedQueries[0]).toMatchObject({ name: 'listing_countries', metrics: [], groupBy: ['listing__country'] });
  });

  it('leaves placeholders without a value as written', () => {
    const defs = load(files).definitions!;
    expect(defs.semanticModels[0]!.relation.schema).toBe('$source_schema');
  });

  it('reports problems at the line of the document they are in', () => {
    const broken = METRICS.replace('type_params: {measure: bookings}\n  filter', 'type_params: {measure: no_such_measure}\n  filter');
    const errors = errorsOf(load({ ...files, 'metrics.yaml': broken }, { source_schema: 's' }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^metrics\.yaml:5 metrics\[0\]\.type_params\.measure: .*no_such_measure/);
  });

  it('still refuses a saved query with neither metrics nor group-bys', () => {
    const empty = `saved_query:\n  name: nothing\n  query_params: {metrics: []}\n`;
    expect(errorsOf(load({ ...files, 'saved.yaml': empty }, { source_schema: 's' })).join('\n')).toMatch(/saved_queries\[0\]\.query_params: a saved query needs at least one metric or group_by item/);
  });
});
