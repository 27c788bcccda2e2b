/**
 * GraphQL reports how the result cache answered, like REST's meta.cache: miss, then hit with the
 * same rows; REST and GraphQL share one cache; null without a speed layer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestWarehouse } from '../helpers/warehouses.js';
import { demoApp, openDemoWarehouse, type TestApp } from './helpers/demo-app.js';
import { speedApp } from './helpers/speed-app.js';

const QUERY = `query($input: QueryInput!) { query(input: $input) { rows meta { cache rowCount sqlHash } } }`;

async function gql(t: TestApp, input: unknown) {
  const res = await t.http().post('/graphql').send({ query: QUERY, variables: { input } });
  expect(res.status).toBe(200);
  expect(res.body.errors).toBeUndefined();
  return res.body.data.query as { rows: Record<string, unknown>[]; meta: { cache: string | null; rowCount: number; sqlHash: string } };
}

describe.each(ENGINES)('GraphQL meta.cache on %s', (engineName) => {
  let wh: TestWarehouse;
  let fast: TestApp;
  let plain: TestApp;

  beforeAll(async () => {
    wh = await openDemoWarehouse(engineName);
    fast = await speedApp(wh);
    plain = await demoApp(wh);
  }, 180_000);
  afterAll(async () => {
    await fast?.close();
    await plain?.close();
    await wh?.dispose();
  });

  it('answers miss, then hit with the same rows', async () => {
    const input = { metrics: ['reports_received'], groupBy: ['report__channel'], orderBy: ['report__channel'] };
    const first = await gql(fast, input);
    const second = await gql(fast, input);
    expect(first.meta.cache).toBe('miss');
    expect(second.meta.cache).toBe('hit');
    expect(second.rows).toEqual(first.rows);
    expect(first.rows.length).toBeGreaterThan(1);
    expect(second.meta.sqlHash).toBe(first.meta.sqlHash);
  });

  it('shares the cache with REST: a query REST ran is a hit over GraphQL', async () => {
    const input = { metrics: ['reports_received'], groupBy: ['report__category'], orderBy: ['report__category'] };
    const rest = await fast.http().post('/v1/query').send(input);
    expect(rest.body.meta.cache).toBe('miss');
    const viaGraphql = await gql(fast, input);
    expect(viaGraphql.meta.cache).toBe('hit');
    expect(viaGraphql.rows).toEqual(rest.body.rows);
  });

  it('reports hit for a saved query run twice', async () => {
    const saved = await fast.http().get('/v1/saved-queries');
    const name = (saved.body.savedQueries as { name: string }[])[0]!.name;
    const run = async () => {
      const res = await fast.http().post('/graphql').send({ query: `{ savedQuery(name: ${name}) { results { meta { cache } } } }` });
      expect(res.body.errors).toBeUndefined();
      return res.body.data.savedQuery.results.meta.cache as string;
    };
    const first = await run();
    expect(['miss', 'hit']).toContain(first);
    expect(await run()).toBe('hit');
  });

  it('is null when the server runs without a result cache', async () => {
    const res = await gql(plain, { metrics: ['reports_received'], groupBy: ['report__channel'] });
    expect(res.meta.cache).toBeNull();
  });
});
