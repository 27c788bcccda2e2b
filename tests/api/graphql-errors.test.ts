/**
 * GraphQL errors and protections: engine errors carry the REST problem's code, message, name,
 * path and suggestions; warehouse failures show no SQL; deep, costly, wide-alias, batched and
 * over-long requests are refused with a clear code before anything runs; introspection can be
 * switched off. Runs on a migrated (empty) demo warehouse: no error here needs data.
 */
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateWarehouse } from '../../src/demo/migrate.js';
import type { Engine } from '../../src/engine/types.js';
import { buildApp } from '../../src/server/app.js';
import { ENGINES, openTestWarehouse, type TestWarehouse } from '../helpers/warehouses.js';
import { appFor, appWithFailingWarehouse, engineFor, type TestApp } from './helpers/demo-app.js';

interface GraphqlError {
  readonly message: string;
  readonly path?: readonly (string | number)[];
  readonly extensions: Record<string, unknown>;
}

interface GraphqlResponse {
  readonly status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly data: any;
  readonly errors: readonly GraphqlError[];
  readonly text: string;
}

async function post(app: TestApp, body: unknown): Promise<GraphqlResponse> {
  const res = await app.http().post('/graphql').send(body as object);
  return { status: res.status, data: res.body.data, errors: res.body.errors ?? [], text: res.text };
}

const gql = (app: TestApp, query: string, variables?: Record<string, unknown>) => post(app, { query, ...(variables ? { variables } : {}) });

const codes = (r: GraphqlResponse) => r.errors.map((e) => e.extensions.code);

/** Counts the engine calls that reach the warehouse (run) or the compiler (compile). */
function counting(engine: Engine): { engine: Engine; calls: { run: number; compile: number } } {
  const calls = { run: 0, compile: 0 };
  return {
    calls,
    engine: {
      ...engine,
      run: (q) => {
        calls.run++;
        return engine.run(q);
      },
      compile: (q) => {
        calls.compile++;
        return engine.compile(q);
      },
    },
  };
}

const QUERY_ONE = 'query(input: {metrics: ["reports_received"], groupBy: ["metric_time__month"]}) { rows }';

describe.each(ENGINES)('GraphQL errors and limits on %s', (engineName) => {
  let wh: TestWarehouse;
  let demo: TestApp;
  let calls: { run: number; compile: number };

  beforeAll(async () => {
    wh = await openTestWarehouse(engineName);
    await migrateWarehouse(wh);
    const counted = counting(await engineFor('metrics', wh));
    calls = counted.calls;
    demo = await appFor({ warehouse: wh, engine: counted.engine, definitionsError: undefined });
  });
  afterAll(async () => {
    await demo?.close();
    await wh?.dispose();
  });

  const resetCalls = () => {
    calls.run = 0;
    calls.compile = 0;
  };

  describe('engine errors match REST problems', () => {
    const BAD_QUERIES: [string, Record<string, unknown>, string][] = [
      ['unknown metric', { metrics: ['reports_recieved'] }, 'UNKNOWN_METRIC'],
      ['unknown group-by item', { metrics: ['reports_received'], groupBy: ['report__categroy'] }, 'UNKNOWN_GROUP_BY'],
      ['unknown grain', { metrics: ['reports_received'], groupBy: ['metric_time__fortnight'] }, 'UNKNOWN_GROUP_BY'],
      ['grain finer than the data', { metrics: ['benefit_cases_started'], groupBy: ['benefit_case__start_date__hour'] }, 'INVALID_GRAIN'],
      ['bad filter', { metrics: ['reports_received'], where: ["{{ Dimension('report__category') }} = "] }, 'INVALID_FILTER'],
      ['filter on an unknown dimension', { metrics: ['reports_received'], where: ["{{ Dimension('report__colour') }} = 'red'"] }, 'UNKNOWN_GROUP_BY'],
      ['bad time range', { metrics: ['reports_received'], timeRange: { start: 'yesterday' } }, 'INVALID_TIME_RANGE'],
      ['time range ending before it starts', { metrics: ['reports_received'], timeRange: { start: '2024-02-01', end: '2024-01-01' } }, 'INVALID_TIME_RANGE'],
      ['order by something not selected', { metrics: ['reports_received'], orderBy: ['report__category'] }, 'INVALID_ORDER_BY'],
    ];

    it.each(BAD_QUERIES)('%s', async (_name, input, code) => {
      const rest = await demo.http().post('/v1/query').send(input);
      expect(rest.body.code).toBe(code);
      const res = await gql(demo, 'query($input: QueryInput!) { query(input: $input) { rows } }', { input });
      expect(res.status).toBe(200);
      expect(res.data).toEqual({ query: null });
      expect(res.errors).toHaveLength(1);
      const [error] = res.errors;
      expect(error!.path).toEqual(['query']);
      expect(error!.message).toBe(rest.body.detail);
      const { code: restCode, status, name, path, suggestions, available, issues } = rest.body;
      const expected = Object.fromEntries(Object.entries({ code: restCode, status, name, path, suggestions, available, issues }).filter(([, v]) => v !== undefined));
      expect(error!.extensions).toEqual(expected);
      // The same problem from compile.
      const compiled = await gql(demo, 'query($input: QueryInput!) { compile(input: $input) { sql } }', { input });
      expect(compiled.errors[0]!.extensions).toEqual(expected);
    });

    it('gives suggestions for a misspelt metric', async () => {
      const res = await gql(demo, '{ query(input: {metrics: ["reports_recieved"]}) { rows } }');
      expect(res.errors[0]!.extensions).toMatchObject({ code: 'UNKNOWN_METRIC', name: 'reports_recieved', path: 'metrics[0]' });
      expect(res.errors[0]!.extensions.suggestions).toContain('reports_received');
    });

    it('keeps the other fields of a request when one fails', async () => {
      const res = await gql(demo, `{ good: ${QUERY_ONE} bad: query(input: {metrics: ["nope"]}) { rows } entities { name } }`);
      expect(res.status).toBe(200);
      expect(res.data.good.rows).toEqual([]);
      expect(res.data.bad).toBeNull();
      expect(res.data.entities.length).toBeGreaterThan(0);
      expect(codes(res)).toEqual(['UNKNOWN_METRIC']);
    });

    it('runs saved queries with the REST errors for bad params', async () => {
      const params = { where: ["{{ Dimension('report__category') }} ="] };
      const rest = await demo.http().post('/v1/saved-queries/reports_by_month_and_category/results').send(params);
      const res = await gql(demo, 'query($where: [String!]) { savedQuery(name: reports_by_month_and_category) { results(where: $where) { rows } } }', params);
      expect(res.errors[0]!.extensions.code).toBe(rest.body.code);
      expect(res.errors[0]!.message).toBe(rest.body.detail);
    });

    it('answers dimension values for an item the metrics lack like REST (UNKNOWN_DIMENSION)', async () => {
      const rest = await demo.http().get('/v1/dimensions/report__category/values?metrics=appointments');
      const res = await gql(demo, '{ dimensionValues(name: report__category, metrics: [appointments]) { values } }');
      expect(rest.body.code).toBe('UNKNOWN_DIMENSION');
      expect(res.errors[0]!.extensions).toMatchObject({ code: 'UNKNOWN_DIMENSION', status: 404, name: 'report__category' });
      expect(res.errors[0]!.message).toBe(rest.body.detail);
    });

    it('refuses names outside the enums at validation, with GraphQL suggestions', async () => {
      const res = await gql(demo, '{ metric(name: reports_recieved) { name } }');
      expect(res.status).toBe(400);
      expect(res.data).toBeNull();
      expect(codes(res)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      expect(res.errors[0]!.message).toContain('reports_received');
    });

    it('answers syntax errors and wrong variable types as GraphQL errors', async () => {
      const syntax = await gql(demo, '{ metrics { name ');
      expect(syntax.status).toBe(400);
      expect(codes(syntax)).toEqual(['GRAPHQL_PARSE_FAILED']);
      const variables = await gql(demo, 'query($input: QueryInput!) { query(input: $input) { rows } }', { input: { limit: 'ten' } });
      expect(variables.status).toBe(400);
      expect(codes(variables)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      const invalidJson = await demo.http().post('/graphql').set('content-type', 'application/json').send('{"query": ');
      expect(invalidJson.status).toBe(400);
      expect(invalidJson.body.errors[0].extensions.code).toBe('INVALID_QUERY');
      const noQuery = await post(demo, { variables: {} });
      expect(noQuery.status).toBe(400);
      expect(codes(noQuery)).toEqual(['GRAPHQL_PARSE_FAILED']);
    });
  });

  describe('protections refuse a request before anything runs', () => {
    it('refuses a deep query (QUERY_TOO_DEEP)', async () => {
      resetCalls();
      const deep = 'inputs { '.repeat(9) + 'name' + ' }'.repeat(9);
      const res = await gql(demo, `{ ${QUERY_ONE} metric(name: median_resolution_days) { ${deep} } }`);
      expect(res.status).toBe(400);
      expect(res.data).toBeNull();
      expect(codes(res)).toContain('QUERY_TOO_DEEP');
      expect(res.errors.find((e) => e.extensions.code === 'QUERY_TOO_DEEP')!.message).toBe('The operation nests fields 11 deep; the limit is 8.');
      expect(calls).toEqual({ run: 0, compile: 0 });
      // Eight levels are fine.
      const ok = await gql(demo, `{ metric(name: median_resolution_days) { ${'inputs { '.repeat(6)}name${' }'.repeat(6)} } }`);
      expect(ok.status).toBe(200);
      expect(ok.data.metric).toEqual({ inputs: [{ inputs: [] }] });
    });

    it('refuses a wide alias query (TOO_MANY_ALIASES)', async () => {
      resetCalls();
      const aliases = Array.from({ length: 31 }, (_, i) => `q${i}: ${QUERY_ONE}`).join('\n');
      const res = await gql(demo, `{ ${aliases} }`);
      expect(res.status).toBe(400);
      expect(res.data).toBeNull();
      expect(codes(res)).toContain('TOO_MANY_ALIASES');
      expect(res.errors.find((e) => e.extensions.code === 'TOO_MANY_ALIASES')!.message).toBe('The query uses 31 aliases; the limit is 30.');
      expect(calls.run).toBe(0);
      const cheap = await gql(demo, `{ ${Array.from({ length: 31 }, (_, i) => `e${i}: entities { name }`).join(' ')} }`);
      expect(codes(cheap)).toEqual(['TOO_MANY_ALIASES']);
    });

    it('refuses a costly query (QUERY_TOO_COMPLEX) but runs a few queries in one request', async () => {
      resetCalls();
      const tooMany = await gql(demo, `{ ${Array.from({ length: 10 }, (_, i) => `q${i}: ${QUERY_ONE}`).join(' ')} }`);
      expect(tooMany.status).toBe(400);
      expect(codes(tooMany)).toEqual(['QUERY_TOO_COMPLEX']);
      expect(tooMany.errors[0]!.extensions).toMatchObject({ cost: 1010, maxCost: 1000 });
      const everySavedQuery = await gql(demo, '{ savedQueries { name results { rows } } }');
      expect(codes(everySavedQuery)).toEqual(['QUERY_TOO_COMPLEX']);
      expect(calls.run).toBe(0);

      const five = await gql(demo, `{ ${Array.from({ length: 5 }, (_, i) => `q${i}: ${QUERY_ONE}`).join(' ')} }`);
      expect(five.status).toBe(200);
      expect(Object.keys(five.data)).toHaveLength(5);
      expect(calls.run).toBe(5);
    });

    it('counts fragments spread many times once per spread, and quickly', async () => {
      resetCalls();
      // Each level spreads the next ten times: 10^6 selections if expanded naively.
      const levels = Array.from({ length: 6 }, (_, i) => `fragment F${i} on Query { ${Array.from({ length: 10 }, () => (i === 5 ? QUERY_ONE : `...F${i + 1}`)).join(' ')} }`);
      const started = performance.now();
      const res = await gql(demo, `{ ...F0 } ${levels.join(' ')}`);
      expect(performance.now() - started).toBeLessThan(5000);
      expect(res.status).toBe(400);
      expect(codes(res)).toContain('QUERY_TOO_COMPLEX');
      expect(calls.run).toBe(0);
    });

    it('refuses batched queries (BATCHED_QUERIES_NOT_ALLOWED)', async () => {
      resetCalls();
      const res = await post(demo, [{ query: `{ ${QUERY_ONE} }` }, { query: `{ ${QUERY_ONE} }` }]);
      expect(res.status).toBe(400);
      expect(codes(res)).toEqual(['BATCHED_QUERIES_NOT_ALLOWED']);
      expect(res.errors[0]!.message).toBe('Batched queries are not supported: send one operation per request.');
      expect(calls.run).toBe(0);
    });

    it('refuses an over-long query (QUERY_TOO_LONG)', async () => {
      resetCalls();
      const res = await gql(demo, `${'#'.repeat(20_000)}\n{ ${QUERY_ONE} }`);
      expect(res.status).toBe(400);
      expect(codes(res)).toEqual(['QUERY_TOO_LONG']);
      expect(calls.run).toBe(0);
    });

    it('refuses cyclic introspection (graphql-js MaxIntrospectionDepthRule) but answers the standard one', async () => {
      const res = await gql(demo, '{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }');
      expect(res.status).toBe(400);
      expect(codes(res)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      expect(res.errors[0]!.message).toMatch(/introspection depth/i);
    });

    it('applies the limits to GET requests too', async () => {
      resetCalls();
      const aliases = Array.from({ length: 31 }, (_, i) => `e${i}: entities { name }`).join(' ');
      const res = await demo.http().get(`/graphql?query=${encodeURIComponent(`{ ${aliases} }`)}`);
      expect(res.status).toBe(400);
      expect(res.body.errors[0].extensions.code).toBe('TOO_MANY_ALIASES');
      const ok = await demo.http().get(`/graphql?query=${encodeURIComponent(`{ ${QUERY_ONE} }`)}`);
      expect(ok.status).toBe(200);
      expect(ok.body.data.query.rows).toEqual([]);
    });
  });

  describe('configuration and failures', () => {
    it('switches introspection (and GraphiQL) off', async () => {
      const app = await buildApp({ state: demo.state, logger: false, graphql: { introspection: false } });
      await app.ready();
      try {
        const introspect = await supertest(app.server).post('/graphql').send({ query: '{ __schema { queryType { name } } }' });
        expect(introspect.status).toBe(400);
        expect(introspect.body.data).toBeNull();
        expect(introspect.body.errors.map((e: GraphqlError) => e.extensions.code)).toEqual(['INTROSPECTION_DISABLED']);
        const type = await supertest(app.server).post('/graphql').send({ query: '{ __type(name: "Metric") { name } }' });
        expect(type.body.errors[0].extensions.code).toBe('INTROSPECTION_DISABLED');
        const plain = await supertest(app.server).post('/graphql').send({ query: '{ __typename entities { name } }' });
        expect(plain.status).toBe(200);
        expect(plain.body.data.__typename).toBe('Query');
        await supertest(app.server).get('/graphiql').expect(404);
      } finally {
        await app.close();
      }
    });

    it('applies configured limits (tokens, aliases, depth)', async () => {
      const app = await buildApp({ state: demo.state, logger: false, graphql: { limits: { maxTokens: 40, maxAliases: 1, maxDepth: 2 } } });
      await app.ready();
      try {
        const send = (query: string) => supertest(app.server).post('/graphql').send({ query });
        const tokens = await send(`{ ${'__typename '.repeat(50)}}`);
        expect(tokens.status).toBe(400);
        expect(tokens.body.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
        expect(tokens.body.errors[0].message).toMatch(/contains more \w+ 40 tokens/);
        expect((await send('{ a: entities { name } b: entities { name } }')).body.errors[0].extensions.code).toBe('TOO_MANY_ALIASES');
        expect((await send('{ metric(name: app_share) { inputs { name } } }')).body.errors[0].extensions.code).toBe('QUERY_TOO_DEEP');
        expect((await send('{ a: metric(name: app_share) { name } }')).status).toBe(200);
      } finally {
        await app.close();
      }
    });

    it('answers a bug in a resolver as INTERNAL, without its message', async () => {
      const base = demo.state.engine!;
      const broken: Engine = { ...base, run: () => Promise.reject(new TypeError("Cannot read properties of undefined (reading 'secret_detail')")) };
      const app = await appFor({ warehouse: wh, engine: broken, definitionsError: undefined });
      try {
        const res = await gql(app, `{ ${QUERY_ONE} entities { name } }`);
        expect(res.status).toBe(200);
        expect(res.data.query).toBeNull();
        expect(res.data.entities.length).toBeGreaterThan(0);
        expect(res.errors[0]!.extensions).toEqual({ code: 'INTERNAL', status: 500 });
        expect(res.errors[0]!.message).toBe('internal error; see the server log for this request id');
        expect(res.text).not.toMatch(/secret_detail|TypeError|\bat /);
      } finally {
        await app.close();
      }
    });

    it('answers NOT_READY while the definitions are not loaded', async () => {
      const app = await appFor({ warehouse: wh, engine: undefined, definitionsError: 'metrics/x.yml:1: broken' });
      try {
        const res = await gql(app, '{ metrics { name } metric(name: "reports_received") { name } }');
        expect(res.status).toBe(200);
        expect(res.data).toEqual({ metrics: null, metric: null });
        expect(codes(res)).toEqual(['NOT_READY', 'NOT_READY']);
        expect(res.errors[0]!.message).toBe('the metric definitions are not loaded; see /readyz');
      } finally {
        await app.close();
      }
    });

    it('reports a warehouse failure like REST, without SQL or internals', async () => {
      const secret = 'relation "public_space_reports" does not exist at SELECT "secret_column"';
      const app = await appWithFailingWarehouse(() => Object.assign(new Error(secret), { code: '42P01' }));
      try {
        const rest = await app.http().post('/v1/query').send({ metrics: ['reports_received'] });
        const res = await gql(app, '{ query(input: {metrics: ["reports_received"]}) { rows } }');
        expect(res.status).toBe(200);
        expect(res.errors[0]!.extensions).toEqual({ code: rest.body.code, status: rest.body.status });
        expect(res.errors[0]!.extensions.code).toBe('WAREHOUSE_ERROR');
        expect(res.errors[0]!.message).toBe(rest.body.detail);
        expect(res.text).not.toMatch(/SELECT|secret_column|public_space_reports|\bat \//);
      } finally {
        await app.close();
      }
    });
  });
});
