import { pino, type Logger } from 'pino';
import type { Config } from '../config/config.js';
import { redactUrl } from '../config/config.js';
import { rebuildGraphqlSchema } from '../api/graphql/index.js';
import { createSpeedLayer } from '../cache/speed-layer.js';
import { createRedisTier } from '../cache/shared-tier.js';
import { loadEngine } from '../engine/load-engine.js';
import { createServerMetrics } from '../observability/metrics.js';
import { registerMetricsRoutes } from '../observability/metrics.routes.js';
import { buildApp } from '../server/app.js';
import { watchDefinitions } from '../server/reload.js';
import type { ServerState } from '../server/state.js';
import { ensureEmbeddedDemo } from './demo-setup.js';
import { CliExit } from './fail.js';
import { openConfiguredWarehouse } from './warehouse-from-config.js';

export function createLogger(config: Config): Logger {
  return pino({
    level: config.logLevel,
    // Secrets never reach the log, whatever a plugin logs.
    redact: ['req.headers.authorization', 'req.headers["x-api-key"]', 'databaseUrl', '*.password'],
  });
}

export interface ServeOptions {
  /** Reload the definitions when files in the metrics folder change (development). */
  readonly watch?: boolean;
}

/**
 * `maatstaf serve`: reads a warehouse (never writes to one given by URL), loads the definitions and
 * serves the API until SIGTERM/SIGINT, then drains in-flight requests and closes the pool.
 */
export async function serve(config: Config, opts: ServeOptions = {}): Promise<void> {
  const log = createLogger(config);
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
  const app = await buildApp({ state, logger: log, graphql: { introspection: config.graphqlIntrospection } });
  registerMetricsRoutes(app, metrics);
  // After a reload the GraphQL enums (metric and group-by names) must follow the new definitions.
  state.onReload!.push((engine) => rebuildGraphqlSchema(app, engine));
  const watcher = opts.watch ? watchDefinitions(state, config.metricsDir, log) : undefined;
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (e) {
    watcher?.close();
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

/** MAATSTAF_WATCH=1 / true / yes turns on hot reload. */
export function watchFromEnv(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes|on)$/i.test(value.trim());
}
