/**
 * Semi-additive simple metrics (`non_additive_dimension`, spec 6.2): before aggregation, keep only
 * the rows at the MIN/MAX of the non-additive time dimension D (at its base grain) within each
 * group of `window_groupings` entities plus the queried time item matching D (D itself, or
 * metric_time when D is the aggregation time dimension) — e.g. end-of-period balances.
 */
import type { NonAdditiveDimension, SimpleAggregationDef } from '../../definitions/model.js';
import type { SemanticGraph } from '../../semantic-graph/graph.js';
import type { ModelNode } from '../../semantic-graph/model-node.js';
import { isAggTimeItem } from '../resolve/agg-time.js';
import type { ResolvedItem } from '../resolve/resolved-query.js';
import { INTERNAL, elementExpr, timeExpr } from './element-columns.js';
import type { PlanBuilder } from './plan-builder.js';
import type { NodeId, SourceColumn } from './plan-nodes.js';

export interface SemiAdditivePlan {
  readonly nad: NonAdditiveDimension;
  /** Row columns the filter needs (D at its base grain, the grouping entities). */
  readonly extra: readonly SourceColumn[];
  readonly timeColumn: string;
  readonly partitionBy: readonly string[];
}

/** What a semi-additive metric's rows need; undefined for ordinary metrics. */
export function semiAdditivePlan(graph: SemanticGraph, model: ModelNode, agg: SimpleAggregationDef, keys: readonly ResolvedItem[]): SemiAdditivePlan | undefined {
  const nad = agg.nonAdditiveDimension;
  if (!nad) return undefined;
  const dim = model.dimensions.get(nad.name);
  if (!dim) throw new Error(`model ${model.name} has no non-additive dimension ${nad.name}`);
  const timeColumn = `${INTERNAL}nad__${nad.name}`;
  const groups = nad.windowGroupings.map((e) => ({ name: `${INTERNAL}nad_group__${e}`, expr: elementExpr(graph, model, e) }));
  const matching = keys.find((k) => (k.spec.kind === 'metric_time' ? nad.name === agg.aggTimeDimension : isAggTimeItem(k, model, nad.name)));
  return {
    nad,
    extra: [{ name: timeColumn, expr: timeExpr(graph, model, dim, { kind: 'grain', grain: dim.grain ?? 'day' }) }, ...groups],
    timeColumn,
    partitionBy: [...groups.map((g) => g.name), ...(matching ? [matching.name] : [])],
  };
}

export function planSemiAdditive(b: PlanBuilder, input: NodeId, plan: SemiAdditivePlan): NodeId {
  const { timeColumn, partitionBy, nad } = plan;
  return b.add({ kind: 'semi-additive', input, timeColumn, choice: nad.windowChoice, partitionBy, columns: b.columnsOf(input) });
}
