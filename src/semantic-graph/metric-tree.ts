import type { MetricDef, MetricInputDef, SimpleMetricDef } from '../definitions/model.js';

/** The metric inputs of a metric, in definition order (empty for simple metrics). */
export function metricInputs(def: MetricDef): readonly MetricInputDef[] {
  switch (def.type) {
    case 'simple':
      return [];
    case 'ratio':
      return [def.numerator, def.denominator];
    case 'derived':
      return def.inputs;
    case 'cumulative':
      return [def.input];
    case 'conversion':
      return [def.base, def.conversion];
  }
}

/**
 * The inputs whose group-by items a metric offers (spec 3.3): all of them, except that a
 * conversion metric is sliced by its base input only.
 */
export function groupingInputs(def: MetricDef): readonly MetricInputDef[] {
  return def.type === 'conversion' ? [def.base] : metricInputs(def);
}

/**
 * Every simple metric under `name` (depth first, definition order, duplicates kept). Unknown
 * names and cycles are skipped: the definitions loader reports those.
 */
export function simpleLeaves(lookup: (name: string) => MetricDef | undefined, name: string): SimpleMetricDef[] {
  const out: SimpleMetricDef[] = [];
  const walk = (n: string, seen: readonly string[]): void => {
    const def = lookup(n);
    if (!def || seen.includes(n)) return;
    if (def.type === 'simple') out.push(def);
    for (const input of metricInputs(def)) walk(input.name, [...seen, n]);
  };
  walk(name, []);
  return out;
}

/** This metric and all metrics it depends on, each once, in first-visit order. */
export function metricClosure(lookup: (name: string) => MetricDef | undefined, name: string): MetricDef[] {
  const out = new Map<string, MetricDef>();
  const walk = (n: string): void => {
    const def = lookup(n);
    if (!def || out.has(n)) return;
    out.set(n, def);
    for (const input of metricInputs(def)) walk(input.name);
  };
  walk(name);
  return [...out.values()];
}
