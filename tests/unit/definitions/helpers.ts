/** Shared helpers for the definitions loader tests: build projects from inline YAML, format issues. */
import { formatIssue, type DefinitionIssue } from '../../../src/core/errors.js';
import type { Definitions, MetricDef } from '../../../src/definitions/model.js';
import { parseDefinitionFiles, type LoadOptions, type LoadResult } from '../../../src/definitions/parse.js';

/** A small valid project: orders + customers models and a day time spine. */
export const ORDERS_MODEL = `
semantic_models:
  - name: orders
    model: ref('fct_orders')
    defaults: {agg_time_dimension: ordered_at}
    entities:
      - {name: order, type: primary, expr: order_id}
      - {name: customer, type: foreign, expr: customer_id}
    dimensions:
      - {name: ordered_at, type: time, type_params: {time_granularity: day}}
      - {name: channel, type: categorical}
      - {name: is_gift, type: categorical}
    measures:
      - {name: order_total, agg: sum, expr: amount}
      - {name: order_count, agg: count, expr: 1}
      - {name: orders_with_amount, agg: count, expr: amount}
      - {name: gift_orders, agg: sum_boolean, expr: is_gift}
      - {name: median_amount, agg: median, expr: amount}
      - {name: p95_amount, agg: percentile, expr: amount, agg_params: {percentile: 95}}
      - {name: ordering_customers, agg: count_distinct, expr: customer_id}
  - name: customers
    model: ref('dim_customers')
    entities:
      - {name: customer, type: primary, expr: customer_id}
    dimensions:
      - {name: country, type: categorical}
models:
  - name: time_spine_daily
    time_spine: {standard_granularity_column: date_day}
    columns: [{name: date_day, granularity: day}]
`;

/** Parses `files` (path → YAML); `models/orders.yml` defaults to ORDERS_MODEL. */
export function parse(files: Record<string, string>, settingsText?: string, opts?: LoadOptions): LoadResult {
  const all = { 'models/orders.yml': ORDERS_MODEL, ...files };
  return parseDefinitionFiles(
    Object.entries(all).map(([path, text]) => ({ path, text })),
    settingsText,
    opts,
  );
}

/** Parses and expects no errors; returns the definitions. */
export function parseOk(files: Record<string, string>, settingsText?: string, opts?: LoadOptions): Definitions {
  const result = parse(files, settingsText, opts);
  const errors = result.issues.filter((i) => i.severity === 'error');
  if (!result.definitions || errors.length > 0) throw new Error(`unexpected errors:\n${errors.map(formatIssue).join('\n')}`);
  return result.definitions;
}

/** Error-severity issues, formatted as `file:line path: message`. */
export function errorsOf(result: LoadResult): string[] {
  return result.issues.filter((i) => i.severity === 'error').map(formatIssue);
}

export function warningsOf(result: LoadResult): string[] {
  return result.issues.filter((i: DefinitionIssue) => i.severity === 'warning').map(formatIssue);
}

export function metric(defs: Definitions, name: string): MetricDef {
  const m = defs.metrics.find((x) => x.name === name);
  if (!m) throw new Error(`no metric ${name}; have ${defs.metrics.map((x) => x.name).join(', ')}`);
  return m;
}

export function simple(defs: Definitions, name: string) {
  const m = metric(defs, name);
  if (m.type !== 'simple') throw new Error(`${name} is ${m.type}`);
  return m;
}
