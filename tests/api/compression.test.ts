/**
 * Compression (issue 22): large JSON and CSV answers (streamed exports included) and static files
 * are compressed when the client accepts it, and decompress to exactly the bytes an uncompressed
 * answer has; small answers and clients that do not ask are left alone.
 */
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MaatstafServer } from '../../src/server/create-server.js';
import { testServer } from '../helpers/server.js';
import type { TestWarehouse } from '../helpers/warehouses.js';
import { openDemoWarehouse } from './helpers/demo-app.js';

let wh: TestWarehouse;
let server: MaatstafServer;

beforeAll(async () => {
  wh = await openDemoWarehouse('pglite');
  // Anonymous exports unbounded here, so a CSV answer streams (README "CSV export streams").
  server = await testServer(wh, { config: { metricsDir: 'metrics', anonymousExportMaxRows: 0 } });
  await server.app.ready();
}, 180_000);
afterAll(async () => {
  await server?.close();
  await wh?.dispose();
});

const BIG = { metrics: ['reports_received'], groupBy: ['metric_time__day', 'report__category'], orderBy: ['metric_time__day', 'report__category'] };

async function get(url: string, encoding: string, body?: unknown) {
  const res = await server.app.inject({
    method: body ? 'POST' : 'GET',
    url,
    headers: { 'accept-encoding': encoding },
    ...(body ? { payload: body as object } : {}),
  });
  return { status: res.statusCode, headers: res.headers, bytes: res.rawPayload };
}

/** JSON answers differ per request only in meta fields that say when and how they were made. */
function stable(bytes: Buffer): unknown {
  const body = JSON.parse(bytes.toString('utf8')) as { meta?: Record<string, unknown> };
  if (body.meta) for (const k of ['cache', 'queryId', 'requestId']) delete body.meta[k];
  return body;
}

describe('compression', () => {
  it('gzip and brotli JSON answers decompress to the uncompressed answer', async () => {
    const plain = await get('/v1/query', 'identity', BIG);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.bytes.length).toBeGreaterThan(10_000);
    const gz = await get('/v1/query', 'gzip', BIG);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.vary).toMatch(/accept-encoding/i);
    expect(gz.bytes.length).toBeLessThan(plain.bytes.length / 3);
    expect(stable(gunzipSync(gz.bytes))).toEqual(stable(plain.bytes));
    const br = await get('/v1/query', 'br', BIG);
    expect(br.headers['content-encoding']).toBe('br');
    expect(stable(brotliDecompressSync(br.bytes))).toEqual(stable(plain.bytes));
  });

  it('a streamed CSV export is compressed as it streams, to the same bytes', async () => {
    // A query the result cache does not hold: streamed answers are not cached, so both stream.
    const query = { ...BIG, groupBy: ['metric_time__day', 'report__channel'], orderBy: ['metric_time__day', 'report__channel'] };
    const plain = await get('/v1/query?format=csv', 'identity', query);
    expect(plain.status).toBe(200);
    expect(plain.headers.etag).toBeUndefined(); // streamed, not from the cache
    const gz = await get('/v1/query?format=csv', 'gzip', query);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.etag).toBeUndefined();
    expect(gz.headers['content-type']).toMatch(/^text\/csv/);
    expect(gunzipSync(gz.bytes).equals(plain.bytes)).toBe(true);
    expect(plain.bytes.toString('utf8').split('\r\n').length).toBeGreaterThan(500);
  });

  it('static files (GraphiQL bundle) are compressed; small answers and identity clients are not', async () => {
    const page = await get('/graphiql', 'identity');
    const asset = /src="([^"]+graphiql\.min\.js)"/.exec(page.bytes.toString('utf8'))![1]!;
    const plain = await get(asset, 'identity');
    const gz = await get(asset, 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.bytes).equals(plain.bytes)).toBe(true);
    expect(gz.bytes.length).toBeLessThan(plain.bytes.length / 2);
    const small = await get('/healthz', 'gzip');
    expect(small.headers['content-encoding']).toBeUndefined();
    expect((await get('/v1/metrics', '')).headers['content-encoding']).toBeUndefined();
  });

  it('an error answer after compression was chosen is a readable problem', async () => {
    const res = await get('/v1/query?format=csv', 'gzip', { metrics: ['no_such_metric'] });
    expect(res.status).toBe(404);
    const text = res.headers['content-encoding'] === 'gzip' ? gunzipSync(res.bytes).toString() : res.bytes.toString();
    expect(JSON.parse(text)).toMatchObject({ code: 'UNKNOWN_METRIC' });
  });
});
