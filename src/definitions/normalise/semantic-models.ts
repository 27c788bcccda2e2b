/** Semantic model specs → SemanticModelDef (names lower-cased, exprs classified, meta merged). */
import type { TimeGrain } from '../../core/time.js';
import type { DimensionDef, EntityDef, EntityType, MeasureDef, SemanticModelDef, SourceAggregation, SourceLocation } from '../model.js';
import { enumValue } from '../schema/common.schema.js';
import type { MeasureSpec, SemanticModelSpec } from '../schema/semantic-model.schema.js';
import type { Located } from '../spec-set.js';
import { elementExpr } from './element-expr.js';
import { mergedMeta, ownMeta } from './meta.js';
import { readPercentile } from './percentile.js';
import { modelRelation } from './relation.js';

export type Locate = (file: string, path: string) => SourceLocation;

const described = (x: { label?: string | undefined; description?: string | undefined }) => ({
  ...(x.label !== undefined && { label: x.label }),
  ...(x.description !== undefined && { description: x.description }),
});

export function normaliseSemanticModel({ spec, loc }: Located<SemanticModelSpec>, projectSchema: string | undefined, locate: Locate): SemanticModelDef {
  const meta = ownMeta(spec);
  const at = (list: string, i: number) => locate(loc.file, `${loc.path}.${list}[${i}]`);
  const defaultAggTime = spec.defaults?.agg_time_dimension?.toLowerCase();
  const entities = (spec.entities ?? []).map(
    (e, i): EntityDef => ({
      name: e.name,
      type: enumValue<EntityType>(e.type),
      expr: elementExpr(e.expr, e.name),
      ...described(e),
      meta: mergedMeta(meta, e),
      loc: at('entities', i),
    }),
  );
  const dimensions = (spec.dimensions ?? []).map((d, i): DimensionDef => {
    const type = enumValue<DimensionDef['type']>(d.type);
    const grain = d.type_params?.time_granularity;
    const validity = d.type_params?.validity_params;
    return {
      name: d.name,
      type,
      expr: elementExpr(d.expr, d.name),
      ...(type === 'time' && grain !== undefined && { grain: enumValue<TimeGrain>(grain) }),
      isPartition: d.is_partition ?? false,
      ...(validity && { validity: { isStart: validity.is_start ?? false, isEnd: validity.is_end ?? false } }),
      ...described(d),
      meta: mergedMeta(meta, d),
      loc: at('dimensions', i),
    };
  });
  const measures = (spec.measures ?? []).map((m, i) => normaliseMeasure(m, defaultAggTime, mergedMeta(meta, m), at('measures', i)));
  return {
    name: spec.name,
    relation: modelRelation(spec, projectSchema),
    ...described(spec),
    ...(defaultAggTime !== undefined && { defaultAggTimeDimension: defaultAggTime }),
    ...(spec.primary_entity !== undefined && { primaryEntity: spec.primary_entity }),
    entities,
    dimensions,
    measures,
    meta,
    loc,
  };
}

function normaliseMeasure(m: MeasureSpec, defaultAggTime: string | undefined, meta: MeasureDef['meta'], loc: SourceLocation): MeasureDef {
  const percentile = m.agg_params?.percentile;
  const read = percentile === undefined ? undefined : readPercentile(percentile);
  const aggTime = m.agg_time_dimension?.toLowerCase() ?? defaultAggTime;
  const nad = m.non_additive_dimension;
  return {
    name: m.name,
    agg: enumValue<SourceAggregation>(m.agg),
    expr: elementExpr(m.expr, m.name),
    ...(aggTime !== undefined && { aggTimeDimension: aggTime }),
    ...(read?.ok && { percentile: read.value }),
    useDiscretePercentile: m.agg_params?.use_discrete_percentile ?? false,
    useApproximatePercentile: m.agg_params?.use_approximate_percentile ?? false,
    ...(nad && {
      nonAdditiveDimension: {
        name: nad.name.toLowerCase(),
        windowChoice: enumValue<'min' | 'max'>(nad.window_choice ?? 'min'),
        windowGroupings: (nad.window_groupings ?? []).map((g) => g.toLowerCase()),
      },
    }),
    createMetric: m.create_metric ?? false,
    ...described(m),
    meta,
    loc,
  };
}
