/**
 * Chaos (issue 22): the server keeps answering what it can while its dependencies fail, recovers
 * without help, and loses no audit entry.
 *
 * - PostgreSQL: the server's connections are killed (pg_terminate_backend, found by the
 *   application_name only this server uses — the shared PostgreSQL itself keeps running) in the
 *   middle of a statement, and the database is cut off behind a TCP proxy, then restored.
 * - Redis (the shared cache tier of two replicas) is cut off behind a TCP proxy, then restored.
 * - The embedded warehouse's worker thread is killed in the middle of a statement.
 *
 * Queries of an internal metric are audited into the warehouse itself (as on the embedded demo);
 * each request's id must be in the audit table at the end, also those answered during an outage.
 * Fresh numbers after recovery are checked against hand-written SQL. The slow statement is honest
 * SQL: a view whose every row sleeps in pg_sleep (tests/fixtures/definitions/slow).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateWarehouse } from '../../src/demo/migrate.js';
import { seedDemo } from '../../src/demo/seed.js';
import type { MaatstafServer } from '../../src/server/create-server.js';
import type { ThreadedPgliteWarehouse } from '../../src/warehouse/pglite-threaded.js';
import { openWarehouse } from '../../src/warehouse/open.js';
import type { Warehouse } from '../../src/warehouse/warehouse.js';
import { openTestAuditLog, type TestAuditLog } from '../api/helpers/audit-log.js';
import { demoDefinitionsWith, openDemoWarehouse } from '../api/helpers/demo-app.js';
import { postQuery } from '../helpers/post-query.js';
import { testServer } from '../helpers/server.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { waitFor } from '../helpers/wait-for.js';
import { openTestWarehouse, type TestWarehouse } from '../helpers/warehouses.js';

const PG_URL = process.env.TEST_DATABASE_URL;
const REDIS_URL = process.env.REDIS_URL_TEST;
const SLOW_MODEL = readFileSync('tests/fixtures/definitions/slow/semantic_models/slow_facts.yml', 'utf8');
/** Audited (internal sensitivity). */
const INTERNAL = { metrics: ['reporting_residents'] };
const SLOW = { metrics: ['amount_total'], groupBy: ['fact__kind'] };
const token = () => randomBytes(4).toString('hex');

/** A query no cache has seen (its filter names a channel that does not exist). */
const freshQuery = (tag: string) => ({
  metrics: ['reports_received'],
  groupBy: ['report__channel'],
  orderBy: ['report__channel'],
  where: `{{ Dimension('report__channel') }} <> 'chaos-${tag}'`,
});
const HAND_BY_CHANNEL = `SELECT channel AS report__channel, count(*)::int AS reports_received FROM public_space_reports WHERE channel <> $1 GROUP BY 1 ORDER BY 1`;

/** The demo definitions plus the slow model, and its tables in the warehouse (every row sleeps a minute). */
async function addSlowFacts(wh: Warehouse): Promise<{ dir: string; cleanup: () => void }> {
  await wh.query(`CREATE TABLE slow_facts_data (fact_id integer PRIMARY KEY, happened_at timestamptz NOT NULL, kind text NOT NULL, amount integer NOT NULL)`);
  await wh.query(`INSERT INTO slow_facts_data VALUES (1, '2026-01-05 10:00+01', 'a', 10), (2, '2026-01-06 11:00+01', 'b', 20)`);
  await wh.query(`CREATE VIEW slow_facts AS SELECT d.* FROM slow_facts_data AS d CROSS JOIN LATERAL (SELECT pg_sleep(60)) AS s`);
  return demoDefinitionsWith({ 'slow_facts.yml': SLOW_MODEL });
}

/** Audited requests and a check that every one of them reached the audit table. */
function auditedRequests(log: () => TestAuditLog) {
  const ids: string[] = [];
  return {
    post(base: string, tag: string) {
      const id = `chaos-${tag}-${token()}`;
      ids.push(id);
      return postQuery(base, INTERNAL, { requestId: id });
    },
    async expectAllStored() {
      await waitFor('every audited request to be in the audit table', async () => (await log().rowsByClientId(ids)).length === ids.length, 20_000);
      expect((await log().rowsByClientId(ids)).map((r) => r.client_request_id).sort()).toEqual([...ids].sort());
    },
  };
}

async function expectFreshNumbers(base: string, wh: Warehouse, tag: string): Promise<void> {
  const res = await postQuery(base, freshQuery(tag));
  expect(res.status).toBe(200);
  const hand = await wh.query(HAND_BY_CHANNEL, [`chaos-${tag}`]);
  expect(hand.rows.length).toBeGreaterThan(1);
  expect(res.body.rows).toEqual(hand.rows);
}

const listen = async (server: MaatstafServer) => server.app.listen({ port: 0, host: '127.0.0.1' });

describe.skipIf(!PG_URL || !REDIS_URL)('chaos: PostgreSQL connections killed and cut off, Redis cut off', () => {
  const appName = `maatstaf_chaos_${token()}`;
  let seeded: TestWarehouse;
  let pgProxy: TcpProxy;
  let redisProxy: TcpProxy;
  let viaProxy: Warehouse;
  let log: TestAuditLog;
  let defs: { dir: string; cleanup: () => void };
  const servers: MaatstafServer[] = [];
  let a = '';
  let b = '';
  const audited = auditedRequests(() => log);

  /** This server's statements on the slow view running now. */
  const runningSlow = async () =>
    (await seeded.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND state = 'active' AND query LIKE '%slow_facts%'`, [appName])).rows[0]!.n;

  beforeAll(async () => {
    seeded = await openDemoWarehouse('postgres');
    defs = await addSlowFacts(seeded);
    const pg = new URL(PG_URL!);
    pgProxy = await startTcpProxy(pg.hostname, Number(pg.port || 5432));
    const proxied = new URL(PG_URL!);
    proxied.host = `127.0.0.1:${pgProxy.port}`;
    proxied.searchParams.set('application_name', appName);
    viaProxy = await openWarehouse({ databaseUrl: proxied.toString(), schema: seeded.schema, poolSize: 4 });
    // The audit table lives in the warehouse the server reads (the default without MAATSTAF_AUDIT_DATABASE_URL).
    log = await openTestAuditLog(viaProxy, 'postgres', 'chaos');
    const redis = new URL(REDIS_URL!);
    redisProxy = await startTcpProxy(redis.hostname, Number(redis.port || 6379));
    const redisUrl = `redis://127.0.0.1:${redisProxy.port}${redis.pathname}`;
    // Short-lived Redis entries (the tier keeps them TTL + stale-if-error): nothing lingers in the shared Redis.
    const config = { metricsDir: defs.dir, redisUrl, cacheTtlMs: 120_000, staleIfErrorMs: 0 };
    for (let i = 0; i < 2; i++) servers.push(await testServer(viaProxy, { config, audit: log.audit }));
    a = await listen(servers[0]!);
    b = await listen(servers[1]!);
  }, 240_000);

  afterAll(async () => {
    for (const s of servers) await s.close().catch(() => {});
    await pgProxy?.restore();
    await log?.close();
    await viaProxy?.close().catch(() => {});
    await pgProxy?.close();
    await redisProxy?.close();
    await seeded?.dispose();
    defs?.cleanup();
  });

  it('answers 503 with Retry-After when its connection is killed mid-statement, and the pool recovers by itself', async () => {
    expect((await audited.post(a, 'before-kill')).status).toBe(200);
    const slow = postQuery(a, SLOW);
    await waitFor('the slow statement to run on PostgreSQL', async () => (await runningSlow()) === 1, 10_000);
    // Every connection of this server, idle ones too.
    const killed = await seeded.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity AS a, pg_terminate_backend(a.pid) WHERE a.application_name = $1`, [appName]);
    expect(killed.rows[0]!.n).toBeGreaterThanOrEqual(1);
    const res = await slow;
    expect(res.status).toBe(503);
    expect(res.retryAfter).toMatch(/^\d+$/);
    expect(res.body.code).toBe('WAREHOUSE_UNAVAILABLE');
    await waitFor('a new query to be answered', async () => (await postQuery(a, freshQuery(`probe-${token()}`))).status === 200, 15_000);
    await expectFreshNumbers(a, seeded, `after-kill-${token()}`);
    expect((await audited.post(b, 'after-kill')).status).toBe(200);
  }, 60_000);

  it('answers cached queries and 503 with Retry-After for the rest while PostgreSQL is cut off, then recovers; no audit entry lost', async () => {
    const before = await audited.post(a, 'before-cut');
    expect(before.status).toBe(200);
    await pgProxy.cut();
    try {
      const cached = await audited.post(a, 'during-cut');
      expect(cached.status).toBe(200);
      expect(cached.body.rows).toEqual(before.body.rows);
      const uncached = await postQuery(a, freshQuery(`cut-${token()}`));
      expect(uncached.status).toBe(503);
      expect(uncached.retryAfter).toMatch(/^\d+$/);
      expect(uncached.body.code).toBe('WAREHOUSE_UNAVAILABLE');
    } finally {
      await pgProxy.restore();
    }
    await waitFor('a new query to be answered again', async () => (await postQuery(a, freshQuery(`probe-${token()}`))).status === 200, 15_000);
    await expectFreshNumbers(a, seeded, `after-cut-${token()}`);
    await audited.expectAllStored();
  }, 60_000);

  it('keeps both replicas answering while Redis is cut off, and shares answers again when it is back', async () => {
    await redisProxy.cut();
    try {
      const tag = `redis-cut-${token()}`;
      const first = await postQuery(a, freshQuery(tag));
      const second = await postQuery(b, freshQuery(tag));
      expect([first.status, second.status]).toEqual([200, 200]);
      // Nothing shared: the second replica asked the warehouse itself.
      expect(second.body.meta?.cache).toBe('miss');
      expect(second.body.rows).toEqual(first.body.rows);
    } finally {
      await redisProxy.restore();
    }
    await waitFor(
      'the second replica to answer from the first one\'s Redis entry',
      async () => {
        const tag = `redis-back-${token()}`;
        if ((await postQuery(a, freshQuery(tag))).status !== 200) return false;
        await new Promise((r) => setTimeout(r, 100));
        return (await postQuery(b, freshQuery(tag))).body.meta?.cache === 'hit';
      },
      20_000,
    );
  }, 60_000);
});

describe('chaos: the embedded warehouse thread killed mid-query', () => {
  let wh: TestWarehouse & ThreadedPgliteWarehouse;
  let log: TestAuditLog;
  let defs: { dir: string; cleanup: () => void };
  let server: MaatstafServer;
  let base = '';
  const audited = auditedRequests(() => log);

  beforeAll(async () => {
    wh = (await openTestWarehouse('pglite', { worker: true })) as TestWarehouse & ThreadedPgliteWarehouse;
    await migrateWarehouse(wh);
    await seedDemo(wh, { scale: 0.05 });
    defs = await addSlowFacts(wh);
    // The audit table in the same embedded warehouse, as on the embedded demo.
    log = await openTestAuditLog(wh, 'pglite', 'chaos');
    server = await testServer(wh, { config: { metricsDir: defs.dir }, audit: log.audit });
    base = await listen(server);
  }, 240_000);

  afterAll(async () => {
    await server?.close();
    await log?.close();
    await wh?.dispose();
    defs?.cleanup();
  });

  it('answers 503 with Retry-After for the killed statement and cached answers meanwhile, restarts by itself, and loses no audit entry', async () => {
    const before = await audited.post(base, 'before-kill');
    expect(before.status).toBe(200);
    const slow = postQuery(base, SLOW);
    await waitFor('the slow statement to run in the thread', () => wh.thread.stats.busy);
    await wh.thread.kill();
    const res = await slow;
    expect(res.status).toBe(503);
    expect(res.retryAfter).toMatch(/^\d+$/);
    expect(res.body.code).toBe('WAREHOUSE_UNAVAILABLE');
    // While the thread restarts, a cached answer is still served (its audit entry waits for the thread).
    const cached = await audited.post(base, 'during-restart');
    expect(cached.status).toBe(200);
    expect(cached.body.rows).toEqual(before.body.rows);
    await waitFor('a new query to be answered', async () => (await postQuery(base, freshQuery(`probe-${token()}`))).status === 200, 30_000);
    await expectFreshNumbers(base, wh, `after-kill-${token()}`);
    expect((await audited.post(base, 'after-kill')).status).toBe(200);
    await audited.expectAllStored();
  }, 90_000);
});
