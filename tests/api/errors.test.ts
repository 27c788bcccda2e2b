/**
 * Every error the REST API answers with is an RFC 9457 problem with a stable code, the offending
 * name and suggestions, and never SQL or a stack trace. Query errors are found before any SQL runs,
 * so these use the demo definitions over a warehouse that fails on purpose (no database needed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type supertest from 'supertest';
import { offlineWarehouse } from '../../src/warehouse/offline.js';
import type { Problem } from '../../src/http/problem.js';
import { appFor, appWithFailingWarehouse, type TestApp } from './helpers/demo-app.js';

/** Asserts a problem+json response with the given status and code; returns the body. */
function expectProblem(res: supertest.Response, status: number, code: string): Problem {
  expect(res.status, res.text).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, code, type: `https://maatstaf.dev/problems/${code.toLowerCase().replaceAll('_', '-')}` });
  expect(typeof res.body.title).toBe('string');
  expect(typeof res.body.detail).toBe('string');
  expect(res.text).not.toMatch(/\bselect\b.*\bfrom\b/i);
  expect(res.text).not.toMatch(/\n\s+at |\.ts:\d+/);
  return res.body as Problem;
}

describe('REST errors', () => {
  let app: TestApp;
  let notReady: TestApp;
  beforeAll(async () => {
    app = await appWithFailingWarehouse(() => Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:5432'), { code: 'ECONNREFUSED' }));
    notReady = await appFor({ warehouse: offlineWarehouse(), engine: undefined, definitionsError: 'metrics/x.yml:3: broken' });
  });
  afterAll(async () => {
    await app?.close();
    await notReady?.close();
  });
  const post = (body: unknown) => app.http().post('/v1/query').send(body as object);

  describe('400 and 404 for bad queries, each naming the offending item', () => {
    it('UNKNOWN_METRIC (404) with the request path and suggestions', async () => {
      const body = expectProblem(await post({ metrics: ['reports_received', 'no_show_rte'] }), 404, 'UNKNOWN_METRIC');
      expect(body).toMatchObject({ name: 'no_show_rte', path: 'metrics[1]' });
      expect(body.suggestions?.[0]).toBe('no_show_rate');
      expectProblem(await app.http().post('/v1/compile').send({ metrics: ['nope_metric'] }), 404, 'UNKNOWN_METRIC');
      expectProblem(await app.http().get('/v1/query?metrics=reports_recieved'), 404, 'UNKNOWN_METRIC');
    });

    it('UNKNOWN_GROUP_BY with suggestions and the available items', async () => {
      const body = expectProblem(await post({ metrics: ['reports_received'], groupBy: ['report__categry'] }), 400, 'UNKNOWN_GROUP_BY');
      expect(body).toMatchObject({ name: 'report__categry', path: 'groupBy[0]' });
      expect(body.suggestions?.[0]).toBe('report__category');
      expect(body.available).toContain('report__category');
    });

    it('INCOMPATIBLE_GROUP_BY for an item one of the metrics cannot reach', async () => {
      const body = expectProblem(await post({ metrics: ['appointments'], groupBy: ['report__category'] }), 400, 'INCOMPATIBLE_GROUP_BY');
      expect(body.name).toBe('report__category');
    });

    it('INVALID_FILTER for SQL outside the filter whitelist, without echoing SQL', async () => {
      const body = expectProblem(await post({ metrics: ['reports_received'], where: ["{{ Dimension('report__category') }} = 'x'; DROP TABLE districts"] }), 400, 'INVALID_FILTER');
      expect(body.path).toBe('where[0]');
    });

    it('INVALID_TIME_RANGE, INVALID_ORDER_BY, DUPLICATE_METRIC', async () => {
      expectProblem(await post({ metrics: ['reports_received'], timeRange: { start: 'yesterday' } }), 400, 'INVALID_TIME_RANGE');
      expectProblem(await post({ metrics: ['reports_received'], timeRange: { start: '2025-01-01', end: '2024-01-01' } }), 400, 'INVALID_TIME_RANGE');
      expect(expectProblem(await post({ metrics: ['reports_received'], orderBy: ['report__category'] }), 400, 'INVALID_ORDER_BY').name).toBe('report__category');
      expect(expectProblem(await post({ metrics: ['reports_received', 'reports_received'] }), 400, 'DUPLICATE_METRIC').path).toBe('metrics[1]');
    });

    it('lists every problem when a query has several', async () => {
      const body = expectProblem(await post({ metrics: ['reports_received'], groupBy: ['report__categry', 'report__chanel'] }), 400, 'UNKNOWN_GROUP_BY');
      expect(body.issues?.map((i) => i.name)).toEqual(['report__categry', 'report__chanel']);
    });

    it('INVALID_QUERY naming the field for schema violations in body, query string and path', async () => {
      expect(expectProblem(await post({ metrics: 'reports_received' }), 400, 'INVALID_QUERY')).toMatchObject({ path: 'metrics', name: 'metrics' });
      expect(expectProblem(await post({ metrics: ['reports_received'], limit: -1 }), 400, 'INVALID_QUERY')).toMatchObject({ path: 'limit' });
      expect(expectProblem(await post({ metrics: ['x'.repeat(201)] }), 400, 'INVALID_QUERY')).toMatchObject({ path: 'metrics[0]' });
      expect(expectProblem(await post({ metrics: ['reports_received'], timeRange: { begin: '2024' } }), 400, 'INVALID_QUERY')).toMatchObject({
        path: 'timeRange.begin',
        name: 'begin',
        detail: "body timeRange: unknown field 'begin'",
      });
      expect(expectProblem(await post({ metric: ['reports_received'] }), 400, 'INVALID_QUERY')).toMatchObject({ name: 'metric', detail: "unknown field 'metric'" });
      expect(expectProblem(await app.http().get('/v1/query?metrics=reports_received&limit=ten'), 400, 'INVALID_QUERY')).toMatchObject({ path: 'limit' });
      expect(expectProblem(await app.http().get('/v1/query?metrics=reports_received&group_by=x'), 400, 'INVALID_QUERY')).toMatchObject({ name: 'group_by' });
      expect(expectProblem(await app.http().get(`/v1/metrics/${'m'.repeat(300)}`), 400, 'INVALID_QUERY')).toMatchObject({ path: 'name' });
      expectProblem(await app.http().get('/v1/query?metrics=reports_received&format=xlsx'), 400, 'INVALID_QUERY');
      expectProblem(await app.http().get('/v1/query?metrics=reports_received&bom=maybe'), 400, 'INVALID_QUERY');
    });

    it('INVALID_QUERY for bodies that are not JSON objects', async () => {
      expect(expectProblem(await app.http().post('/v1/query').set('content-type', 'application/json').send('{"metrics": ['), 400, 'INVALID_QUERY').detail).toBe(
        'request body is not valid JSON',
      );
      expectProblem(await app.http().post('/v1/query').set('content-type', 'application/json').send('[1,2]'), 400, 'INVALID_QUERY');
      expectProblem(await app.http().post('/v1/query').set('content-type', 'application/json').send('null'), 400, 'INVALID_QUERY');
      expectProblem(await app.http().post('/v1/query').set('content-type', 'text/plain').send('metrics=x'), 400, 'INVALID_QUERY');
      expectProblem(await app.http().post('/v1/query'), 400, 'INVALID_QUERY');
    });

    it('UNKNOWN_SAVED_QUERY and UNKNOWN_DIMENSION (404) with suggestions', async () => {
      expect(expectProblem(await app.http().get('/v1/saved-queries/satisfaction_by_mnth'), 404, 'UNKNOWN_SAVED_QUERY').suggestions).toEqual(['satisfaction_by_month']);
      expect(expectProblem(await app.http().get('/v1/dimensions/report__categori/values'), 404, 'UNKNOWN_DIMENSION').suggestions).toContain('report__category');
      expectProblem(await app.http().get('/v1/metrics/satisfaction'), 404, 'UNKNOWN_METRIC');
    });
  });

  it('404 NOT_FOUND for unknown routes and methods', async () => {
    expect(expectProblem(await app.http().get('/v2/metrics'), 404, 'NOT_FOUND').detail).toBe('no route GET /v2/metrics');
    expectProblem(await app.http().delete('/v1/metrics'), 404, 'NOT_FOUND');
    // `/` is the web app (src/server/web.routes.ts); other paths outside the API stay problems.
    expectProblem(await app.http().get('/no-such-page'), 404, 'NOT_FOUND');
  });

  it('406 NOT_ACCEPTABLE for formats a route cannot produce', async () => {
    expectProblem(await post({ metrics: ['reports_received'] }).set('accept', 'application/xml'), 406, 'NOT_ACCEPTABLE');
    expectProblem(await app.http().get('/v1/saved-queries').set('accept', 'text/html'), 406, 'NOT_ACCEPTABLE');
    // Negotiated before parameters and body are checked (README: the order of errors).
    expectProblem(await app.http().get('/v1/query?metrics=reports_received&bogus=1').set('accept', 'application/xml'), 406, 'NOT_ACCEPTABLE');
    expectProblem(await post({ metrics: 'not a list' }).set('accept', 'application/xml'), 406, 'NOT_ACCEPTABLE');
    // A `?format=` that is no format at all is a parameter error, whatever the Accept header.
    expectProblem(await app.http().get('/v1/query?metrics=reports_received&format=xlsx').set('accept', 'application/xml'), 400, 'INVALID_QUERY');
  });

  it('413 PAYLOAD_TOO_LARGE for bodies over the limit', async () => {
    const huge = { metrics: ['reports_received'], where: ['x'.repeat(300 * 1024)] };
    expectProblem(await post(huge), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('503 WAREHOUSE_UNAVAILABLE with Retry-After, without the connection details', async () => {
    const res = await post({ metrics: ['reports_received'] });
    expectProblem(res, 503, 'WAREHOUSE_UNAVAILABLE');
    expect(res.headers['retry-after']).toBe('5');
    expect(res.text).not.toContain('10.0.0.1');
    expectProblem(await app.http().get('/v1/dimensions/report__category/values'), 503, 'WAREHOUSE_UNAVAILABLE');
  });

  it('503 NOT_READY with Retry-After while definitions do not load', async () => {
    for (const path of ['/v1/metrics', '/v1/dimensions', '/v1/saved-queries', '/v1/query?metrics=x']) {
      const res = await notReady.http().get(path);
      expectProblem(res, 503, 'NOT_READY');
      expect(res.headers['retry-after']).toBe('5');
      expect(res.text).not.toContain('broken');
    }
  });

  it('504 STATEMENT_TIMEOUT and 502 WAREHOUSE_ERROR, never with SQL or table names', async () => {
    const timeout = await appWithFailingWarehouse(() => Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }));
    const broken = await appWithFailingWarehouse(() => Object.assign(new Error('relation "public_space_reports" does not exist'), { code: '42P01' }));
    try {
      expectProblem(await timeout.http().post('/v1/query').send({ metrics: ['reports_received'] }), 504, 'STATEMENT_TIMEOUT');
      expectProblem(await timeout.http().get('/v1/saved-queries/pickup_peaks/results'), 504, 'STATEMENT_TIMEOUT');
      const res = await broken.http().post('/v1/query').send({ metrics: ['reports_received'] });
      expectProblem(res, 502, 'WAREHOUSE_ERROR');
      expect(res.text).not.toContain('public_space_reports');
    } finally {
      await timeout.close();
      await broken.close();
    }
  });

  it('catalogue routes work without the warehouse', async () => {
    await app.http().get('/v1/metrics').expect(200);
    await app.http().get('/v1/metrics/reports_received').expect(200);
    await app.http().post('/v1/compile').send({ metrics: ['reports_received'] }).expect(200);
  });
});
