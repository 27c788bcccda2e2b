/**
 * The Fastify app factory used by the CLI and by tests. It only wires plugins and routes; all
 * query logic lives in the engine.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { registerGraphqlApi, type GraphqlApiOptions } from '../api/graphql/index.js';
import { registerRestApi } from '../api/rest/index.js';
import { ANONYMOUS, type Caller } from '../access/caller.js';
import { MaatstafError } from '../core/errors.js';
import { registerHealthRoutes } from './health.routes.js';
import { normaliseError, sendProblem } from './problem.js';
import type { ServerState } from './state.js';

export interface AppOptions {
  readonly state: ServerState;
  /** A pino logger, or false for none (tests). */
  readonly logger?: Logger | false;
  readonly bodyLimitBytes?: number;
  /** GraphQL options: introspection (default on), GraphiQL, limits. */
  readonly graphql?: GraphqlApiOptions;
}

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: opts.logger || undefined,
    logger: opts.logger ? undefined : false,
    bodyLimit: opts.bodyLimitBytes ?? 256 * 1024,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // Default is plenty for dashboards; long exports stream (later issue).
    connectionTimeout: 0,
    routerOptions: { maxParamLength: 500 },
    // Malformed URLs (bad percent-encoding) never reach the error handler; answer them as problems too.
    frameworkErrors: (error: unknown, request: FastifyRequest, reply: FastifyReply) => sendProblem(reply, request, normaliseError(error)),
  } as Parameters<typeof Fastify>[0]) as unknown as FastifyInstance;

  // Every request starts anonymous; the authentication hook (src/access) replaces it.
  // (Fastify forbids object defaults on decorators: set per request.)
  app.decorateRequest('caller', null as unknown as Caller);
  app.addHook('onRequest', async (request) => {
    request.caller = ANONYMOUS;
  });

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  app.setErrorHandler((error, request, reply) => {
    const err = normaliseError(error);
    if (err.code === 'INTERNAL') request.log.error({ err: error }, 'internal error');
    else if (err.status >= 500) request.log.warn({ err: error, code: err.code }, err.message);
    return sendProblem(reply, request, err);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, request, new MaatstafError('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`)),
  );

  registerHealthRoutes(app, opts.state);
  await registerRestApi(app, opts.state);
  await registerGraphqlApi(app, opts.state, opts.graphql);
  return app;
}
