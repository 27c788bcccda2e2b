/**
 * Reproduction 9 (request ids) of issue 17: a client-sent x-request-id became the audit trail's
 * correlation id, so a caller could forge it, or reuse another request's id to muddle the record.
 * Now the server always makes its own id; the client's is kept beside it as clientRequestId (audit
 * entry and log), bounded and printable.
 */
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator, generateApiKey, hashApiKey } from '../../src/access/authn/index.js';
import { loadAccessPolicy } from '../../src/access/load-policy.js';
import { buildApp } from '../../src/server/app.js';
import { CLIENT_REQUEST_ID_MAX_LENGTH } from '../../src/http/request-id.js';
import { openTestAuditLog, type TestAuditLog } from '../api/helpers/audit-log.js';
import { DEMO_METRICS_DIR, engineFor, openDemoWarehouse } from '../api/helpers/demo-app.js';
import { ENGINES, type TestWarehouse } from '../helpers/warehouses.js';

const TEAM = generateApiKey();
const AUDITOR = generateApiKey();
const PERSONAL = 'benefit_cases_started';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe.each(ENGINES)('request ids on %s (reproduction 9)', (engineName) => {
  let wh: TestWarehouse;
  let log: TestAuditLog;
  let app: FastifyInstance;
  const lines: Record<string, unknown>[] = [];
  const http = () => supertest(app.server);

  beforeAll(async () => {
    wh = await openDemoWarehouse(engineName);
    log = await openTestAuditLog(wh, engineName, 'reqid');
    const engine = await engineFor(DEMO_METRICS_DIR, wh);
    const { policy } = await loadAccessPolicy(`${DEMO_METRICS_DIR}/access.yml`, engine.graph);
    const authn = createAuthenticator({
      apiKeys: [
        { name: 'team-inkomen', hash: hashApiKey(TEAM), roles: ['serviceplein'] },
        { name: 'accountant', hash: hashApiKey(AUDITOR), roles: ['auditor'] },
      ],
    });
    const logger = pino({ level: 'info' }, new Writable({ write: (chunk: Buffer, _e, cb) => (lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>), cb()) }));
    app = await buildApp({ state: { warehouse: wh, engine, definitionsError: undefined, access: policy, audit: log.audit }, logger, authn, web: { root: false } });
    await app.ready();
  }, 180_000);

  afterAll(async () => {
    await app?.close();
    await log?.close();
    await wh?.dispose();
  });

  it('a forged x-request-id is never the audit entry’s requestId, on REST, CSV and GraphQL', async () => {
    const body = { metrics: [PERSONAL], groupBy: ['metric_time__year'] };
    const forged = (i: number) => `forged-${engineName}-${i}`;
    const answers = [
      await http().post('/v1/query').set({ 'x-api-key': TEAM, 'x-request-id': forged(0) }).send(body),
      await http().post('/v1/query?format=csv').set({ 'x-api-key': TEAM, 'x-request-id': forged(1) }).send(body),
      await http()
        .post('/graphql')
        .set({ 'x-api-key': TEAM, 'x-request-id': forged(2) })
        .send({ query: `{ query(input: {metrics: ["${PERSONAL}"], groupBy: ["metric_time__year"]}) { rows meta { queryId } } }` }),
      // Refused (anonymous): recorded as denied, also under the server's id.
      await http().post('/v1/query').set({ 'x-request-id': forged(3) }).send(body),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 403]);
    const serverIds = answers.map((a) => a.headers['x-request-id'] as string);
    for (const [i, id] of serverIds.entries()) {
      expect(id).toMatch(UUID);
      expect(id).not.toBe(forged(i));
    }
    expect(answers[0]!.body.meta.queryId).toBe(serverIds[0]);
    expect(answers[2]!.body.data.query.meta.queryId).toBe(serverIds[2]);

    await log.audit.flush();
    expect(await log.rows(answers.map((_, i) => forged(i)))).toEqual([]);
    const rows = await log.rowsByClientId(answers.map((_, i) => forged(i)));
    expect(rows.map((r) => [r.client_request_id, r.request_id, r.interface, r.outcome])).toEqual([
      [forged(0), serverIds[0], 'rest', 'ok'],
      [forged(1), serverIds[1], 'csv', 'ok'],
      [forged(2), serverIds[2], 'graphql', 'ok'],
      [forged(3), serverIds[3], 'rest', 'denied'],
    ]);

    // The auditor sees both ids; the log line has the server's reqId and the client's id beside it.
    const page = await http().get('/v1/audit?caller=team-inkomen&limit=5').set('x-api-key', AUDITOR).expect(200);
    const entry = (page.body.entries as { requestId: string; clientRequestId?: string }[]).find((e) => e.clientRequestId === forged(0));
    expect(entry).toMatchObject({ requestId: serverIds[0], clientRequestId: forged(0) });
    const logged = lines.find((l) => l.reqId === serverIds[0]);
    expect(logged).toMatchObject({ reqId: serverIds[0], clientRequestId: forged(0) });
  });

  it("replaying another request's id does not make two entries share a requestId", async () => {
    const body = { metrics: [PERSONAL], groupBy: ['metric_time__year'] };
    const first = await http().post('/v1/query').set('x-api-key', TEAM).send(body).expect(200);
    const victim = first.headers['x-request-id'] as string;
    const replay = await http().post('/v1/query').set({ 'x-api-key': TEAM, 'x-request-id': victim }).send(body).expect(200);
    expect(replay.headers['x-request-id']).not.toBe(victim);
    await log.audit.flush();
    const rows = await log.rows([victim]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.client_request_id).toBeNull();
  });

  it('the client id is bounded and stripped of control characters', async () => {
    const long = `x-${engineName}-${'a'.repeat(500)}`;
    const res = await http().post('/v1/query').set({ 'x-api-key': TEAM, 'x-request-id': `${long}` }).send({ metrics: [PERSONAL] }).expect(200);
    await log.audit.flush();
    const rows = await log.rows([res.headers['x-request-id'] as string]);
    expect(rows[0]!.client_request_id).toBe(long.slice(0, CLIENT_REQUEST_ID_MAX_LENGTH));
  });
});
