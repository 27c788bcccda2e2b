/**
 * Resolves a queried metric into a tree of simple/ratio/derived nodes, each carrying its own
 * filters resolved against that node's items (spec 3.6). Kinds not built yet (cumulative over
 * semi-additive inputs, custom-grain cumulative/conversion windows) answer UNSUPPORTED_QUERY.
 */
import { isTimeGrain, type TimeGrain } from '../../core/time.js';
import type { MetricDef, MetricInputDef } from '../../definitions/model.js';
import type { SemanticGraph } from '../../semantic-graph/graph.js';
import type { IssueLog } from './issue-log.js';
import { resolveFilters, type MetricRefResolver } from './resolve-filters.js';
import type { ItemScope } from './resolve-item.js';
import type { ResolvedMetric, ResolvedMetricInput, ResolvedOffset } from './resolved-query.js';

export interface MetricResolution {
  readonly graph: SemanticGraph;
  readonly issues: IssueLog;
  /** Request path of the top-level metric (`metrics[0]`), for messages. */
  readonly path: string;
}

function scopeOf(graph: SemanticGraph, metric: string, grainFrom: string): ItemScope {
  return { graph, available: graph.availableItems([metric]), metrics: [metric], metricTimeGrain: graph.defaultMetricTimeGrain([grainFrom]) };
}

function unsupported(r: MetricResolution, def: MetricDef, what: string): undefined {
  r.issues.add({ code: 'UNSUPPORTED_QUERY', message: `${r.path}: metric '${def.name}' uses ${what}, which is not supported yet.`, name: def.name, path: r.path });
  return undefined;
}

function resolveInput(r: MetricResolution, parent: MetricDef, input: MetricInputDef, role: string, seen: readonly string[]): ResolvedMetricInput | undefined {
  const w = input.offsetWindow;
  if (w && !isTimeGrain(w.grain) && !r.graph.customGranularities.has(w.grain)) return unsupported(r, parent, `an offset in an unknown granularity (${w.grain})`);
  const offset: ResolvedOffset | undefined = w
    ? isTimeGrain(w.grain)
      ? { kind: 'window', count: w.count, grain: w.grain as TimeGrain }
      : { kind: 'custom-window', count: w.count, granularity: w.grain }
    : input.offsetToGrain
      ? { kind: 'to-grain', grain: input.offsetToGrain }
      : undefined;
  const metric = resolveMetricNode(r, input.name, seen);
  const column = input.alias ?? input.name;
  const filters = resolveFilters(
    input.filters,
    (i) => ({ path: `${r.path} (${parent.name}.${role}.filter[${i}])`, origin: `metric ${parent.name} input ${column}`, level: 'input' }),
    scopeOf(r.graph, input.name, parent.name),
    r.issues,
    metricRefResolver(r, seen),
  );
  return metric ? { column, filters, metric, ...(offset ? { offset } : {}) } : undefined;
}

/** Metric() references in definition filters: resolved like inputs (cycles through them are reported). */
function metricRefResolver(r: MetricResolution, seen: readonly string[]): MetricRefResolver {
  return (name) => resolveMetricNode(r, name, seen);
}

/** Resolves metric `name` and everything under it; undefined (issues logged) on problems. */
export function resolveMetricNode(r: MetricResolution, name: string, seen: readonly string[] = []): ResolvedMetric | undefined {
  const def = r.graph.metric(name);
  if (!def || seen.includes(name)) {
    r.issues.add({ code: 'INVALID_DEFINITIONS', message: `${r.path}: metric '${name}' is missing or circular in the definitions.`, name, path: r.path });
    return undefined;
  }
  const filters = resolveFilters(
    def.filters,
    (i) => ({ path: `${r.path} (${name}.filter[${i}])`, origin: `metric ${name}`, level: 'metric' }),
    scopeOf(r.graph, name, name),
    r.issues,
    metricRefResolver(r, [...seen, name]),
  );
  const under = [...seen, name];
  switch (def.type) {
    case 'simple':
      return { kind: 'simple', name, def, filters };
    case 'ratio': {
      const numerator = resolveInput(r, def, def.numerator, 'numerator', under);
      const denominator = resolveInput(r, def, def.denominator, 'denominator', under);
      return numerator && denominator ? { kind: 'ratio', name, def, filters, numerator, denominator } : undefined;
    }
    case 'derived': {
      const inputs = def.inputs.map((input, i) => resolveInput(r, def, input, `metrics[${i}]`, under));
      return inputs.every((i) => i !== undefined) ? { kind: 'derived', name, def, filters, inputs: inputs as ResolvedMetricInput[] } : undefined;
    }
    case 'cumulative': {
      if (def.window && !isTimeGrain(def.window.grain)) return unsupported(r, def, `a window in a custom granularity (${def.window.grain})`);
      const input = resolveInput(r, def, def.input, 'metric', under);
      if (!input) return undefined;
      const metric = input.metric;
      if (metric.kind !== 'simple') return unsupported(r, def, 'a non-simple cumulative input');
      if (metric.def.aggregation.nonAdditiveDimension) return unsupported(r, def, 'a semi-additive (non_additive_dimension) input');
      return { kind: 'cumulative', name, def, filters, input: { ...input, metric } };
    }
    case 'conversion': {
      if (def.window && !isTimeGrain(def.window.grain)) return unsupported(r, def, `a window in a custom granularity (${def.window.grain})`);
      const base = resolveInput(r, def, def.base, 'base', under);
      const conversion = resolveInput(r, def, def.conversion, 'conversion', under);
      if (!base || !conversion) return undefined;
      const b = base.metric;
      const c = conversion.metric;
      if (b.kind !== 'simple' || c.kind !== 'simple') return unsupported(r, def, 'non-simple conversion inputs');
      return { kind: 'conversion', name, def, filters, base: { ...base, metric: b }, conversion: { ...conversion, metric: c } };
    }
  }
}
