/** `GET /v1/dimensions` (group-by items for metrics) and `GET /v1/dimensions/{name}/values`. */
import { clientGoneSignal } from '../../../http/client-signal.js';
import { requestIdsOf } from '../../../http/request-id.js';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MAX_METRICS } from '../../../core/query.js';
import { listGroupByItems } from '../../../engine/catalog.js';
import { DEFAULT_VALUES_LIMIT, MAX_SEARCH_LENGTH, MAX_VALUES_LIMIT, MAX_VALUES_OFFSET, dimensionValues } from '../../../engine/dimension-values.js';
import { EXAMPLE_DIMENSION, EXAMPLE_METRIC } from '../examples.js';
import { withListParams } from '../list-params.js';
import { asResponse, engineOf } from '../reply.js';
import { DimensionValuesSchema, GroupByListSchema } from '../schemas/catalog.schema.js';
import { catalogProblems, queryProblems } from '../schemas/problem.schema.js';
import type { RestOptions } from './rest-options.js';

const metricsParam = z
  .array(z.string().min(1).max(200))
  .max(MAX_METRICS)
  .optional()
  .describe('Metric names, comma-separated or repeated.');

const ListQuery = z.object({ metrics: metricsParam.meta({ examples: [['reports_received', 'reports_resolved']] }) }).strict();

const ValuesParams = z.object({
  name: z.string().min(1).max(200).describe('Group-by item in dunder form, optionally with a grain.').meta({ examples: [EXAMPLE_DIMENSION] }),
});

const ValuesQuery = z
  .object({
    metrics: metricsParam.meta({ examples: [[EXAMPLE_METRIC]] }),
    limit: z.coerce.number().int().min(1).max(MAX_VALUES_LIMIT).optional().describe(`Page size; default ${DEFAULT_VALUES_LIMIT}.`).meta({ examples: [20] }),
    offset: z.coerce.number().int().min(0).max(MAX_VALUES_OFFSET).optional().describe('Values to skip.').meta({ examples: [0] }),
    search: z.string().max(MAX_SEARCH_LENGTH).optional().describe('Case-insensitive text the value contains.').meta({ examples: ['o'] }),
  })
  .strict();

export const dimensionsRoutes: FastifyPluginAsyncZod<RestOptions> = async (app, { state }) => {
  app.get(
    '/v1/dimensions',
    {
      schema: {
        operationId: 'listDimensions',
        tags: ['catalog'],
        summary: 'List group-by items',
        description:
          'The group-by items (dimensions, time dimensions with their grains and date parts, entities) valid for all the given metrics together. Without metrics: the items a query without metrics accepts (for dimension values).',
        querystring: withListParams(ListQuery, ['metrics']),
        response: { 200: GroupByListSchema, ...catalogProblems(404) },
      },
    },
    async (request) => {
      const metrics = request.query.metrics ?? [];
      return asResponse({ metrics, items: listGroupByItems(engineOf(state, request).graph, metrics) });
    },
  );

  app.get(
    '/v1/dimensions/:name/values',
    {
      schema: {
        operationId: 'listDimensionValues',
        tags: ['catalog'],
        summary: 'Distinct values of a group-by item',
        description:
          'Distinct values for filter pickers, sorted, paginated with limit and offset (hasMore tells whether another page follows), optionally narrowed by a case-insensitive search. With metrics, the item must be available to all of them.',
        params: ValuesParams,
        querystring: withListParams(ValuesQuery, ['metrics']),
        response: { 200: DimensionValuesSchema, ...queryProblems() },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const page = await dimensionValues(engineOf(state, request), {
        signal: clientGoneSignal(request, reply),
        ...requestIdsOf(request),
        name: request.params.name,
        ...(q.metrics ? { metrics: q.metrics } : {}),
        ...(q.limit !== undefined ? { limit: q.limit } : {}),
        ...(q.offset !== undefined ? { offset: q.offset } : {}),
        ...(q.search !== undefined ? { search: q.search } : {}),
      });
      return asResponse(page);
    },
  );
};
