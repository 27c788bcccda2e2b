/** Aggregation-time items: the query items that time-spine features (spec 5.1, 5.4–5.6) treat as metric_time. */
import type { ModelNode } from '../../semantic-graph/model-node.js';
import type { ResolvedItem } from './resolved-query.js';

/** metric_time, or the metric's own aggregation time dimension reached without a join. */
export function isAggTimeItem(item: ResolvedItem, model: ModelNode, aggTimeDimension: string): boolean {
  const spec = item.spec;
  if (spec.kind === 'metric_time') return true;
  return spec.kind === 'time_dimension' && spec.element === aggTimeDimension && spec.links.length === 1 && model.linkableEntities.includes(spec.links[0]!);
}
