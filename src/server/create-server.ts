/**
 * The composition root: the one place that builds a maatstaf server from its configuration. The
 * CLI (`maatstaf serve`), the test helpers and the benchmarks (through the CLI) all start here,
 * so the wiring below is the wiring that runs. It is written out in order:
 *
 *   warehouse → concurrency limit → engine (definitions) → result cache → server state
 *   (query limits, audit log, access policy) → HTTP app (hardening, authentication, REST,
 *   GraphQL, web) → /internal/metrics.
 *
 * A reload of the definitions (`reload()`, or `watch()` on file changes) repeats the engine steps
 * explicitly: clear the cache, put the new engine in service (the cache layer wraps it on first
 * use), re-read the access policy, rebuild the GraphQL schema.
 */
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { createAuthenticator, type Authenticator } from '../access/authn/index.js';
import type { AccessPolicy } from '../access/policy-schema.js';
import { setupAccessPolicy, type PolicyReloader } from '../access/serve-policy.js';
import { rebuildGraphqlSchema } from '../api/graphql/index.js';
import { setupAuditLog, type AuditSetup } from '../audit/setup.js';
import type { AuditLog } from '../audit/types.js';
import { createRedisTier } from '../cache/shared-tier.js';
import { createSpeedLayer, type SpeedLayer } from '../cache/speed-layer.js';
import type { Config } from '../config/config.js';
import { loadEngine, type LoadedEngine } from '../engine/load-engine.js';
import { startRollupRefresher } from './rollup-refresher.js';
import type { Engine } from '../engine/types.js';
import type { ServerState } from '../http/state.js';
import { createServerMetrics } from '../observability/metrics.js';
import { registerMetricsRoutes } from '../observability/metrics.routes.js';
import { embeddedThreadOf } from '../warehouse/pglite-threaded.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { buildApp } from './app.js';
import { parseCorsOrigins, type HardeningOptions } from './hardening.js';
import { reloadDefinitions, watchDefinitions, type DefinitionsWatcher, type ReloadOutcome } from './reload.js';

/** What the configuration does not hold: the open warehouse and the process's choices. */
export interface ServerParts {
  /** The warehouse, open (the CLI opens and seeds it; tests open theirs). Not closed by `close()`. */
  readonly warehouse: Warehouse;
  /** A pino logger; false or absent = silent (tests). */
  readonly logger?: Logger | false;
  /** Who is calling. Default: anonymous callers only (the CLI passes the one from its configuration). */
  readonly authn?: Authenticator;
  /**
   * The access policy in force; null = none (every caller may use everything: tests). Default: read
   * as `maatstaf serve` does (config.accessPolicy, else <metrics>/access.yml, else open in
   * development and public metrics only when `production`), and re-read after each reload.
   */
  readonly access?: AccessPolicy | null;
  /** An audit log to use instead of the one config.audit sets up (tests). */
  readonly audit?: AuditLog;
  /** NODE_ENV=production: without a policy file only public metrics are served. */
  readonly production?: boolean;
  /** Replaces the hardening the configuration gives (tests: rate limits off). */
  readonly hardening?: HardeningOptions;
  /** Process metrics (CPU, memory) on /internal/metrics; default on. */
  readonly processMetrics?: boolean;
}

export interface MaatstafServer {
  readonly app: FastifyInstance;
  readonly state: ServerState;
  readonly speed: SpeedLayer;
  /** Loads the definitions again and, when they load, puts the new engine in service. */
  reload(): Promise<ReloadOutcome>;
  /** Reloads after edits in the metrics folder settle (`maatstaf serve --watch`). */
  watch(): DefinitionsWatcher;
  /** Stops the app (draining requests), then flushes the audit log and closes the shared cache tier. */
  close(): Promise<void>;
}

/** The hardening `maatstaf serve` applies: CORS allowlist, URL length and rate limits from the configuration. */
export function hardeningFrom(config: Config): HardeningOptions {
  return {
    corsOrigins: parseCorsOrigins(config.corsOrigins),
    maxUrlLength: config.maxUrlLength,
    rateLimit: {
      max: config.rateLimitMax,
      anonymousMax: config.rateLimitAnonymousMax,
      windowMs: config.rateLimitWindowMs,
      ...(config.redisUrl ? { redisUrl: config.redisUrl } : {}),
    },
  };
}

export async function createServer(config: Config, parts: ServerParts): Promise<MaatstafServer> {
  const log = parts.logger || pino({ level: 'silent' });
  const metrics = createServerMetrics({ processMetrics: parts.processMetrics ?? true, embeddedThread: embeddedThreadOf(parts.warehouse) });
  const shared = config.redisUrl ? createRedisTier({ url: config.redisUrl, keepMs: config.cacheTtlMs + config.staleIfErrorMs, log }) : undefined;
  const speed = createSpeedLayer(config, metrics.speedLayerEvents, shared);
  // Every query waits for a warehouse slot; callers' engines answer through the result cache layer.
  const warehouse = speed.protectWarehouse(parts.warehouse);

  const state: ServerState = { warehouse, engine: undefined, definitionsError: undefined, cache: speed.layer(warehouse) };
  const engineOptions = { onRollupDecision: metrics.observeRollups, ...(config.rollupSchema ? { rollupSchema: config.rollupSchema } : {}) };
  const loaded = await loadEngine(config.metricsDir, warehouse, engineOptions);
  // With a writable connection, rollups are refreshed on their schedule (serving itself never writes).
  const rollupRefresher = config.rollupWriteUrl ? await startRollupRefresher(config, log, loaded.rollups) : undefined;
  if (loaded.engine) {
    state.engine = loaded.engine;
    log.info({ metricsDir: config.metricsDir, version: loaded.engine.definitions.version }, 'definitions loaded');
  } else {
    state.definitionsError = loaded.error;
    log.error({ metricsDir: config.metricsDir }, `definitions not loaded: ${loaded.error}`);
  }
  state.csvFormulaEscape = config.csvFormulaEscape;
  state.queryLimits = {
    maxMetrics: config.maxQueryMetrics,
    maxGroupBy: config.maxQueryGroupBy,
    maxRows: config.maxQueryRows,
    maxExportRows: config.maxExportRows,
    anonymousMaxRows: config.anonymousExportMaxRows,
    dimensionOnlyMaxRows: config.dimensionOnlyMaxRows,
  };

  // The audit log writes to the raw warehouse (not through the query limiter) or its own database.
  let auditSetup: AuditSetup | undefined;
  if (parts.audit) state.audit = parts.audit;
  else if (config.audit) {
    auditSetup = await setupAuditLog(parts.warehouse, {
      auditDatabaseUrl: config.auditDatabaseUrl,
      auditSchema: config.auditSchema,
      log: log.child({ component: 'audit' }, { level: auditLogLevel(config.logLevel) }),
    });
    state.audit = auditSetup.audit;
  } else log.warn('audit log disabled (MAATSTAF_AUDIT=false): queries of internal and personal metrics are not recorded');

  // Before buildApp: the GraphQL schema leaves out the name enums when a policy is in force.
  let policy: PolicyReloader | undefined;
  try {
    if (parts.access !== undefined) state.access = parts.access ?? undefined;
    else policy = await setupAccessPolicy(state, { accessPolicy: config.accessPolicy, metricsDir: config.metricsDir, production: parts.production ?? false }, log);
  } catch (e) {
    await auditSetup?.close().catch(() => {});
    await shared?.close().catch(() => {});
    throw e;
  }

  const app = await buildApp({
    state,
    logger: parts.logger ?? false,
    graphql: { introspection: config.graphqlIntrospection },
    odata: { pageSize: config.odataPageSize, maxPageSize: config.maxQueryRows, oidcIssuer: config.oidcIssuer },
    authn: parts.authn ?? createAuthenticator(),
    bodyLimitBytes: config.bodyLimitBytes,
    hardening: parts.hardening ?? hardeningFrom(config),
    trustProxy: config.trustProxy,
    timeouts: { requestMs: config.requestTimeoutMs, headersMs: config.headersTimeoutMs, keepAliveMs: config.keepAliveTimeoutMs },
    compressionMinBytes: config.compressionMinBytes,
  });
  registerMetricsRoutes(app, metrics);

  // A new set of definitions, in the same order as at start. The cache is cleared first: its
  // answers were computed from the old definitions.
  const putInService = async (engine: Engine, next: LoadedEngine): Promise<void> => {
    speed.cache.clear();
    rollupRefresher?.use(next.rollups);
    state.engine = engine;
    await policy?.(engine);
    rebuildGraphqlSchema(app, state.engine);
  };
  const reload = () => reloadDefinitions(state, config.metricsDir, log, putInService, engineOptions);

  return {
    app,
    state,
    speed,
    reload,
    watch: () => watchDefinitions(reload, config.metricsDir, log),
    async close() {
      await rollupRefresher?.close();
      await app.close();
      // Queued audit entries are written before their database closes.
      await auditSetup?.close();
      await shared?.close();
    },
  };
}

/** Audit lines are written even when LOG_LEVEL is warn or error (only `silent` turns them off). */
export function auditLogLevel(level: Config['logLevel']): Config['logLevel'] {
  return level === 'warn' || level === 'error' || level === 'fatal' ? 'info' : level;
}
