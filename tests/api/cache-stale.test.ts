/**
 * Stale-if-error on a real PostgreSQL whose connection is cut (TCP proxy): the last good answer is
 * served marked stale, a query never answered before gets 503, and fresh answers return with the
 * database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse } from '../../src/warehouse/open.js';
import type { Warehouse } from '../../src/warehouse/warehouse.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import type { TestWarehouse } from '../helpers/warehouses.js';
import { openDemoWarehouse, type TestApp } from './helpers/demo-app.js';
import { speedApp } from './helpers/speed-app.js';

const PG_URL = process.env.TEST_DATABASE_URL;
const Q = { metrics: ['reports_received'], groupBy: ['report__channel'], orderBy: ['report__channel'] };

describe.skipIf(!PG_URL)('stale-if-error on PostgreSQL', () => {
  let seeded: TestWarehouse;
  let proxy: TcpProxy;
  let viaProxy: Warehouse;
  let t: TestApp;

  beforeAll(async () => {
    seeded = await openDemoWarehouse('postgres');
    proxy = await startTcpProxy('127.0.0.1', Number(new URL(PG_URL!).port || 5432));
    const url = new URL(PG_URL!);
    url.host = `127.0.0.1:${proxy.port}`;
    viaProxy = await openWarehouse({ databaseUrl: url.toString(), schema: seeded.schema, poolSize: 2 });
    t = await speedApp(viaProxy, { cacheTtlMs: 100 });
  }, 180_000);

  afterAll(async () => {
    await t?.close();
    await viaProxy?.close().catch(() => {});
    await proxy?.close();
    await seeded?.dispose();
  });

  it('serves the expired answer marked stale while the database is gone, and fresh ones after', async () => {
    const good = await t.http().post('/v1/query').send(Q);
    expect(good.status).toBe(200);
    expect(good.body.meta.cache).toBe('miss');
    await new Promise((r) => setTimeout(r, 150));

    await proxy.cut();
    const stale = await t.http().post('/v1/query').send(Q);
    expect(stale.status).toBe(200);
    expect(stale.body.meta.cache).toBe('stale');
    expect(stale.body.rows).toEqual(good.body.rows);
    expect(stale.headers['cache-control']).toBe('private, max-age=0');
    expect(stale.headers.etag).toBe(good.headers.etag);

    const never = await t.http().post('/v1/query').send({ ...Q, limit: 1 });
    expect(never.status).toBe(503);
    expect(never.body).toMatchObject({ code: 'WAREHOUSE_UNAVAILABLE' });
    expect(never.headers['retry-after']).toBeDefined();

    const metrics = await t.http().get('/internal/metrics');
    expect(metrics.text).toMatch(/maatstaf_cache_requests_total\{outcome="stale"\} 1/);
    expect(metrics.text).toMatch(/maatstaf_warehouse_query_duration_seconds_count\{outcome="error"\} [1-9]/);

    await proxy.restore();
    const back = await t.http().post('/v1/query').send(Q);
    expect(back.status).toBe(200);
    expect(back.body.meta.cache).toBe('miss');
    expect(back.body.rows).toEqual(good.body.rows);
  });
});
