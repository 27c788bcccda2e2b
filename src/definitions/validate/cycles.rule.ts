/** No metric may depend on itself through derived, ratio, cumulative or conversion inputs. */
import type { MetricSpec } from '../schema/metric.schema.js';
import type { Rule } from './context.js';
import { inputName } from './resolve.js';

export function metricDependencies(spec: MetricSpec): string[] {
  const tp = spec.type_params;
  const deps = [
    tp.numerator,
    tp.denominator,
    tp.cumulative_type_params?.metric,
    tp.conversion_type_params?.base_metric,
    tp.conversion_type_params?.conversion_metric,
    ...(tp.metrics ?? []),
  ];
  return deps.filter((d) => d !== undefined).map(inputName);
}

export const cyclesRule: Rule = (ctx) => {
  const { metrics } = ctx.index;
  const state = new Map<string, 'visiting' | 'done'>();
  const reported = new Set<string>();
  const visit = (name: string, path: string[]): void => {
    const metric = metrics.get(name);
    if (!metric || state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const cycle = [...path.slice(path.indexOf(name)), name];
      const key = [...new Set(cycle)].sort().join(',');
      if (!reported.has(key)) {
        reported.add(key);
        ctx.error(metric.loc, 'type_params', `metric '${name}' depends on itself: ${cycle.join(' → ')}`);
      }
      return;
    }
    state.set(name, 'visiting');
    for (const dep of metricDependencies(metric.spec)) visit(dep, [...path, name]);
    state.set(name, 'done');
  };
  for (const name of metrics.keys()) visit(name, []);
};
