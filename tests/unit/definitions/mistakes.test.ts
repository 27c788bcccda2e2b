import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../../src/core/errors.js';
import { loadDefinitions } from '../../../src/definitions/load.js';

describe('a project full of mistakes', async () => {
  const result = await loadDefinitions('tests/fixtures/definitions/mistakes');

  it('reports every mistake at once, with file, line, YAML path and a suggestion', () => {
    expect(result.definitions).toBeUndefined();
    expect(result.issues.map((i) => `${i.severity}: ${formatIssue(i)}`)).toEqual([
      "error: maatstaf.yaml:2 time_zone: unknown time zone 'Europe/Amsterdm' (expected an IANA name such as Europe/Amsterdam) (did you mean 'Europe/Amsterdam'?)",
      "error: metrics/kcc.yaml:6 metrics[1].name: invalid name 'Reports_Total': use lower-case letters, digits and single underscores, start with a letter and end with a letter or digit",
      "error: metrics/kcc.yaml:13 metrics[2].type_params.measure: unknown measure 'reports_recieved' (did you mean 'reports_received'?)",
      "error: metrics/kcc.yaml:18 metrics[3].filter: unknown dimension 'distrct' in filter (did you mean 'district'?)",
      "error: metrics/kcc.yaml:34 metrics[5].type_params.metrics[1].offset_window: invalid offset_window '1 wek': 'wek' is not a time grain (did you mean 'week'?)",
      "error: metrics/kcc.yaml:37 metrics[6].type_params: metric 'loop_a' depends on itself: loop_a → loop_b → loop_a",
      "error: metrics/kcc.yaml:47 metrics[8].time_granularity: unknown time granularity 'mnth' (did you mean 'month'?)",
      'error: metrics/kcc.yaml:52 metrics[8].type_params.cumulative_type_params.grain_to_date: a cumulative metric has either a window or grain_to_date, not both',
      "error: metrics/kcc.yaml:53 metrics[9].name: duplicate metric name 'reports' (first defined at metrics/kcc.yaml:2)",
      "error: metrics/kcc.yaml:57 metrics[10].type: missing required key 'type'",
      "warning: metrics/kcc.yaml:60 metric: top-level key 'metric' is ignored (did you mean 'metrics'?)",
      "error: metrics/saved.yaml:4 saved_queries[0].query_params.metrics[1]: unknown metric 'reports_per_day' (did you mean 'reports'?)",
      "error: metrics/saved.yaml:6 saved_queries[0].query_params.order_by[0]: order_by item 'report__district' is not one of the saved query's metrics or group_by items (reports, reports_per_day, metric_time__week)",
      "error: models/reports.yaml:17 semantic_models[0].dimensions[1].type_param: unknown key 'type_param' (did you mean 'type_params'?)",
      'error: models/reports.yaml:25 semantic_models[0].measures[1]: agg: count needs an expr (use expr: 1 to count rows)',
      "error: models/reports.yaml:28 semantic_models[0].measures[2].agg: invalid aggregation 'summ' (expected one of: sum, min, max, average, count_distinct, count, sum_boolean, median, percentile) (did you mean 'sum'?)",
      'warning: models/reports.yaml:34 semantic_models[0].measures[3].agg_params.percentile: percentile 95 read as a percentage: 0.95',
      "error: models/reports.yaml:38 semantic_models[0].measures[4].agg_time_dimension: unknown time dimension 'recieved_at' in semantic model 'reports' (did you mean 'received_at'?)",
      "error: models/reports.yaml:44 semantic_models[1].dimensions: semantic model 'districts' has dimensions but no primary entity: add an entity with type primary or set primary_entity",
    ]);
  });

  it('gives issues as structured data', () => {
    expect(result.issues).toContainEqual({
      severity: 'error',
      file: 'metrics/kcc.yaml',
      line: 13,
      path: 'metrics[2].type_params.measure',
      message: "unknown measure 'reports_recieved' (did you mean 'reports_received'?)",
    });
  });

  it('does not cascade: references to an entry that failed its schema are not reported again', () => {
    // reports_share uses reports_total, whose definition (Reports_Total) has an invalid name.
    expect(result.issues.some((i) => i.message.includes("'reports_total'"))).toBe(false);
  });
});
