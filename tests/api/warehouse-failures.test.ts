/**
 * Warehouse failures on a real PostgreSQL, end to end through REST: a statement timeout answers
 * 504, a database that goes away answers 503 with Retry-After, and neither leaks SQL text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse } from '../../src/warehouse/open.js';
import type { Warehouse } from '../../src/warehouse/warehouse.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import type { TestWarehouse } from '../helpers/warehouses.js';
import { demoApp, openDemoWarehouse, type TestApp } from './helpers/demo-app.js';

const PG_URL = process.env.TEST_DATABASE_URL;
const HEAVY = { metrics: ['median_resolution_hours', 'reporting_residents', 'app_share'], groupBy: ['metric_time__hour', 'report__category'] };

describe.skipIf(!PG_URL)('warehouse failures on PostgreSQL', () => {
  let seeded: TestWarehouse;
  let proxy: TcpProxy;
  let slow: Warehouse;
  let viaProxy: Warehouse;
  let slowApp: TestApp;
  let proxyApp: TestApp;

  beforeAll(async () => {
    seeded = await openDemoWarehouse('postgres');
    // Same schema, a 1 ms statement timeout: the grouped median cannot finish in time.
    slow = await openWarehouse({ databaseUrl: PG_URL, schema: seeded.schema, statementTimeoutMs: 1, poolSize: 2 });
    proxy = await startTcpProxy('127.0.0.1', Number(new URL(PG_URL!).port || 5432));
    const url = new URL(PG_URL!);
    url.host = `127.0.0.1:${proxy.port}`;
    viaProxy = await openWarehouse({ databaseUrl: url.toString(), schema: seeded.schema, poolSize: 2 });
    slowApp = await demoApp(slow);
    proxyApp = await demoApp(viaProxy);
  }, 180_000);

  afterAll(async () => {
    await slowApp?.close();
    await proxyApp?.close();
    await slow?.close();
    await viaProxy?.close().catch(() => {});
    await proxy?.close();
    await seeded?.dispose();
  });

  it('answers a statement timeout with 504 STATEMENT_TIMEOUT and no SQL', async () => {
    const res = await slowApp.http().post('/v1/query').send(HEAVY);
    expect(res.status).toBe(504);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'STATEMENT_TIMEOUT', status: 504 });
    expect(JSON.stringify(res.body)).not.toMatch(/select|public_space_reports|canceling/i);
  });

  it('answers 503 with Retry-After while the database is gone, and recovers when it is back', async () => {
    const ok = await proxyApp.http().post('/v1/query').send({ metrics: ['reports_received'] });
    expect(ok.status).toBe(200);

    await proxy.cut();
    const down = await proxyApp.http().post('/v1/query').send({ metrics: ['reports_received'], groupBy: ['report__channel'] });
    expect(down.status).toBe(503);
    expect(down.headers['retry-after']).toBeDefined();
    expect(down.body).toMatchObject({ code: 'WAREHOUSE_UNAVAILABLE' });
    expect(JSON.stringify(down.body)).not.toMatch(/ECONN|terminated|select/i);

    await proxy.restore();
    const back = await proxyApp.http().post('/v1/query').send({ metrics: ['reports_received'] });
    expect(back.status).toBe(200);
    expect(back.body.rows).toEqual(ok.body.rows);
  });
});
