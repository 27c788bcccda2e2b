/**
 * Spec 2, rules 9–12 and the relation: primary entities, agg time dimensions, time dimension grains,
 * SCD type II validity windows.
 */
import { parseRef } from '../normalise/relation.js';
import type { ModelEntry } from '../spec-index.js';
import type { Rule, RuleContext } from './context.js';
import { elementIndex } from '../spec-set.js';

export const semanticModelsRule: Rule = (ctx) => {
  for (const model of ctx.index.specs.semanticModels) {
    const entry = ctx.index.models.get(model.spec.name);
    if (entry?.loc !== model.loc) continue; // a duplicate name; reported by the uniqueness rule
    checkRelation(ctx, entry);
    checkPrimaryEntity(ctx, entry);
    checkTimeDimensions(ctx, entry);
    checkAggTimeDimensions(ctx, entry);
    checkValidityWindow(ctx, entry);
  }
};

function checkRelation(ctx: RuleContext, { spec, loc }: ModelEntry): void {
  if (spec.model !== undefined && spec.node_relation !== undefined) {
    ctx.error(loc, 'node_relation', "give either 'model' or 'node_relation', not both");
  } else if (spec.model === undefined && spec.node_relation === undefined) {
    ctx.error(loc, 'name', `semantic model '${spec.name}' needs model: ref('<dbt model>') or node_relation`);
  } else if (spec.model !== undefined && parseRef(spec.model) === undefined) {
    ctx.error(loc, 'model', `expected ref('<dbt model name>'), got '${spec.model}'`);
  }
}

function checkPrimaryEntity(ctx: RuleContext, { spec, loc }: ModelEntry): void {
  const primaries = (spec.entities ?? []).flatMap((e, i) => (e.type.toLowerCase() === 'primary' ? [{ e, i: elementIndex(e, i) }] : []));
  for (const { e, i } of primaries.slice(1)) {
    ctx.error(loc, `entities[${i}].type`, `semantic model '${spec.name}' has more than one primary entity ('${primaries[0]!.e.name}' and '${e.name}')`);
  }
  if (primaries.length > 0 && spec.primary_entity !== undefined) {
    ctx.error(loc, 'primary_entity', `primary_entity is set, but entity '${primaries[0]!.e.name}' already has type primary; use one of the two`);
  }
  if ((spec.dimensions?.length ?? 0) > 0 && primaries.length === 0 && spec.primary_entity === undefined) {
    ctx.error(loc, 'dimensions', `semantic model '${spec.name}' has dimensions but no primary entity: add an entity with type primary or set primary_entity`);
  }
}

function checkTimeDimensions(ctx: RuleContext, { spec, loc }: ModelEntry): void {
  spec.dimensions?.forEach((d, listIndex) => {
    const i = elementIndex(d, listIndex);
    const isTime = d.type.toLowerCase() === 'time';
    if (isTime && d.type_params?.time_granularity === undefined) {
      ctx.error(loc, `dimensions[${i}]`, `time dimension '${d.name}' needs type_params.time_granularity`);
    }
    if (!isTime && d.type_params?.validity_params !== undefined) {
      ctx.error(loc, `dimensions[${i}].type_params.validity_params`, 'validity_params are only allowed on time dimensions');
    }
    if (!isTime && d.type_params?.time_granularity !== undefined) {
      ctx.warning(loc, `dimensions[${i}].type_params.time_granularity`, `time_granularity is ignored on categorical dimension '${d.name}'`);
    }
  });
}

/** Checks that `name` is a time dimension of the model; returns false after reporting otherwise. */
export function checkAggTimeDimension(ctx: RuleContext, model: ModelEntry, name: string, at: { loc: ModelEntry['loc']; sub: string }): boolean {
  const dim = model.dimensions.get(name.toLowerCase());
  const timeDims = [...model.dimensions.values()].filter((d) => d.spec.type.toLowerCase() === 'time').map((d) => d.spec.name);
  if (!dim) {
    ctx.unknown(at.loc, at.sub, 'time dimension', name, timeDims, `semantic model '${model.name}'`);
    return false;
  }
  if (dim.spec.type.toLowerCase() !== 'time') {
    ctx.error(at.loc, at.sub, `agg_time_dimension '${name}' is a categorical dimension; it must be a time dimension`);
    return false;
  }
  return true;
}

function checkAggTimeDimensions(ctx: RuleContext, model: ModelEntry): void {
  const { spec, loc } = model;
  const fallback = spec.defaults?.agg_time_dimension;
  if (fallback !== undefined) checkAggTimeDimension(ctx, model, fallback, { loc, sub: 'defaults.agg_time_dimension' });
  spec.measures?.forEach((m, listIndex) => {
    const i = elementIndex(m, listIndex);
    if (m.agg_time_dimension !== undefined) {
      checkAggTimeDimension(ctx, model, m.agg_time_dimension, { loc, sub: `measures[${i}].agg_time_dimension` });
    } else if (fallback === undefined) {
      ctx.error(loc, `measures[${i}]`, `measure '${m.name}' has no agg_time_dimension: set it on the measure or as defaults.agg_time_dimension of the model`);
    }
  });
}

function checkValidityWindow(ctx: RuleContext, { spec, loc }: ModelEntry): void {
  const validity = (spec.dimensions ?? []).flatMap((d, i) => (d.type_params?.validity_params ? [{ d, i: elementIndex(d, i), v: d.type_params.validity_params }] : []));
  const naturals = (spec.entities ?? []).flatMap((e, i) => (e.type.toLowerCase() === 'natural' ? [{ e, i: elementIndex(e, i) }] : []));
  for (const { e, i } of naturals.slice(1)) ctx.error(loc, `entities[${i}].type`, `a semantic model can have only one natural entity ('${e.name}' is a second one)`);
  if (validity.length === 0) {
    for (const { e, i } of naturals) ctx.error(loc, `entities[${i}].type`, `natural entity '${e.name}' needs a validity window (two time dimensions with validity_params is_start / is_end)`);
    return;
  }
  const starts = validity.filter((x) => x.v.is_start === true);
  const ends = validity.filter((x) => x.v.is_end === true);
  if (validity.length !== 2 || starts.length !== 1 || ends.length !== 1 || validity.some((x) => x.v.is_start === x.v.is_end)) {
    ctx.error(loc, `dimensions[${validity[0]!.i}].type_params.validity_params`, 'a validity window needs exactly two time dimensions: one with is_start: true and one with is_end: true');
  }
  if (naturals.length === 0) ctx.error(loc, 'entities', `semantic model '${spec.name}' has a validity window but no natural entity`);
  spec.entities?.forEach((e, listIndex) => {
    const i = elementIndex(e, listIndex);
    const type = e.type.toLowerCase();
    if (type === 'primary' || type === 'unique') ctx.error(loc, `entities[${i}].type`, `a semantic model with a validity window cannot have ${type} entities`);
  });
  if ((spec.measures?.length ?? 0) > 0) ctx.error(loc, 'measures', 'a semantic model with a validity window cannot have measures');
}
