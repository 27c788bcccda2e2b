/**
 * Repeated requests (what a dashboard sends over and over) must get exactly the answer a first
 * request gets, errors included, from the result cache after the first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestWarehouse } from '../helpers/warehouses.js';
import { openDemoWarehouse, type TestApp } from './helpers/demo-app.js';
import { speedApp } from './helpers/speed-app.js';

type Row = Record<string, unknown>;
const AMS = "AT TIME ZONE 'Europe/Amsterdam'";
const BODY = '{"metrics":["reports_received"],"groupBy":["report__channel"],"where":["{{ Dimension(\'report__category\') }} = \'afval\'"],"orderBy":["report__channel"]}';
const URL = "/v1/query?metrics=reports_received&groupBy=report__channel&where={{ Dimension('report__category') }} = 'afval'&orderBy=report__channel";

describe.each(ENGINES)('repeated requests on %s', (engineName) => {
  let wh: TestWarehouse;
  let t: TestApp;
  let expected: Row[];

  beforeAll(async () => {
    wh = await openDemoWarehouse(engineName);
    t = await speedApp(wh);
    expected = (
      await wh.query<Row>(`
        SELECT channel AS report__channel, count(*)::int AS reports_received
        FROM public_space_reports WHERE category = 'afval' GROUP BY 1 ORDER BY 1`)
    ).rows;
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    await wh?.dispose();
  });

  const postText = (text: string) => t.http().post('/v1/query').set('content-type', 'application/json').send(text);

  it('the same body three times: the hand-written numbers every time, miss then hits, own query ids', async () => {
    expect(expected.length).toBeGreaterThan(1);
    const answers = [await postText(BODY), await postText(BODY), await postText(BODY)];
    for (const res of answers) {
      expect(res.status).toBe(200);
      expect(res.body.rows).toEqual(expected);
      expect(res.body.meta.queryId).toBe(res.headers['x-request-id']);
    }
    expect(answers.map((r) => r.body.meta.cache)).toEqual(['miss', 'hit', 'hit']);
    expect(new Set(answers.map((r) => r.body.meta.queryId)).size).toBe(3);
  });

  it('another spelling of the same query (spacing, key order) shares the cached answer', async () => {
    const respelled = `{ "orderBy": ["report__channel"], "where": ["{{ Dimension('report__category') }} = 'afval'"], "groupBy": ["report__channel"], "metrics": ["reports_received"] }`;
    const res = await postText(respelled);
    expect(res.status).toBe(200);
    expect(res.body.rows).toEqual(expected);
    expect(res.body.meta.cache).toBe('hit');
  });

  it('the same URL three times gives the POST answer; comma lists and repeated parameters mean the same', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await t.http().get(encodeURI(URL));
      expect(res.status).toBe(200);
      expect(res.body.rows).toEqual(expected);
      expect(res.body.meta.cache).toBe('hit');
    }
    const repeated = await t.http().get(encodeURI(URL.replace('metrics=reports_received', 'metrics=reports_received&metrics=')));
    expect(repeated.status).toBe(200);
    expect(repeated.body.rows).toEqual(expected);
  });

  it('a repeated bad body is answered afresh, the same problem every time (never remembered, never a 5xx)', async () => {
    for (let i = 0; i < 2; i++) {
      const unknown = await postText('{"metrics":["reports_recieved"]}');
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ code: 'UNKNOWN_METRIC', name: 'reports_recieved' });
      expect(unknown.body.suggestions).toContain('reports_received');
      const invalid = await postText('{"metrics":"reports_received","limit":-1}');
      expect(invalid.status).toBe(400);
      expect(invalid.body.code).toBe('INVALID_QUERY');
      const broken = await postText('{"metrics":[');
      expect(broken.status).toBe(400);
      expect(broken.body.code).toBe('INVALID_QUERY');
    }
  });

  it('a repeated CSV and a repeated compile of the same body work on the shared query object', async () => {
    for (let i = 0; i < 2; i++) {
      const csv = await t.http().post('/v1/query?format=csv').set('content-type', 'application/json').send(BODY);
      expect(csv.status).toBe(200);
      expect(csv.text.split('\r\n')[0]).toBe('report__channel,reports_received');
      const compiled = await t.http().post('/v1/compile').set('content-type', 'application/json').send(BODY);
      expect(compiled.status).toBe(200);
      expect(compiled.body.sql).toContain('GROUP BY');
      expect(compiled.body.params).toContain('afval');
    }
  });

  it('a repeated dimension-values lookup and saved-query run (URL list parameters) answer alike', async () => {
    const a = await t.http().get('/v1/dimensions/report__channel/values?metrics=reports_received');
    const b = await t.http().get('/v1/dimensions/report__channel/values?metrics=reports_received');
    expect(a.status).toBe(200);
    expect(b.body).toEqual(a.body);
    const channels = (await wh.query<Row>(`SELECT DISTINCT channel FROM public_space_reports ORDER BY 1`)).rows.map((r) => r.channel);
    expect(a.body.values).toEqual(channels);
  });
});

describe('URL list parameters', () => {
  it('do not leak into each other: each distinct URL is split on its own', async () => {
    const wh = await openDemoWarehouse('pglite');
    const t = await speedApp(wh);
    try {
      const one = await t.http().get(`/v1/query?metrics=reports_received&groupBy=metric_time__year&orderBy=metric_time__year&limit=1`);
      const two = await t.http().get(`/v1/query?metrics=reports_received&groupBy=metric_time__year&orderBy=metric_time__year&limit=2`);
      expect(one.status).toBe(200);
      expect(two.status).toBe(200);
      expect(one.body.rows).toHaveLength(1);
      expect(two.body.rows).toHaveLength(2);
      const years = (await wh.query<Row>(`SELECT count(*)::int AS n FROM public_space_reports GROUP BY date_trunc('year', received_at ${AMS}) ORDER BY date_trunc('year', received_at ${AMS})`)).rows;
      expect(two.body.rows.map((r: Row) => r.reports_received)).toEqual(years.slice(0, 2).map((r) => r.n));
    } finally {
      await t.close();
      await wh.dispose();
    }
  }, 180_000);
});
