/** Response and parameter schemas of the catalogue routes (metrics, dimensions, dimension values). */
import { z } from 'zod';
import { DATE_PARTS, TIME_GRAINS } from '../../../core/time.js';
import { METRIC_STATUSES, SENSITIVITIES } from '../../../engine/governance.js';
import { ColumnSchema } from './query.schema.js';

const grain = z.enum(TIME_GRAINS);

export const GovernanceSchema = z.object({
  owner: z.string().optional(),
  steward: z.string().optional(),
  status: z.enum(METRIC_STATUSES).optional(),
  version: z.string().optional(),
  unit: z.string().optional(),
  format: z.string().optional().describe('Display format such as `0`, `0.0` or `0.0%`.'),
  target: z.number().optional(),
  direction: z.string().optional().describe('`higher_is_better` or `lower_is_better`.'),
  sensitivity: z.enum(SENSITIVITIES).optional(),
  minGroupSize: z.number().optional(),
  refresh: z.string().optional(),
  definition: z.string().optional().describe('The business definition in words.'),
  labelEn: z.string().optional(),
  descriptionEn: z.string().optional(),
  tags: z.array(z.string()),
  replacement: z.string().optional(),
  sunset: z.string().optional(),
  deprecatedAt: z.string().optional(),
});

const MetricSummaryShape = {
  name: z.string(),
  label: z.string(),
  description: z.string().optional(),
  labelEn: z.string().optional(),
  descriptionEn: z.string().optional(),
  type: z.enum(['simple', 'ratio', 'derived', 'cumulative', 'conversion']),
  unit: z.string().optional(),
  format: z.string().optional(),
  owner: z.string().optional(),
  status: z.enum(METRIC_STATUSES).optional(),
  tags: z.array(z.string()),
  defaultTime: z.object({
    dimension: z.literal('metric_time'),
    grain: grain.describe('Grain of metric_time when the query gives none.'),
    aggTimeDimensions: z.array(z.string()).describe('The time dimensions metric_time stands for.'),
  }),
  definitionHash: z.string().describe('Fingerprint of what the metric computes (its definition and inputs); changes when the numbers may change.'),
};

export const MetricSummarySchema = z.object(MetricSummaryShape).meta({ id: 'MetricSummary' });

export const MetricListSchema = z.object({ metrics: z.array(MetricSummarySchema) }).meta({ id: 'MetricList' });

export const GroupByItemSchema = z
  .object({
    name: z.string().describe('Dunder name without grain; append `__<grain>` or `__extract_<part>` for time items.'),
    kind: z.enum(['dimension', 'time', 'entity']),
    entityPath: z.array(z.string()),
    element: z.string(),
    semanticModel: z.string().optional(),
    grains: z.array(grain).optional(),
    defaultGrain: grain.optional(),
    dateParts: z.array(z.enum(DATE_PARTS)).optional(),
    customGrains: z.array(z.string()).optional().describe('Custom granularities of the time spine (`__<name>`).'),
    label: z.string().optional(),
    description: z.string().optional(),
  })
  .meta({ id: 'GroupByItem' });

const LineageSchema = z.object({
  metric: z.string(),
  metrics: z.array(z.string()),
  semanticModels: z.array(z.string()),
  relations: z.array(z.string()),
  reads: z.array(z.object({ semanticModel: z.string(), role: z.enum(['aggregation', 'agg_time_dimension']), name: z.string(), expr: z.string() })),
  filters: z.array(z.object({ metric: z.string(), input: z.string().optional(), filter: z.string() })),
});

export const MetricDetailSchema = z
  .object({
    ...MetricSummaryShape,
    governance: GovernanceSchema,
    definition: z.record(z.string(), z.unknown()).describe('The normalised definition every stage reads.'),
    source: z.object({ file: z.string(), line: z.number().int() }),
    groupBy: z.array(GroupByItemSchema).describe('Every group-by item this metric accepts.'),
    lineage: LineageSchema,
    example: z.object({
      query: z.record(z.string(), z.unknown()),
      sql: z.string().optional(),
      params: z.array(z.unknown()).optional(),
      error: z.object({ code: z.string(), message: z.string() }).optional(),
    }),
  })
  .meta({ id: 'MetricDetail' });

export const GroupByListSchema = z.object({ metrics: z.array(z.string()), items: z.array(GroupByItemSchema) }).meta({ id: 'GroupByList' });

export const DimensionValuesSchema = z
  .object({
    name: z.string(),
    column: ColumnSchema,
    values: z.array(z.union([z.string(), z.number(), z.boolean(), z.null()])),
    limit: z.number().int(),
    offset: z.number().int(),
    hasMore: z.boolean().describe('More values follow: ask again with offset + limit.'),
    meta: z.object({ definitionsVersion: z.string(), sqlHash: z.string(), rowCount: z.number().int(), durationMs: z.number() }),
  })
  .meta({ id: 'DimensionValues' });
