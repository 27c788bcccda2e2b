/**
 * The speed layer through REST: ETag / Cache-Control / 304 revalidation, meta.cache, 503
 * WAREHOUSE_BUSY with Retry-After when the queue is full, and the Prometheus endpoint.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../src/warehouse/warehouse.js';
import { ENGINES, type TestWarehouse } from '../helpers/warehouses.js';
import { openDemoWarehouse, type TestApp } from './helpers/demo-app.js';
import { speedApp } from './helpers/speed-app.js';

const Q = { metrics: ['reports_received'], groupBy: ['report__channel'], orderBy: ['report__channel'] };

describe.each(ENGINES)('speed layer over REST on %s', (engineName) => {
  let wh: TestWarehouse;
  let t: TestApp;

  beforeAll(async () => {
    wh = await openDemoWarehouse(engineName);
    t = await speedApp(wh);
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    await wh?.dispose();
  });

  it('marks miss then hit, sends ETag and Cache-Control, and answers If-None-Match with 304', async () => {
    const first = await t.http().post('/v1/query').send(Q);
    expect(first.status).toBe(200);
    expect(first.body.meta.cache).toBe('miss');
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^W\/"[0-9a-f]{16}-[0-9a-f]{16}-json"$/);
    expect(first.headers['cache-control']).toBe('private, max-age=60');

    const second = await t.http().post('/v1/query').send({ ...Q, where: [] });
    expect(second.body.meta.cache).toBe('hit');
    expect(second.body.rows).toEqual(first.body.rows);
    expect(second.headers.etag).toBe(etag);
    expect(Number(/max-age=(\d+)/.exec(second.headers['cache-control'] as string)![1])).toBeLessThanOrEqual(60);

    const revalidated = await t.http().post('/v1/query').set('if-none-match', etag).send(Q);
    expect(revalidated.status).toBe(304);
    expect(revalidated.text ?? '').toBe('');
    const strongForm = await t.http().post('/v1/query').set('if-none-match', etag.slice(2)).send(Q);
    expect(strongForm.status).toBe(304);
    const other = await t.http().post('/v1/query').set('if-none-match', 'W/"nope"').send(Q);
    expect(other.status).toBe(200);
  });

  it('gives the GET URL form the same ETag and CSV its own', async () => {
    const json = await t.http().post('/v1/query').send(Q);
    const url = await t.http().get('/v1/query?metrics=reports_received&groupBy=report__channel&orderBy=report__channel');
    expect(url.headers.etag).toBe(json.headers.etag);
    const csv = await t.http().get('/v1/query?metrics=reports_received&groupBy=report__channel&orderBy=report__channel&format=csv');
    expect(csv.status).toBe(200);
    expect(csv.headers.etag).toMatch(/-csv"$/);
    const notModified = await t.http().get('/v1/query?metrics=reports_received&groupBy=report__channel&orderBy=report__channel&format=csv').set('if-none-match', csv.headers.etag as string);
    expect(notModified.status).toBe(304);
  });

  it('answers a different filter with different data and a different ETag', async () => {
    const all = await t.http().post('/v1/query').send(Q);
    const app = await t.http().post('/v1/query').send({ ...Q, where: ["{{ Dimension('report__channel') }} = 'app'"] });
    expect(app.body.meta.cache).toBe('miss');
    expect(app.body.rows).toHaveLength(1);
    expect(app.headers.etag).not.toBe(all.headers.etag);
  });

  it('exposes Prometheus metrics at /internal/metrics, hidden from the OpenAPI document', async () => {
    await t.http().post('/v1/query').send(Q);
    const res = await t.http().get('/internal/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toMatch(/maatstaf_cache_requests_total\{outcome="hit"\} [1-9]/);
    expect(res.text).toMatch(/maatstaf_cache_requests_total\{outcome="miss"\} [1-9]/);
    expect(res.text).toMatch(/maatstaf_http_request_duration_seconds_count\{route="\/v1\/query",method="POST",status="200"\} [1-9]/);
    expect(res.text).toMatch(/maatstaf_warehouse_query_duration_seconds_count\{outcome="ok"\} [1-9]/);
    expect(res.text).toMatch(/maatstaf_warehouse_queue_depth 0/);
    expect(res.text).toMatch(/maatstaf_warehouse_queries_in_flight 0/);
    const doc = await t.http().get('/openapi.json');
    expect(JSON.stringify(doc.body.paths)).not.toContain('/internal/metrics');
  });
});

describe('warehouse protection over REST', () => {
  let wh: TestWarehouse;
  let t: TestApp;
  let release: () => void = () => {};
  let gate: Promise<void> = Promise.resolve();

  beforeAll(async () => {
    wh = await openDemoWarehouse('pglite');
    // Queries wait at the gate (when closed) so the test can fill the slots.
    const gated: Warehouse = { ...wh, kind: wh.kind, db: wh.db, schema: wh.schema, ping: () => wh.ping(), close: async () => {}, query: async (sql, params) => (await gate, wh.query(sql, params)) };
    t = await speedApp(gated, { maxConcurrentQueries: 1, maxQueuedQueries: 1, cacheTtlMs: 0 });
  }, 180_000);
  afterAll(async () => {
    release();
    await t?.close();
    await wh?.dispose();
  });

  it('answers 503 WAREHOUSE_BUSY with Retry-After beyond the queue bound, and runs the accepted ones', async () => {
    gate = new Promise((r) => (release = r));
    const running = t.http().post('/v1/query').send({ metrics: ['reports_received'], limit: 1 }).then((r) => r);
    await new Promise((r) => setTimeout(r, 50));
    const queued = t.http().post('/v1/query').send({ metrics: ['reports_received'], limit: 2 }).then((r) => r);
    await new Promise((r) => setTimeout(r, 50));
    const busy = await t.http().post('/v1/query').send({ metrics: ['reports_received'], limit: 3 });
    expect(busy.status).toBe(503);
    expect(busy.headers['retry-after']).toBeDefined();
    expect(busy.body).toMatchObject({ code: 'WAREHOUSE_BUSY', status: 503 });
    const metrics = await t.http().get('/internal/metrics');
    expect(metrics.text).toMatch(/maatstaf_warehouse_queue_depth 1/);
    expect(metrics.text).toMatch(/maatstaf_warehouse_queries_in_flight 1/);
    release();
    expect((await running).status).toBe(200);
    expect((await queued).status).toBe(200);
    // Health checks never queue.
    expect((await t.http().get('/readyz')).status).toBe(200);
  });
});
