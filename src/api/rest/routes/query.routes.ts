/** `POST /v1/query`, `GET /v1/query` (the same query as a URL) and `POST /v1/compile`. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { withListParams } from '../list-params.js';
import { csvOptionsOf, engineOf, setQueryDeprecationHeaders } from '../reply.js';
import { sendQuery } from '../send-query.js';
import { queryProblems } from '../schemas/problem.schema.js';
import {
  CompileResultSchema,
  QUERY_LIST_PARAMS,
  QUERY_REPEATED_PARAMS,
  QueryBodySchema,
  QueryResultSchema,
  QueryStringSchema,
  formatParams,
} from '../schemas/query.schema.js';
import { queryFromUrl } from '../url-query.js';
import type { RestOptions } from './rest-options.js';

const FormatQuery = z.object(formatParams).strict();

export const ROWS_RESPONSE = {
  description: 'The rows: JSON `{columns, rows, meta}` by default; RFC 4180 CSV with `Accept: text/csv` or `?format=csv`.',
  content: {
    'application/json': { schema: QueryResultSchema },
    'text/csv': {
      schema: z
        .string()
        .describe(
          'Header row of column names, then one line per row (CRLF). Streamed as the warehouse produces the rows (no row limit but the optional MAATSTAF_MAX_EXPORT_ROWS), except for metrics under small-cell suppression, audited personal data and cached answers; an error after the first row aborts the download.',
        ),
    },
  },
};

const RESULT_NOTE =
  ' Numbers are the same in every format. Responses for deprecated metrics carry Deprecation, Sunset and Link headers.';

export const queryRoutes: FastifyPluginAsyncZod<RestOptions> = async (app, { state }) => {
  app.post(
    '/v1/query',
    {
      config: { formats: ['json', 'csv'] },
      schema: {
        operationId: 'runQuery',
        tags: ['query'],
        summary: 'Run a query',
        description:
          'Compiles the query (metrics, group-by items, filters, time range, order, limit) into one SQL statement and runs it on the warehouse.' +
          RESULT_NOTE,
        querystring: FormatQuery,
        body: QueryBodySchema,
        response: { 200: ROWS_RESPONSE, ...queryProblems(413) },
      },
    },
    async (request, reply) => {
      const engine = engineOf(state, request);
      return sendQuery(reply, request, engine, request.body, csvOptionsOf(request.query, state));
    },
  );

  app.get(
    '/v1/query',
    {
      config: { formats: ['json', 'csv'] },
      schema: {
        operationId: 'runQueryFromUrl',
        tags: ['query'],
        summary: 'Run a query given as URL parameters',
        description:
          "The same query as POST /v1/query, as a URL for Power BI's Web connector or Excel's \"From Web\": lists comma-separated or repeated, `where` repeated, `start`/`end` for the time range." +
          RESULT_NOTE,
        querystring: withListParams(QueryStringSchema, QUERY_LIST_PARAMS, QUERY_REPEATED_PARAMS),
        response: { 200: ROWS_RESPONSE, ...queryProblems() },
      },
    },
    async (request, reply) => {
      const engine = engineOf(state, request);
      const query = queryFromUrl(request.query);
      return sendQuery(reply, request, engine, query, csvOptionsOf(request.query, state));
    },
  );

  app.post(
    '/v1/compile',
    {
      schema: {
        operationId: 'compileQuery',
        tags: ['query'],
        summary: 'Compile a query without running it',
        description: 'Returns the SQL the query compiles to, its bound parameters and the output columns. Nothing runs on the warehouse.',
        body: QueryBodySchema,
        response: { 200: CompileResultSchema, ...queryProblems(413) },
      },
    },
    async (request, reply) => {
      const engine = engineOf(state, request);
      const compiled = engine.compile(request.body);
      setQueryDeprecationHeaders(reply, engine, request.body.metrics);
      const rollups = compiled.rollupCandidates ? { rollups: [...compiled.rollupCandidates] } : {};
      return { sql: compiled.sql, params: [...compiled.params], columns: [...compiled.columns], ...rollups };
    },
  );
};
