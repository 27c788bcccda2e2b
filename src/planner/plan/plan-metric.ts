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
import type { CombineInput, NodeId } from './plan-nodes.js';

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

/**
 * The key of simple metrics that may share one scan and one aggregation when planned with the same
 * inherited filters: same model and aggregation time dimension (so the same rows and the same
 * metric_time), no filter of their own, and nothing done per metric after aggregating
 * (semi-additive rows, join_to_timespine, fill_nulls_with). Undefined: plan the metric alone.
 */
export function sharedAggregationKey(ctx: MetricPlanContext, metric: ResolvedMetric): string | undefined {
  if (metric.kind !== 'simple' || metric.filters.length > 0) return undefined;
  const agg = metric.def.aggregation;
  if (agg.joinToTimespine || agg.fillNullsWith !== undefined) return undefined;
  if (semiAdditivePlan(ctx.graph, simpleModel(ctx, metric).model, agg, ctx.keys)) return undefined;
  return `${agg.semanticModel}\u0000${agg.aggTimeDimension}`;
}

/**
 * Simple metrics with one sharedAggregationKey, aggregated together: one row source (joins,
 * filters, time constraint) and one GROUP BY with a column per metric. Same numbers as planning
 * each alone (same rows, same groups), without a scan and a FULL OUTER JOIN per metric.
 */
export function planSharedAggregation(ctx: MetricPlanContext, metrics: readonly ResolvedSimpleMetric[], inherited: readonly ResolvedFilter[]): MetricOutput[] {
  const [first, ...siblings] = metrics;
  if (!first) return [];
  const { baseGrain } = simpleModel(ctx, first);
  const range = ctx.timeRange;
  const rows = planInputRows(ctx, {
    metric: first,
    siblings,
    filters: inherited,
    items: ctx.keys,
    ...(range ? { constraint: { item: metricTimeItem(baseGrain), start: range.start, endExclusive: range.endExclusive } } : {}),
  });
  const keys = keyNames(ctx);
  const values = [rows.value, ...rows.siblingValues];
  const node = ctx.b.add(
    {
      kind: 'aggregate',
      input: rows.node,
      groupBy: keys,
      aggregations: metrics.map((m, i) => aggregationOf(m.def.aggregation, values[i]!, m.name)),
      columns: [...keys, ...metrics.map((m) => m.name)],
    },
    metrics.length === 1 ? first.name : `${first.def.aggregation.semanticModel}_metrics`,
  );
  return metrics.map((m) => ({ node, column: m.name }));
}

/**
 * `metrics` planned in order under the same inherited filters; those that may share an aggregation
 * (sharedAggregationKey, and `mayShare(i)`) are planned together, at their first's place.
 */
export function planSharing(
  ctx: MetricPlanContext,
  metrics: readonly ResolvedMetric[],
  inherited: readonly ResolvedFilter[],
  mayShare: (index: number) => boolean,
  alone: (index: number) => MetricOutput = (i) => planMetric(ctx, metrics[i]!, inherited),
): MetricOutput[] {
  const groups = new Map<string, ResolvedSimpleMetric[]>();
  const keys = metrics.map((m, i) => {
    let key = mayShare(i) ? sharedAggregationKey(ctx, m) : undefined;
    if (key !== undefined) {
      const group = groups.get(key);
      // A name already in the group (the same metric twice) is planned alone: one column per name.
      if (group?.some((g) => g.name === m.name)) key = undefined;
      else if (group) group.push(m as ResolvedSimpleMetric);
      else groups.set(key, [m as ResolvedSimpleMetric]);
    }
    return key;
  });
  const shared = new Map<string, MetricOutput[]>();
  return metrics.map((m, i) => {
    const key = keys[i];
    const group = key === undefined ? undefined : groups.get(key)!;
    if (!group || group.length < 2) return alone(i);
    let outs = shared.get(key!);
    if (!outs) shared.set(key!, (outs = planSharedAggregation(ctx, group, inherited)));
    return outs[group.indexOf(m as ResolvedSimpleMetric)]!;
  });
}

/**
 * Combines metric outputs on the keys, each renamed to `as`; outputs of one node are read in one go.
 * When one node already holds every output under its own name (one metric, one shared
 * aggregation), that node is the answer: nothing to join.
 */
export function combine(ctx: MetricPlanContext, parts: readonly { readonly out: MetricOutput; readonly as: string }[]): NodeId {
  const keys = keyNames(ctx);
  const inputs = combineInputs(parts);
  // (One input means no outer join, so no new NULLs for fill_nulls_with to fill.)
  if (inputs.length === 1 && inputs[0]!.take.every((t) => t.from === t.as)) return inputs[0]!.node;
  return ctx.b.add({ kind: 'combine', keys, inputs, columns: [...keys, ...parts.map((p) => p.as)] });
}

/** Parts grouped by their node, in order of first appearance. */
function combineInputs(parts: readonly { readonly out: MetricOutput; readonly as: string }[]): CombineInput[] {
  const byNode = new Map<NodeId, { node: NodeId; take: CombineInput['take'][number][] }>();
  for (const p of parts) {
    let input = byNode.get(p.out.node);
    if (!input) byNode.set(p.out.node, (input = { node: p.out.node, take: [] }));
    input.take.push({ from: p.out.column, as: p.as, ...(p.out.fillNullsWith !== undefined ? { fillNullsWith: p.out.fillNullsWith } : {}) });
  }
  return [...byNode.values()];
}

function planInputs(ctx: MetricPlanContext, inputs: readonly ResolvedMetricInput[], inherited: readonly ResolvedFilter[]) {
  const used = new Set<string>();
  const names = inputs.map((input) => {
    // The same metric twice without aliases (x / x): keep the combined column names distinct.
    let as = input.column;
    for (let n = 2; used.has(as); n++) as = `${input.column}_${n}`;
    used.add(as);
    return as;
  });
  // Inputs without offset or filter of their own read the same rows: they may share an aggregation.
  // The same metric twice is planned once per input (each under its own column).
  const metrics = inputs.map((input) => input.metric);
  const outs = planSharing(
    ctx,
    metrics,
    inherited,
    (i) => !inputs[i]!.offset && inputs[i]!.filters.length === 0 && metrics.findIndex((m) => m.name === metrics[i]!.name) === i,
    (i) => {
      const input = inputs[i]!;
      return input.offset ? planOffsetInput(ctx, input, input.offset, inherited, planMetric) : planMetric(ctx, input.metric, [...inherited, ...input.filters]);
    },
  );
  return outs.map((out, i) => ({ out, as: names[i]! }));
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
