/** Schema of one entry of `saved_queries:`. */
import { z } from 'zod';
import { ciEnum, describedFields, filterSchema, metaSchema, nameSchema, refSchema, strict } from './common.schema.js';

export const ExportSchema = strict({
  name: z.string(),
  config: strict({
    export_as: ciEnum(['table', 'view'] as const, 'export type'),
    schema: z.string().optional(),
    alias: z.string().optional(),
    database: z.string().optional(),
  }),
});

export const SavedQuerySchema = strict({
  name: nameSchema,
  query_params: strict({
    metrics: z.array(refSchema).optional(),
    group_by: z
      .array(refSchema)
      .optional()
      .describe("Dunder names or object syntax: TimeDimension('metric_time', 'week'), Dimension('customer__country')"),
    where: filterSchema.optional(),
    order_by: z
      .array(refSchema)
      .optional()
      .describe("Metric('revenue').descending(True), TimeDimension('metric_time', 'week') or a listed name"),
    limit: z.int().min(0).optional(),
  }),
  exports: z.array(ExportSchema).optional(),
  tags: z.union([z.string(), z.array(z.string())]).optional(),
  config: strict({
    meta: metaSchema.optional(),
    enabled: z.boolean().optional(),
    group: z.string().optional(),
    cache: strict({ enabled: z.boolean().optional() }).optional(),
    export_as: ciEnum(['table', 'view'] as const, 'export type').optional(),
    schema: z.string().optional(),
    alias: z.string().optional(),
  }).optional(),
  ...describedFields,
});

export type SavedQuerySpec = z.output<typeof SavedQuerySchema>;
