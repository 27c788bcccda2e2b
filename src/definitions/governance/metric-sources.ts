/**
 * What a metric is built from, at the spec level (before normalisation): the metrics it builds on
 * and the semantic models its measures live in, through ratio, derived, cumulative and conversion
 * inputs. Tolerant: references that do not resolve are skipped (other rules report them).
 */
import type { MetricSpec } from '../schema/metric.schema.js';
import type { SpecIndex } from '../spec-index.js';
import { inputName, measureSource, simpleMetricSource } from '../validate/resolve.js';

/** The metric names a metric's type_params refer to (not recursive). */
export function inputMetricNames(spec: MetricSpec): string[] {
  const tp = spec.type_params;
  const out: string[] = [];
  if (tp.numerator !== undefined) out.push(inputName(tp.numerator));
  if (tp.denominator !== undefined) out.push(inputName(tp.denominator));
  for (const m of tp.metrics ?? []) out.push((typeof m === 'string' ? m : m.name).toLowerCase());
  if (tp.cumulative_type_params?.metric !== undefined) out.push(inputName(tp.cumulative_type_params.metric));
  const conv = tp.conversion_type_params;
  if (conv?.base_metric !== undefined) out.push(inputName(conv.base_metric));
  if (conv?.conversion_metric !== undefined) out.push(inputName(conv.conversion_metric));
  return out;
}

/** The measure names a metric's type_params refer to directly. */
function inputMeasureNames(spec: MetricSpec): string[] {
  const tp = spec.type_params;
  const conv = tp.conversion_type_params;
  return [tp.measure, conv?.base_measure, conv?.conversion_measure].flatMap((m) => (m === undefined ? [] : [inputName(m)]));
}

/** Every metric `name` builds on, directly or through other metrics (not including itself). */
export function upstreamMetrics(index: SpecIndex, name: string): Set<string> {
  const seen = new Set<string>();
  const visit = (n: string) => {
    const spec = index.metrics.get(n)?.spec;
    for (const input of spec ? inputMetricNames(spec) : []) {
      if (seen.has(input) || input === name) continue;
      seen.add(input);
      visit(input);
    }
  };
  visit(name.toLowerCase());
  return seen;
}

/** The semantic models whose measures `name` aggregates, directly or through the metrics it builds on. */
export function modelsReadBy(index: SpecIndex, name: string): Set<string> {
  const models = new Set<string>();
  for (const n of [name.toLowerCase(), ...upstreamMetrics(index, name)]) {
    const simple = simpleMetricSource(index, n);
    if (simple) models.add(simple.model.name);
    const spec = index.metrics.get(n)?.spec;
    for (const measure of spec ? inputMeasureNames(spec) : []) {
      const source = measureSource(index, measure);
      if (source) models.add(source.model.name);
    }
  }
  return models;
}
