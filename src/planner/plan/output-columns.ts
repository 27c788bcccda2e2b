/** Output column metadata and order (spec 7.1): group-by items (time, entities, dimensions), then metrics. */
import type { OutputColumn } from '../../core/query.js';
import { grainRank } from '../../core/time.js';
import type { MetricDef } from '../../definitions/model.js';
import type { SemanticGraph } from '../../semantic-graph/graph.js';
import { timeSuffix } from '../../semantic-graph/item-spec.js';
import type { ResolvedItem, ResolvedQuery } from '../resolve/resolved-query.js';

const KIND_ORDER: Record<ResolvedItem['kind'], number> = { time: 0, entity: 1, dimension: 2 };

function itemLabel(graph: SemanticGraph, item: ResolvedItem): string | undefined {
  const spec = item.spec;
  if (spec.kind === 'metric_time') return undefined;
  const model = item.owner ? graph.model(item.owner) : undefined;
  return (spec.kind === 'entity' ? model?.entities.get(spec.element) : model?.dimensions.get(spec.element))?.label;
}

function itemColumn(graph: SemanticGraph, item: ResolvedItem): OutputColumn {
  const label = itemLabel(graph, item);
  const common = { name: item.name, kind: item.kind, ...(label ? { label } : {}) };
  if (!item.time) return { ...common, dataType: 'string' };
  const t = item.time;
  // Custom granularity labels are usually period start dates.
  const dataType = t.kind === 'date_part' ? 'integer' : t.kind === 'custom' || grainRank(t.grain) >= grainRank('day') ? 'date' : 'datetime';
  return { ...common, dataType, grain: timeSuffix(item.time) };
}

function metricColumn(def: MetricDef): OutputColumn {
  const unit = def.meta['unit'];
  return {
    name: def.name,
    kind: 'metric',
    dataType: 'number',
    ...(def.label ? { label: def.label } : {}),
    ...(typeof unit === 'string' ? { unit } : {}),
  };
}

/** Group-by items in request order, grouped time → entity → dimension; then metrics in request order. */
export function orderedItems(items: readonly ResolvedItem[]): ResolvedItem[] {
  return items.map((item, i) => ({ item, i })).sort((a, b) => KIND_ORDER[a.item.kind] - KIND_ORDER[b.item.kind] || a.i - b.i).map((x) => x.item);
}

export function outputColumns(graph: SemanticGraph, q: ResolvedQuery): OutputColumn[] {
  if (q.minMaxOnly) {
    const column = itemColumn(graph, q.groupBy[0]!.item);
    return [{ ...column, name: `${column.name}__min` }, { ...column, name: `${column.name}__max` }];
  }
  return [...orderedItems(q.groupBy.map((g) => g.item)).map((i) => itemColumn(graph, i)), ...q.metrics.map((m) => metricColumn(m.def))];
}
