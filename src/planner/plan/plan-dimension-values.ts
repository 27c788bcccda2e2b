/**
 * Queries without metrics (spec 3.3, 8 step 5): distinct values of the group-by items, read from
 * the model that reaches them all with the fewest joins (FULL OUTER joins), with metric_time from
 * the time spine CROSS JOINed to that model's rows before the FULL OUTER joins (as MetricFlow does:
 * rows only another model has get no time, and a time range drops them); filters and the time
 * range apply before the DISTINCT. applyGroupBy: false keeps every row (no DISTINCT); minMaxOnly
 * reduces the distinct values to their MIN and MAX (MetricFlow's min_max_only).
 */
import { MaatstafError } from '../../core/errors.js';
import type { SemanticGraph } from '../../semantic-graph/graph.js';
import { specKey } from '../../semantic-graph/item-spec.js';
import type { ModelNode } from '../../semantic-graph/model-node.js';
import type { ResolvedItem, ResolvedQuery } from '../resolve/resolved-query.js';
import { joinMetricRefs } from './plan-input-rows.js';
import { bindFilter, uniqueItems, type MetricPlanContext } from './plan-metric-context.js';
import type { NodeId } from './plan-nodes.js';
import { planRows } from './plan-rows.js';
import { planTimeSpine } from './plan-time-spine.js';

/** The model to start from: reaches every item, fewest joins, then owns most items by its primary entity. */
export function chooseLeftModel(graph: SemanticGraph, items: readonly ResolvedItem[]): ModelNode | undefined {
  let best: { model: ModelNode; joins: number; affinity: number } | undefined;
  for (const model of [...graph.models.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    const reachable = graph.reachable(model.name);
    let joins = 0;
    let affinity = 0;
    let ok = true;
    for (const item of items) {
      if (item.spec.kind === 'metric_time') continue;
      const entries = reachable.filter((r) => r.key === specKey(item.spec));
      if (entries.length === 0) {
        ok = false;
        break;
      }
      if (!entries.some((e) => e.hops.length === 0)) joins++;
      const lead = item.spec.links[0] ?? item.spec.element;
      const primary = model.def.primaryEntity ?? model.def.entities.find((e) => e.type === 'primary')?.name;
      if (lead === primary) affinity++;
    }
    if (!ok) continue;
    if (!best || joins < best.joins || (joins === best.joins && affinity > best.affinity)) best = { model, joins, affinity };
  }
  return best?.model;
}

/** Plans a dimension-values query; returns the node whose columns include every group-by item. */
export function planDimensionValues(ctx: MetricPlanContext, q: ResolvedQuery): NodeId {
  const { b, graph } = ctx;
  const keys = q.groupBy.map((g) => g.item);
  const items = uniqueItems([...keys, ...q.where.flatMap((f) => f.items)]);
  const timeItems = items.filter((i) => i.spec.kind === 'metric_time');
  const others = items.filter((i) => i.spec.kind !== 'metric_time');
  const spine = timeItems.length || q.timeRange ? planTimeSpine(b, graph, timeItems, q.timeRange) : undefined;
  let node: NodeId;
  if (others.length) {
    const model = chooseLeftModel(graph, others);
    if (!model) {
      throw new MaatstafError('INCOMPATIBLE_GROUP_BY', `No semantic model joins to all of ${others.map((i) => i.name).join(', ')}.`, {
        name: others.map((i) => i.name).join(', '),
        path: 'groupBy',
      });
    }
    // The spine is crossed with the left model's rows, before the FULL OUTER joins (MetricFlow's order).
    node = planRows(b, graph, { model, items: others, extra: [], joinType: 'full', ...(spine ? { crossJoin: spine.node } : {}) });
  } else node = spine!.node;
  const baseColumn = spine?.baseColumn;
  // Metric() filters: the metric per entity, LEFT OUTER JOINed to the values (as for metric rows).
  node = joinMetricRefs(ctx, node, b.columnsOf(node), q.where) ?? node;
  const columns = b.columnsOf(node);
  if (q.where.length) node = b.add({ kind: 'filter', input: node, filters: q.where.map(bindFilter), columns });
  if (q.timeRange && baseColumn) {
    node = b.add({ kind: 'time-constraint', input: node, column: baseColumn, start: q.timeRange.start, endExclusive: q.timeRange.endExclusive, columns });
  }
  const names = keys.map((k) => k.name);
  if (q.applyGroupBy === false) return b.add({ kind: 'project', input: node, keys: names, metrics: [], columns: names });
  const distinct = b.add({ kind: 'distinct', input: node, columns: names });
  if (!q.minMaxOnly) return distinct;
  const column = names[0]!;
  return b.add({ kind: 'min-max', input: distinct, column, columns: [`${column}__min`, `${column}__max`] });
}
