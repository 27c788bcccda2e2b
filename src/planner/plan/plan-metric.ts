/**
 * Sub-plans per metric (spec 8 step 3): a simple metric aggregates its own rows (joins → filters →
 * time constraint → [semi-additive rows] → aggregate); ratio and derived metrics plan each input
 * separately (with the filters that flow to it; offset inputs through the time spine), combine
 * them on the group-by keys and compute their expression; cumulative and conversion metrics have
 * their own modules.
 */
import type { ResolvedFilter, ResolvedMetric, ResolvedMetricInput, ResolvedSimpleMetric } from '../resolve/resolved-query.js';
import { planConversion } from './plan-conversion.js';
import { planCumulative } from './plan-cumulative.js';
import { planOffsetInput } from './plan-offset.js';
import { planSemiAdditive, semiAdditivePlan } from './plan-semi-additive.js';
import { aggregationOf, compute, finishAggregated, keyNames } from './plan-finish.js';
import { planInputRows, metricTimeItem, simpleModel } from './plan-input-rows.js';
import type { MetricOutput, MetricPlanContext } from './plan-metric-context.js';
import type { NodeId } from './plan-nodes.js';

export type { MetricOutput, MetricPlanContext } from './plan-metric-context.js';

function planSimple(ctx: MetricPlanContext, metric: ResolvedSimpleMetric, inherited: readonly ResolvedFilter[]): MetricOutput {
  const agg = metric.def.aggregation;
  const filters = [...inherited, ...metric.filters];
  // The time constraint compares metric_time at the aggregation time dimension's base grain (spec 3.8).
  const { model, baseGrain } = simpleModel(ctx, metric);
  const range = ctx.timeRange;
  const semi = semiAdditivePlan(ctx.graph, model, agg, ctx.keys);
  const rows = planInputRows(ctx, {
    metric,
    filters,
    items: ctx.keys,
    ...(semi ? { extra: semi.extra } : {}),
    ...(range ? { constraint: { item: metricTimeItem(baseGrain), start: range.start, endExclusive: range.endExclusive } } : {}),
  });
  const keys = keyNames(ctx);
  const input = semi ? planSemiAdditive(ctx.b, rows.node, semi) : rows.node;
  const node = ctx.b.add(
    { kind: 'aggregate', input, groupBy: keys, aggregations: [aggregationOf(agg, rows.value, metric.name)], columns: [...keys, metric.name] },
    metric.name,
  );
  return finishAggregated(ctx, agg, { node, column: metric.name, model: rows.model, filters });
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
    const out = input.offset ? planOffsetInput(ctx, input, input.offset, inherited, planMetric) : planMetric(ctx, input.metric, [...inherited, ...input.filters]);
    return { out, as };
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
    case 'cumulative':
      return planCumulative(ctx, metric, inherited);
    case 'conversion':
      return planConversion(ctx, metric, inherited, planMetric);
  }
}
