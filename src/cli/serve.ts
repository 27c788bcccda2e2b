import { pino, type Logger } from 'pino';
import { authFromConfig } from '../access/authn/index.js';
import { setupAccessPolicy } from '../access/serve-policy.js';
import { isMaatstafError } from '../core/errors.js';
import type { Config } from '../config/config.js';
import { redactUrl } from '../config/config.js';
import { rebuildGraphqlSchema } from '../api/graphql/index.js';
import { createSpeedLayer } from '../cache/speed-layer.js';
import { createRedisTier } from '../cache/shared-tier.js';
import { loadEngine } from '../engine/load-engine.js';
import { createServerMetrics } from '../observability/metrics.js';
import { registerMetricsRoutes } from '../observability/metrics.routes.js';
import { buildApp } from '../server/app.js';
import { secretSafeLogOptions } from '../server/hardening-log.js';
import { parseCorsOrigins } from '../server/hardening.js';
import { setupAuditLog } from '../audit/setup.js';
import { watchDefinitions } from '../server/reload.js';
import type { ServerState } from '../http/state.js';
import { ensureEmbeddedDemo } from './demo-setup.js';
import { CliExit } from './fail.js';
import { openConfiguredWarehouse } from './warehouse-from-config.js';

export function createLogger(config: Config): Logger {
  return pino({
    level: config.logLevel,
    // Secrets never reach the log, whatever a plugin logs (headers, cookies, URL passwords).
    ...secretSafeLogOptions(),
  });
}

export interface ServeOptions {
  /** Reload the definitions when files in the metrics folder change (development). */
  readonly watch?: boolean;
}

/**
 * `maatstaf serve`: reads a warehouse (never writes its data; the audit log goes to maatstaf's own
 * schema there unless MAATSTAF_AUDIT_DATABASE_URL names another database), loads the definitions and
 * serves the API until SIGTERM/SIGINT, then drains in-flight requests and closes the pool.
 */
export async function serve(config: Config, opts: ServeOptions = {}): Promise<void> {
  const log = createLogger(config);
  // A bad key file or OIDC setting stops the process (exit 2) before the warehouse is touched.
  const auth = authFromConfig(config, process.env.NODE_ENV);
  const warehouse = await openConfiguredWarehouse(config);
  if (!config.databaseUrl) await ensureEmbeddedDemo(warehouse, log);
  log.info({ warehouse: config.databaseUrl ? redactUrl(config.databaseUrl) : `embedded:${config.dataDir}` }, 'warehouse ready');

  // Speed layer: queries queue per warehouse; engines (reloads too) answer through the result cache.
  const metrics = createServerMetrics();
  const shared = config.redisUrl ? createRedisTier({ url: config.redisUrl, keepMs: config.cacheTtlMs + config.staleIfErrorMs, log }) : undefined;
  const speed = createSpeedLayer(config, metrics.speedLayerEvents, shared);
  const state: ServerState = { warehouse: speed.protectWarehouse(warehouse), engine: undefined, definitionsError: undefined, onReload: [] };
  const loaded = await loadEngine(config.metricsDir, state.warehouse);
  if (loaded.engine) {
    state.engine = loaded.engine;
    log.info({ metricsDir: config.metricsDir, version: loaded.engine.definitions.version }, 'definitions loaded');
  } else {
    state.definitionsError = loaded.error;
    log.error({ metricsDir: config.metricsDir }, `definitions not loaded: ${loaded.error}`);
  }

  speed.attach(state);
  state.csvFormulaEscape = config.csvFormulaEscape;
  state.queryLimits = { maxMetrics: config.maxQueryMetrics, maxGroupBy: config.maxQueryGroupBy, maxRows: config.maxQueryRows, maxExportRows: config.maxExportRows,
    anonymousMaxRows: config.anonymousExportMaxRows, dimensionOnlyMaxRows: config.dimensionOnlyMaxRows };
  // Audit log on the raw warehouse (not through the query limiter) or its own database.
  const auditSetup = config.audit
    ? await setupAuditLog(warehouse, { auditDatabaseUrl: config.auditDatabaseUrl, auditSchema: config.auditSchema, log: log.child({ component: 'audit' }, { level: auditLogLevel(config.logLevel) }) })
    : undefined;
  state.audit = auditSetup?.audit;
  if (!auditSetup) log.warn('audit log disabled (MAATSTAF_AUDIT=false): queries of internal and personal metrics are not recorded');
  // Before buildApp: the GraphQL schema leaves out the name enums when a policy is in force.
  try {
    await setupAccessPolicy(state, { accessPolicy: config.accessPolicy, metricsDir: config.metricsDir, production: process.env.NODE_ENV === 'production' }, log);
  } catch (e) {
    await warehouse.close().catch(() => {});
    if (isMaatstafError(e)) throw new CliExit(2, e.message);
    throw e;
  }
  log.info(auth.summary, 'authentication configured');
  if (auth.summary.demoKeys) log.warn('demo API keys are active (--demo on the embedded demo warehouse; never use this setup for real data; see README "Authentication")');
  if (auth.demoRefused !== undefined) log.warn(auth.demoRefused);
  const app = await buildApp({ state, logger: log, graphql: { introspection: config.graphqlIntrospection },
    authn: auth.authenticator,
    bodyLimitBytes: config.bodyLimitBytes,
    hardening: {
      corsOrigins: parseCorsOrigins(config.corsOrigins),
      maxUrlLength: config.maxUrlLength,
      rateLimit: { max: config.rateLimitMax, windowMs: config.rateLimitWindowMs, ...(config.redisUrl ? { redisUrl: config.redisUrl } : {}) },
    },
  });
  registerMetricsRoutes(app, metrics);
  // After a reload the GraphQL enums (metric and group-by names) must follow the new definitions.
  state.onReload!.push((engine) => rebuildGraphqlSchema(app, engine));
  const watcher = opts.watch ? watchDefinitions(state, config.metricsDir, log) : undefined;
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (e) {
    watcher?.close();
    await auditSetup?.close().catch(() => {});
    await warehouse.close().catch(() => {});
    const err = e as { code?: string; message?: string };
    if (err.code === 'EADDRINUSE') throw new CliExit(1, `port ${config.port} on ${config.host} is already in use (set --port or PORT)`);
    if (err.code === 'EACCES') throw new CliExit(1, `no permission to listen on ${config.host}:${config.port}`);
    throw new CliExit(1, `cannot listen on ${config.host}:${config.port}: ${err.message ?? String(e)}`);
  }

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down: draining in-flight requests');
    const force = setTimeout(() => {
      log.warn('shutdown took longer than 10 s; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    watcher?.close();
    app
      .close()
      // Queued audit entries are written before the database closes.
      .then(() => auditSetup?.close())
      .then(() => warehouse.close())
      .then(() => shared?.close())
      .then(() => {
        log.info('stopped');
        process.exit(0);
      })
      .catch((err: unknown) => {
        log.error({ err }, 'error while shutting down');
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

/** Audit lines are written even when LOG_LEVEL is warn or error (only `silent` turns them off). */
export function auditLogLevel(level: Config['logLevel']): Config['logLevel'] {
  return level === 'warn' || level === 'error' || level === 'fatal' ? 'info' : level;
}

/** MAATSTAF_WATCH=1 / true / yes turns on hot reload. */
export function watchFromEnv(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes|on)$/i.test(value.trim());
}
