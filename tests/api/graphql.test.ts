/**
 * The GraphQL catalogue on the seeded demo warehouse, compared field by field with REST (metrics,
 * governance, details, group-by items, dimension values, saved queries, compile), GraphiQL, the
 * schema snapshot, and rebuilding the schema after the definitions change.
 */
import { getIntrospectionQuery, printSchema } from 'graphql/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGraphqlSchema, rebuildGraphqlSchema } from '../../src/api/graphql/index.js';
import { QueryInputType } from '../../src/api/graphql/types/input.types.js';
import { MetricQuerySchema } from '../../src/core/query.js';
import { ENGINES, type TestWarehouse } from '../helpers/warehouses.js';
import { DEPRECATED_METRIC_YAML, demoApp, demoDefinitionsWith, engineFor, openDemoWarehouse, type TestApp } from './helpers/demo-app.js';

interface GraphqlResponse {
  readonly status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly data: any;
  readonly errors?: readonly { message: string; extensions: Record<string, unknown> }[];
}

async function gql(app: TestApp, query: string, variables?: Record<string, unknown>): Promise<GraphqlResponse> {
  const res = await app.http().post('/graphql').send({ query, ...(variables ? { variables } : {}) });
  return { status: res.status, data: res.body.data, errors: res.body.errors };
}

/** GraphQL answers absent optional fields with null where REST leaves them out. */
function stripNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripNulls);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, stripNulls(v)]));
  }
  return value;
}

const SUMMARY = 'name label description labelEn descriptionEn type unit format owner status tags defaultTime { dimension grain aggTimeDimensions } definitionHash';
const GOVERNANCE = 'owner steward status version unit format target direction sensitivity minGroupSize refresh definition labelEn descriptionEn tags replacement sunset deprecatedAt';
const DIMENSION = 'name kind entityPath element semanticModel grains defaultGrain dateParts customGrains label description';
const COLUMN = 'name kind dataType label unit grain';

describe.each(ENGINES)('GraphQL catalogue on %s', (engine) => {
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

  const rest = async (path: string) => {
    const res = await demo.http().get(path);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };

  it('lists the same metrics as GET /v1/metrics, with the same summary fields', async () => {
    const { data, errors } = await gql(demo, `{ metrics { ${SUMMARY} } }`);
    expect(errors).toBeUndefined();
    expect(stripNulls(data.metrics)).toEqual((await rest('/v1/metrics')).metrics);
    expect(data.metrics).toHaveLength(demo.state.engine!.graph.metricNames.length);
  });

  it('filters metrics like REST (owner, status, search, tag)', async () => {
    const names = (ms: { name: string }[]) => ms.map((m) => m.name);
    const cases: [string, string][] = [
      ['{owner: "openbare ruimte", status: certified}', 'owner=openbare%20ruimte&status=certified'],
      ['{search: "doorlooptijd"}', 'search=doorlooptijd'],
      ['{status: draft}', 'status=draft'],
      ['{tag: "nothing-has-this"}', 'tag=nothing-has-this'],
    ];
    for (const [filter, qs] of cases) {
      const { data } = await gql(demo, `{ metrics(filter: ${filter}) { name } }`);
      expect(names(data.metrics), filter).toEqual(names((await rest(`/v1/metrics?${qs}`)).metrics));
    }
    const { data } = await gql(demo, '{ metrics(filter: {status: draft}) { name } }');
    expect(names(data.metrics)).toEqual(['app_share', 'median_benefit_duration_days', 'repeat_report_share', 'repeat_reports']);
  });

  it('describes one metric like GET /v1/metrics/{name}: governance, group-by items, lineage, source, definition, example', async () => {
    for (const name of ['app_share', 'median_resolution_days', 'reports_received']) {
      const { data, errors } = await gql(
        demo,
        `query($name: MetricName!) { metric(name: $name) {
          ${SUMMARY} ${GOVERNANCE} isDeprecated deprecationReason
          dimensions { ${DIMENSION} }
          lineage { metric metrics semanticModels relations reads { semanticModel role name expr } filters { metric input filter } }
          source { file line } normalisedDefinition example { query sql params error { code message } }
        } }`,
        { name },
      );
      expect(errors).toBeUndefined();
      const detail = await rest(`/v1/metrics/${name}`);
      const m = data.metric;
      for (const key of Object.keys(detail.governance)) expect(m[key], key).toEqual(detail.governance[key]);
      for (const key of ['steward', 'target', 'sensitivity', 'replacement', 'sunset']) expect(m[key] ?? undefined, key).toEqual(detail.governance[key]);
      expect(stripNulls(m.dimensions)).toEqual(detail.groupBy);
      expect(stripNulls(m.lineage)).toEqual(detail.lineage);
      expect(m.source).toEqual(detail.source);
      expect(m.normalisedDefinition).toEqual(detail.definition);
      expect(stripNulls(m.example)).toEqual(detail.example);
      expect(m.isDeprecated).toBe(false);
      expect(m.deprecationReason).toBeNull();
    }
  });

  it('gives the governance fields and the metrics a metric is computed from', async () => {
    const { data } = await gql(demo, '{ metric(name: median_resolution_days) { steward target direction sensitivity refresh version inputs { name type inputs { name } } } }');
    expect(data.metric).toEqual({
      steward: 'Team Meldingen',
      target: 3,
      direction: 'lower_is_better',
      sensitivity: 'public',
      refresh: 'daily',
      version: '1',
      inputs: [{ name: 'median_resolution_hours', type: 'simple', inputs: [] }],
    });
    const ratio = await gql(demo, '{ metric(name: no_show_rate) { inputs { name } } }');
    expect(ratio.data.metric.inputs).toEqual([{ name: 'no_shows' }, { name: 'appointments' }]);
  });

  it('lists group-by items like GET /v1/dimensions, with their queryable names', async () => {
    const { data } = await gql(demo, `{ dimensions(metrics: [reports_received, reports_resolved]) { ${DIMENSION} queryableNames } }`);
    const items = (await rest('/v1/dimensions?metrics=reports_received,reports_resolved')).items;
    expect(stripNulls(data.dimensions.map((d: Record<string, unknown>) => ({ ...d, queryableNames: undefined })))).toEqual(items);
    const metricTime = data.dimensions.find((d: { name: string }) => d.name === 'metric_time');
    expect(metricTime.queryableNames).toEqual(expect.arrayContaining(['metric_time', 'metric_time__month', 'metric_time__extract_dow']));
    const withoutMetrics = await gql(demo, '{ dimensions { name } }');
    expect(withoutMetrics.data.dimensions.map((d: { name: string }) => d.name)).toEqual((await rest('/v1/dimensions')).items.map((d: { name: string }) => d.name));
  });

  it('pages dimension values like GET /v1/dimensions/{name}/values', async () => {
    const cases: [string, string][] = [
      ['name: district__district_name, limit: 5, offset: 2', '/v1/dimensions/district__district_name/values?limit=5&offset=2'],
      ['name: report__category, search: "A"', '/v1/dimensions/report__category/values?search=A'],
      ['name: metric_time__month, metrics: [satisfaction_avg], limit: 3', '/v1/dimensions/metric_time__month/values?metrics=satisfaction_avg&limit=3'],
    ];
    for (const [args, path] of cases) {
      const { data, errors } = await gql(demo, `{ dimensionValues(${args}) { name column { ${COLUMN} } values limit offset hasMore meta { sqlHash rowCount } } }`);
      expect(errors, args).toBeUndefined();
      const page = await rest(path);
      const { meta, ...rest_ } = stripNulls(data.dimensionValues) as { meta: Record<string, unknown> };
      expect(rest_).toEqual({ name: page.name, column: page.column, values: page.values, limit: page.limit, offset: page.offset, hasMore: page.hasMore });
      expect(meta).toEqual({ sqlHash: page.meta.sqlHash, rowCount: page.meta.rowCount });
      expect(page.values.length).toBeGreaterThan(0);
    }
  });

  it('lists and describes saved queries like /v1/saved-queries', async () => {
    const fields = 'name label description tags query { metrics groupBy where orderBy limit }';
    const { data } = await gql(demo, `{ savedQueries { ${fields} } one: savedQuery(name: pickup_peaks) { ${fields} } tagged: savedQueries(tag: "KCC") { name } }`);
    expect(stripNulls(data.savedQueries)).toEqual((await rest('/v1/saved-queries')).savedQueries);
    expect(stripNulls(data.one)).toEqual(await rest('/v1/saved-queries/pickup_peaks'));
    expect(data.tagged).toEqual([{ name: 'satisfaction_by_month' }]);
  });

  it('compiles like POST /v1/compile', async () => {
    const input = { metrics: ['app_share'], groupBy: ['district__district_name'], where: "{{ Dimension('report__priority') }} = 'urgent'", limit: 3 };
    const { data } = await gql(demo, `query($input: QueryInput!) { compile(input: $input) { sql params columns { ${COLUMN} } rollups { name used rule reason } } }`, { input });
    const res = await demo.http().post('/v1/compile').send(input).expect(200);
    expect(stripNulls(data.compile)).toEqual(res.body);
    expect(data.compile.params).toContain('urgent');
  });

  it('lists entities with the models that carry them', async () => {
    const { data } = await gql(demo, '{ entities { name semanticModels { semanticModel type } } }');
    const district = data.entities.find((e: { name: string }) => e.name === 'district');
    expect(district.semanticModels).toContainEqual({ semanticModel: 'districts', type: 'primary' });
    expect(district.semanticModels).toContainEqual({ semanticModel: 'reports', type: 'foreign' });
  });

  it('serves GraphiQL, which can run the standard introspection query', async () => {
    const page = await demo.http().get('/graphiql').expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('graphiql');
    const { status, data } = await gql(demo, getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true }));
    expect(status).toBe(200);
    expect(data.__schema.queryType.name).toBe('Query');
  });

  it('has the QueryInput fields of the REST body, field for field', () => {
    expect(Object.keys(QueryInputType.getFields()).sort()).toEqual(Object.keys(MetricQuerySchema.shape).sort());
  });

  it('prints the schema generated from the demo definitions (snapshot)', async () => {
    await expect(printSchema(buildGraphqlSchema(demo.state.engine))).toMatchFileSnapshot('./__snapshots__/graphql.schema.graphql');
  });

  it('rebuilds the schema without a restart when the definitions change', async () => {
    const defs = demoDefinitionsWith({ 'deprecated.yml': DEPRECATED_METRIC_YAML });
    const app = await demoApp(wh);
    try {
      const enumValues = async () => {
        const { data } = await gql(app, '{ __type(name: "MetricName") { enumValues(includeDeprecated: true) { name isDeprecated deprecationReason } } }');
        return data.__type.enumValues as { name: string; isDeprecated: boolean; deprecationReason: string | null }[];
      };
      expect((await enumValues()).map((v) => v.name)).not.toContain('reports_received_legacy');

      app.state.engine = await engineFor(defs.dir, wh);
      // The engine changed but the schema not yet: the enum still refuses the new name.
      const stale = await gql(app, '{ metric(name: reports_received_legacy) { name } }');
      expect(stale.status).toBe(400);
      expect(stale.errors?.[0]?.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');

      rebuildGraphqlSchema(app.app, app.state.engine);
      expect(await enumValues()).toContainEqual({
        name: 'reports_received_legacy',
        isDeprecated: true,
        deprecationReason: 'Deprecated; use reports_received instead; served until 2026-12-31.',
      });
      const { data, errors } = await gql(
        app,
        '{ metric(name: reports_received_legacy) { isDeprecated deprecationReason status replacement sunset deprecatedAt } metrics(filter: {status: deprecated}) { name } }',
      );
      expect(errors).toBeUndefined();
      expect(data.metric).toEqual({
        isDeprecated: true,
        deprecationReason: 'Deprecated; use reports_received instead; served until 2026-12-31.',
        status: 'deprecated',
        replacement: 'reports_received',
        sunset: '2026-12-31',
        deprecatedAt: '2025-01-01',
      });
      expect(data.metrics).toEqual([{ name: 'reports_received_legacy' }]);
    } finally {
      await app.close();
      defs.cleanup();
    }
  });
});
