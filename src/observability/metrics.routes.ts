/**
 * `GET /internal/metrics` (Prometheus text format) and the request-latency observer. Hidden from the
 * OpenAPI document: it is for operators, not API clients.
 */
import type { FastifyInstance } from 'fastify';
import type { ServerMetrics } from './metrics.js';
import { onRequestCompleted } from '../http/request-completion.js';
import { routeInfo } from '../http/route-info.js';

export const METRICS_PATH = '/internal/metrics';

/** Call after buildApp and before ready/listen: the hook then covers every route. */
export function registerMetricsRoutes(app: FastifyInstance, metrics: ServerMetrics): void {
  // After every answer (the onResponse hook of src/http/request-completion.ts).
  onRequestCompleted(app, (request, reply) => {
    // Unmatched URLs share one label so scanners cannot blow up the label set.
    const route = routeInfo(request).url ?? 'unmatched';
    if (route !== METRICS_PATH) metrics.observeRequest(route, request.method, reply.statusCode, reply.elapsedTime / 1000);
  });
  app.get(METRICS_PATH, { schema: { hide: true } }, async (_request, reply) => {
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
}
