/**
 * The REST API: zod-validated routes under /v1, the OpenAPI 3.1 document at /openapi.json and
 * Swagger UI at /docs. Routes are thin adapters over the engine (src/engine/*): they validate,
 * call one engine function and shape the response.
 */
import { readFileSync } from 'node:fs';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { ServerState } from '../../http/state.js';
import { swaggerOptions } from './openapi-options.js';
import { addFormatNegotiation } from './reply.js';
import { listSplittingValidatorCompiler } from './list-params.js';
import { auditRoutes } from './routes/audit.routes.js';
import { dimensionsRoutes } from './routes/dimensions.routes.js';
import { metricsRoutes } from './routes/metrics.routes.js';
import { queryRoutes } from './routes/query.routes.js';
import { savedQueriesRoutes } from './routes/saved-queries.routes.js';

/** maatstaf's version from the nearest package.json above this file (works from src/ and dist/src/). */
function packageVersion(): string {
  for (let up = 3; up <= 5; up++) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(`${'../'.repeat(up)}package.json`, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'maatstaf' && pkg.version) return pkg.version;
    } catch {
      // not here; look one folder up
    }
  }
  return '0.0.0';
}

/** Registers the OpenAPI plugins and every /v1 route. Call before `app.ready()`. */
export async function registerRestApi(app: FastifyInstance, state: ServerState): Promise<void> {
  await app.register(swagger, swaggerOptions(packageVersion()));
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true, tryItOutEnabled: true, displayRequestDuration: true } });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(async (api) => {
    api.setValidatorCompiler(listSplittingValidatorCompiler(validatorCompiler));
    api.setSerializerCompiler(serializerCompiler);
    addFormatNegotiation(api);
    const opts = { state };
    await api.register(metricsRoutes, opts);
    await api.register(dimensionsRoutes, opts);
    await api.register(queryRoutes, opts);
    await api.register(savedQueriesRoutes, opts);
    await api.register(auditRoutes, opts);
  });
}
