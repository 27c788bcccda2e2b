/** Resolving references during validation (tolerant: undefined when something does not resolve). */
import type { ExprLike } from '../normalise/element-expr.js';
import type { MeasureInputSpec, MetricRefInputSpec } from '../schema/metric.schema.js';
import type { ModelEntry, SpecIndex } from '../spec-index.js';

/** What a simple metric or measure aggregates: the model, the aggregation as written and the expr. */
export interface SimpleSource {
  readonly model: ModelEntry;
  readonly agg: string;
  readonly expr: ExprLike | undefined;
}

/** `measure: x` / `{name: x, …}` → the name, lower-cased. */
export function inputName(input: MeasureInputSpec | MetricRefInputSpec): string {
  return (typeof input === 'string' ? input : input.name).toLowerCase();
}

export function measureSource(index: SpecIndex, measureName: string): SimpleSource | undefined {
  const m = index.measures.get(measureName.toLowerCase());
  return m && { model: m.model, agg: m.spec.agg.toLowerCase(), expr: m.spec.expr };
}

/** The source of a simple metric (measure-based, `metric_aggregation_params` or `create_metric`). */
export function simpleMetricSource(index: SpecIndex, metricName: string): SimpleSource | undefined {
  const name = metricName.toLowerCase();
  const metric = index.metrics.get(name);
  if (!metric) return index.measures.get(name)?.spec.create_metric ? measureSource(index, name) : undefined;
  if (metric.spec.type.toLowerCase() !== 'simple') return undefined;
  const tp = metric.spec.type_params;
  if (tp.measure !== undefined) return measureSource(index, inputName(tp.measure));
  const params = tp.metric_aggregation_params;
  const model = params && index.models.get(params.semantic_model.toLowerCase());
  return model && params && { model, agg: params.agg.toLowerCase(), expr: tp.expr ?? name };
}

/** The metric's type, also for metrics created by `create_metric` (simple). */
export function metricType(index: SpecIndex, metricName: string): string | undefined {
  const name = metricName.toLowerCase();
  const metric = index.metrics.get(name);
  if (metric) return metric.spec.type.toLowerCase();
  return index.metricNames.has(name) ? 'simple' : undefined;
}
