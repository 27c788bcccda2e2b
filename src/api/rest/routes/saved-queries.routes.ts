/** Saved queries as KPI endpoints: list, describe, and results (GET with URL params or POST with a body). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listSavedQueries, requireSavedQuery, savedQueryRunRequest, savedQuerySummary } from '../../../engine/saved-queries.js';
import { withListParams } from '../list-params.js';
import { asResponse, csvOptionsOf, engineOf } from '../reply.js';
import { sendQuery } from '../send-query.js';
import { catalogProblems, queryProblems } from '../schemas/problem.schema.js';
import { formatParams } from '../schemas/query.schema.js';
import {
  SavedQueryBodySchema,
  SavedQueryListSchema,
  SavedQueryNameParams,
  SavedQueryResultsQuerySchema,
  SavedQuerySchema,
} from '../schemas/saved-query.schema.js';
import { savedQueryParamsFromUrl } from '../url-query.js';
import { ROWS_RESPONSE } from './query.routes.js';
import type { RestOptions } from './rest-options.js';

const ListQuery = z
  .object({ tag: z.string().max(200).optional().describe('Keep saved queries with this tag.').meta({ examples: ['openbare_ruimte'] }) })
  .strict();

const RUN_NOTE =
  'Runs the saved query. Run-time `where` filters are ANDed with the saved ones; `orderBy` and `limit` replace the saved ones; `timeRange` (or `start`/`end`) constrains metric_time. JSON by default, CSV with `Accept: text/csv` or `?format=csv`.';

export const savedQueriesRoutes: FastifyPluginAsyncZod<RestOptions> = async (app, { state }) => {
  app.get(
    '/v1/saved-queries',
    {
      schema: {
        operationId: 'listSavedQueries',
        tags: ['saved queries'],
        summary: 'List saved queries',
        description: 'Every saved query (a named, reviewed query: a KPI endpoint) with the query it runs.',
        querystring: ListQuery,
        response: { 200: SavedQueryListSchema, ...catalogProblems() },
      },
    },
    async (request) => asResponse({ savedQueries: listSavedQueries(engineOf(state, request).definitions, request.query) }),
  );

  app.get(
    '/v1/saved-queries/:name',
    {
      schema: {
        operationId: 'getSavedQuery',
        tags: ['saved queries'],
        summary: 'Describe one saved query',
        description: 'The saved query and the query (POST /v1/query body) it runs.',
        params: SavedQueryNameParams,
        response: { 200: SavedQuerySchema, ...catalogProblems(404) },
      },
    },
    async (request) => asResponse(savedQuerySummary(requireSavedQuery(engineOf(state, request).definitions, request.params.name))),
  );

  app.get(
    '/v1/saved-queries/:name/results',
    {
      config: { formats: ['json', 'csv'] },
      schema: {
        operationId: 'getSavedQueryResults',
        tags: ['saved queries'],
        summary: 'Run a saved query (URL parameters)',
        description: `${RUN_NOTE} Lists are comma-separated or repeated; \`where\` repeats.`,
        params: SavedQueryNameParams,
        querystring: withListParams(SavedQueryResultsQuerySchema, ['orderBy'], ['where']),
        response: { 200: ROWS_RESPONSE, ...queryProblems() },
      },
    },
    async (request, reply) => {
      const engine = engineOf(state, request);
      const query = savedQueryRunRequest(engine.definitions, request.params.name, savedQueryParamsFromUrl(request.query));
      return sendQuery(reply, request, engine, query, { ...csvOptionsOf(request.query, state), filename: request.params.name });
    },
  );

  app.post(
    '/v1/saved-queries/:name/results',
    {
      config: { formats: ['json', 'csv'] },
      schema: {
        operationId: 'runSavedQuery',
        tags: ['saved queries'],
        summary: 'Run a saved query (JSON body)',
        description: RUN_NOTE,
        params: SavedQueryNameParams,
        querystring: z.object(formatParams).strict(),
        body: SavedQueryBodySchema,
        response: { 200: ROWS_RESPONSE, ...queryProblems(413) },
      },
    },
    async (request, reply) => {
      const engine = engineOf(state, request);
      const query = savedQueryRunRequest(engine.definitions, request.params.name, request.body);
      return sendQuery(reply, request, engine, query, { ...csvOptionsOf(request.query, state), filename: request.params.name });
    },
  );
};
