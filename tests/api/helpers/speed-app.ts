/** The demo app as `maatstaf serve` builds it (createServer: speed layer, query limits, metrics endpoint). */
import supertest from 'supertest';
import type { Authenticator } from '../../../src/access/authn/index.js';
import type { SpeedLayerSettings } from '../../../src/cache/speed-layer.js';
import type { ServerState } from '../../../src/http/state.js';
import type { HardeningOptions } from '../../../src/server/hardening.js';
import type { Warehouse } from '../../../src/warehouse/warehouse.js';
import { testServer } from '../../helpers/server.js';
import { DEMO_METRICS_DIR, type TestApp } from './demo-app.js';

/** Extra server state (access policy, audit log, query limits) and the authenticator. */
export interface SpeedAppExtras {
  readonly state?: Pick<ServerState, 'access' | 'audit' | 'queryLimits'>;
  readonly authn?: Authenticator;
  /** CORS allowlist, rate limits and the like, as `maatstaf serve` takes them; default none. */
  readonly hardening?: HardeningOptions;
}

export async function speedApp(wh: Warehouse, settings: Partial<SpeedLayerSettings> = {}, extras: SpeedAppExtras = {}): Promise<TestApp> {
  const limits = extras.state?.queryLimits;
  const server = await testServer(wh, {
    config: {
      metricsDir: DEMO_METRICS_DIR,
      ...settings,
      ...(limits ? { maxQueryMetrics: limits.maxMetrics, maxQueryGroupBy: limits.maxGroupBy, maxQueryRows: limits.maxRows, maxExportRows: limits.maxExportRows ?? 0 } : {}),
    },
    ...(extras.state?.access ? { access: extras.state.access } : {}),
    ...(extras.state?.audit ? { audit: extras.state.audit } : {}),
    ...(extras.authn ? { authn: extras.authn } : {}),
    ...(extras.hardening ? { hardening: extras.hardening } : {}),
  });
  await server.app.ready();
  return { app: server.app, state: server.state, http: () => supertest.agent(server.app.server), close: () => server.close() };
}
