/**
 * `join_to_timespine` (spec 5.4): after aggregation, the metric's rows are LEFT OUTER JOINed onto
 * time-spine rows at the queried aggregation-time items, so every spine period appears (with NULL,
 * or the fill_nulls_with value, where there is no data). Time keys come from the spine, other keys
 * from the aggregate. The spine is constrained by the time range and by filters that reference only
 * aggregation-time items; query filters on other group-by items are applied again after the join.
 * Without a time range a generated spine spans the metric's own periods (dataBounds).
 */
import { compareGrains } from '../../core/time.js';
import type { ModelNode } from '../../semantic-graph/model-node.js';
import { isAggTimeItem } from '../resolve/agg-time.js';
import type { ResolvedFilter, ResolvedItem } from '../resolve/resolved-query.js';
import { bindFilter, uniqueItems, type MetricPlanContext } from './plan-metric-context.js';
import type { NodeId, SpineBounds } from './plan-nodes.js';
import { planPeriodBounds } from './plan-spine-bounds.js';
import { isGeneratedSpine, planTimeSpine } from './plan-time-spine.js';

export interface SpineJoinRequest {
  /** The aggregated metric: keys plus `column`. */
  readonly node: NodeId;
  readonly column: string;
  readonly model: ModelNode;
  readonly aggTimeDimension: string;
  readonly filters: readonly ResolvedFilter[];
}

/**
 * Without a time range, a generated spine (no spine table) covers the metric's own periods, first
 * to last, instead of 2000 … 2040: the finest queried grain's MIN/MAX in the aggregate. A spine
 * table is read whole, as MetricFlow does; a time range bounds either.
 */
function dataBounds(ctx: MetricPlanContext, aggregate: NodeId, timeKeys: readonly ResolvedItem[], spineItems: readonly ResolvedItem[]): SpineBounds | undefined {
  if (ctx.timeRange || !isGeneratedSpine(ctx.graph, spineItems, undefined)) return undefined;
  const grains = timeKeys.flatMap((k) => (k.time?.kind === 'grain' ? [{ name: k.name, grain: k.time.grain }] : []));
  const finest = grains.reduce<(typeof grains)[number] | undefined>((f, g) => (!f || compareGrains(g.grain, f.grain) < 0 ? g : f), undefined);
  return finest ? planPeriodBounds(ctx.b, aggregate, finest.name, finest.grain) : undefined;
}

/** Returns the joined node, or the aggregate unchanged when the query groups by no aggregation-time item. */
export function planJoinToTimeSpine(ctx: MetricPlanContext, req: SpineJoinRequest): NodeId {
  const { b, graph } = ctx;
  const isAggTime = (i: ResolvedItem) => isAggTimeItem(i, req.model, req.aggTimeDimension);
  const timeKeys = ctx.keys.filter(isAggTime);
  if (timeKeys.length === 0) return req.node;
  const spineFilters = req.filters.filter((f) => f.items.every(isAggTime));
  const spineItems = uniqueItems([...timeKeys, ...spineFilters.flatMap((f) => f.items)]);
  const spine = planTimeSpine(b, graph, spineItems, ctx.timeRange, dataBounds(ctx, req.node, timeKeys, spineItems));
  let rows = spine.node;
  const spineColumns = b.columnsOf(rows);
  if (spineFilters.length) rows = b.add({ kind: 'filter', input: rows, filters: spineFilters.map(bindFilter), columns: spineColumns });
  if (ctx.timeRange) {
    const { start, endExclusive } = ctx.timeRange;
    rows = b.add({ kind: 'time-constraint', input: rows, column: spine.baseColumn, start, endExclusive, columns: spineColumns });
  }
  const timeNames = timeKeys.map((k) => k.name);
  rows = b.add({ kind: 'distinct', input: rows, columns: timeNames });
  const others = ctx.keys.filter((k) => !isAggTime(k)).map((k) => k.name);
  const take = [...others, req.column].map((c) => ({ from: c, as: c }));
  const columns = [...timeNames, ...take.map((t) => t.as)];
  let node = b.add(
    { kind: 'join', left: rows, keep: timeNames, joins: [{ type: 'left', right: req.node, on: timeNames.map((c) => ({ left: c, right: c })), take }], columns },
    'time_spine',
  );
  const keyNames = new Set(ctx.keys.map((k) => k.name));
  const again = req.filters.filter((f) => f.level === 'query' && !f.metricRefs && !spineFilters.includes(f) && f.items.every((i) => keyNames.has(i.name)));
  if (again.length) node = b.add({ kind: 'filter', input: node, filters: again.map(bindFilter), columns });
  return node;
}
