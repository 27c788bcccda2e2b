/**
 * REST and GraphQL agree: every case of the shared query matrix runs through `POST /v1/query` (or
 * `POST /v1/saved-queries/{name}/results`) and through GraphQL `query` (or `savedQuery.results`)
 * on the same app; columns, rows and the compiled SQL's hash must be equal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { savedQueryRunRequest } from '../../src/engine/saved-queries.js';
import { ENGINES, type TestWarehouse } from '../helpers/warehouses.js';
import { demoApp, openDemoWarehouse, type TestApp } from './helpers/demo-app.js';
import { QUERY_MATRIX, type MatrixCase } from './query-matrix.js';

const RESULT = 'columns { name kind dataType label unit grain } rows meta { queryId definitionsVersion sqlHash rowCount }';

const QUERY_DOC = `query Run($input: QueryInput!) { query(input: $input) { ${RESULT} } }`;

const SAVED_DOC = `query Saved($name: SavedQueryName!, $where: [String!], $timeRange: TimeRangeInput, $orderBy: [String!], $limit: Int) {
  savedQuery(name: $name) { results(where: $where, timeRange: $timeRange, orderBy: $orderBy, limit: $limit) { ${RESULT} } }
}`;

interface ResultBody {
  readonly columns: Record<string, unknown>[];
  readonly rows: Record<string, unknown>[];
  readonly meta: { readonly queryId: string; readonly definitionsVersion: string; readonly sqlHash: string; readonly rowCount: number };
}

/** GraphQL answers absent optional fields with null; REST leaves them out. */
const withoutNulls = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null));

const sortedRows = (rows: readonly Record<string, unknown>[]) => rows.map((r) => JSON.stringify(r)).sort();

describe.each(ENGINES)('REST and GraphQL give equal results on %s', (engine) => {
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

  async function viaRest(c: MatrixCase): Promise<ResultBody> {
    const res =
      c.kind === 'query'
        ? await demo.http().post('/v1/query').send(c.query)
        : await demo.http().post(`/v1/saved-queries/${c.savedQuery}/results`).send(c.params ?? {});
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as ResultBody;
  }

  async function viaGraphql(c: MatrixCase): Promise<ResultBody> {
    const body = c.kind === 'query' ? { query: QUERY_DOC, variables: { input: c.query } } : { query: SAVED_DOC, variables: { name: c.savedQuery, ...c.params } };
    const res = await demo.http().post('/graphql').send(body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.errors).toBeUndefined();
    return (c.kind === 'query' ? res.body.data.query : res.body.data.savedQuery.results) as ResultBody;
  }

  it('has at least 30 cases, each named once', () => {
    expect(QUERY_MATRIX.length).toBeGreaterThanOrEqual(30);
    expect(new Set(QUERY_MATRIX.map((c) => c.name)).size).toBe(QUERY_MATRIX.length);
  });

  it.each(QUERY_MATRIX.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const rest = await viaRest(c);
    const graphql = await viaGraphql(c);
    expect(rest.rows.length).toBeGreaterThan(0);
    expect(graphql.columns.map(withoutNulls)).toEqual(rest.columns);
    expect(sortedRows(graphql.rows)).toEqual(sortedRows(rest.rows));
    // Where the query fixes an order, the order is the same too.
    const query = c.kind === 'query' ? c.query : savedQueryRunRequest(demo.state.engine!.definitions, c.savedQuery, c.params);
    if ((query.orderBy?.length ?? 0) > 0) expect(graphql.rows).toEqual(rest.rows);
    // The same compiled SQL and parameters, on the same definitions.
    expect(graphql.meta.sqlHash).toBe(rest.meta.sqlHash);
    expect(graphql.meta.definitionsVersion).toBe(rest.meta.definitionsVersion);
    expect(graphql.meta.rowCount).toBe(rest.meta.rowCount);
    expect(graphql.meta.queryId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
