/**
 * Query validation 3.10: a cumulative metric with a `window` or `grain_to_date`, and a derived
 * metric with an offset input (anywhere in a queried metric's tree), need metric_time or the
 * aggregation time dimension in the group-by, because their values are defined per point in time.
 */
import type { SemanticGraph } from '../../semantic-graph/graph.js';
import { isAggTimeItem } from './agg-time.js';
import type { IssueLog } from './issue-log.js';
import type { ResolvedGroupBy, ResolvedItem, ResolvedMetric } from './resolved-query.js';

function offsetInputs(m: ResolvedMetric): string[] {
  const inputs = m.kind === 'derived' ? m.inputs : m.kind === 'ratio' ? [m.numerator, m.denominator] : [];
  return inputs.filter((i) => i.offset).map((i) => i.column);
}

export function* subMetrics(m: ResolvedMetric): Generator<ResolvedMetric> {
  yield m;
  switch (m.kind) {
    case 'simple':
      return;
    case 'ratio':
      yield* subMetrics(m.numerator.metric);
      yield* subMetrics(m.denominator.metric);
      return;
    case 'derived':
      for (const i of m.inputs) yield* subMetrics(i.metric);
      return;
    case 'cumulative':
      yield* subMetrics(m.input.metric);
      return;
    case 'conversion':
      yield* subMetrics(m.base.metric);
      yield* subMetrics(m.conversion.metric);
      return;
  }
}

/** metric_time, or the aggregation time dimension of every simple metric under `metric`. */
export function isMetricTimeLike(graph: SemanticGraph, item: ResolvedItem, metric: ResolvedMetric): boolean {
  if (item.spec.kind === 'metric_time') return true;
  const leaves = [...subMetrics(metric)].flatMap((m) => (m.kind === 'simple' ? [m.def.aggregation] : []));
  return leaves.every((agg) => {
    const model = graph.model(agg.semanticModel);
    return model !== undefined && isAggTimeItem(item, model, agg.aggTimeDimension);
  });
}

/** Logs an issue per queried metric whose tree needs an aggregation-time item the group-by lacks. */
export function checkTimeRequirements(graph: SemanticGraph, metrics: readonly ResolvedMetric[], paths: readonly string[], groupBy: readonly ResolvedGroupBy[], issues: IssueLog): void {
  metrics.forEach((top, i) => {
    for (const m of subMetrics(top)) {
      if ((m.kind === 'derived' || m.kind === 'ratio') && offsetInputs(m).length && !groupBy.some((g) => isMetricTimeLike(graph, g.item, m))) {
        issues.add({
          code: 'INVALID_QUERY',
          message: `${paths[i]}: metric '${m.name}' has offset inputs (${offsetInputs(m).join(', ')}) and needs metric_time in groupBy.`,
          name: m.name,
          path: paths[i]!,
        });
        return;
      }
      if (m.kind !== 'cumulative' || (!m.def.window && !m.def.grainToDate)) continue;
      const agg = m.input.metric.def.aggregation;
      const model = graph.model(agg.semanticModel);
      if (model && groupBy.some((g) => isAggTimeItem(g.item, model, agg.aggTimeDimension))) continue;
      const what = m.def.window ? `a ${m.def.window.count} ${m.def.window.grain} window` : `grain_to_date ${m.def.grainToDate}`;
      issues.add({
        code: 'INVALID_QUERY',
        message: `${paths[i]}: cumulative metric '${m.name}' (${what}) needs metric_time or ${model?.linkableEntities[0] ?? 'its model'}__${agg.aggTimeDimension} in groupBy.`,
        name: m.name,
        path: paths[i]!,
      });
      return;
    }
  });
}
