/**
 * Reproduction 8 of issue 17: an anonymous `GET /v1/query?groupBy=metric_time__day,survey_response&format=csv`
 * streamed 453 MB. Now anonymous answers and queries without metrics have a row bound
 * (MAATSTAF_ANONYMOUS_EXPORT_MAX_ROWS, MAATSTAF_DIMENSION_ONLY_MAX_ROWS) in every format: the query
 * runs with LIMIT bound + 1 and is answered whole or refused with 400 QUERY_LIMIT_EXCEEDED before any
 * row is sent; a named caller's metric export still streams in full.
 *
 * Data: 360 `export_facts` rows, three per code (120 codes; day and kind follow the code, so every
 * combination without metrics has 3 subjects and passes the fixture's largest min_group_size, 3),
 * small bounds (50 anonymous, 60 dimension-only).
 */
import type { FastifyInstance } from 'fastify';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator, generateApiKey, hashApiKey } from '../../src/access/authn/index.js';
import type { Engine } from '../../src/engine/types.js';
import type { QueryLimits } from '../../src/limits/limited-engine.js';
import { buildApp } from '../../src/server/app.js';
import type { Warehouse } from '../../src/warehouse/warehouse.js';
import { parseCsv } from '../api/helpers/csv-parse.js';
import { engineFor } from '../api/helpers/demo-app.js';
import { ENGINES, openTestWarehouse, type TestWarehouse } from '../helpers/warehouses.js';
import { createExportFactsTable } from '../helpers/export-facts.js';

const DEFINITIONS = 'tests/fixtures/definitions/export';
const KEY = generateApiKey();
const LIMITS: QueryLimits = { maxMetrics: 20, maxGroupBy: 10, maxRows: 1000, anonymousMaxRows: 50, dimensionOnlyMaxRows: 60 };
const FIRST_40 = "{{ Dimension('fact__code') }} <= 'f040'";

describe.each(ENGINES)('bounded exports on %s (reproduction 8)', (engineName) => {
  let wh: TestWarehouse;
  let app: FastifyInstance;
  /** SQL text and parameters of every warehouse query the app ran. */
  const ran: { sql: string; params: readonly unknown[] }[] = [];
  const http = () => supertest(app.server);
  const named = () => ({ 'x-api-key': KEY });

  beforeAll(async () => {
    wh = await openTestWarehouse(engineName);
    await createExportFactsTable(wh);
    await wh.query(
      `INSERT INTO export_facts SELECT i, DATE '2026-01-01' + (c % 2), (ARRAY['a','b'])[1 + c % 2], 'f' || lpad(c::text, 3, '0'), 'l', 'n', i % 7 - 3
       FROM generate_series(1, 360) AS i, LATERAL (SELECT (i + 2) / 3 AS c) AS code`,
    );
    const spy: Warehouse = Object.assign(Object.create(wh) as Warehouse, {
      query: (sql: string, params?: readonly unknown[]) => {
        ran.push({ sql, params: params ?? [] });
        return wh.query(sql, params as unknown[]);
      },
    });
    const engine: Engine = await engineFor(DEFINITIONS, spy);
    const authn = createAuthenticator({ apiKeys: [{ name: 'analist', hash: hashApiKey(KEY), roles: ['analyst'] }] });
    app = await buildApp({ state: { warehouse: spy, engine, definitionsError: undefined, queryLimits: LIMITS }, logger: false, authn, web: { root: false } });
    await app.ready();
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await wh?.dispose();
  });

  const byCode = async (where = ''): Promise<string[][]> =>
    (await wh.query<{ code: string; amount: number }>(`SELECT code, sum(amount)::int AS amount FROM export_facts ${where} GROUP BY code ORDER BY code`)).rows.map((r) => [r.code, String(r.amount)]);

  function expectBounded(res: supertest.Response, setting: string, bound: number): void {
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED', name: 'limit', suggestions: [`limit: ${bound}`] });
    expect(res.body.detail).toContain(setting);
    expect(res.text).not.toContain('f001');
  }

  it('the reproduction: an anonymous dimension-only CSV export over the bound is refused before any row is sent', async () => {
    ran.length = 0;
    const res = await http().get('/v1/query?groupBy=fact__happened_at__day,fact__code&format=csv');
    // Both bounds apply; the tighter one (anonymous, 50) is named.
    expectBounded(res, 'MAATSTAF_ANONYMOUS_EXPORT_MAX_ROWS', 50);
  });

  it('anonymous metric answers are bounded in CSV (streamed path), JSON and GraphQL; within the bound they are whole and right', async () => {
    ran.length = 0;
    expectBounded(await http().get('/v1/query?metrics=amount_total&groupBy=fact__code&format=csv'), 'MAATSTAF_ANONYMOUS_EXPORT_MAX_ROWS', 50);
    // The warehouse was asked for at most bound + 1 rows, not for the whole export.
    expect(ran.some((q) => /\blimit\b/i.test(q.sql) && (q.params.includes(51) || /limit\s+51\b/i.test(q.sql)))).toBe(true);
    expectBounded(await http().post('/v1/query').send({ metrics: ['amount_total'], groupBy: ['fact__code'] }), 'MAATSTAF_ANONYMOUS_EXPORT_MAX_ROWS', 50);
    const gql = await http().post('/graphql').send({ query: '{ query(input: {metrics: ["amount_total"], groupBy: ["fact__code"]}) { rows } }' });
    expect(gql.body.errors[0].extensions.code).toBe('QUERY_LIMIT_EXCEEDED');

    const want = await byCode("WHERE code <= 'f040'");
    expect(want).toHaveLength(40);
    const csv = await http().get('/v1/query').query({ metrics: 'amount_total', groupBy: 'fact__code', where: FIRST_40, orderBy: 'fact__code', format: 'csv' }).expect(200);
    expect(parseCsv(csv.text)).toEqual([['fact__code', 'amount_total'], ...want]);
    // Its own smaller limit also keeps an answer within the bound.
    const limited = await http().post('/v1/query').send({ metrics: ['amount_total'], groupBy: ['fact__code'], orderBy: ['fact__code'], limit: 10 }).expect(200);
    expect(limited.body.rows.map((r: { fact__code: string; amount_total: number }) => [r.fact__code, String(r.amount_total)])).toEqual((await byCode()).slice(0, 10));
  });

  it('a named caller still exports a metric in full (streamed CSV, 120 rows over the anonymous bound)', async () => {
    const res = await http().get('/v1/query?metrics=amount_total&groupBy=fact__code&orderBy=fact__code&format=csv').set(named()).expect(200);
    expect(parseCsv(res.text)).toEqual([['fact__code', 'amount_total'], ...(await byCode())]);
  });

  it('dimension-only queries are bounded for named callers too; within the bound they list the right combinations', async () => {
    expectBounded(await http().get('/v1/query?groupBy=fact__code,fact__kind&format=csv').set(named()), 'MAATSTAF_DIMENSION_ONLY_MAX_ROWS', 60);
    expectBounded(await http().post('/v1/query').set(named()).send({ metrics: [], groupBy: ['fact__code'] }), 'MAATSTAF_DIMENSION_ONLY_MAX_ROWS', 60);
    const res = await http().get('/v1/query').query({ groupBy: 'fact__code', where: FIRST_40, orderBy: 'fact__code', format: 'csv' }).set(named()).expect(200);
    const want = (await wh.query<{ code: string }>("SELECT DISTINCT code FROM export_facts WHERE code <= 'f040' ORDER BY code")).rows.map((r) => [r.code]);
    expect(parseCsv(res.text)).toEqual([['fact__code'], ...want]);
  });

  it('applyGroupBy: false (one row per record) is bounded like any dimension-only query; within the bound it lists every row', async () => {
    expectBounded(await http().get('/v1/query?groupBy=fact__kind&applyGroupBy=false&format=csv').set(named()), 'MAATSTAF_DIMENSION_ONLY_MAX_ROWS', 60);
    expectBounded(await http().post('/v1/query').set(named()).send({ groupBy: ['fact__kind'], applyGroupBy: false }), 'MAATSTAF_DIMENSION_ONLY_MAX_ROWS', 60);
    // Three facts per code: 45 rows, of only two distinct kinds.
    const res = await http().post('/v1/query').set(named()).send({ groupBy: ['fact__kind'], where: "{{ Dimension('fact__code') }} <= 'f015'", applyGroupBy: false }).expect(200);
    const want = (await wh.query<{ kind: string }>("SELECT kind FROM export_facts WHERE code <= 'f015' ORDER BY kind")).rows.map((r) => r.kind);
    expect(want.length).toBe(45);
    expect((res.body.rows as { fact__kind: string }[]).map((r) => r.fact__kind).sort()).toEqual(want);
  });
});
