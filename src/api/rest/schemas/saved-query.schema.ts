/** Schemas of the saved-query routes. */
import { z } from 'zod';
import { MAX_FILTER_LENGTH, MAX_LIMIT, MAX_OFFSET } from '../../../core/query.js';
import { SavedQueryParamsSchema } from '../../../engine/saved-queries.js';
import { EXAMPLE_FILTER, EXAMPLE_SAVED_QUERY, SAVED_QUERY_PARAMS_EXAMPLES } from '../examples.js';
import { formatParams, OFFSET_NOTE } from './query.schema.js';

export const SavedQuerySchema = z
  .object({
    name: z.string(),
    label: z.string(),
    description: z.string().optional(),
    tags: z.array(z.string()),
    query: z
      .object({
        metrics: z.array(z.string()),
        groupBy: z.array(z.string()),
        where: z.array(z.string()).optional(),
        orderBy: z.array(z.string()),
        limit: z.number().int().optional(),
      })
      .describe('The query it runs, in the POST /v1/query body form.'),
  })
  .meta({ id: 'SavedQuery' });

export const SavedQueryListSchema = z.object({ savedQueries: z.array(SavedQuerySchema) }).meta({ id: 'SavedQueryList' });

export const SavedQueryNameParams = z.object({
  name: z.string().min(1).max(200).describe('Saved query name.').meta({ examples: [EXAMPLE_SAVED_QUERY] }),
});

/** POST …/results body: run-time additions (where ANDed; orderBy and limit replace). */
export const SavedQueryBodySchema = SavedQueryParamsSchema.meta({ 'x-examples': SAVED_QUERY_PARAMS_EXAMPLES });

/** GET …/results: the same additions as URL parameters. */
export const SavedQueryResultsQuerySchema = z
  .object({
    where: z
      .array(z.string().max(MAX_FILTER_LENGTH))
      .max(20)
      .optional()
      .describe('Extra filter, ANDed with the saved ones; repeat for several.')
      .meta({ examples: [[EXAMPLE_FILTER]] }),
    start: z.string().max(40).optional().describe('Inclusive start of metric_time.').meta({ examples: ['2024-01-01'] }),
    end: z.string().max(40).optional().describe('Inclusive end of metric_time.').meta({ examples: ['2024-12-31'] }),
    orderBy: z
      .array(z.string().min(1).max(200))
      .max(70)
      .optional()
      .describe('Replaces the saved order; comma-separated or repeated.')
      .meta({ examples: [['-metric_time__month']] }),
    limit: z.coerce.number().int().min(0).max(MAX_LIMIT).optional().describe('Replaces the saved limit.').meta({ examples: [12] }),
    offset: z.coerce.number().int().min(0).max(MAX_OFFSET).optional().describe(OFFSET_NOTE).meta({ examples: [12] }),
    ...formatParams,
  })
  .strict();
