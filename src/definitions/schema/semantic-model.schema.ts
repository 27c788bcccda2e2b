/** Schema of one entry of `semantic_models:` (dbt legacy spec, with MetricFlow's `node_relation`). */
import { z } from 'zod';
import {
  ciEnum,
  describedFields,
  elementConfigSchema,
  exprSchema,
  grainSchema,
  nameSchema,
  refSchema,
  resourceConfigSchema,
  strict,
} from './common.schema.js';

export const ENTITY_TYPES = ['primary', 'unique', 'foreign', 'natural'] as const;
export const DIMENSION_TYPES = ['categorical', 'time'] as const;
export const SOURCE_AGGREGATIONS = [
  'sum',
  'min',
  'max',
  'average',
  'count_distinct',
  'count',
  'sum_boolean',
  'median',
  'percentile',
] as const;
export const WINDOW_CHOICES = ['min', 'max'] as const;

export const EntitySchema = strict({
  name: nameSchema,
  type: ciEnum(ENTITY_TYPES, 'entity type'),
  expr: exprSchema.optional(),
  role: z.string().optional(),
  entity: z.string().optional(),
  config: elementConfigSchema.optional(),
  ...describedFields,
});

export const DimensionSchema = strict({
  name: nameSchema,
  type: ciEnum(DIMENSION_TYPES, 'dimension type'),
  expr: exprSchema.optional(),
  is_partition: z.boolean().optional(),
  type_params: strict({
    time_granularity: grainSchema.optional(),
    validity_params: strict({ is_start: z.boolean().optional(), is_end: z.boolean().optional() }).optional(),
  }).optional(),
  config: elementConfigSchema.optional(),
  ...describedFields,
});

export const AggParamsSchema = strict({
  percentile: z.number().optional(),
  use_discrete_percentile: z.boolean().optional(),
  use_approximate_percentile: z.boolean().optional(),
});

export const NonAdditiveDimensionSchema = strict({
  name: refSchema,
  window_choice: ciEnum(WINDOW_CHOICES, 'window choice').optional(),
  window_groupings: z.array(refSchema).optional(),
});

export const MeasureSchema = strict({
  name: nameSchema,
  agg: ciEnum(SOURCE_AGGREGATIONS, 'aggregation'),
  expr: exprSchema.optional(),
  agg_time_dimension: refSchema.optional(),
  agg_params: AggParamsSchema.optional(),
  non_additive_dimension: NonAdditiveDimensionSchema.optional(),
  create_metric: z.boolean().optional(),
  create_metric_display_name: z.string().optional(),
  config: elementConfigSchema.optional(),
  ...describedFields,
});

export const NodeRelationSchema = strict({
  alias: z.string().min(1),
  schema_name: z.string().min(1),
  database: z.string().optional(),
  relation_name: z.string().optional(),
});

const semanticModelShape = {
  name: nameSchema,
  model: z.string().optional().describe("The dbt model, as ref('model_name')."),
  node_relation: NodeRelationSchema.optional(),
  defaults: strict({ agg_time_dimension: refSchema.optional() }).optional(),
  primary_entity: nameSchema.optional(),
  entities: z.array(EntitySchema).optional(),
  dimensions: z.array(DimensionSchema).optional(),
  measures: z.array(MeasureSchema).optional(),
  config: resourceConfigSchema.optional(),
  ...describedFields,
};

export const SemanticModelSchema = strict(semanticModelShape);

/**
 * The model without checking its element lists: the loader checks each entity, dimension and
 * measure on its own, so one bad element does not hide the whole model from later checks.
 */
export const SemanticModelShellSchema = strict({
  ...semanticModelShape,
  entities: z.array(z.unknown()).optional(),
  dimensions: z.array(z.unknown()).optional(),
  measures: z.array(z.unknown()).optional(),
});

export const ELEMENT_SCHEMAS = { entities: EntitySchema, dimensions: DimensionSchema, measures: MeasureSchema } as const;

export type EntitySpec = z.output<typeof EntitySchema>;
export type DimensionSpec = z.output<typeof DimensionSchema>;
export type MeasureSpec = z.output<typeof MeasureSchema>;
export type AggParamsSpec = z.output<typeof AggParamsSchema>;
export type NonAdditiveDimensionSpec = z.output<typeof NonAdditiveDimensionSchema>;
export type SemanticModelSpec = z.output<typeof SemanticModelSchema>;
