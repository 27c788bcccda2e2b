/** Turns a resolved query into the logical plan (spec 8). */
import type { SemanticGraph } from '../../semantic-graph/graph.js';
import type { ResolvedQuery } from '../resolve/resolved-query.js';
import { outputColumns } from './output-columns.js';
import { PlanBuilder } from './plan-builder.js';
import { planDimensionValues } from './plan-dimension-values.js';
import { combine, planMetric, planSharing, type MetricPlanContext } from './plan-metric.js';
import type { NodeId, QueryPlan } from './plan-nodes.js';

export function planQuery(graph: SemanticGraph, q: ResolvedQuery): QueryPlan {
  const b = new PlanBuilder();
  const ctx: MetricPlanContext = { b, graph, planMetric, keys: q.groupBy.map((g) => g.item), ...(q.timeRange ? { timeRange: q.timeRange } : {}) };
  let body: NodeId;
  if (q.metrics.length === 0) body = planDimensionValues(ctx, q);
  else {
    const planned = planSharing(ctx, q.metrics, q.where, () => true);
    body = combine(
      ctx,
      q.metrics.map((m, i) => ({ out: planned[i]!, as: m.name })),
    );
  }
  const columns = outputColumns(graph, q);
  const root = b.add({
    kind: 'order-limit',
    input: body,
    orderBy: q.orderBy,
    ...(q.limit !== undefined ? { limit: q.limit } : {}),
    ...(q.offset ? { offset: q.offset } : {}),
    columns: columns.map((c) => c.name),
  });
  return { nodes: b.nodes, root, columns, timeZone: graph.timeZone };
}
