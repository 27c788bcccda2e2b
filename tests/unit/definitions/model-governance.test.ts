/** Governance rules for semantic models and dimensions: warnings only, so plain dbt projects keep loading. */
import { describe, expect, it } from 'vitest';
import { errorsOf, parse, warningsOf } from './helpers.js';

/** A described, fully labelled model (the shared test model has neither). */
const VISITS = `
semantic_models:
  - name: visits
    description: One row per visit to the web shop.
    model: ref('fct_visits')
    defaults: {agg_time_dimension: visited_at}
    entities:
      - {name: visit, type: primary, expr: visit_id}
    dimensions:
      - {name: visited_at, type: time, label: Bezocht op, type_params: {time_granularity: day}}
      - {name: source, type: categorical, label: Bron}
    measures:
      - {name: visit_count, agg: count, expr: "1"}
`;

const metricsWith = (meta: string, more = '') =>
  parse({
    'visits.yml': VISITS,
    'm.yml': `metrics:
  - name: visits
    type: simple
    type_params: {measure: visit_count}
    config: {meta: {owner: Web, status: certified, sensitivity: public}}
  - name: revenue
    type: simple
    type_params: {measure: order_total}
    config: {meta: ${meta}}
${more}`,
  });

const about = (r: ReturnType<typeof parse>, text: string) => warningsOf(r).filter((w) => w.includes(text));

describe('governance of semantic models and dimensions', () => {
  it('a plain dbt project (no governance metadata) gets none of these warnings', () => {
    const r = parse({ 'm.yml': 'metrics:\n  - {name: revenue, type: simple, type_params: {measure: order_total}}\n' });
    expect(errorsOf(r)).toEqual([]);
    expect(warningsOf(r).filter((w) => /label|description|certified|sensitivity/.test(w))).toEqual([]);
  });

  it('a model that a certified metric reads needs a description (warning at the model)', () => {
    const r = metricsWith('{owner: Verkoop, status: certified}');
    expect(errorsOf(r)).toEqual([]);
    expect(about(r, 'no description')).toEqual([
      "models/orders.yml:3 semantic_models[0].description: semantic model 'orders' feeds certified metric 'revenue' but has no description: say what one row is",
    ]);
    // A draft metric over the same model does not ask for it.
    expect(about(metricsWith('{owner: Verkoop, status: draft}'), 'no description')).toEqual([]);
  });

  it('finds the models behind derived and ratio metrics', () => {
    const r = metricsWith(
      '{owner: Verkoop, status: draft}',
      `  - name: revenue_per_visit
    type: derived
    type_params: {expr: revenue / visits, metrics: [{name: revenue}, {name: visits}]}
    config: {meta: {owner: Verkoop, status: certified}}
`,
    );
    expect(about(r, "feeds certified metric 'revenue_per_visit'")).toHaveLength(1);
    // …and that it builds on a draft metric.
    expect(about(r, 'builds on')).toEqual([
      "m.yml:13 metrics[2].config.meta.status: certified metric builds on metric 'revenue', which is draft",
    ]);
  });

  it('in a governed project every dimension needs a label', () => {
    const r = metricsWith('{owner: Verkoop, status: draft}');
    expect(about(r, 'has no label')).toEqual([
      "models/orders.yml:10 semantic_models[0].dimensions[0]: dimension 'ordered_at' has no label: the catalog and the APIs show its name instead (set label:)",
      "models/orders.yml:11 semantic_models[0].dimensions[1]: dimension 'channel' has no label: the catalog and the APIs show its name instead (set label:)",
      "models/orders.yml:12 semantic_models[0].dimensions[2]: dimension 'is_gift' has no label: the catalog and the APIs show its name instead (set label:)",
      "models/orders.yml:26 semantic_models[1].dimensions[0]: dimension 'country' has no label: the catalog and the APIs show its name instead (set label:)",
    ]);
    expect(about(r, "'visited_at'")).toEqual([]);
  });

  it('model meta: owner and sensitivity well-formed; a metric less sensitive than its data is flagged', () => {
    const r = parse({
      'visits.yml': VISITS.replace("model: ref('fct_visits')", "model: ref('fct_visits')\n    config: {meta: {owner: '', sensitivity: personal}}"),
      'm.yml': `metrics:
  - name: visits
    type: simple
    type_params: {measure: visit_count}
    config: {meta: {sensitivity: public}}
`,
    });
    expect(errorsOf(r)).toEqual([]);
    const w = warningsOf(r);
    expect(w).toEqual(
      expect.arrayContaining([
        'visits.yml:6 semantic_models[0].config.meta.owner: owner must be non-empty text (the department responsible for this data)',
        "m.yml:5 metrics[0].config.meta.sensitivity: metric is 'public' but reads semantic model 'visits', which is 'personal'",
      ]),
    );
    const bad = parse({ 'visits.yml': VISITS.replace("model: ref('fct_visits')", "model: ref('fct_visits')\n    meta: {sensitivity: secret}"), 'm.yml': 'metrics:\n  - {name: visits, type: simple, type_params: {measure: visit_count}}\n' });
    expect(warningsOf(bad)).toContain('visits.yml:6 semantic_models[0].meta.sensitivity: sensitivity must be one of public | internal | personal');
  });
});
