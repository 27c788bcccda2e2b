/**
 * The audit log end to end on the demo: every query of personal or internal metrics over REST, CSV
 * and GraphQL is stored (none lost under 200 concurrent requests), refusals too, public queries are
 * not; personal data fails closed when the audit store is down; GET /v1/audit for auditors only.
 */
import type { FastifyInstance } from 'fastify';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator, generateApiKey, hashApiKey } from '../../src/access/authn/index.js';
import { loadAccessPolicy } from '../../src/access/load-policy.js';
import { createAuditLog, type QueuedAuditLog } from '../../src/audit/audit-log.js';
import { buildApp } from '../../src/server/app.js';
import type { ServerState } from '../../src/http/state.js';
import { ENGINES, type TestWarehouse } from '../helpers/warehouses.js';
import { openTestAuditLog, type TestAuditLog } from './helpers/audit-log.js';
import { DEMO_METRICS_DIR, engineFor, openDemoWarehouse } from './helpers/demo-app.js';


const KEYS = {
  serviceplein: generateApiKey(),
  wijkteam: generateApiKey(),
  auditor: generateApiKey(),
  analyst: generateApiKey(),
};

const PERSONAL = 'benefit_cases_started';
const INTERNAL = 'reporting_residents';
const PUBLIC = 'reports_received';

describe.each(ENGINES)('audit log on %s', (engineName) => {
  let wh: TestWarehouse;
  let log: TestAuditLog;
  let app: FastifyInstance;
  let state: ServerState;
  let audit: QueuedAuditLog;
  const http = () => supertest(app.server);
  const as = (key: string) => ({ 'x-api-key': key });
  const rowsOf = (requestIds: readonly string[]) => log.rows(requestIds);
  /** The server's id of the row-level filter test's request (listed again by GET /v1/audit). */
  let rowRequestId = '';

  beforeAll(async () => {
    wh = await openDemoWarehouse(engineName);
    log = await openTestAuditLog(wh, engineName, 'audit');
    audit = log.audit;
    const engine = await engineFor(DEMO_METRICS_DIR, wh);
    const { policy } = await loadAccessPolicy(`${DEMO_METRICS_DIR}/access.yml`, engine.graph);
    state = { warehouse: wh, engine, definitionsError: undefined, access: policy, audit };
    const authn = createAuthenticator({
      apiKeys: [
        { name: 'team-inkomen', hash: hashApiKey(KEYS.serviceplein), roles: ['serviceplein'] },
        { name: 'wijkteam-molenwijk', hash: hashApiKey(KEYS.wijkteam), roles: ['wijkteam_molenwijk'] },
        { name: 'accountant', hash: hashApiKey(KEYS.auditor), roles: ['auditor'] },
        { name: 'datateam', hash: hashApiKey(KEYS.analyst), roles: ['analyst', 'auditor'] },
      ],
    });
    app = await buildApp({ state, logger: false, authn });
    await app.ready();
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await log?.close();
    await wh?.dispose();
  });

  it('records every one of 200 concurrent personal-data queries over REST, CSV and GraphQL', async () => {
    const body = { metrics: [PERSONAL], groupBy: ['metric_time__year'] };
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) => {
        const id = `conc-${engineName}-${i}`;
        const headers = { ...as(KEYS.serviceplein), 'x-request-id': id };
        if (i % 3 === 0) return http().post('/v1/query').set(headers).send(body);
        if (i % 3 === 1) return http().post('/v1/query').set({ ...headers, accept: 'text/csv' }).send(body);
        return http()
          .post('/graphql')
          .set(headers)
          .send({ query: `{ query(input: {metrics: ["${PERSONAL}"], groupBy: ["metric_time__year"]}) { rows } }` });
      }),
    );
    for (const r of responses) expect(r.status).toBe(200);
    const jsonRows = (responses[0]!.body as { rows: unknown[] }).rows.length;
    expect(jsonRows).toBeGreaterThan(0);
    const rows = await rowsOf(responses.map((r) => r.headers['x-request-id'] as string));
    expect(rows).toHaveLength(200);
    const byInterface = (name: string) => rows.filter((r) => r.interface === name).length;
    expect([byInterface('rest'), byInterface('csv'), byInterface('graphql')]).toEqual([67, 67, 66]);
    for (const r of rows) {
      expect(r).toMatchObject({ outcome: 'ok', caller_id: 'team-inkomen', row_count: jsonRows, roles: ['serviceplein'] });
      expect(r.query).toMatchObject({ metrics: [PERSONAL], groupBy: ['metric_time__year'], where: [], rowFilters: [] });
    }
  }, 120_000);

  it('records internal metrics, not public ones', async () => {
    const internal = await http().post('/v1/query').set({ ...as(KEYS.serviceplein), 'x-request-id': `int-${engineName}` }).send({ metrics: [INTERNAL] });
    const pub = await http().post('/v1/query').set({ ...as(KEYS.serviceplein), 'x-request-id': `pub-${engineName}` }).send({ metrics: [PUBLIC] });
    expect([internal.status, pub.status]).toEqual([200, 200]);
    await audit.flush();
    const rows = await log.rowsByClientId([`int-${engineName}`, `pub-${engineName}`]);
    expect(rows.map((r) => [r.request_id, r.client_request_id])).toEqual([[internal.headers['x-request-id'], `int-${engineName}`]]);
  });

  it("records the caller's row-level filter with the query", async () => {
    const res = await http()
      .get(`/v1/query?metrics=${PERSONAL}&groupBy=metric_time__year`)
      .set({ ...as(KEYS.wijkteam), 'x-request-id': `row-${engineName}` });
    expect(res.status).toBe(200);
    rowRequestId = res.headers['x-request-id'] as string;
    const [row] = await rowsOf([rowRequestId]);
    expect(row!.query.rowFilters).toEqual(["{{ Dimension('district__district_name') }} = 'Molenwijk'"]);
    expect(row!.row_count).toBe((res.body as { rows: unknown[] }).rows.length);
  });

  it('records refusals as denied, with the caller', async () => {
    const res = await http().post('/v1/query').set('x-request-id', `deny-${engineName}`).send({ metrics: [PERSONAL] });
    expect(res.status).toBe(403);
    await audit.flush();
    const [row] = await log.rowsByClientId([`deny-${engineName}`]);
    expect(row).toMatchObject({ outcome: 'denied', caller_id: 'anonymous', row_count: null });
  });

  it('GET /v1/audit: auditors only, with filters and pages', async () => {
    expect((await http().get('/v1/audit')).status).toBe(403);
    const refused = await http().get('/v1/audit').set(as(KEYS.serviceplein));
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('FORBIDDEN');

    const mine = await http().get('/v1/audit?caller=wijkteam-molenwijk').set(as(KEYS.auditor));
    expect(mine.status).toBe(200);
    expect(mine.body.entries.map((e: { requestId: string; clientRequestId?: string }) => [e.requestId, e.clientRequestId])).toEqual([[rowRequestId, `row-${engineName}`]]);

    const denied = await http().get('/v1/audit?outcome=denied').set(as(KEYS.auditor));
    expect(denied.body.entries.map((e: { callerId: string }) => e.callerId)).toEqual(['anonymous']);

    const internal = await http().get(`/v1/audit?metric=${INTERNAL}`).set(as(KEYS.analyst));
    expect(internal.body.entries).toHaveLength(1);
    expect(internal.body.entries[0]).toMatchObject({ sensitivity: 'internal', interface: 'rest', outcome: 'ok' });

    const future = await http().get(`/v1/audit?from=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`).set(as(KEYS.auditor));
    expect(future.body.entries).toEqual([]);
    const past = await http().get('/v1/audit?to=2000-01-01').set(as(KEYS.auditor));
    expect(past.body.entries).toEqual([]);

    const page1 = await http().get('/v1/audit?interface=graphql&limit=50').set(as(KEYS.auditor));
    expect(page1.body.entries).toHaveLength(50);
    const page2 = await http().get(`/v1/audit?interface=graphql&limit=50&cursor=${page1.body.nextCursor}`).set(as(KEYS.auditor));
    expect(page2.body.entries).toHaveLength(16);
    expect(page2.body.nextCursor).toBeUndefined();

    const bad = await http().get('/v1/audit?outcome=maybe').set(as(KEYS.auditor));
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('INVALID_QUERY');
  });

  it('has no route that changes or removes entries', async () => {
    for (const method of ['delete', 'put', 'patch', 'post'] as const) {
      const res = await http()[method]('/v1/audit').set(as(KEYS.auditor)).send({});
      expect(res.status).toBe(404);
    }
  });

  it('fails closed for personal data when the audit store is down; public data still flows', async () => {
    const down = createAuditLog({
      store: {
        insert: async () => Promise.reject(new Error('ECONNREFUSED 127.0.0.1:5432')),
        list: async () => Promise.reject(new Error('ECONNREFUSED')),
      },
      retryMs: 60_000,
    });
    state.audit = down;
    try {
      const personal = await http().post('/v1/query').set(as(KEYS.serviceplein)).send({ metrics: [PERSONAL] });
      expect(personal.status).toBe(503);
      expect(personal.body.code).toBe('AUDIT_UNAVAILABLE');
      expect(personal.body.rows).toBeUndefined();
      expect(JSON.stringify(personal.body)).not.toMatch(/ECONNREFUSED|5432/);
      const gql = await http().post('/graphql').set(as(KEYS.serviceplein)).send({ query: `{ query(input: {metrics: ["${PERSONAL}"]}) { rows } }` });
      expect(gql.body.data?.query ?? null).toBeNull();
      expect(gql.body.errors[0].extensions.code).toBe('AUDIT_UNAVAILABLE');
      const internal = await http().post('/v1/query').set(as(KEYS.serviceplein)).send({ metrics: [INTERNAL] });
      expect(internal.status).toBe(200);
      const pub = await http().post('/v1/query').send({ metrics: [PUBLIC] });
      expect(pub.status).toBe(200);
      const read = await http().get('/v1/audit').set(as(KEYS.auditor));
      expect(read.status).toBe(503);
      expect(read.body.code).toBe('AUDIT_UNAVAILABLE');
    } finally {
      state.audit = audit;
      await down.close();
    }
  });
});
