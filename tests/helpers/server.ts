/**
 * A maatstaf server for tests, built by the composition root (`createServer`) exactly as
 * `maatstaf serve` builds it, on a warehouse the test opened. Defaults suited to tests: no audit
 * log and no access policy unless given, rate limits off, no process metrics, no logger.
 */
import { loadConfig, type Config } from '../../src/config/config.js';
import { createServer, type MaatstafServer, type ServerParts } from '../../src/server/create-server.js';
import type { Warehouse } from '../../src/warehouse/warehouse.js';

export interface TestServerOptions extends Omit<ServerParts, 'warehouse'> {
  /** Settings as `maatstaf serve` reads them (metricsDir, cache TTL, limits, …); the rest are the defaults. */
  readonly config?: Partial<Config>;
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({ audit: 'false' }, {}), ...overrides };
}

export async function testServer(warehouse: Warehouse, opts: TestServerOptions = {}): Promise<MaatstafServer> {
  const { config, ...parts } = opts;
  return createServer(testConfig(config), { processMetrics: false, hardening: {}, access: null, ...parts, warehouse });
}
