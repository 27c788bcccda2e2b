/** Spec 2, rules 14–16 for measures, and `create_metric` clashes. */
import type { ModelEntry } from '../spec-index.js';
import { checkAggregation } from './aggregation-checks.js';
import type { Rule } from './context.js';
import { elementIndex } from '../spec-set.js';

/** The model's time dimension `name` refers to, lower-cased, or undefined if it is not one. */
export function resolvedTimeDimension(model: ModelEntry, name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const dim = model.dimensions.get(name.toLowerCase());
  return dim?.spec.type.toLowerCase() === 'time' ? dim.spec.name : undefined;
}

export const measuresRule: Rule = (ctx) => {
  for (const model of ctx.index.models.values()) {
    model.spec.measures?.forEach((m, listIndex) => {
      const i = elementIndex(m, listIndex);
      const at = { loc: model.loc, params: `measures[${i}]`, expr: `measures[${i}].expr` };
      const aggTimeDimension = resolvedTimeDimension(model, m.agg_time_dimension ?? model.spec.defaults?.agg_time_dimension);
      checkAggregation(ctx, model, { agg: m.agg, expr: m.expr, aggParams: m.agg_params, nonAdditive: m.non_additive_dimension, aggTimeDimension }, at);
      const existing = ctx.index.metrics.get(m.name);
      if (m.create_metric && existing && existing.spec.type.toLowerCase() !== 'simple') {
        ctx.error(model.loc, `measures[${i}].create_metric`, `create_metric: a ${existing.spec.type.toLowerCase()} metric named '${m.name}' already exists (${existing.loc.file}:${existing.loc.line})`);
      }
    });
  }
};
