/**
 * Catalogue endpoints on the seeded demo warehouse: metrics (filters, detail, lineage, example
 * SQL, deprecation headers), group-by items, dimension values (pagination, search) and saved queries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricDetail } from '../../src/engine/catalog.js';
import { ENGINES, type TestWarehouse } from '../helpers/warehouses.js';
import { DEPRECATED_METRIC_YAML, demoApp, demoDefinitionsWith, openDemoWarehouse, type TestApp } from './helpers/demo-app.js';

const PROBLEM = /^application\/problem\+json/;

describe.each(ENGINES)('REST catalogue on %s', (engine) => {
  let wh: TestWarehouse;
  let demo: TestApp;
  let withDeprecated: TestApp;
  let cleanup: () => void;

  beforeAll(async () => {
    wh = await openDemoWarehouse(engine);
    demo = await demoApp(wh);
    const defs = demoDefinitionsWith({ 'deprecated.yml': DEPRECATED_METRIC_YAML });
    cleanup = defs.cleanup;
    withDeprecated = await demoApp(wh, defs.dir);
  });
  afterAll(async () => {
    await demo?.close();
    await withDeprecated?.close();
    cleanup?.();
    await wh?.dispose();
  });

  const graph = () => demo.state.engine!.graph;

  describe('GET /v1/metrics', () => {
    it('lists every queryable metric with governance, default time and a definition hash', async () => {
      const res = await demo.http().get('/v1/metrics').expect(200).expect('content-type', /application\/json/);
      const metrics = res.body.metrics as Record<string, unknown>[];
      expect(metrics.map((m) => m.name)).toEqual(graph().metricNames);
      expect(metrics.find((m) => m.name === 'reports_received')).toEqual({
        name: 'reports_received',
        label: 'Meldingen ontvangen',
        description: 'Aantal ontvangen meldingen openbare ruimte.',
        labelEn: 'Reports received',
        descriptionEn: 'Number of public-space reports received.',
        type: 'simple',
        unit: 'meldingen',
        format: '0',
        owner: 'Openbare Ruimte',
        status: 'certified',
        tags: [],
        defaultTime: { dimension: 'metric_time', grain: 'day', aggTimeDimensions: ['report__received_at'] },
        definitionHash: expect.stringMatching(/^[0-9a-f]{16}$/),
      });
      const ratio = metrics.find((m) => m.name === 'outflow_to_work_share')!;
      expect(ratio.defaultTime).toEqual({ dimension: 'metric_time', grain: 'day', aggTimeDimensions: ['benefit_case__end_date'] });
      const hashes = new Set(metrics.map((m) => m.definitionHash));
      expect(hashes.size).toBe(metrics.length);
    });

    it('filters by owner (case-insensitive), status, search and tag', async () => {
      const names = async (qs: string, app = demo) => ((await app.http().get(`/v1/metrics?${qs}`).expect(200)).body.metrics as { name: string }[]).map((m) => m.name);
      expect(await names('owner=kcc')).toEqual(['satisfaction_avg', 'scores_7_or_more', 'share_scores_7_plus', 'survey_responses']);
      expect(await names('status=draft')).toEqual(['app_share', 'median_benefit_duration_days', 'repeat_report_share', 'repeat_reports']);
      expect(await names('search=DOORLOOPTIJD')).toEqual(['avg_resolution_hours', 'median_resolution_days', 'median_resolution_hours']);
      // English label and description are searched too.
      expect(await names('search=no-show')).toEqual(['no_show_rate', 'no_shows']);
      expect(await names('owner=Openbare%20Ruimte&status=draft')).toEqual(['app_share', 'repeat_report_share', 'repeat_reports']);
      expect(await names('tag=legacy')).toEqual([]);
      expect(await names('tag=LEGACY', withDeprecated)).toEqual(['reports_received_legacy']);
      expect(await names('status=deprecated', withDeprecated)).toEqual(['reports_received_legacy']);
    });

    it('rejects an unknown status or parameter with a 400 problem naming it', async () => {
      const bad = await demo.http().get('/v1/metrics?status=gold').expect(400).expect('content-type', PROBLEM);
      expect(bad.body).toMatchObject({ code: 'INVALID_QUERY', name: 'status', path: 'status' });
      const unknown = await demo.http().get('/v1/metrics?owners=KCC').expect(400);
      expect(unknown.body).toMatchObject({ code: 'INVALID_QUERY', name: 'owners', detail: "unknown query parameter 'owners'" });
    });
  });

  describe('GET /v1/metrics/{name}', () => {
    it('returns definition, governance, group-by items, lineage and an example with SQL', async () => {
      const res = await demo.http().get('/v1/metrics/app_share').expect(200);
      const body = res.body as MetricDetail;
      expect(res.headers.deprecation).toBeUndefined();
      expect(body).toMatchObject({ name: 'app_share', type: 'ratio', status: 'draft', source: { file: 'openbare_ruimte/reports.yml' } });
      expect(body.governance).toMatchObject({ owner: 'Openbare Ruimte', steward: 'Team Meldingen', status: 'draft', version: '1', target: 0.5, direction: 'higher_is_better', sensitivity: 'public' });
      expect(body.definition).toMatchObject({ name: 'app_share', type: 'ratio', numerator: { name: 'reports_received', alias: 'app_reports' } });
      expect(body.definition.loc).toBeUndefined();
      expect(body.groupBy.map((i) => i.name)).toEqual(graph().groupByItemsFor(['app_share']).map((i) => i.name));
      expect(body.lineage).toEqual(JSON.parse(JSON.stringify(graph().lineage('app_share'))));
      expect(body.lineage.relations).toEqual(['public_space_reports']);
      expect(body.example.query).toEqual({ metrics: ['app_share'], groupBy: ['metric_time__month'], orderBy: ['metric_time__month'] });
      expect(body.example.sql).toContain('"public_space_reports"');
      // The example runs as shown.
      const run = await demo.http().post('/v1/query').send(body.example.query).expect(200);
      expect(run.body.rows.length).toBeGreaterThan(20);
    });

    it('404s an unknown or hidden metric with suggestions', async () => {
      const res = await demo.http().get('/v1/metrics/reports_recieved').expect(404).expect('content-type', PROBLEM);
      expect(res.body).toMatchObject({ status: 404, code: 'UNKNOWN_METRIC', name: 'reports_recieved', instance: '/v1/metrics/reports_recieved' });
      expect(res.body.suggestions[0]).toBe('reports_received');
      const hidden = demo.state.engine!.definitions.metrics.find((m) => m.hidden);
      if (hidden) await demo.http().get(`/v1/metrics/${hidden.name}`).expect(404);
    });

    it('marks deprecated metrics with Deprecation, Sunset and Link headers (catalogue and queries)', async () => {
      const res = await withDeprecated.http().get('/v1/metrics/reports_received_legacy').expect(200);
      expect(res.headers.deprecation).toBe(`@${Date.UTC(2025, 0, 1) / 1000}`);
      expect(res.headers.sunset).toBe('Thu, 31 Dec 2026 00:00:00 GMT');
      expect(res.headers.link).toContain('</v1/metrics/reports_received>; rel="successor-version"');
      expect(res.headers.link).toContain('</v1/metrics/reports_received_legacy>; rel="deprecation"');
      expect(res.body.governance).toMatchObject({ status: 'deprecated', replacement: 'reports_received', sunset: '2026-12-31', deprecatedAt: '2025-01-01' });

      const query = { metrics: ['reports_received_legacy', 'reports_received'], groupBy: ['metric_time__year'] };
      const post = await withDeprecated.http().post('/v1/query').send(query).expect(200);
      expect(post.headers.deprecation).toBe(res.headers.deprecation);
      expect(post.headers.sunset).toBe(res.headers.sunset);
      for (const row of post.body.rows) expect(row.reports_received_legacy).toBe(row.reports_received);
      const get = await withDeprecated.http().get('/v1/query?metrics=reports_received_legacy&groupBy=metric_time__year&format=csv').expect(200);
      expect(get.headers.sunset).toBe(res.headers.sunset);
      const compile = await withDeprecated.http().post('/v1/compile').send(query).expect(200);
      expect(compile.headers.deprecation).toBe(res.headers.deprecation);
      const current = await withDeprecated.http().post('/v1/query').send({ metrics: ['reports_received'] }).expect(200);
      expect(current.headers.deprecation).toBeUndefined();
      expect(current.headers.sunset).toBeUndefined();
    });
  });

  describe('GET /v1/dimensions', () => {
    it('lists the items valid for all given metrics, comma-separated or repeated', async () => {
      const res = await demo.http().get('/v1/dimensions?metrics=reports_received,satisfaction_avg').expect(200);
      const expected = JSON.parse(JSON.stringify(graph().groupByItemsFor(['reports_received', 'satisfaction_avg'])));
      expect(res.body).toEqual({ metrics: ['reports_received', 'satisfaction_avg'], items: expected });
      const repeated = await demo.http().get('/v1/dimensions?metrics=reports_received&metrics=satisfaction_avg').expect(200);
      expect(repeated.body).toEqual(res.body);
      const names = expected.map((i: { name: string }) => i.name);
      expect(names).toContain('report__category');
      const forReports = graph().groupByItemsFor(['reports_received']).map((i) => i.name);
      expect(names.every((n: string) => forReports.includes(n))).toBe(true);
      expect(names.length).toBeLessThan(forReports.length);
      expect(res.body.items[0]).toMatchObject({ name: 'metric_time', kind: 'time', grains: ['day', 'week', 'month', 'quarter', 'year'] });
    });

    it('without metrics lists the items of queries without metrics', async () => {
      const res = await demo.http().get('/v1/dimensions').expect(200);
      expect(res.body.metrics).toEqual([]);
      expect(res.body.items.map((i: { name: string }) => i.name)).toEqual(graph().groupByItemsFor([]).map((i) => i.name));
    });

    it('404s an unknown metric', async () => {
      const res = await demo.http().get('/v1/dimensions?metrics=reports_received,satisfacton_avg').expect(404).expect('content-type', PROBLEM);
      expect(res.body).toMatchObject({ code: 'UNKNOWN_METRIC', name: 'satisfacton_avg', suggestions: ['satisfaction_avg'] });
    });
  });

  describe('GET /v1/dimensions/{name}/values', () => {
    const categories = async () => (await wh.query<{ category: string }>('SELECT DISTINCT category FROM public_space_reports ORDER BY 1')).rows.map((r) => r.category);

    it('returns the distinct values, sorted, as in the warehouse', async () => {
      const res = await demo.http().get('/v1/dimensions/report__category/values').expect(200);
      expect(res.body).toMatchObject({ name: 'report__category', column: { name: 'report__category', kind: 'dimension', dataType: 'string' }, limit: 100, offset: 0, hasMore: false });
      expect(res.body.values).toEqual(await categories());
      expect(res.body.meta.rowCount).toBe(res.body.values.length);
    });

    it('paginates with limit and offset', async () => {
      const all = await categories();
      const pages: string[] = [];
      for (let offset = 0; ; offset += 3) {
        const res = await demo.http().get(`/v1/dimensions/report__category/values?limit=3&offset=${offset}`).expect(200);
        pages.push(...res.body.values);
        expect(res.body.hasMore).toBe(offset + 3 < all.length);
        if (!res.body.hasMore) break;
      }
      expect(pages).toEqual(all);
    });

    it('searches case-insensitively and literally', async () => {
      const res = await demo.http().get('/v1/dimensions/report__category/values?search=O').expect(200);
      expect(res.body.values).toEqual((await categories()).filter((c) => c.toLowerCase().includes('o')));
      expect((await demo.http().get('/v1/dimensions/report__category/values?search=%25').expect(200)).body.values).toEqual([]);
      expect((await demo.http().get("/v1/dimensions/report__category/values?search=o'_").expect(200)).body.values).toEqual([]);
      const districts = await demo.http().get('/v1/dimensions/report__district/values?search=1').expect(200);
      expect(districts.body.values).toEqual([1, 10, 11, 12]);
    });

    it('checks the item against the given metrics and reads items reached through their joins', async () => {
      const res = await demo.http().get('/v1/dimensions/report__category/values?metrics=appointments').expect(404).expect('content-type', PROBLEM);
      expect(res.body).toMatchObject({ code: 'UNKNOWN_DIMENSION', name: 'report__category' });
      // Survey responses reach reports through their foreign entity, so this one is available.
      const viaJoin = await demo.http().get('/v1/dimensions/report__category/values?metrics=satisfaction_avg').expect(200);
      expect(viaJoin.body.values).toEqual(await categories());
      const twoHops = await demo.http().get('/v1/dimensions/neighbourhood__district__district_name/values?metrics=reports_received').expect(200);
      const districts = (await wh.query<{ n: string }>('SELECT district_name AS n FROM districts ORDER BY 1')).rows.map((r) => r.n);
      expect(twoHops.body.values.filter((v: unknown) => v !== null)).toEqual(districts.filter((d) => twoHops.body.values.includes(d)));
      expect(twoHops.body.values.length).toBeGreaterThan(5);
      const noMetrics = await demo.http().get('/v1/dimensions/neighbourhood__district__district_name/values').expect(404);
      expect(noMetrics.body.suggestions).toContain('district__district_name');
    });

    it('lists time values at a grain', async () => {
      const res = await demo.http().get('/v1/dimensions/metric_time__year/values?metrics=reports_received').expect(200);
      expect(res.body.column).toMatchObject({ name: 'metric_time__year', kind: 'time', dataType: 'date' });
      expect(res.body.values).toEqual(['2022-01-01', '2023-01-01', '2024-01-01', '2025-01-01', '2026-01-01']);
      const searched = await demo.http().get('/v1/dimensions/report__received_at__month/values?search=2024-0&limit=20').expect(200);
      expect(searched.body.values).toEqual(['2024-01-01', '2024-02-01', '2024-03-01', '2024-04-01', '2024-05-01', '2024-06-01', '2024-07-01', '2024-08-01', '2024-09-01']);
    });

    it('rejects bad limits and unknown names', async () => {
      await demo.http().get('/v1/dimensions/report__category/values?limit=0').expect(400).expect('content-type', PROBLEM);
      await demo.http().get('/v1/dimensions/report__category/values?offset=-1').expect(400);
      const res = await demo.http().get('/v1/dimensions/report__categry/values').expect(404);
      expect(res.body).toMatchObject({ code: 'UNKNOWN_DIMENSION', suggestions: expect.arrayContaining(['report__category']) });
    });
  });

  describe('saved queries', () => {
    it('lists and describes saved queries with the query they run', async () => {
      const list = await demo.http().get('/v1/saved-queries').expect(200);
      expect(list.body.savedQueries.map((q: { name: string }) => q.name)).toEqual([
        'openbare_ruimte_monthly_kpis',
        'pickup_peaks',
        'reports_by_month_and_category',
        'reports_per_1000_inhabitants_by_district',
        'reports_year_on_year',
        'resolution_time_by_district',
        'satisfaction_by_month',
      ]);
      const tagged = await demo.http().get('/v1/saved-queries?tag=openbare_ruimte').expect(200);
      expect(tagged.body.savedQueries.map((q: { name: string }) => q.name)).toEqual([
        'openbare_ruimte_monthly_kpis',
        'reports_by_month_and_category',
        'reports_per_1000_inhabitants_by_district',
        'reports_year_on_year',
        'resolution_time_by_district',
      ]);
      const one = await demo.http().get('/v1/saved-queries/reports_by_month_and_category').expect(200);
      expect(one.body).toEqual({
        name: 'reports_by_month_and_category',
        label: 'Meldingen per maand en categorie',
        description: 'Dashboard Openbare Ruimte — instroom per maand en categorie.',
        tags: ['openbare_ruimte'],
        query: {
          metrics: ['reports_received', 'reports_resolved'],
          groupBy: ['metric_time__month', 'report__category'],
          orderBy: ['metric_time__month', 'report__category'],
        },
      });
    });

    it('404s an unknown saved query with suggestions', async () => {
      const res = await demo.http().get('/v1/saved-queries/pickup_peak').expect(404).expect('content-type', PROBLEM);
      expect(res.body).toMatchObject({ code: 'UNKNOWN_SAVED_QUERY', name: 'pickup_peak', suggestions: ['pickup_peaks'] });
      await demo.http().get('/v1/saved-queries/pickup_peak/results').expect(404);
      await demo.http().post('/v1/saved-queries/pickup_peak/results').send({}).expect(404);
    });
  });
});
