/**
 * The Fastify app factory used by the CLI and by tests. It only wires plugins and routes; all
 * query logic lives in the engine.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { pino, type Logger } from 'pino';
import { graphiqlEnabled, registerGraphqlApi, type GraphqlApiOptions } from '../api/graphql/index.js';
import { isODataRequest, odataChallenge, registerODataApi, sendODataError, type ODataApiOptions } from '../api/odata/index.js';
import { registerGraphiqlRoutes } from './graphiql.routes.js';
import { registerCompression } from './compression.js';
import { registerRestApi } from '../api/rest/index.js';
import { createAuthenticator, type Authenticator } from '../access/authn/index.js';
import { answerRefusals, registerAuthentication } from '../http/authn-hook.js';
import { answerClientError } from '../http/client-error.js';
import type { TrustProxy } from '../config/config.js';
import type { Caller } from '../access/caller.js';
import { MaatstafError } from '../core/errors.js';
import { registerHealthRoutes } from './health.routes.js';
import { registerHardening, type HardeningOptions } from './hardening.js';
import { normaliseError, sendProblem } from '../http/problem.js';
import type { ServerState } from '../http/state.js';
import { childLoggerFactory } from '../http/child-logger.js';
import { addRequestCompletion } from '../http/request-completion.js';
import { serverRequestId } from '../http/request-id.js';
import { registerWebRoutes, type WebRoutesOptions } from './web.routes.js';

export interface AppOptions {
  readonly state: ServerState;
  /** A pino logger, or false for none (tests). */
  readonly logger?: Logger | false;
  readonly bodyLimitBytes?: number;
  /** GraphQL options: introspection (default on), GraphiQL, limits. */
  readonly graphql?: GraphqlApiOptions;
  /** The OData feed at /odata: page size, and the OIDC issuer named in its sign-in challenge. */
  readonly odata?: ODataApiOptions;
  /** The KPI explorer at `/` (static build of src/web); default: the Vite build output if present. */
  readonly web?: WebRoutesOptions;
  /**
   * Who is calling (API keys, OIDC tokens, anonymous on/off; src/access/authn). Default: anonymous
   * allowed, no keys, no OIDC, so any credential sent is refused.
   */
  readonly authn?: Authenticator;
  /** Helmet/CSP, CORS allowlist, URL length and rate limits (src/server/hardening.ts); rate limits off by default. */
  readonly hardening?: HardeningOptions;
  /** Which proxies' X-Forwarded-For sets `request.ip` (MAATSTAF_TRUST_PROXY); default none. */
  readonly trustProxy?: TrustProxy;
  /** Slow-client timeouts; defaults as in the configuration. */
  readonly timeouts?: Partial<HttpTimeouts>;
  /** Compress answers and files at least this large when the client accepts it (default 1024); 0 = never. */
  readonly compressionMinBytes?: number;
}

export interface HttpTimeouts {
  /** The whole request, headers and body, must arrive within this (408); 0 = no limit. */
  readonly requestMs: number;
  /** The headers must arrive within this (408); 0 = no limit. */
  readonly headersMs: number;
  /** An idle keep-alive connection is closed after this. */
  readonly keepAliveMs: number;
}

/**
 * Node's HTTP server options for the timeouts. Node checks them every `connectionsCheckingInterval`
 * (30 s by default, far coarser than a short timeout), and refuses a headers timeout longer than the
 * request timeout.
 */
export function httpServerTimeouts(t: Partial<HttpTimeouts> = {}) {
  const requestMs = t.requestMs ?? 30_000;
  const headersMs = requestMs > 0 ? Math.min(t.headersMs ?? 10_000, requestMs) : (t.headersMs ?? 10_000);
  const shortest = Math.min(...[requestMs, headersMs].filter((ms) => ms > 0), 4000);
  return {
    requestTimeout: requestMs,
    keepAliveTimeout: t.keepAliveMs ?? 72_000,
    http: { requestTimeout: requestMs, headersTimeout: headersMs, connectionsCheckingInterval: Math.max(100, Math.floor(shortest / 4)) },
  };
}

/**
 * MAATSTAF_TRUST_PROXY as Fastify takes it. Fastify no longer honours a bare hop count (it cannot
 * check the peer), so hops are a function trusting the nearest n addresses: right only when the
 * server is reachable through the proxies alone (README, Security hardening).
 */
export function fastifyTrustProxy(trust: TrustProxy): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof trust === 'number' ? (_address: string, hop: number) => hop < trust : trust;
}

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: opts.logger || pino({ level: 'silent' }),
    childLoggerFactory,
    bodyLimit: opts.bodyLimitBytes ?? 256 * 1024,
    // The request id is always the server's own (a client's x-request-id is logged beside it: request-id.ts).
    requestIdHeader: false,
    genReqId: serverRequestId,
    // No connection (socket idle) timeout: CSV exports stream for as long as they take
    // (src/api/rest/send-query.ts). Slow clients are bounded by the request and headers timeouts
    // instead, which end once the request has arrived.
    connectionTimeout: 0,
    ...httpServerTimeouts(opts.timeouts),
    clientErrorHandler: answerClientError,
    trustProxy: fastifyTrustProxy(opts.trustProxy ?? false),
    routerOptions: { maxParamLength: 500, },
    // Malformed URLs (bad percent-encoding) never reach the error handler; answer them as problems too.
    frameworkErrors: (error: unknown, request: FastifyRequest, reply: FastifyReply) => sendProblem(reply, request, normaliseError(error)),
  } as Parameters<typeof Fastify>[0]) as unknown as FastifyInstance;
  // Before any route: the request metrics observe every response (request-completion.ts).
  addRequestCompletion(app);

  // Every request starts anonymous; authentication replaces it, or answers 401 once the other
  // onRequest hooks (helmet, CORS, rate limit) ran. Registered first, so they all see the caller.
  // (Fastify forbids object defaults on decorators: set per request.)
  app.decorateRequest('caller', null as unknown as Caller);
  app.decorateRequest('maatstafRoute', null);
  registerAuthentication(app, opts.authn ?? createAuthenticator());

  app.setErrorHandler((error, request, reply) => {
    const err = normaliseError(error);
    if (err.code === 'INTERNAL') request.log.error({ err: error }, 'internal error');
    else if (err.status >= 500) request.log.warn({ err: error, code: err.code }, err.message);
    return sendProblem(reply, request, err);
  });
  app.setNotFoundHandler((request, reply) => {
    // A route may hand over to this handler (a static file route, for a missing file): the route read
    // so far is no longer the one answering (metrics label it as unmatched).
    request.maatstafRoute = null;
    return sendProblem(reply, request, new MaatstafError('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`));
  });

  // Before the routes: the rate limiter and compression attach themselves to routes as they are registered.
  await registerHardening(app, opts.hardening);
  await registerCompression(app, opts.compressionMinBytes ?? 1024);
  // After the rate limiter (its route hooks come first) and before every route.
  answerRefusals(app, (reply, request, err) => {
    if (!isODataRequest(request)) return sendProblem(reply, request, err);
    // OData clients read OData errors, and Power BI the Bearer challenge that names the sign-in endpoint.
    if (err.code === 'UNAUTHENTICATED') {
      const invalid = String(reply.getHeader('www-authenticate') ?? '').includes('invalid_token');
      reply.header('www-authenticate', odataChallenge(opts.odata?.oidcIssuer, invalid ? 'invalid_token' : undefined));
    }
    return sendODataError(reply, request, err);
  });
  registerHealthRoutes(app, opts.state);
  await registerRestApi(app, opts.state);
  await registerGraphqlApi(app, opts.state, opts.graphql);
  if (graphiqlEnabled(opts.graphql)) registerGraphiqlRoutes(app);
  await registerODataApi(app, opts.state, opts.odata);
  await registerWebRoutes(app, opts.web);
  return app;
}
