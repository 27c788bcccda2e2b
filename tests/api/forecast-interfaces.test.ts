/**
 * One forecast, four interfaces: POST /v1/query, GET /v1/query (flat parameters), GraphQL
 * QueryInput and CSV give the same rows and meta.forecast; refusals carry the same codes; the
 * forecast spec is part of the cache key (a different horizon is a different answer, a repeat a hit).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator, hashApiKey } from '../../src/access/authn/index.js';
import { loadAccessPolicy } from '../../src/access/load-policy.js';
import type { MaatstafServer } from '../../src/server/create-server.js';
import { csvCell } from '../../src/core/csv-cell.js';
import { testServer } from '../helpers/server.js';
import { ENGINES, openTestWarehouse, type TestWarehouse } from '../helpers/warehouses.js';
import { openForecastFixture } from '../integration/forecast-fixture.js';
import { parseCsv } from './helpers/csv-parse.js';

const BODY = {
  metrics: ['pickups'],
  groupBy: ['metric_time__hour'],
  timeRange: { start: '2024-03-04', end: '2024-04-07' },
  forecast: { horizon: 48, level: 0.8, method: 'auto', seasonalPeriods: [168, 24] },
  anomalies: { level: 0.99 },
};
const URL =
  '/v1/query?metrics=pickups&groupBy=metric_time__hour&start=2024-03-04&end=2024-04-07&forecastHorizon=48&forecastLevel=0.8&forecastMethod=auto&seasonalPeriods=24,168&anomalyLevel=0.99';
const GQL = 'query($input: QueryInput!) { query(input: $input) { columns { name kind dataType } rows meta { rowCount forecast } } }';

interface Body {
  columns: { name: string }[];
  rows: Record<string, unknown>[];
  meta: { rowCount: number; forecast: Record<string, unknown>; cache?: string };
}

describe.each(ENGINES)('forecasts through every interface on %s', (engineName) => {
  let wh: TestWarehouse;
  let server: MaatstafServer;
  let close: () => Promise<void>;
  beforeAll(async () => {
    wh = await openTestWarehouse(engineName);
    const fixture = await openForecastFixture(wh);
    close = fixture.close;
    server = await testServer(wh, { config: { metricsDir: fixture.metricsDir } });
    await server.app.ready();
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await close?.();
    await wh?.dispose();
  });

  const post = async (body: unknown) => server.app.inject({ method: 'POST', url: '/v1/query', payload: body as object });

  it('REST body = GET parameters = GraphQL = CSV', async () => {
    const rest = (await post(BODY)).json<Body>();
    expect(rest.rows.filter((r) => r['forecast'] === true)).toHaveLength(48);
    expect(rest.meta.forecast['level']).toBe(0.8);
    expect(rest.meta.forecast['seasonalPeriods']).toEqual([24, 168]);

    const get = (await server.app.inject({ url: URL })).json<Body>();
    expect(get.rows).toEqual(rest.rows);
    expect(get.meta.forecast).toEqual(rest.meta.forecast);

    const gql = (await server.app.inject({ method: 'POST', url: '/graphql', payload: { query: GQL, variables: { input: BODY } } })).json<{ data: { query: Body } }>();
    expect(gql.data.query.rows).toEqual(rest.rows);
    expect(gql.data.query.meta.forecast).toEqual(rest.meta.forecast);
    expect(gql.data.query.columns.map((c) => c.name)).toEqual(rest.columns.map((c) => c.name));

    const csv = parseCsv((await server.app.inject({ url: `${URL}&format=csv` })).body);
    expect(csv[0]).toEqual(rest.columns.map((c) => c.name));
    expect(csv.slice(1)).toEqual(rest.rows.map((r) => rest.columns.map((c) => csvCell(r[c.name]))));
  });

  it('the forecast spec is part of the cache key: another horizon is another answer, a repeat is a hit', async () => {
    await post(BODY);
    const again = (await post({ ...BODY, forecast: { ...BODY.forecast, seasonalPeriods: [24, 168] } })).json<Body>();
    expect(again.meta.cache).toBe('hit');
    const longer = (await post({ ...BODY, forecast: { ...BODY.forecast, horizon: 72 } })).json<Body>();
    expect(longer.meta.cache).toBe('miss');
    expect(longer.rows.filter((r) => r['forecast'] === true)).toHaveLength(72);
    const plain = (await post({ metrics: BODY.metrics, groupBy: BODY.groupBy, timeRange: BODY.timeRange })).json<Body>();
    expect(plain.columns.map((c) => c.name)).toEqual(['metric_time__hour', 'pickups']);
  });

  it('refusals have the same code on every interface', async () => {
    const cases: [object, string, string][] = [
      [{ ...BODY, forecast: { horizon: 5000 } }, '/v1/query?metrics=pickups&groupBy=metric_time__hour&forecastHorizon=5000', 'FORECAST_HORIZON_OUT_OF_RANGE'],
      [{ metrics: ['pickups'], groupBy: ['pickup__office'], forecast: { horizon: 3 } }, '/v1/query?metrics=pickups&groupBy=pickup__office&forecastHorizon=3', 'FORECAST_TIME_GRAIN'],
      [{ metrics: ['tuesday_share'], groupBy: ['metric_time__hour'], forecast: { horizon: 3 } }, '/v1/query?metrics=tuesday_share&groupBy=metric_time__hour&forecastHorizon=3', 'FORECAST_UNSUPPORTED_METRIC'],
    ];
    for (const [body, url, code] of cases) {
      const rest = await post(body);
      expect([rest.statusCode, rest.json<{ code: string }>().code]).toEqual([400, code]);
      const get = await server.app.inject({ url });
      expect([get.statusCode, get.json<{ code: string }>().code]).toEqual([400, code]);
      const gql = (await server.app.inject({ method: 'POST', url: '/graphql', payload: { query: GQL, variables: { input: body } } })).json<{ errors: { extensions: { code: string } }[] }>();
      expect(gql.errors[0]!.extensions.code).toBe(code);
    }
  });
});

/** Two roles under an access policy: the Noord office's row rule gives its callers a forecast of their own rows only. */
const POLICY = `
version: 1
anonymous_role: public
roles:
  public:
    metrics:
      allow: []
  everyone:
    metrics:
      allow: ['*']
  noord:
    metrics:
      allow: ['*']
    row_filters:
      - "{{ Dimension('pickup__office') }} = 'Noord'"
`;
const KEYS = { everyone: 'mst_forecast-test-everyone-0123456789abcdef', noord: 'mst_forecast-test-noord-0123456789abcdef' } as const;

describe.each(ENGINES)('forecasts under an access policy on %s', (engineName) => {
  let wh: TestWarehouse;
  let server: MaatstafServer;
  let close: () => Promise<void>;
  beforeAll(async () => {
    wh = await openTestWarehouse(engineName);
    const fixture = await openForecastFixture(wh);
    close = fixture.close;
    const file = join(fixture.metricsDir, 'access.yml');
    await writeFile(file, POLICY);
    const { policy } = await loadAccessPolicy(file, fixture.engine.graph);
    const authn = createAuthenticator({ apiKeys: Object.entries(KEYS).map(([role, key]) => ({ name: role, hash: hashApiKey(key), roles: [role] })) });
    server = await testServer(wh, { config: { metricsDir: fixture.metricsDir }, access: policy, authn });
    await server.app.ready();
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await close?.();
    await wh?.dispose();
  });

  it('two roles get different forecasts: each fitted on the rows its row rule lets through (hand-written SQL)', async () => {
    const body = { ...BODY, forecast: { horizon: 24, method: 'seasonal_naive', seasonalPeriods: [168] }, anomalies: undefined };
    const as = async (role: keyof typeof KEYS) => (await server.app.inject({ method: 'POST', url: '/v1/query', payload: body, headers: { 'x-api-key': KEYS[role] } })).json<Body>();
    const everyone = await as('everyone');
    const noord = await as('noord');
    const total = (b: Body) => b.rows.filter((r) => r['forecast'] === false).reduce((a, r) => a + (r['pickups'] as number), 0);
    const count = async (where: string) => Number(((await wh.query(`SELECT count(*)::int AS n FROM fc_pickups ${where}`)).rows[0] as { n: number }).n);
    expect(total(everyone)).toBe(await count(''));
    expect(total(noord)).toBe(await count("WHERE office = 'Noord'"));
    // Next Tuesday 10:00 is last Tuesday 10:00 of the rows each role may see.
    const at = (b: Body) => b.rows.find((r) => r['metric_time__hour'] === '2024-04-08T10:00:00+02:00')!['pickups__forecast'];
    const lastWeek = "picked_up_at AT TIME ZONE 'Europe/Amsterdam' >= '2024-04-01 10:00' AND picked_up_at AT TIME ZONE 'Europe/Amsterdam' < '2024-04-01 11:00'";
    expect(at(everyone)).toBe(await count(`WHERE ${lastWeek}`));
    expect(at(noord)).toBe(await count(`WHERE office = 'Noord' AND ${lastWeek}`));
    expect(at(noord)).not.toBe(at(everyone));
  });
});
