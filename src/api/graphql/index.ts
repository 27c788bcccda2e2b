/**
 * The GraphQL API: mercurius on the app's Fastify instance at `/graphql`, GraphiQL at `/graphiql`,
 * a schema generated from the loaded definitions, resolvers over the same engine functions as
 * REST, error codes shared with REST, and limits on depth, cost, aliases, batching and length.
 *
 * Every module here imports `graphql/index.js` rather than `graphql`: mercurius require()s the
 * CommonJS build, and a bundler-style resolver (vitest) would otherwise load the ESM build too,
 * and graphql-js refuses types from "another module or realm". In Node both names are one file.
 */
import type { FastifyInstance } from 'fastify';
import { validateSchema } from 'graphql/index.js';
import mercurius from 'mercurius';
import type { Engine } from '../../engine/types.js';
import type { ServerState } from '../../http/state.js';
import { clientGoneSignal } from '../../http/client-signal.js';
import { requestIdsOf } from '../../http/request-id.js';
import { createContext } from './context.js';
import { formatGraphqlErrors } from './errors.js';
import { DEFAULT_GRAPHQL_LIMITS, validationRules, type GraphqlLimits } from './limits.js';
import { requestGuard } from './request-guard.js';
import { buildGraphqlSchema } from './schema.js';

export { buildGraphqlSchema } from './schema.js';
export { DEFAULT_GRAPHQL_LIMITS, type GraphqlLimits } from './limits.js';

export interface GraphqlApiOptions {
  /** Answer `__schema`/`__type` queries; default true. Off refuses them with INTROSPECTION_DISABLED. */
  readonly introspection?: boolean;
  /** Serve GraphiQL at /graphiql; default: on when introspection is (it needs introspection). */
  readonly graphiql?: boolean;
  /** Overrides of DEFAULT_GRAPHQL_LIMITS. */
  readonly limits?: Partial<GraphqlLimits>;
}

/**
 * Whether the schema carries the MetricName/GroupByName/SavedQueryName enums. They list every name
 * of the definitions, so under an access policy (state.access) the name arguments are plain
 * Strings instead: one schema serves every caller and introspection reveals no metric a caller
 * may not use (the catalogue fields list only those). Remembered per app for schema rebuilds.
 */
const withNameEnums = new WeakMap<FastifyInstance, boolean>();
function nameEnumsFor(app: FastifyInstance, state: ServerState): boolean {
  const enums = !state.access;
  withNameEnums.set(app, enums);
  return enums;
}

/** Whether GraphiQL is served (it needs introspection). */
export function graphiqlEnabled(opts: GraphqlApiOptions = {}): boolean {
  return opts.graphiql ?? opts.introspection ?? true;
}

/** Registers `/graphql` on the app (GraphiQL: src/server/graphiql.routes.ts). Call before `app.ready()`. */
export async function registerGraphqlApi(app: FastifyInstance, state: ServerState, opts: GraphqlApiOptions = {}): Promise<void> {
  const limits: GraphqlLimits = { ...DEFAULT_GRAPHQL_LIMITS, ...opts.limits };
  const introspection = opts.introspection ?? true;
  await app.register(mercurius, {
    schema: buildGraphqlSchema(state.engine, { nameEnums: nameEnumsFor(app, state) }),
    path: '/graphql',
    // GraphiQL is served from local files by src/server/graphiql.routes.ts (mercurius' page loads it from unpkg.com).
    graphiql: false,
    // One operation per request keeps every limit per request.
    allowBatchedQueries: false,
    validationRules: validationRules(limits, introspection),
    graphql: { parseOptions: { maxTokens: limits.maxTokens } },
    errorFormatter: formatGraphqlErrors,
    context: (request, reply) => createContext(state, requestIdsOf(request), request.caller, clientGoneSignal(request, reply)),
    additionalRouteOptions: { preValidation: requestGuard(limits) },
  });
}

/**
 * Replaces the schema after the definitions were reloaded (new metric, group-by and saved-query
 * enums), without a restart. Resolvers always use the state's current engine; pass that engine here.
 */
export function rebuildGraphqlSchema(app: FastifyInstance, engine: Engine | undefined): void {
  const schema = buildGraphqlSchema(engine, { nameEnums: withNameEnums.get(app) ?? true });
  const problems = validateSchema(schema);
  if (problems.length > 0) throw new Error(`generated GraphQL schema is invalid: ${problems.map((p) => p.message).join('; ')}`);
  app.graphql.replaceSchema(schema);
}
