/**
 * Schema of a dbt `models:` entry that declares a time spine. Other model entries are ordinary dbt
 * models and are not checked (dbt owns their format), hence the loose objects.
 */
import { z } from 'zod';
import { grainSchema, nameSchema, strict } from './common.schema.js';
import { NodeRelationSchema } from './semantic-model.schema.js';

/** The dbt model name of MetricFlow's legacy day spine (column `date_day`). */
export const LEGACY_TIME_SPINE_MODEL = 'metricflow_time_spine';
export const LEGACY_TIME_SPINE_COLUMN = 'date_day';

export const CustomGranularitySchema = strict({
  name: nameSchema,
  column_name: z.string().optional().describe('Defaults to the name.'),
});

export const TimeSpineConfigSchema = strict({
  standard_granularity_column: z.string().min(1),
  custom_granularities: z.array(CustomGranularitySchema).optional(),
});

export const TimeSpineModelSchema = z.looseObject({
  name: z.string().min(1),
  time_spine: TimeSpineConfigSchema.optional(),
  columns: z.array(z.looseObject({ name: z.string().min(1), granularity: grainSchema.optional() })).optional(),
  node_relation: NodeRelationSchema.optional().describe('Where the spine table is (semantic_manifest.json input); default the model in the project schema.'),
});

/** A dbt model entry is a time spine when it has `time_spine:` or is the legacy spine model. */
export function isTimeSpineModelEntry(entry: unknown): boolean {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return false;
  const rec = entry as Record<string, unknown>;
  return rec['time_spine'] !== undefined || rec['name'] === LEGACY_TIME_SPINE_MODEL;
}

export type CustomGranularitySpec = z.output<typeof CustomGranularitySchema>;
export type TimeSpineModelSpec = z.output<typeof TimeSpineModelSchema>;
