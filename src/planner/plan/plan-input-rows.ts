/**
 * The row-level data of one simple metric (spec 8 step 3): its model's rows with the items it
 * needs joined in, its value column, the filters flowing to it and a time constraint.
 */
import type { TimeGrain } from '../../core/time.js';
import type { ModelNode } from '../../semantic-graph/model-node.js';
import type { ResolvedFilter, ResolvedItem, ResolvedMetricRef, ResolvedSimpleMetric } from '../resolve/resolved-query.js';
import { INTERNAL } from './element-columns.js';
import { bindFilter, uniqueItems, type MetricPlanContext } from './plan-metric-context.js';
import type { JoinClause, NodeId, SourceColumn } from './plan-nodes.js';
import { planRows } from './plan-rows.js';

/** metric_time at a standard grain, as an item. */
export function metricTimeItem(grain: TimeGrain): ResolvedItem {
  return { spec: { kind: 'metric_time' }, time: { kind: 'grain', grain }, name: `metric_time__${grain}`, kind: 'time', baseGrain: grain };
}

export interface InputRowsRequest {
  readonly metric: ResolvedSimpleMetric;
  /**
   * Simple metrics of the same model and aggregation time dimension read from the same rows (one
   * scan and one aggregation for a dashboard's many KPIs of one model); their value columns follow.
   */
  readonly siblings?: readonly ResolvedSimpleMetric[];
  /** Every filter applied to the rows (ANDed). */
  readonly filters: readonly ResolvedFilter[];
  /** Items to expose (filter items are added). */
  readonly items: readonly ResolvedItem[];
  /** More columns from the metric's model. */
  readonly extra?: readonly SourceColumn[];
  /** Keeps rows whose `item` lies in [start, endExclusive); the item is added to the columns. */
  readonly constraint?: { readonly item: ResolvedItem; readonly start?: string; readonly endExclusive: string };
}

export interface InputRows {
  readonly node: NodeId;
  /** The row-level column to aggregate. */
  readonly value: string;
  /** The siblings' value columns, in their order. */
  readonly siblingValues: readonly string[];
  readonly model: ModelNode;
  /** Base grain of the aggregation time dimension. */
  readonly baseGrain: TimeGrain;
}

export function simpleModel(ctx: MetricPlanContext, metric: ResolvedSimpleMetric): { model: ModelNode; baseGrain: TimeGrain } {
  const agg = metric.def.aggregation;
  const model = ctx.graph.model(agg.semanticModel);
  if (!model) throw new Error(`metric ${metric.name}: unknown semantic model ${agg.semanticModel}`);
  return { model, baseGrain: model.dimensions.get(agg.aggTimeDimension)?.grain ?? 'day' };
}

/**
 * Metric() filter references (spec 3.7): each metric planned per entity without the outer filters,
 * LEFT OUTER JOINed on the entity and exposed as `<entity>__<metric>` for the filter.
 */
export function joinMetricRefs(ctx: MetricPlanContext, rows: NodeId, columns: readonly string[], filters: readonly ResolvedFilter[]): NodeId | undefined {
  const refs = new Map<string, { readonly ref: ResolvedMetricRef; readonly outer: ResolvedItem }>();
  for (const f of filters) f.metricRefs?.forEach((ref, i) => ref && !refs.has(ref.column) && refs.set(ref.column, { ref, outer: f.items[i]! }));
  if (refs.size === 0) return undefined;
  const joins: JoinClause[] = [...refs.values()].map(({ ref, outer }) => {
    const out = ctx.planMetric({ b: ctx.b, graph: ctx.graph, planMetric: ctx.planMetric, keys: [ref.entity] }, ref.metric, []);
    return { type: 'left', right: out.node, on: [{ left: outer.name, right: ref.entity.name }], take: [{ from: out.column, as: ref.column }] };
  });
  return ctx.b.add({ kind: 'join', left: rows, keep: columns, joins, columns: [...columns, ...refs.keys()] });
}

export function planInputRows(ctx: MetricPlanContext, req: InputRowsRequest): InputRows {
  const { b, graph } = ctx;
  const { metric, filters, constraint } = req;
  const agg = metric.def.aggregation;
  const { model, baseGrain } = simpleModel(ctx, metric);
  const items = uniqueItems([...req.items, ...filters.flatMap((f) => f.items), ...(constraint ? [constraint.item] : [])]);
  const value = `${INTERNAL}${metric.name}`;
  const siblings = req.siblings ?? [];
  const siblingValues = siblings.map((m) => `${INTERNAL}${m.name}`);
  const extra = req.extra ?? [];
  const columns = [...items.map((i) => i.name), ...extra.map((c) => c.name), value, ...siblingValues];
  let node = planRows(b, graph, {
    model,
    items,
    metricTimeDimension: agg.aggTimeDimension,
    extra: [
      ...extra,
      { name: value, expr: { kind: 'element', expr: agg.expr } },
      ...siblings.map((m, i) => ({ name: siblingValues[i]!, expr: { kind: 'element' as const, expr: m.def.aggregation.expr } })),
    ],
    joinType: 'left',
  });
  const joined = joinMetricRefs(ctx, node, columns, filters);
  node = joined ?? node;
  // The joined metric columns are only read by the filter.
  if (filters.length) node = b.add({ kind: 'filter', input: node, filters: filters.map(bindFilter), columns });
  if (constraint) {
    const { start, endExclusive } = constraint;
    node = b.add({ kind: 'time-constraint', input: node, column: constraint.item.name, ...(start !== undefined ? { start } : {}), endExclusive, columns });
  }
  return { node, value, siblingValues, model, baseGrain };
}
