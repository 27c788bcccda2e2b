/**
 * Sub-plans per metric (spec 8 step 3): a simple metric aggregates its own rows (joins → filters →
 * time constraint → aggregate); ratio and derived metrics plan each input separately (with the
 * filters that flow to it), combine them on the group-by keys and compute their expression.
 */
import type { ResolvedFilter, ResolvedItem, ResolvedMetric, ResolvedMetricInput, ResolvedSimpleMetric } from '../resolve/resolved-query.js';
import { INTERNAL } from './element-columns.js';
import { planJoinToTimeSpine } from './plan-join-time-spine.js';
import { bindFilter, uniqueItems, type MetricOutput, type MetricPlanContext } from './plan-metric-context.js';
import type { MetricExpr, NodeId } from './plan-nodes.js';
import { planRows } from './plan-rows.js';

export type { MetricOutput, MetricPlanContext } from './plan-metric-context.js';

function keyNames(ctx: MetricPlanContext): string[] {
  return ctx.keys.map((k) => k.name);
}

function planSimple(ctx: MetricPlanContext, metric: ResolvedSimpleMetric, inherited: readonly ResolvedFilter[]): MetricOutput {
  const { b, graph } = ctx;
  const agg = metric.def.aggregation;
  const model = graph.model(agg.semanticModel);
  if (!model) throw new Error(`metric ${metric.name}: unknown semantic model ${agg.semanticModel}`);
  const filters = [...inherited, ...metric.filters];
  const base = model.dimensions.get(agg.aggTimeDimension)?.grain ?? 'day';
  // The time constraint compares metric_time at the aggregation time dimension's base grain (spec 3.8).
  const constraintItem: ResolvedItem | undefined = ctx.timeRange
    ? { spec: { kind: 'metric_time' }, time: { kind: 'grain', grain: base }, name: `metric_time__${base}`, kind: 'time', baseGrain: base }
    : undefined;
  const items = uniqueItems([...ctx.keys, ...filters.flatMap((f) => f.items), ...(constraintItem ? [constraintItem] : [])]);
  const value = `${INTERNAL}${metric.name}`;
  const columns = [...items.map((i) => i.name), value];
  let node = planRows(b, graph, {
    model,
    items,
    metricTimeDimension: agg.aggTimeDimension,
    extra: [{ name: value, expr: { kind: 'element', expr: agg.expr } }],
    joinType: 'left',
  });
  if (filters.length) node = b.add({ kind: 'filter', input: node, filters: filters.map(bindFilter), columns });
  if (ctx.timeRange && constraintItem) {
    const { start, endExclusive } = ctx.timeRange;
    node = b.add({ kind: 'time-constraint', input: node, column: constraintItem.name, start, endExclusive, columns });
  }
  const keys = keyNames(ctx);
  node = b.add(
    {
      kind: 'aggregate',
      input: node,
      groupBy: keys,
      aggregations: [
        {
          input: value,
          as: metric.name,
          agg: agg.agg,
          ...(agg.agg === 'percentile' ? { percentile: agg.percentile ?? 0.5, discretePercentile: agg.useDiscretePercentile } : {}),
        },
      ],
      columns: [...keys, metric.name],
    },
    metric.name,
  );
  if (agg.joinToTimespine) node = planJoinToTimeSpine(ctx, { node, column: metric.name, model, aggTimeDimension: agg.aggTimeDimension, filters });
  if (agg.fillNullsWith === undefined) return { node, column: metric.name };
  node = compute(ctx, node, metric.name, { kind: 'fill-nulls', column: metric.name, value: agg.fillNullsWith });
  return { node, column: metric.name, fillNullsWith: agg.fillNullsWith };
}

function compute(ctx: MetricPlanContext, input: NodeId, metric: string, expr: MetricExpr): NodeId {
  const keys = keyNames(ctx);
  return ctx.b.add({ kind: 'compute-metric', input, keys, metric, expr, columns: [...keys, metric] }, metric);
}

/** Combines metric outputs on the keys, each renamed to `as`. */
export function combine(ctx: MetricPlanContext, parts: readonly { readonly out: MetricOutput; readonly as: string }[]): NodeId {
  const keys = keyNames(ctx);
  return ctx.b.add({
    kind: 'combine',
    keys,
    inputs: parts.map((p) => ({
      node: p.out.node,
      take: [{ from: p.out.column, as: p.as, ...(p.out.fillNullsWith !== undefined ? { fillNullsWith: p.out.fillNullsWith } : {}) }],
    })),
    columns: [...keys, ...parts.map((p) => p.as)],
  });
}

function planInputs(ctx: MetricPlanContext, inputs: readonly ResolvedMetricInput[], inherited: readonly ResolvedFilter[]) {
  const used = new Set<string>();
  return inputs.map((input) => {
    // The same metric twice without aliases (x / x): keep the combined column names distinct.
    let as = input.column;
    for (let n = 2; used.has(as); n++) as = `${input.column}_${n}`;
    used.add(as);
    return { out: planMetric(ctx, input.metric, [...inherited, ...input.filters]), as };
  });
}

/** Plans one metric with the filters flowing into it from above (query and ancestor filters). */
export function planMetric(ctx: MetricPlanContext, metric: ResolvedMetric, inherited: readonly ResolvedFilter[]): MetricOutput {
  switch (metric.kind) {
    case 'simple':
      return planSimple(ctx, metric, inherited);
    case 'ratio': {
      const [num, den] = planInputs(ctx, [metric.numerator, metric.denominator], [...inherited, ...metric.filters]);
      const node = combine(ctx, [num!, den!]);
      return { node: compute(ctx, node, metric.name, { kind: 'ratio', numerator: num!.as, denominator: den!.as }), column: metric.name };
    }
    case 'derived': {
      const parts = planInputs(ctx, metric.inputs, [...inherited, ...metric.filters]);
      const node = combine(ctx, parts);
      return { node: compute(ctx, node, metric.name, { kind: 'derived', sql: metric.def.expr }), column: metric.name };
    }
  }
}
