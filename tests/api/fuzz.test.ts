/**
 * Property test: ~2000 random and malformed bodies, query strings and paths against the demo app.
 * Whatever arrives, the answer is never a 5xx, and every 4xx is a problem+json with a stable code.
 * Requests go through `app.inject` so malformed URLs reach the server unchanged.
 */
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/core/errors.js';
import { ENGINES, type TestWarehouse } from '../helpers/warehouses.js';
import { demoApp, openDemoWarehouse, type TestApp } from './helpers/demo-app.js';

const METRICS = ['reports_received', 'app_share', 'satisfaction_avg', 'no_show_rate', 'median_resolution_days', 'reports_recieved', ''];
const ITEMS = ['metric_time', 'metric_time__month', 'metric_time__extract_dow', 'report__category', 'district__district_name', 'appointment__kind', 'report__categry', '-metric_time__month', 'report__received_at__hour', '__', 'a'.repeat(250)];
const FILTERS = [
  "{{ Dimension('report__category') }} = 'afval'",
  "{{ Dimension('report__category') }} IN ('afval', 'groen')",
  "{{ TimeDimension('metric_time', 'day') }} >= '2024-01-01'",
  "{{ Dimension('report__nope') }} = 1",
  "{{ Dimension('report__category') }} = 'x'; DROP TABLE districts",
  'pg_sleep(10) IS NULL',
  "{{ Dimension('report__category') ",
  '1 = 1',
];
const DATES = ['2024-01-01', '2024-12-31', '2024-02-30', '2024-01-01T10:00:00', 'yesterday', '', '2041-01-01', '1999-12-31'];

const text = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom(...METRICS, ...ITEMS, ...FILTERS, ...DATES), fc.string({ unit: 'grapheme', maxLength: 10 }));
const list = <T>(arb: fc.Arbitrary<T>) => fc.array(arb, { maxLength: 4 });

/** Bodies that look like queries, with every field sometimes wrong. */
const plausibleBody = fc.record(
  {
    metrics: fc.oneof(list(fc.constantFrom(...METRICS)), list(text), text, fc.anything()),
    groupBy: fc.oneof(list(fc.constantFrom(...ITEMS)), list(text), fc.anything()),
    where: fc.oneof(fc.constantFrom(...FILTERS), list(fc.constantFrom(...FILTERS)), text, fc.anything()),
    timeRange: fc.oneof(fc.record({ start: fc.constantFrom(...DATES), end: fc.constantFrom(...DATES) }, { requiredKeys: [] }), fc.anything()),
    orderBy: fc.oneof(list(fc.constantFrom(...ITEMS, ...METRICS)), fc.anything()),
    limit: fc.oneof(fc.integer({ min: -5, max: 2_000_000 }), fc.double(), text),
    extra: fc.anything(),
  },
  { requiredKeys: [] },
);

const defined = (o: Record<string, unknown>) => JSON.stringify(Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)));

/** Bodies that are mostly valid, so the fuzz also reaches the warehouse. */
const validBody = fc
  .record({
    metrics: fc.subarray(['reports_received', 'app_share', 'reports_resolved', 'median_resolution_days'], { minLength: 1, maxLength: 3 }),
    groupBy: fc.subarray(['metric_time__month', 'report__category', 'district__district_name', 'metric_time__extract_dow'], { maxLength: 2 }),
    where: fc.option(fc.constantFrom(FILTERS[0]!, FILTERS[1]!, FILTERS[2]!), { nil: undefined }),
    timeRange: fc.option(fc.record({ start: fc.constantFrom('2024-01-01', '2024-06-15'), end: fc.constantFrom('2024-12-31', '2025-03-01') }), { nil: undefined }),
    limit: fc.option(fc.integer({ min: 0, max: 50 }), { nil: undefined }),
  })
  .map(defined);

const validParams = fc
  .record({
    where: fc.option(fc.constantFrom(FILTERS[0]!, FILTERS[1]!), { nil: undefined }),
    timeRange: fc.option(fc.record({ start: fc.constantFrom(...DATES) }), { nil: undefined }),
    limit: fc.option(fc.integer({ min: -1, max: 50 }), { nil: undefined }),
  })
  .map(defined);

const rawBody = fc.oneof(
  validBody,
  validParams,
  plausibleBody.map((b) => JSON.stringify(b)),
  fc.json(),
  fc.string({ maxLength: 60 }),
  fc.constantFrom('', '{', '[]', 'null', '{"metrics": ["reports_received"],}', '\u0000', '{"__proto__": {"x": 1}}', '{"constructor": {"prototype": {}}}'),
);

const PARAMS = ['metrics', 'groupBy', 'where', 'start', 'end', 'orderBy', 'limit', 'offset', 'search', 'format', 'bom', 'owner', 'status', 'tag', 'x'];
const param = fc.tuple(fc.constantFrom(...PARAMS), fc.oneof(text, fc.constantFrom('csv', 'json', 'true', '-1', '5', '1e3', '%', '%zz', '%E0%A4%A', ',,,')));
/** A query string, sometimes left un-encoded (broken percent escapes, spaces, unicode). */
const queryString = fc.tuple(fc.array(param, { maxLength: 6 }), fc.boolean()).map(([pairs, encode]) =>
  pairs.map(([k, v]) => `${k}=${encode ? encodeURIComponent(v) : v.replace(/[#&\s]/g, '')}`).join('&'),
);

const GET_PATHS = ['/v1/query', '/v1/metrics', '/v1/dimensions', '/v1/dimensions/report__category/values', '/v1/saved-queries', '/v1/saved-queries/satisfaction_by_month/results'];
const POST_PATHS = ['/v1/query', '/v1/compile', '/v1/saved-queries/reports_by_month_and_category/results'];
const segment = fc.oneof(text.map(encodeURIComponent), fc.constantFrom('%', '%zz', '..', 'reports_received', 'report__category', '%00'));
const ACCEPT = fc.constantFrom(undefined, '*/*', 'text/csv', 'application/xml', 'text/csv;q=0', 'application/json;q=abc', ';;', 'text/*, application/json;q=0.1');

const CODES = Object.keys(ERROR_CODES);

/** Status counts per test, to be sure the generators reach real queries too. */
const statuses = new Map<number, number>();

function check(res: LightMyRequestResponse, what: string): void {
  statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
  expect(res.statusCode, `${what} → ${res.body.slice(0, 300)}`).toBeLessThan(500);
  if (res.statusCode >= 400) {
    expect(res.headers['content-type'], what).toMatch(/^application\/problem\+json/);
    const body = JSON.parse(res.body) as { status: number; code: string };
    expect(body.status, what).toBe(res.statusCode);
    expect(CODES, what).toContain(body.code);
    expect(res.body, what).not.toMatch(/\n\s+at /);
  }
}

/** SQL an attacker would try, put into every field. */
const SQL_PAYLOADS = [
  "' OR '1'='1",
  "reports_received'; DROP TABLE public_space_reports; --",
  'reports_received) UNION SELECT usename, passwd FROM pg_shadow --',
  "{{ Dimension('report__category') }} = '' OR 1=1 --",
  "1; SELECT pg_sleep(10)",
  '$1',
  '"; COPY (SELECT 1) TO PROGRAM \'id\' --',
  "{{ Dimension('report__category') }} = (SELECT current_user)",
];
const UNICODE = ['ﬁlter', 'metric\u0000name', '\u202Ereports_received', '🧨'.repeat(50), 'métrique', 'ʻokina', '\uD800', 'Ω'.repeat(300), '\u200B', 'ＳＥＬＥＣＴ'];

/** Deeply nested JSON text (arrays or objects), built without recursion. */
const nested = (depth: number, open: string, close: string, leaf = '1') => `${open.repeat(depth)}${leaf}${close.repeat(depth)}`;

/** A lone surrogate cannot be percent-encoded as UTF-8; then its raw (invalid) bytes are sent. */
function percentEncode(v: string): string {
  try {
    return encodeURIComponent(v);
  } catch {
    return '%ED%A0%80';
  }
}

/** Hostile REST requests: oversized, deeply nested, unicode and SQL in every field. */
function hostileRequests(): { method: 'GET' | 'POST'; url: string; payload?: string }[] {
  const out: { method: 'GET' | 'POST'; url: string; payload?: string }[] = [];
  const post = (url: string, payload: string) => out.push({ method: 'POST', url, payload });
  const values = [...SQL_PAYLOADS, ...UNICODE];
  for (const v of values) {
    for (const url of ['/v1/query', '/v1/compile']) {
      post(url, JSON.stringify({ metrics: [v] }));
      post(url, JSON.stringify({ metrics: ['reports_received'], groupBy: [v] }));
      post(url, JSON.stringify({ metrics: ['reports_received'], where: [v] }));
      post(url, JSON.stringify({ metrics: ['reports_received'], where: v }));
      post(url, JSON.stringify({ metrics: ['reports_received'], orderBy: [v] }));
      post(url, JSON.stringify({ metrics: ['reports_received'], timeRange: { start: v, end: v } }));
      post(url, JSON.stringify({ metrics: ['reports_received'], limit: v }));
      post(url, JSON.stringify({ metrics: ['reports_received'], [v]: 1 }));
    }
    post('/v1/saved-queries/reports_by_month_and_category/results', JSON.stringify({ where: [v], orderBy: [v], timeRange: { start: v } }));
    const e = percentEncode(v);
    for (const qs of [`metrics=${e}`, `metrics=reports_received&groupBy=${e}`, `metrics=reports_received&where=${e}`, `metrics=reports_received&start=${e}&end=${e}`, `metrics=reports_received&orderBy=${e}&limit=${e}`, `metrics=reports_received&format=${e}`]) {
      out.push({ method: 'GET', url: `/v1/query?${qs}` });
    }
    out.push({ method: 'GET', url: `/v1/metrics/${e}` });
    out.push({ method: 'GET', url: `/v1/metrics?search=${e}&owner=${e}&tag=${e}` });
    out.push({ method: 'GET', url: `/v1/dimensions/${e}/values?search=${e}&metrics=${e}` });
    out.push({ method: 'GET', url: `/v1/saved-queries/${e}/results` });
    out.push({ method: 'GET', url: `/v1/audit?caller=${e}&metric=${e}&from=${e}` });
  }
  // Oversized: body over the limit, huge fields within it, URL over the limit, many list items.
  post('/v1/query', JSON.stringify({ metrics: ['reports_received'], where: ['x'.repeat(300_000)] }));
  post('/v1/query', JSON.stringify({ metrics: ['reports_received'], where: ['x'.repeat(100_000)] }));
  post('/v1/query', JSON.stringify({ metrics: Array.from({ length: 5000 }, () => 'reports_received') }));
  post('/v1/query', JSON.stringify({ metrics: ['a'.repeat(200_000)] }));
  out.push({ method: 'GET', url: `/v1/query?metrics=${'reports_received,'.repeat(1000)}` });
  out.push({ method: 'GET', url: `/v1/query?metrics=reports_received&where=${'%27'.repeat(3000)}` });
  out.push({ method: 'GET', url: `/v1/metrics/${'a'.repeat(600)}` });
  // Deeply nested JSON, as the whole body and inside fields.
  for (const depth of [100, 5_000, 60_000]) {
    post('/v1/query', nested(depth, '[', ']'));
    post('/v1/query', nested(depth, '{"a":', '}'));
    post('/v1/query', `{"metrics":${nested(depth, '[', ']', '"reports_received"')}}`);
    post('/v1/query', `{"metrics":["reports_received"],"timeRange":${nested(depth, '{"start":', '}', '"2024-01-01"')}}`);
  }
  return out;
}

/** Our SQL and internals never reach a client (a caller's own input may be echoed in a message). */
function expectNoInternals(body: string, what: string): void {
  expect(body, what).not.toMatch(/\n\s+at /);
  expect(body, what).not.toMatch(/node_modules|\.ts:\d+|\.js:\d+/);
  expect(body, what).not.toMatch(/"(public_space_reports|benefit_cases|districts)"\./);
}

describe.each(ENGINES)('REST fuzz on %s', (engine) => {
  let wh: TestWarehouse;
  let demo: TestApp;
  beforeAll(async () => {
    wh = await openDemoWarehouse(engine);
    demo = await demoApp(wh);
  });
  afterAll(async () => {
    await demo?.close();
    await wh?.dispose();
  });

  it('never answers 5xx to random bodies', async () => {
    statuses.clear();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...POST_PATHS), rawBody, ACCEPT, fc.constantFrom('application/json', 'application/json', 'application/json; charset=utf-8', 'text/plain'), async (url, payload, accept, type) => {
        const res = await demo.app.inject({ method: 'POST', url, payload, headers: { 'content-type': type, ...(accept ? { accept } : {}) } });
        check(res, `POST ${url} ${payload.slice(0, 200)}`);
      }),
      { numRuns: 900 },
    );
    expect(statuses.get(200) ?? 0, JSON.stringify([...statuses])).toBeGreaterThan(20);
  });

  it('never answers 5xx to hostile inputs (oversized, deeply nested, unicode, SQL in every field) and leaks no internals', async () => {
    statuses.clear();
    for (const r of hostileRequests()) {
      const res = await demo.app.inject({ method: r.method, url: r.url, ...(r.payload !== undefined ? { payload: r.payload, headers: { 'content-type': 'application/json' } } : {}) });
      const what = `${r.method} ${r.url.slice(0, 120)} ${(r.payload ?? '').slice(0, 120)}`;
      check(res, what);
      expectNoInternals(res.body, what);
    }
    expect(statuses.get(413), 'oversized body').toBeGreaterThan(0);
    expect(statuses.get(414), 'oversized URL').toBeGreaterThan(0);
    // The warehouse still answers afterwards (nothing was dropped or broken).
    const after = await demo.app.inject({ method: 'POST', url: '/v1/query', payload: { metrics: ['reports_received'] } });
    expect(after.statusCode).toBe(200);
    const tables = await wh.query<{ n: number }>('SELECT count(*)::int AS n FROM public_space_reports');
    expect(tables.rows[0]!.n).toBeGreaterThan(0);
  }, 120_000);

  it('never answers 5xx to hostile GraphQL (SQL and unicode in every argument, deep nesting, oversized)', async () => {
    const docs: unknown[] = [];
    for (const v of [...SQL_PAYLOADS, ...UNICODE]) {
      const s = JSON.stringify(v);
      docs.push({ query: `{ query(input: {metrics: [${s}]}) { rows } }` });
      docs.push({ query: 'query($i: QueryInput!) { query(input: $i) { rows } }', variables: { i: { metrics: ['reports_received'], groupBy: [v], where: [v], orderBy: [v], timeRange: { start: v } } } });
      docs.push({ query: 'query($i: QueryInput!) { query(input: $i) { rows } }', variables: { i: { metrics: [v], limit: v } } });
      docs.push({ query: v });
    }
    docs.push({ query: `{ ${nested(5000, 'a { ', ' }', 'b')} }` });
    docs.push({ query: `{ query(input: {metrics: ${nested(3000, '[', ']', '"reports_received"')}}) { rows } }` });
    docs.push({ query: 'query($i: QueryInput!) { query(input: $i) { rows } }', variables: JSON.parse(`{"i":${nested(3000, '{"metrics":', '}', '1')}}`) as unknown });
    docs.push({ query: `{ ${'x'.repeat(200_000)} }` });
    for (const doc of docs) {
      const res = await demo.app.inject({ method: 'POST', url: '/graphql', payload: JSON.stringify(doc), headers: { 'content-type': 'application/json' } });
      const what = `GraphQL ${JSON.stringify(doc).slice(0, 200)}`;
      expect(res.statusCode, `${what} → ${res.body.slice(0, 300)}`).toBeLessThan(500);
      expectNoInternals(res.body, what);
    }
  }, 120_000);

  it('never answers 5xx to random query strings and paths', async () => {
    statuses.clear();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constantFrom(...GET_PATHS), segment.map((s) => `/v1/metrics/${s}`), segment.map((s) => `/v1/dimensions/${s}/values`), segment.map((s) => `/v1/saved-queries/${s}/results`)),
        queryString,
        ACCEPT,
        async (path, qs, accept) => {
          const url = qs ? `${path}?${qs}` : path;
          const res = await demo.app.inject({ method: 'GET', url, headers: accept ? { accept } : {} });
          check(res, `GET ${url}`);
        },
      ),
      { numRuns: 1100 },
    );
    expect(statuses.get(200) ?? 0, JSON.stringify([...statuses])).toBeGreaterThan(20);
  });
});
