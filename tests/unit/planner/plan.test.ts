import { describe, expect, it } from 'vitest';
import { MetricQuerySchema } from '../../../src/core/query.js';
import { buildSemanticGraph } from '../../../src/semantic-graph/index.js';
import { explainPlan } from '../../../src/planner/plan/explain-plan.js';
import { planQuery } from '../../../src/planner/plan/plan-query.js';
import { resolveQuery } from '../../../src/planner/resolve/resolve-query.js';
import { ENGINE_CASES } from '../../fixtures/engine/cases.js';
import { FIXTURE_TIME_TYPES, PARTITIONS_YAML, fixtureDefinitions, fixtureGraph, fixtureGraphWith } from '../../fixtures/engine/fixture.js';

const graph = fixtureGraph();
const plan = (q: object, g = graph) => planQuery(g, resolveQuery(g, MetricQuerySchema.parse(q)));

describe('plan snapshots', () => {
  for (const [name, query] of Object.entries(ENGINE_CASES)) {
    it(name, () => {
      expect(explainPlan(plan(query))).toMatchSnapshot();
    });
  }

  it('metric_time values without a spine come from generate_series', () => {
    const g = buildSemanticGraph({ ...fixtureDefinitions(), timeSpines: [] }, { timeColumnTypes: FIXTURE_TIME_TYPES });
    expect(explainPlan(plan({ groupBy: ['metric_time__week'] }, g))).toMatchSnapshot();
    expect(explainPlan(plan({ groupBy: ['metric_time'], timeRange: { start: '2024-01-01', end: '2024-01-03' } }, g))).toMatchSnapshot();
  });

  it('joins on shared partition dimensions', () => {
    const g = fixtureGraphWith([PARTITIONS_YAML]);
    expect(explainPlan(plan({ metrics: ['identity_verifications'], groupBy: ['metric_time', 'member__home_state'] }, g))).toMatchSnapshot();
  });
});

describe('plan shape', () => {
  it('aggregates every metric separately and combines on the group-by keys', () => {
    const p = plan(ENGINE_CASES['metrics from two models']!);
    const aggregates = p.nodes.filter((n) => n.kind === 'aggregate');
    expect(aggregates.map((a) => a.columns)).toEqual([
      ['metric_time__day', 'customer__country', 'revenue'],
      ['metric_time__day', 'customer__country', 'visits'],
    ]);
    const combine = p.nodes.find((n) => n.kind === 'combine');
    expect(combine).toMatchObject({ keys: ['metric_time__day', 'customer__country'] });
    expect(p.columns.map((c) => c.name)).toEqual(['metric_time__day', 'customer__country', 'revenue', 'visits']);
  });

  it('aggregates simple metrics of one model together: one scan, one GROUP BY, no combine', () => {
    const p = plan({ metrics: ['revenue', 'visits', 'order_count', 'customers_with_orders'], groupBy: ['metric_time__month'] });
    const aggregates = p.nodes.filter((n) => n.kind === 'aggregate');
    expect(aggregates.map((a) => a.columns)).toEqual([
      ['metric_time__month', 'revenue', 'order_count', 'customers_with_orders'],
      ['metric_time__month', 'visits'],
    ]);
    expect(p.nodes.filter((n) => n.kind === 'source')).toHaveLength(2);
    const combine = p.nodes.find((n) => n.kind === 'combine');
    expect(combine?.kind === 'combine' && combine.inputs.map((i) => i.take.map((t) => t.as))).toEqual([['revenue', 'order_count', 'customers_with_orders'], ['visits']]);
    // The output keeps the query's metric order.
    expect(p.columns.map((c) => c.name)).toEqual(['metric_time__month', 'revenue', 'visits', 'order_count', 'customers_with_orders']);
    const alone = plan({ metrics: ['revenue', 'order_count'], groupBy: ['metric_time__month'] });
    expect(alone.nodes.some((n) => n.kind === 'combine')).toBe(false);
  });

  it('plans alone what cannot share the rows: own filters, another aggregation time, fill_nulls_with', () => {
    const aggregatesOf = (metrics: string[], groupBy = ['metric_time__month']) =>
      plan({ metrics, groupBy }).nodes.flatMap((n) => (n.kind === 'aggregate' ? [n.columns.filter((c) => !groupBy.includes(c))] : []));
    expect(aggregatesOf(['revenue', 'web_revenue', 'order_count'])).toEqual([['revenue', 'order_count'], ['web_revenue']]);
    expect(aggregatesOf(['revenue', 'shipped_revenue'])).toEqual([['revenue'], ['shipped_revenue']]);
    expect(aggregatesOf(['revenue', 'revenue_or_zero', 'order_count'])).toEqual([['revenue', 'order_count'], ['revenue_or_zero']]);
    // Inputs of a derived metric share too; an input with its own filter does not.
    expect(aggregatesOf(['net_revenue'])).toEqual([['revenue', 'discount_total']]);
    expect(aggregatesOf(['web_order_share'])).toHaveLength(2);
  });

  it('only ever LEFT OUTER joins from metric rows', () => {
    for (const query of Object.values(ENGINE_CASES)) {
      if (!query.metrics?.length) continue;
      for (const n of plan(query).nodes) if (n.kind === 'join') for (const j of n.joins) expect(j.type).toBe('left');
    }
  });

  it('orders output columns: time, entities, dimensions, then metrics', () => {
    const p = plan({ metrics: ['order_count', 'revenue'], groupBy: ['order__channel', 'customer', 'metric_time__month', 'order__ordered_at__extract_year'] });
    expect(p.columns).toEqual([
      { name: 'metric_time__month', kind: 'time', dataType: 'date', grain: 'month' },
      { name: 'order__ordered_at__extract_year', kind: 'time', dataType: 'integer', grain: 'extract_year', label: 'Ordered at' },
      { name: 'customer', kind: 'entity', dataType: 'string' },
      { name: 'order__channel', kind: 'dimension', dataType: 'string', label: 'Sales channel' },
      { name: 'order_count', kind: 'metric', dataType: 'number' },
      { name: 'revenue', kind: 'metric', dataType: 'number', label: 'Revenue', unit: 'EUR' },
    ]);
    expect(plan({ metrics: ['pickups'], groupBy: ['metric_time__hour'] }).columns[0]).toMatchObject({ dataType: 'datetime', grain: 'hour' });
  });
});
