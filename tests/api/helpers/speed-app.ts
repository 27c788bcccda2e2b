/** The demo app with the speed layer and the metrics endpoint, wired like `maatstaf serve`. */
import supertest from 'supertest';
import type { Authenticator } from '../../../src/access/authn/index.js';
import { createSpeedLayer, DEFAULT_SPEED_LAYER, type SpeedLayerSettings } from '../../../src/cache/speed-layer.js';
import { createServerMetrics } from '../../../src/observability/metrics.js';
import { registerMetricsRoutes } from '../../../src/observability/metrics.routes.js';
import { buildApp } from '../../../src/server/app.js';
import type { HardeningOptions } from '../../../src/server/hardening.js';
import type { ServerState } from '../../../src/http/state.js';
import type { Warehouse } from '../../../src/warehouse/warehouse.js';
import { engineFor, type TestApp } from './demo-app.js';

/** Extra server state (access policy, audit log, query limits) and the authenticator. */
export interface SpeedAppExtras {
  readonly state?: Pick<ServerState, 'access' | 'audit' | 'queryLimits'>;
  readonly authn?: Authenticator;
  /** CORS allowlist, rate limits and the like, as `maatstaf serve` takes them. */
  readonly hardening?: HardeningOptions;
}

export async function speedApp(wh: Warehouse, settings: Partial<SpeedLayerSettings> = {}, extras: SpeedAppExtras = {}): Promise<TestApp> {
  const metrics = createServerMetrics({ processMetrics: false });
  const speed = createSpeedLayer({ ...DEFAULT_SPEED_LAYER, ...settings }, metrics.speedLayerEvents);
  const warehouse = speed.protectWarehouse(wh);
  const state: ServerState = { warehouse, engine: await engineFor('metrics', warehouse), definitionsError: undefined, onReload: [], ...extras.state };
  speed.attach(state);
  const app = await buildApp({ state, logger: false, ...(extras.authn ? { authn: extras.authn } : {}), ...(extras.hardening ? { hardening: extras.hardening } : {}) });
  registerMetricsRoutes(app, metrics);
  await app.ready();
  return { app, state, http: () => supertest.agent(app.server), close: () => app.close() };
}

