import { pino, type Logger } from 'pino';
import { authFromConfig } from '../access/authn/index.js';
import { isMaatstafError } from '../core/errors.js';
import type { Config } from '../config/config.js';
import { redactUrl } from '../config/config.js';
import { createServer, type MaatstafServer } from '../server/create-server.js';
import { secretSafeLogOptions } from '../server/hardening-log.js';
import { ensureEmbeddedDemo } from './demo-setup.js';
import { CliExit } from './fail.js';
import { openServingWarehouse } from './warehouse-from-config.js';

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
  const warehouse = await openServingWarehouse(
    config,
    (setUp) => ensureEmbeddedDemo(setUp, log, { metricsDir: config.metricsDir, schema: config.rollupSchema }),
    (reason) => log.warn({ reason }, 'embedded warehouse thread restarted (a statement timed out, was cancelled or the thread crashed)'),
  );
  log.info({ warehouse: config.databaseUrl ? redactUrl(config.databaseUrl) : `embedded:${config.dataDir}` }, 'warehouse ready');

  log.info(auth.summary, 'authentication configured');
  if (auth.summary.demoKeys) log.warn('demo API keys are active (--demo on the embedded demo warehouse; never use this setup for real data; see README "Authentication")');
  if (auth.demoRefused !== undefined) log.warn(auth.demoRefused);

  let server: MaatstafServer;
  try {
    server = await createServer(config, { warehouse, logger: log, authn: auth.authenticator, production: process.env.NODE_ENV === 'production' });
  } catch (e) {
    await warehouse.close().catch(() => {});
    if (isMaatstafError(e)) throw new CliExit(2, e.message);
    throw e;
  }
  const { app } = server;
  const watcher = opts.watch ? server.watch() : undefined;
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (e) {
    watcher?.close();
    await server.close().catch(() => {});
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
    server
      // Drains in-flight requests, then writes queued audit entries before the warehouse closes.
      .close()
      .then(() => warehouse.close())
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
