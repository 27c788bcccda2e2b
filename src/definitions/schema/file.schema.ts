/**
 * The shape of one definitions YAML file, for the JSON Schema (editors). At load time the same item
 * schemas are applied per list entry (see source/collect.ts) so one bad entry does not hide the rest.
 */
import { z } from 'zod';
import { MetricSchema } from './metric.schema.js';
import { SavedQuerySchema } from './saved-query.schema.js';
import { SemanticModelSchema } from './semantic-model.schema.js';
import { TimeSpineModelSchema } from './time-spine.schema.js';

/** Top-level keys the loader reads; every other key of a dbt YAML file is ignored. */
export const DEFINITION_KEYS = ['semantic_models', 'metrics', 'saved_queries', 'models'] as const;
export type DefinitionKey = (typeof DEFINITION_KEYS)[number];

export const DefinitionFileSchema = z
  .looseObject({
    semantic_models: z.array(SemanticModelSchema).optional(),
    metrics: z.array(MetricSchema).optional(),
    saved_queries: z.array(SavedQuerySchema).optional(),
    models: z
      .array(TimeSpineModelSchema)
      .optional()
      .describe('dbt models; only entries with time_spine (or named metricflow_time_spine) are read.'),
  })
  .meta({ title: 'maatstaf definitions file (dbt semantic layer YAML)' });
