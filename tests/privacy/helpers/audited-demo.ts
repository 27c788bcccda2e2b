/**
 * The demo app as `maatstaf serve` wires it for the audit: the demo definitions (plus one saved
 * query of personal data), the demo access policy and API keys, the result cache, and a real audit
 * log in its own schema whose store can be switched off ("the audit store is down").
 */
import type { FastifyInstance } from 'fastify';
import supertest from 'supertest';
import { createAuthenticator, demoApiKeys } from '../../../src/access/authn/index.js';
import { loadAccessPolicy } from '../../../src/access/load-policy.js';
import { createAuditLog, type QueuedAuditLog } from '../../../src/audit/audit-log.js';
import { createSqlAuditStore, migrateAuditStore, type AuditStore } from '../../../src/audit/store.js';
import { createSpeedLayer, DEFAULT_SPEED_LAYER } from '../../../src/cache/speed-layer.js';
import { buildApp } from '../../../src/server/app.js';
import type { ServerState } from '../../../src/http/state.js';
import { demoDefinitionsWith, engineFor, openDemoWarehouse } from '../../api/helpers/demo-app.js';
import type { EngineName, TestWarehouse } from '../../helpers/warehouses.js';

/** A saved query of personal data (the demo has none): benefit cases started per district. */
export const PERSONAL_SAVED_QUERY = 'audit_benefit_cases_by_district';
export const PERSONAL_SAVED_QUERY_YAML = `saved_queries:
  - name: ${PERSONAL_SAVED_QUERY}
    label: Gestarte uitkeringen per wijk
    description: Personal data (benefit cases) as district totals, for the audit coverage test.
    query_params:
      metrics: [benefit_cases_started]
      group_by: ["Dimension('district__district_name')"]
`;

export interface AuditedDemo {
  readonly wh: TestWarehouse;
  readonly app: FastifyInstance;
  readonly audit: QueuedAuditLog;
  readonly http: () => supertest.Agent;
  /** Entries stored so far (after flushing the queue). */
  storedEntries(): Promise<number>;
  /** Takes the audit store down (every insert fails) or brings it back. */
  setStoreDown(down: boolean): void;
  close(): Promise<void>;
}

export async function openAuditedDemo(engineName: EngineName): Promise<AuditedDemo> {
  const wh = await openDemoWarehouse(engineName);
  const defs = demoDefinitionsWith({ 'zz_audit_saved_query.yml': PERSONAL_SAVED_QUERY_YAML });
  const schema = `cov_${Math.random().toString(16).slice(2, 10)}`;
  await migrateAuditStore(wh, schema);
  const sql = createSqlAuditStore(wh, schema);
  let down = false;
  const store: AuditStore = { ...sql, insert: (rows) => (down ? Promise.reject(new Error('audit store down (test)')) : sql.insert(rows)) };
  const audit = createAuditLog({ store, retryMs: 60_000 });
  const loaded = await engineFor(defs.dir, wh);
  const speed = createSpeedLayer(DEFAULT_SPEED_LAYER);
  const { policy } = await loadAccessPolicy(`${defs.dir}/access.yml`, loaded.graph);
  const state: ServerState = { warehouse: wh, engine: speed.wrapEngine(loaded), definitionsError: undefined, access: policy, audit };
  const app = await buildApp({ state, logger: false, authn: createAuthenticator({ apiKeys: demoApiKeys() }) });
  await app.ready();
  return {
    wh,
    app,
    audit,
    http: () => supertest.agent(app.server),
    async storedEntries() {
      await audit.flush();
      const { rows } = await wh.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".query_log`);
      return rows[0]!.n;
    },
    setStoreDown(value) {
      down = value;
    },
    async close() {
      await app.close();
      down = false;
      await audit.close().catch(() => {});
      if (engineName === 'postgres') await wh.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await wh.dispose();
      defs.cleanup();
    },
  };
}
