/**
 * Server-driven paging over a large generated set (250,000 rows on PostgreSQL; 25,000 on the
 * embedded PGlite, which is slower): following `@odata.nextLink` yields exactly the unpaged answer
 * (REST and hand-written SQL), also when the result cache is emptied between pages; the page size
 * follows `Prefer: odata.maxpagesize` (with Preference-Applied) or the configured default; a link
 * whose previous row moved (the data changed) answers 410 PAGE_EXPIRED, never a page that repeats
 * or skips rows.
 */
import supertest from 'supertest';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSpeedLayer, DEFAULT_SPEED_LAYER, type SpeedLayer } from '../../../src/cache/speed-layer.js';
import { buildApp } from '../../../src/server/app.js';
import { engineFor } from '../helpers/demo-app.js';
import { ENGINES, openTestWarehouse, type TestWarehouse } from '../../helpers/warehouses.js';
import { createExportFactsTable } from '../../helpers/export-facts.js';

const DEFINITIONS = 'tests/fixtures/definitions/export';
const SET = '/odata/amounts_by_code';

describe.each(ENGINES)('OData paging on %s', (engineName) => {
  const facts = engineName === 'postgres' ? 250_000 : 25_000;
  let wh: TestWarehouse;
  let app: FastifyInstance;
  let speed: SpeedLayer;

  beforeAll(async () => {
    wh = await openTestWarehouse(engineName);
    await createExportFactsTable(wh);
    await wh.query(
      `INSERT INTO export_facts SELECT i, DATE '2026-01-01' + (i % 365), (ARRAY['a','b','c'])[1 + i % 3], 'f' || lpad(i::text, 6, '0'), 'plain', '', i % 97
       FROM generate_series(1, ${facts}) AS i`,
    );
    speed = createSpeedLayer(DEFAULT_SPEED_LAYER);
    const engine = speed.wrapEngine(await engineFor(DEFINITIONS, wh));
    app = await buildApp({ state: { warehouse: wh, engine, definitionsError: undefined }, logger: false, odata: { pageSize: 7_000, maxPageSize: 300_000 } });
    await app.ready();
  }, 300_000);
  afterAll(async () => {
    await app?.close();
    await wh?.dispose();
  });

  const get = (url: string, pageSize?: number) => {
    const req = supertest(app.server).get(url);
    return pageSize === undefined ? req : req.set('prefer', `odata.maxpagesize=${pageSize}`);
  };
  const local = (link: string) => {
    const u = new URL(link);
    return u.pathname + u.search;
  };
  const handRows = async () =>
    (await wh.query<{ code: string; kind: string; amount: string | number }>('SELECT code, kind, sum(amount) AS amount FROM export_facts GROUP BY code, kind ORDER BY code, kind')).rows.map((r) => ({
      fact__code: r.code,
      fact__kind: r.kind,
      amount_total: Number(r.amount),
    }));

  it('following nextLink yields exactly the unpaged rows, with the cache emptied between pages', async () => {
    const pageSize = Math.ceil(facts / 6);
    let url: string | undefined = SET;
    const paged: unknown[] = [];
    let pages = 0;
    while (url) {
      const res: supertest.Response = await get(url, pageSize).expect(200);
      expect(res.headers['preference-applied']).toBe(`odata.maxpagesize=${pageSize}`);
      const value = res.body.value as unknown[];
      expect(value.length).toBeLessThanOrEqual(pageSize);
      paged.push(...value);
      // Every second page: the result cache refreshes (emptied) before the next link is read.
      if (pages++ % 2 === 0) speed.cache.clear();
      url = res.body['@odata.nextLink'] ? local(res.body['@odata.nextLink'] as string) : undefined;
    }
    expect(pages).toBe(6);
    expect(paged).toHaveLength(facts);
    const unpaged = (await supertest(app.server).get('/v1/saved-queries/amounts_by_code/results?orderBy=fact__code,fact__kind').expect(200)).body.rows;
    expect(paged).toEqual(unpaged);
    expect(paged).toEqual(await handRows());
  }, 300_000);

  it('the configured page size applies without a preference; $top and $skip page within their window', async () => {
    const first = await get(`${SET}?$skip=10&$top=15000&$select=fact__code`).expect(200);
    expect(first.headers['preference-applied']).toBeUndefined();
    expect(first.body.value).toHaveLength(7_000);
    const rows = [...first.body.value];
    let link = first.body['@odata.nextLink'] as string | undefined;
    while (link) {
      const res = await get(local(link)).expect(200);
      rows.push(...res.body.value);
      link = res.body['@odata.nextLink'];
    }
    expect(rows).toEqual((await handRows()).slice(10, 15_010).map((r) => ({ fact__code: r.fact__code })));
  }, 120_000);

  it('a link whose previous row is gone (the data changed) answers 410 PAGE_EXPIRED', async () => {
    const first = await get(SET, 1000).expect(200);
    const link = local(first.body['@odata.nextLink'] as string);
    const last = (first.body.value as { fact__code: string }[]).at(-1)!.fact__code;
    await wh.query('DELETE FROM export_facts WHERE code = $1', [last]);
    speed.cache.clear();
    const res = await get(link, 1000).expect(410);
    expect(res.body.error).toMatchObject({ code: 'PAGE_EXPIRED', target: '$skiptoken' });
  }, 120_000);
});
