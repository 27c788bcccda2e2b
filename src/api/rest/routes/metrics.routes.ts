/** `GET /v1/metrics` (catalogue) and `GET /v1/metrics/{name}` (one metric in full). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { describeMetric, listMetrics } from '../../../engine/catalog.js';
import { METRIC_STATUSES } from '../../../engine/governance.js';
import { EXAMPLE_METRIC } from '../examples.js';
import { asResponse, engineOf, setDeprecationHeaders } from '../reply.js';
import { MetricDetailSchema, MetricListSchema } from '../schemas/catalog.schema.js';
import { catalogProblems } from '../schemas/problem.schema.js';
import type { RestOptions } from './rest-options.js';

const ListQuery = z
  .object({
    owner: z.string().max(200).optional().describe('Owner (exact, case-insensitive).').meta({ examples: ['Openbare Ruimte'] }),
    tag: z.string().max(200).optional().describe('Keep metrics with this tag (case-insensitive).'),
    status: z.enum(METRIC_STATUSES).optional().describe('Governance status.').meta({ examples: ['certified'] }),
    search: z.string().max(200).optional().describe('Case-insensitive text in name, label or description.').meta({ examples: ['meldingen'] }),
  })
  .strict();

const NameParams = z.object({
  name: z.string().min(1).max(200).describe('Metric name.').meta({ examples: [EXAMPLE_METRIC] }),
});

export const metricsRoutes: FastifyPluginAsyncZod<RestOptions> = async (app, { state }) => {
  app.get(
    '/v1/metrics',
    {
      schema: {
        operationId: 'listMetrics',
        tags: ['catalog'],
        summary: 'List metrics',
        description:
          'The metric catalogue: name, label, description, type, unit and format, owner, status, tags, the default time dimension and a definition hash that changes when the numbers may change. Filter with owner, tag, status and search.',
        querystring: ListQuery,
        response: { 200: MetricListSchema, ...catalogProblems() },
      },
    },
    async (request) => asResponse({ metrics: listMetrics(engineOf(state, request).graph, request.query) }),
  );

  app.get(
    '/v1/metrics/:name',
    {
      schema: {
        operationId: 'getMetric',
        tags: ['catalog'],
        summary: 'Describe one metric',
        description:
          'The full definition and governance of a metric, every group-by item it accepts, its lineage (metrics, semantic models, tables, expressions, filters) and an example query with its compiled SQL. Deprecated metrics answer with Deprecation, Sunset and Link headers.',
        params: NameParams,
        response: { 200: MetricDetailSchema, ...catalogProblems(404) },
      },
    },
    async (request, reply) => {
      const engine = engineOf(state, request);
      const detail = describeMetric(engine, request.params.name);
      setDeprecationHeaders(reply, [engine.graph.metric(detail.name)]);
      return asResponse(detail);
    },
  );
};
