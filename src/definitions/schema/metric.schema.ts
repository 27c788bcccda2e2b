/**
 * Schema of one entry of `metrics:`. Like MetricFlow's own JSON schema, `type_params` is one object
 * holding the keys of every metric type; which keys a type needs or forbids is checked by the rules.
 */
import { z } from 'zod';
import { AggParamsSchema, NonAdditiveDimensionSchema, SOURCE_AGGREGATIONS } from './semantic-model.schema.js';
import {
  ciEnum,
  describedFields,
  exprSchema,
  filterSchema,
  nameSchema,
  refSchema,
  resourceConfigSchema,
  strict,
} from './common.schema.js';

export const METRIC_TYPES = ['simple', 'ratio', 'cumulative', 'derived', 'conversion'] as const;
export const PERIOD_AGGS = ['first', 'last', 'average'] as const;
export const CONVERSION_CALCULATIONS = ['conversions', 'conversion_rate'] as const;

/** A measure input: `measure: order_total` or `{name, filter, alias, join_to_timespine, fill_nulls_with}`. */
export const MeasureInputSchema = z.union([
  refSchema,
  strict({
    name: refSchema,
    filter: filterSchema.optional(),
    alias: nameSchema.optional(),
    join_to_timespine: z.boolean().optional(),
    fill_nulls_with: z.int().optional(),
  }),
]);

/** A metric input of ratio/cumulative/conversion metrics: a name or `{name, filter, alias}`. */
export const MetricRefInputSchema = z.union([
  refSchema,
  strict({ name: refSchema, filter: filterSchema.optional(), alias: nameSchema.optional() }),
]);

/** An input of a derived metric. */
export const DerivedInputSchema = z.union([
  refSchema,
  strict({
    name: refSchema,
    alias: nameSchema.optional(),
    filter: filterSchema.optional(),
    offset_window: z.string().optional().describe('e.g. "1 week" or "1 fiscal_quarter"'),
    offset_to_grain: z.string().optional().describe('A standard grain, e.g. month'),
  }),
]);

export const CumulativeTypeParamsSchema = strict({
  window: z.string().optional().describe('e.g. "7 days"'),
  grain_to_date: z.string().optional(),
  period_agg: ciEnum(PERIOD_AGGS, 'period_agg').optional(),
  metric: MetricRefInputSchema.optional(),
});

export const ConversionTypeParamsSchema = strict({
  base_measure: MeasureInputSchema.optional(),
  conversion_measure: MeasureInputSchema.optional(),
  base_metric: MetricRefInputSchema.optional(),
  conversion_metric: MetricRefInputSchema.optional(),
  entity: refSchema.optional(),
  calculation: ciEnum(CONVERSION_CALCULATIONS, 'conversion calculation').optional(),
  window: z.string().optional(),
  constant_properties: z
    .array(strict({ base_property: refSchema, conversion_property: refSchema }))
    .optional(),
});

/** The measure-migrated form of a simple metric's aggregation. */
export const MetricAggregationParamsSchema = strict({
  semantic_model: refSchema,
  agg: ciEnum(SOURCE_AGGREGATIONS, 'aggregation'),
  agg_params: AggParamsSchema.optional(),
  agg_time_dimension: refSchema.optional(),
  non_additive_dimension: NonAdditiveDimensionSchema.optional(),
});

export const MetricTypeParamsSchema = strict({
  measure: MeasureInputSchema.optional(),
  numerator: MetricRefInputSchema.optional(),
  denominator: MetricRefInputSchema.optional(),
  expr: exprSchema.optional(),
  metrics: z.array(DerivedInputSchema).optional(),
  window: z.string().optional(),
  grain_to_date: z.string().optional(),
  cumulative_type_params: CumulativeTypeParamsSchema.optional(),
  conversion_type_params: ConversionTypeParamsSchema.optional(),
  metric_aggregation_params: MetricAggregationParamsSchema.optional(),
  join_to_timespine: z.boolean().optional(),
  fill_nulls_with: z.int().optional(),
});

export const MetricSchema = strict({
  name: nameSchema,
  type: ciEnum(METRIC_TYPES, 'metric type'),
  type_params: MetricTypeParamsSchema,
  filter: filterSchema.optional(),
  time_granularity: z.string().optional().describe('Default grain of metric_time for this metric.'),
  config: resourceConfigSchema.optional(),
  ...describedFields,
});

export type MeasureInputSpec = z.output<typeof MeasureInputSchema>;
export type MetricRefInputSpec = z.output<typeof MetricRefInputSchema>;
export type DerivedInputSpec = z.output<typeof DerivedInputSchema>;
export type MetricTypeParamsSpec = z.output<typeof MetricTypeParamsSchema>;
export type MetricAggregationParamsSpec = z.output<typeof MetricAggregationParamsSchema>;
export type ConversionTypeParamsSpec = z.output<typeof ConversionTypeParamsSchema>;
export type MetricSpec = z.output<typeof MetricSchema>;
