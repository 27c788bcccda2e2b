import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../../src/core/errors.js';
import { loadDefinitions } from '../../../src/definitions/index.js';
import { readDataTests } from '../../../src/definitions/governance/data-tests.js';
import { isIsoDate } from '../../../src/definitions/governance/metric-meta.js';
import { errorsOf, parse, warningsOf } from './helpers.js';

const BASE = `  - name: revenue
    type: simple
    type_params: {measure: order_total}
    config: {meta: {owner: Verkoop}}
`;

const metrics = (body: string) => parse({ 'm.yml': `metrics:\n${BASE}${body}` });
/** Warnings about the metrics file only (the shared test model has its own). */
const metricWarnings = (r: ReturnType<typeof parse>) => warningsOf(r).filter((w) => w.startsWith('m.yml:'));

describe('governance metadata of metrics', () => {
  it('accepts a complete, valid set of governance fields and unknown keys', () => {
    const r = metrics(`  - name: orders
    type: simple
    type_params: {measure: order_count}
    config:
      meta:
        owner: Verkoop
        steward: Team Data
        status: certified
        version: 2
        target: 100
        direction: higher_is_better
        unit: orders
        format: "0"
        sensitivity: personal
        min_group_size: 10
        refresh: daily
        definition: All orders.
        label_en: Orders
        description_en: Number of orders.
        tags: [sales, core]
        custom_key: {anything: goes}
`);
    expect(errorsOf(r)).toEqual([]);
    expect(metricWarnings(r)).toEqual([]);
    expect(r.definitions).toBeDefined();
  });

  it('reports wrong values with file:line at the meta key', () => {
    const r = metrics(`  - name: orders
    type: simple
    type_params: {measure: order_count}
    config:
      meta:
        owner: ""
        status: approved
        target: lots
        direction: up
        sensitivity: secret
        min_group_size: 0
        tags: sales
`);
    expect(errorsOf(r)).toEqual([
      "m.yml:11 metrics[1].config.meta.owner: owner must be non-empty text, got ''",
      "m.yml:12 metrics[1].config.meta.status: status must be one of draft | certified | deprecated, got 'approved'",
      "m.yml:13 metrics[1].config.meta.target: target must be a number, got 'lots'",
      "m.yml:14 metrics[1].config.meta.direction: direction must be one of higher_is_better | lower_is_better, got 'up'",
      "m.yml:15 metrics[1].config.meta.sensitivity: sensitivity must be one of public | internal | personal, got 'secret'",
      'm.yml:16 metrics[1].config.meta.min_group_size: min_group_size must be a positive integer, got 0',
      "m.yml:17 metrics[1].config.meta.tags: tags must be a list of text, got 'sales'",
    ]);
    expect(r.definitions).toBeUndefined();
  });

  it('requires replacement and sunset for deprecated metrics, and min_group_size for personal data', () => {
    const r = metrics(`  - name: old_orders
    type: simple
    type_params: {measure: order_count}
    meta: {owner: Verkoop, status: deprecated, sensitivity: personal}
  - name: older_orders
    type: simple
    type_params: {measure: order_count}
    meta: {owner: Verkoop, status: deprecated, replacement: revenu, sunset: 2026-02-30}
  - name: fine_orders
    type: simple
    type_params: {measure: order_count}
    meta: {owner: Verkoop, status: deprecated, replacement: revenue, sunset: 2027-01-01}
`);
    expect(errorsOf(r)).toEqual([
      'm.yml:9 metrics[1].meta.sensitivity: sensitivity personal needs meta.min_group_size (smallest group that may be shown)',
      'm.yml:9 metrics[1].meta.status: a deprecated metric needs meta.replacement (the metric to use instead)',
      'm.yml:9 metrics[1].meta.status: a deprecated metric needs meta.sunset (ISO date when it stops being served)',
      "m.yml:13 metrics[2].meta.replacement: replacement: unknown metric 'revenu'",
      "m.yml:13 metrics[2].meta.sunset: sunset must be an ISO date (YYYY-MM-DD), got '2026-02-30'",
    ]);
  });

  it('warns (does not fail) about a governed metric without owner and a target without direction', () => {
    const r = metrics(`  - name: orders
    type: simple
    type_params: {measure: order_count}
    config: {meta: {status: draft}}
  - name: unowned_orders
    type: simple
    type_params: {measure: order_count}
  - name: big_orders
    type: simple
    type_params: {measure: order_count}
    config: {meta: {owner: Verkoop, target: 5}}
`);
    expect(errorsOf(r)).toEqual([]);
    expect(metricWarnings(r)).toEqual([
      'm.yml:9 metrics[1].config.meta: no owner in meta: set meta.owner to the department responsible for this metric',
      'm.yml:16 metrics[3].config.meta.target: target without direction: set meta.direction (higher_is_better | lower_is_better)',
    ]);
    expect(r.definitions).toBeDefined();
  });

  it('checks data_tests declared on semantic models', () => {
    const r = parse({
      'models/x.yml': `semantic_models:
  - name: things
    model: ref('things')
    entities: [{name: thing, type: primary, expr: id}]
    config:
      meta:
        data_tests:
          - {name: ok, sql: "a > 0"}
          - {name: both, sql: "a > 0", not_null: a}
          - {name: ok, not_null: b}
          - {name: bad_sev, not_null: b, severity: fatal}
`,
      'm.yml': `metrics:\n${BASE}`,
    });
    expect(errorsOf(r)).toEqual([
      "models/x.yml:9 semantic_models[0].config.meta.data_tests[1]: data test 'both' needs exactly one of sql or not_null",
      "models/x.yml:10 semantic_models[0].config.meta.data_tests[2]: duplicate data test name 'ok'",
      "models/x.yml:11 semantic_models[0].config.meta.data_tests[3]: data test 'bad_sev': severity must be error or warning",
    ]);
  });

  it('the demo catalog passes the governance rules without warnings about governance', async () => {
    const r = await loadDefinitions(resolve(import.meta.dirname, '../../../metrics'));
    const governance = r.issues.filter((i) => i.severity === 'error' || i.path.includes('meta'));
    expect(governance.map(formatIssue)).toEqual([]);
    expect(r.definitions).toBeDefined();
  });
});

describe('governance helpers', () => {
  it('reads data tests', () => {
    expect(readDataTests([{ name: 'x', not_null: 'district_id', severity: 'warning' }]).tests).toEqual([
      { name: 'x', check: { kind: 'not_null', column: 'district_id' }, severity: 'warning' },
    ]);
    expect(readDataTests('nope').problems).toHaveLength(1);
  });

  it('knows ISO dates', () => {
    expect(isIsoDate('2026-12-31')).toBe(true);
    expect(isIsoDate('2026-12-31T10:00:00Z')).toBe(true);
    expect(isIsoDate('2026-13-01')).toBe(false);
    expect(isIsoDate('31-12-2026')).toBe(false);
  });
});
