/**
 * Authorisation end to end on the seeded demo with the demo policy (metrics/access.yml) and real
 * API keys: a matrix of roles × metrics × interfaces (REST JSON, REST CSV, GraphQL), the row-level
 * rule of wijkteam_molenwijk checked against hand-written SQL on all three, group-by rules, 403
 * bodies that do not depend on whether a forbidden metric exists, and catalogues and suggestions
 * that never name a metric the caller may not use.
 */
import type { FastifyInstance } from 'fastify';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator, hashApiKey } from '../../src/access/authn/index.js';
import { loadAccessPolicy } from '../../src/access/load-policy.js';
import { metricGovernance } from '../../src/engine/governance.js';
import type { Engine } from '../../src/engine/types.js';
import { buildApp } from '../../src/server/app.js';
import type { ServerState } from '../../src/http/state.js';
import type { Warehouse } from '../../src/warehouse/warehouse.js';
import { ENGINES, type TestWarehouse } from '../helpers/warehouses.js';
import { parseCsv } from './helpers/csv-parse.js';
import { DEMO_METRICS_DIR, demoDefinitionsWith, engineFor, openDemoWarehouse } from './helpers/demo-app.js';

type Row = Record<string, unknown>;
const ROLES = ['anonymous', 'medewerker', 'council', 'serviceplein', 'wijkteam_molenwijk', 'analyst'] as const;
type Role = (typeof ROLES)[number];
const keyOf = (role: Role) => `mst_authz-test-key-${role}-0123456789abcdef`;

interface AuthzApp {
  readonly app: FastifyInstance;
  readonly engine: Engine;
  as(role: Role): { post(url: string, body: object): supertest.Test; get(url: string): supertest.Test };
  close(): Promise<void>;
}

async function authzApp(wh: Warehouse, metricsDir = DEMO_METRICS_DIR, policyFile = `${DEMO_METRICS_DIR}/access.yml`): Promise<AuthzApp> {
  const engine = await engineFor(metricsDir, wh);
  const { policy } = await loadAccessPolicy(policyFile, engine.graph);
  const state: ServerState = { warehouse: wh, engine, definitionsError: undefined, access: policy };
  const apiKeys = ROLES.filter((r) => r !== 'anonymous').map((r) => ({ name: `key-${r}`, hash: hashApiKey(keyOf(r)), roles: [r] }));
  const app = await buildApp({ state, logger: false, authn: createAuthenticator({ apiKeys }) });
  await app.ready();
  const as = (role: Role) => {
    const auth = (t: supertest.Test) => (role === 'anonymous' ? t : t.set('x-api-key', keyOf(role)));
    return {
      post: (url: string, body: object) => auth(supertest(app.server).post(url).send(body)),
      get: (url: string) => auth(supertest(app.server).get(url)),
    };
  };
  return { app, engine, as, close: () => app.close() };
}

/** Which roles may use which metric under the demo policy (public, internal, personal Serviceplein, personal Leerplicht). */
const MATRIX: Record<string, readonly Role[]> = {
  reports_received: ROLES,
  reporting_residents: ['medewerker', 'council', 'serviceplein', 'analyst'],
  benefit_cases_started: ['council', 'serviceplein', 'wijkteam_molenwijk', 'analyst'],
  absence_reports: ['council', 'wijkteam_molenwijk', 'analyst'],
};

const GQL_QUERY = 'query($input: QueryInput!) { query(input: $input) { rows columns { name } } }';

describe.each(ENGINES)('authorisation on %s', (engineName) => {
  let wh: TestWarehouse;
  let demo: AuthzApp;
  beforeAll(async () => {
    wh = await openDemoWarehouse(engineName);
    demo = await authzApp(wh);
  });
  afterAll(async () => {
    await demo?.close();
    await wh?.dispose();
  });
  const sql = async (text: string) => (await wh.query<Row>(text)).rows;

  describe('matrix: roles × metrics × interfaces', () => {
    const cases = Object.entries(MATRIX).flatMap(([metric, allowed]) => ROLES.map((role) => ({ metric, role, allowed: allowed.includes(role) })));
    it.each(cases)('$role / $metric → allowed: $allowed', async ({ metric, role, allowed }) => {
      const query = { metrics: [metric], groupBy: ['metric_time__year'], orderBy: ['metric_time__year'] };
      const client = demo.as(role);

      const json = await client.post('/v1/query', query);
      const csv = await client.get(`/v1/query?metrics=${metric}&groupBy=metric_time__year&orderBy=metric_time__year&format=csv`);
      const gql = await client.post('/graphql', { query: GQL_QUERY, variables: { input: query } });
      if (allowed) {
        expect(json.status).toBe(200);
        expect(json.body.rows.length).toBeGreaterThan(0);
        expect(csv.status).toBe(200);
        expect(parseCsv(csv.text).length).toBe(json.body.rows.length + 1);
        expect(gql.body.errors).toBeUndefined();
        expect(gql.body.data.query.rows).toEqual(json.body.rows);
      } else {
        expect(json.status).toBe(403);
        expect(json.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(json.body).toMatchObject({ code: 'FORBIDDEN', status: 403, name: metric, path: 'metrics[0]' });
        expect(csv.status).toBe(403);
        expect(csv.body.code).toBe('FORBIDDEN');
        expect(gql.body.data.query).toBeNull();
        expect(gql.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', status: 403, name: metric });
      }
    });
  });

  describe('row-level rule: wijkteam_molenwijk sees district Molenwijk only', () => {
    // Totals: cells of personal metrics below min_group_size are withheld by small-cell suppression.
    const query = { metrics: ['benefit_cases_started'] };
    const expectedSql = (onlyMolenwijk: boolean) => `
      SELECT count(*)::int AS benefit_cases_started
      FROM benefit_cases b JOIN districts d ON d.district_id = b.district_id
      ${onlyMolenwijk ? "WHERE d.district_name = 'Molenwijk'" : ''}`;

    it('REST JSON, REST CSV and GraphQL give the hand-written numbers', async () => {
      const expected = await sql(expectedSql(true));
      expect(Number(expected[0]!.benefit_cases_started)).toBeGreaterThanOrEqual(10);
      const client = demo.as('wijkteam_molenwijk');
      const json = await client.post('/v1/query', query).expect(200);
      expect(json.body.rows).toEqual(expected);

      const csv = await client.get('/v1/query?metrics=benefit_cases_started&format=csv').expect(200);
      const [header, ...lines] = parseCsv(csv.text);
      expect(header).toEqual(['benefit_cases_started']);
      expect(lines).toEqual(expected.map((r) => [String(r.benefit_cases_started)]));

      const gql = await client.post('/graphql', { query: GQL_QUERY, variables: { input: query } }).expect(200);
      expect(gql.body.errors).toBeUndefined();
      expect(gql.body.data.query.rows).toEqual(expected);
    });

    it('the council sees every district (the filter is the role’s, not the metric’s)', async () => {
      const all = await sql(expectedSql(false));
      const res = await demo.as('council').post('/v1/query', query).expect(200);
      expect(res.body.rows).toEqual(all);
      const molenwijk = await sql(expectedSql(true));
      expect(all.reduce((s, r) => s + Number(r.benefit_cases_started), 0)).toBeGreaterThan(molenwijk.reduce((s, r) => s + Number(r.benefit_cases_started), 0));
    });

    it('the rule also applies to saved-query-like grouping by district and to dimension values', async () => {
      const byDistrict = await demo.as('wijkteam_molenwijk').post('/v1/query', { metrics: ['absence_reports'], groupBy: ['district__district_name'] }).expect(200);
      expect(byDistrict.body.rows.map((r: Row) => r.district__district_name)).toEqual(['Molenwijk']);
      const values = await demo.as('wijkteam_molenwijk').get('/v1/dimensions/benefit_case__age_band/values?metrics=benefit_cases_started').expect(200);
      // Only age bands of at least k = 10 clients are listed (no microdata, src/privacy).
      const expected = await sql(`SELECT b.age_band FROM benefit_cases b JOIN districts d ON d.district_id = b.district_id WHERE d.district_name = 'Molenwijk'
        GROUP BY 1 HAVING COUNT(DISTINCT b.client_pseudonym) >= 10 ORDER BY 1`);
      expect(expected.length).toBeGreaterThan(0);
      expect(values.body.values).toEqual(expected.map((r) => r.age_band));
    });

    it('a public and a row-restricted metric in one query are refused as ambiguous', async () => {
      const res = await demo.as('wijkteam_molenwijk').post('/v1/query', { metrics: ['reports_received', 'benefit_cases_started'] }).expect(403);
      expect(res.body.code).toBe('FORBIDDEN');
      expect(JSON.stringify(res.body)).not.toContain('Molenwijk');
    });

    it('Metric() filters are refused under a row filter', async () => {
      const res = await demo
        .as('wijkteam_molenwijk')
        .post('/v1/query', { metrics: ['benefit_cases_started'], where: ["{{ Metric('benefit_cases_ended', group_by=['district']) }} > 0"] })
        .expect(403);
      expect(res.body.code).toBe('FORBIDDEN');
    });
  });

  describe('group-by rules', () => {
    it('the council may group personal metrics by district but not by client or by pupil', async () => {
      await demo.as('council').post('/v1/query', { metrics: ['benefit_cases_started'], groupBy: ['district__district_name'] }).expect(200);
      const client = await demo.as('council').post('/v1/query', { metrics: ['benefit_cases_started'], groupBy: ['benefit_case__client'] }).expect(403);
      expect(client.body).toMatchObject({ code: 'FORBIDDEN', name: 'benefit_case__client', path: 'groupBy[0]' });
      const where = await demo.as('council').post('/v1/query', { metrics: ['absence_reports'], where: ["{{ Entity('pupil') }} = 'x'"] }).expect(403);
      expect(where.body).toMatchObject({ code: 'FORBIDDEN', name: 'pupil' });
      // The team that owns the metric may.
      await demo.as('serviceplein').post('/v1/query', { metrics: ['benefit_cases_started'], groupBy: ['benefit_case__client'], limit: 5 }).expect(200);
    });

    it('dimension values of a personal model are not listed for the public', async () => {
      // The catalogue route does not know the item for this caller; a query without metrics is refused.
      const res = await demo.as('anonymous').get('/v1/dimensions/absence_report__school/values').expect(404);
      expect(res.body.code).toBe('UNKNOWN_DIMENSION');
      expect(JSON.stringify(res.body.suggestions ?? [])).not.toContain('absence_report__');
      const query = await demo.as('anonymous').post('/v1/query', { groupBy: ['absence_report__school'] }).expect(403);
      expect(query.body).toMatchObject({ code: 'FORBIDDEN', name: 'absence_report__school' });
      await demo.as('anonymous').get('/v1/dimensions/district__district_name/values').expect(200);
    });

    it('a forbidden metric inside a Metric() filter is refused like a queried one', async () => {
      const res = await demo
        .as('anonymous')
        .post('/v1/query', { metrics: ['reports_received'], where: ["{{ Metric('benefit_cases_started', group_by=['district']) }} > 0"] })
        .expect(403);
      expect(res.body).toMatchObject({ code: 'FORBIDDEN', name: 'benefit_cases_started', path: 'where[0]' });
    });
  });

  describe('catalogues list only what the caller may use', () => {
    it('GET /v1/metrics: anonymous sees the public metrics only, the analyst all', async () => {
      const pub = await demo.as('anonymous').get('/v1/metrics').expect(200);
      const names: string[] = pub.body.metrics.map((m: { name: string }) => m.name);
      const publicNames = demo.engine.graph.metricNames.filter((n) => metricGovernance(demo.engine.graph.metric(n)!).sensitivity === 'public');
      expect(names).toEqual(publicNames);
      const all = await demo.as('analyst').get('/v1/metrics').expect(200);
      expect(all.body.metrics.length).toBe(demo.engine.graph.metricNames.length);
    });

    it('GET /v1/metrics/{name}, /v1/dimensions and /v1/saved-queries', async () => {
      const forbidden = await demo.as('anonymous').get('/v1/metrics/benefit_cases_started').expect(404);
      const unknown = await demo.as('anonymous').get('/v1/metrics/benefit_cases_startedd').expect(404);
      expect(forbidden.body.code).toBe('UNKNOWN_METRIC');
      expect(JSON.stringify(forbidden.body.suggestions ?? [])).not.toContain('benefit');
      expect(JSON.stringify(unknown.body.suggestions ?? [])).not.toContain('benefit');
      await demo.as('council').get('/v1/metrics/benefit_cases_started').expect(200);

      const dims = await demo.as('council').get('/v1/dimensions?metrics=benefit_cases_started').expect(200);
      const items: string[] = dims.body.items.map((i: { name: string }) => i.name);
      expect(items).toContain('district__district_name');
      expect(items).not.toContain('benefit_case__client');
      const own = await demo.as('serviceplein').get('/v1/dimensions?metrics=benefit_cases_started').expect(200);
      expect(own.body.items.map((i: { name: string }) => i.name)).toContain('benefit_case__client');

      const saved = await demo.as('anonymous').get('/v1/saved-queries').expect(200);
      expect(saved.body.savedQueries.length).toBeGreaterThan(0);
      for (const q of saved.body.savedQueries as { query: { metrics: string[] } }[]) {
        for (const m of q.query.metrics) expect(metricGovernance(demo.engine.graph.metric(m)!).sensitivity).toBe('public');
      }
      await demo.as('anonymous').get('/v1/saved-queries/reports_by_month_and_category/results').expect(200);
    });

    it('GraphQL: catalogue fields are filtered and the schema names no metric', async () => {
      const res = await demo.as('anonymous').post('/graphql', { query: '{ metrics { name } m: metric(name: "benefit_cases_started") { name } }' }).expect(200);
      expect(res.body.data.metrics.map((m: { name: string }) => m.name)).not.toContain('benefit_cases_started');
      expect(res.body.data.m).toBeNull();
      expect(res.body.errors[0].extensions.code).toBe('UNKNOWN_METRIC');
      const types = await demo.as('anonymous').post('/graphql', { query: '{ __schema { types { name enumValues { name } } } }' }).expect(200);
      const text = JSON.stringify(types.body);
      expect(text).not.toContain('benefit_cases_started');
      // MetricName is a scalar here (a name written bare or quoted), listing no names.
      expect(types.body.data.__schema.types.find((t: { name: string }) => t.name === 'MetricName')).toEqual({ name: 'MetricName', enumValues: null });
    });

    it('suggestions come from the caller’s metrics only', async () => {
      const typo = await demo.as('anonymous').post('/v1/query', { metrics: ['reports_recieved'] }).expect(403);
      expect(typo.body.suggestions).toContain('reports_received');
      const near = await demo.as('anonymous').post('/v1/query', { metrics: ['benefit_cases_startd'] }).expect(403);
      expect(JSON.stringify(near.body)).not.toContain('benefit_cases_started');
    });
  });
});

describe('403 does not reveal whether a forbidden metric exists', () => {
  let wh: TestWarehouse;
  let plain: AuthzApp;
  let withSecret: AuthzApp;
  let cleanup: () => void;
  const SECRET = `metrics:
  - name: secret_cases
    label: Geheime dossiers
    type: simple
    type_params:
      measure: benefit_cases_started
    config:
      meta:
        owner: Serviceplein
        sensitivity: personal
        min_group_size: 10
`;
  beforeAll(async () => {
    wh = await openDemoWarehouse('pglite');
    const copy = demoDefinitionsWith({ 'secret.yml': SECRET });
    cleanup = copy.cleanup;
    plain = await authzApp(wh);
    withSecret = await authzApp(wh, copy.dir);
  });
  afterAll(async () => {
    await plain?.close();
    await withSecret?.close();
    cleanup?.();
    await wh?.dispose();
  });

  const strip = (body: Row) => {
    const { instance: _i, ...rest } = body;
    return rest;
  };

  it('the same body for an existing forbidden metric and a name that does not exist (REST and GraphQL)', async () => {
    expect(withSecret.engine.graph.metric('secret_cases')).toBeDefined();
    expect(plain.engine.graph.metric('secret_cases')).toBeUndefined();
    const query = { metrics: ['secret_cases'], groupBy: ['metric_time__year'] };
    const a = await withSecret.as('anonymous').post('/v1/query', query).expect(403);
    const b = await plain.as('anonymous').post('/v1/query', query).expect(403);
    expect(strip(a.body)).toEqual(strip(b.body));
    expect(a.body.code).toBe('FORBIDDEN');

    const gql = { query: GQL_QUERY, variables: { input: query } };
    const ga = await withSecret.as('anonymous').post('/graphql', gql).expect(200);
    const gb = await plain.as('anonymous').post('/graphql', gql).expect(200);
    expect(ga.body).toEqual(gb.body);

    const ca = await withSecret.as('anonymous').get('/v1/metrics/secret_cases').expect(404);
    const cb = await plain.as('anonymous').get('/v1/metrics/secret_cases').expect(404);
    expect(strip(ca.body)).toEqual(strip(cb.body));
  });

  it('a caller who may use it gets it; the plain definitions answer it is unknown', async () => {
    await withSecret.as('serviceplein').post('/v1/query', { metrics: ['secret_cases'] }).expect(200);
    const res = await plain.as('analyst').post('/v1/query', { metrics: ['secret_cases'] }).expect(404);
    expect(res.body.code).toBe('UNKNOWN_METRIC');
  });
});
