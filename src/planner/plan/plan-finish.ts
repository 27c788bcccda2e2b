/** Shared last steps of metric sub-plans: aggregation columns, computed metrics, join_to_timespine + fill_nulls_with. */
import type { SimpleAggregationDef } from '../../definitions/model.js';
import type { ModelNode } from '../../semantic-graph/model-node.js';
import type { ResolvedFilter } from '../resolve/resolved-query.js';
import { planJoinToTimeSpine } from './plan-join-time-spine.js';
import type { MetricOutput, MetricPlanContext } from './plan-metric-context.js';
import type { AggregateColumn, MetricExpr, NodeId } from './plan-nodes.js';

export function keyNames(ctx: MetricPlanContext): string[] {
  return ctx.keys.map((k) => k.name);
}

/** The aggregation of a simple metric's value column (spec 6.1). */
export function aggregationOf(agg: SimpleAggregationDef, input: string, as: string): AggregateColumn {
  return {
    input,
    as,
    agg: agg.agg,
    ...(agg.agg === 'percentile' ? { percentile: agg.percentile ?? 0.5, discretePercentile: agg.useDiscretePercentile } : {}),
  };
}

/** Adds a metric column computed row by row; keys pass through. */
export function compute(ctx: MetricPlanContext, input: NodeId, metric: string, expr: MetricExpr): NodeId {
  const keys = keyNames(ctx);
  return ctx.b.add({ kind: 'compute-metric', input, keys, metric, expr, columns: [...keys, metric] }, metric);
}

/** `join_to_timespine` then `fill_nulls_with` of a simple metric's settings (spec 5.4) on an aggregated node. */
export function finishAggregated(
  ctx: MetricPlanContext,
  agg: SimpleAggregationDef,
  aggregated: { readonly node: NodeId; readonly column: string; readonly model: ModelNode; readonly filters: readonly ResolvedFilter[] },
): MetricOutput {
  const { column, model, filters } = aggregated;
  let node = aggregated.node;
  if (agg.joinToTimespine) node = planJoinToTimeSpine(ctx, { node, column, model, aggTimeDimension: agg.aggTimeDimension, filters });
  if (agg.fillNullsWith === undefined) return { node, column };
  node = compute(ctx, node, column, { kind: 'fill-nulls', column, value: agg.fillNullsWith });
  return { node, column, fillNullsWith: agg.fillNullsWith };
}
