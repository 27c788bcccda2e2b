/**
 * Query endpoints on the seeded demo warehouse: numbers against hand-written SQL, GET = POST,
 * CSV = JSON, content negotiation, compile, saved-query results, and every OpenAPI example.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestWarehouse } from '../helpers/warehouses.js';
import { parseCsv, rowsAsCsvCells } from './helpers/csv-parse.js';
import { demoApp, openDemoWarehouse, type TestApp } from './helpers/demo-app.js';

const AMS = "AT TIME ZONE 'Europe/Amsterdam'";
const FILTER = "{{ Dimension('report__category') }} = 'afval'";

type Row = Record<string, unknown>;

/** Rows as a sorted list of JSON strings with numbers rounded, for order-free comparison. */
function canonical(rows: readonly Row[]): string[] {
  const round = (v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toFixed(6)) : v);
  return rows.map((r) => JSON.stringify(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, round(v)]).sort()))).sort();
}

describe.each(ENGINES)('REST queries on %s', (engine) => {
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

  const sql = async (text: string) => (await wh.query<Row>(text)).rows;
  const post = (body: unknown) => demo.http().post('/v1/query').send(body as object);

  describe('numbers match hand-written SQL', () => {
    it('reports received by month in 2024', async () => {
      const res = await post({ metrics: ['reports_received'], groupBy: ['metric_time__month'], timeRange: { start: '2024-01-01', end: '2024-12-31' }, orderBy: ['metric_time__month'] }).expect(200);
      const expected = await sql(`
        SELECT to_char(date_trunc('month', received_at ${AMS}), 'YYYY-MM-DD') AS metric_time__month, count(*)::int AS reports_received
        FROM public_space_reports
        WHERE received_at ${AMS} >= '2024-01-01' AND received_at ${AMS} < '2025-01-01'
        GROUP BY 1 ORDER BY 1`);
      expect(expected).toHaveLength(12);
      expect(res.body.rows).toEqual(expected);
      expect(res.body.columns).toEqual([
        { name: 'metric_time__month', kind: 'time', dataType: 'date', grain: 'month' },
        { name: 'reports_received', kind: 'metric', dataType: 'number', label: 'Meldingen ontvangen', unit: 'meldingen' },
      ]);
      expect(res.body.meta).toMatchObject({ queryId: res.headers['x-request-id'], definitionsVersion: demo.state.engine!.definitions.version, rowCount: 12 });
      expect(res.body.meta.sqlHash).toMatch(/^[0-9a-f]{16}$/);
      expect(typeof res.body.meta.durationMs).toBe('number');
    });

    it('median resolution hours and reports resolved per district, waste only', async () => {
      const res = await post({ metrics: ['median_resolution_hours', 'reports_resolved'], groupBy: ['district__district_name'], where: [FILTER] }).expect(200);
      const expected = await sql(`
        SELECT d.district_name AS district__district_name,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY CASE WHEN r.resolved_at >= r.received_at THEN EXTRACT(EPOCH FROM (r.resolved_at - r.received_at)) / 3600.0 END) AS median_resolution_hours,
               count(r.resolved_at)::int AS reports_resolved
        FROM public_space_reports r LEFT JOIN districts d ON d.district_id = r.district_id
        WHERE r.category = 'afval'
        GROUP BY 1`);
      expect(expected.length).toBeGreaterThan(5);
      expect(canonical(res.body.rows)).toEqual(canonical(expected.map((r) => ({ ...r, median_resolution_hours: Number(r.median_resolution_hours) }))));
    });

    it('satisfaction and survey responses by month', async () => {
      const res = await demo.http().get('/v1/query?metrics=satisfaction_avg,survey_responses&groupBy=metric_time__month&orderBy=metric_time__month').expect(200);
      const expected = await sql(`
        SELECT to_char(date_trunc('month', responded_at ${AMS}), 'YYYY-MM-DD') AS metric_time__month, avg(score)::float8 AS satisfaction_avg, count(*)::int AS survey_responses
        FROM survey_responses GROUP BY 1 ORDER BY 1`);
      expect(canonical(res.body.rows)).toEqual(canonical(expected));
    });

    it('document pickups by ISO weekday and local hour', async () => {
      const res = await post({ metrics: ['document_pickups'], groupBy: ['metric_time__extract_dow', 'metric_time__extract_hour'] }).expect(200);
      const expected = await sql(`
        SELECT EXTRACT(isodow FROM picked_up_at ${AMS})::int AS metric_time__extract_dow, EXTRACT(hour FROM picked_up_at ${AMS})::int AS metric_time__extract_hour,
               count(picked_up_at)::int AS document_pickups
        FROM document_applications WHERE picked_up_at IS NOT NULL GROUP BY 1, 2`);
      expect(canonical(res.body.rows.filter((r: Row) => r.metric_time__extract_dow !== null))).toEqual(canonical(expected));
    });
  });

  describe('GET /v1/query', () => {
    const body = { metrics: ['reports_received', 'reports_resolved'], groupBy: ['metric_time__quarter', 'report__category'], where: [FILTER, "{{ Dimension('report__channel') }} <> 'app'"], timeRange: { start: '2024-01-01', end: '2024-12-31' }, orderBy: ['-metric_time__quarter', 'report__category'], limit: 3 };
    const where = body.where.map((w) => `where=${encodeURIComponent(w)}`).join('&');

    it('gives the same result as POST, with lists comma-separated or repeated', async () => {
      const viaPost = await post(body).expect(200);
      const comma = await demo.http().get(`/v1/query?metrics=reports_received,reports_resolved&groupBy=metric_time__quarter,report__category&${where}&start=2024-01-01&end=2024-12-31&orderBy=-metric_time__quarter,report__category&limit=3`).expect(200);
      const repeated = await demo.http().get(`/v1/query?metrics=reports_received&metrics=reports_resolved&groupBy=metric_time__quarter&groupBy=report__category&${where}&start=2024-01-01&end=2024-12-31&orderBy=-metric_time__quarter&orderBy=report__category&limit=3`).expect(200);
      for (const res of [comma, repeated]) {
        expect(res.body.rows).toEqual(viaPost.body.rows);
        expect(res.body.columns).toEqual(viaPost.body.columns);
        expect(res.body.meta.sqlHash).toBe(viaPost.body.meta.sqlHash);
      }
      expect(viaPost.body.rows).toHaveLength(3);
      expect(viaPost.body.rows[0].metric_time__quarter).toBe('2024-10-01');
    });

    it('accepts a filter holding commas as one where parameter', async () => {
      const filter = encodeURIComponent("{{ Dimension('report__category') }} IN ('afval', 'groen')");
      const res = await demo.http().get(`/v1/query?metrics=reports_received&groupBy=report__category&where=${filter}`).expect(200);
      expect(res.body.rows.map((r: Row) => r.report__category).sort()).toEqual(['afval', 'groen']);
    });
  });

  describe('formats', () => {
    const query = { metrics: ['reports_received', 'avg_resolution_hours', 'app_share'], groupBy: ['metric_time__month', 'report__category'], orderBy: ['metric_time__month', 'report__category'] };

    it('CSV carries the same values as JSON (Accept or ?format=csv), with an optional BOM', async () => {
      const json = await post(query).expect(200);
      const csv = await post(query).set('accept', 'text/csv').expect(200).expect('content-type', 'text/csv; charset=utf-8; header=present');
      const [header, ...records] = parseCsv(csv.text);
      expect(header).toEqual(json.body.columns.map((c: { name: string }) => c.name));
      expect(records).toEqual(rowsAsCsvCells(json.body.columns, json.body.rows));
      expect(records.length).toBeGreaterThan(100);
      // Fractions survive exactly.
      expect(json.body.rows.some((r: Row) => typeof r.avg_resolution_hours === 'number' && !Number.isInteger(r.avg_resolution_hours))).toBe(true);

      const byParam = await demo.http().post('/v1/query?format=csv').send(query).expect(200);
      expect(byParam.text).toBe(csv.text);
      const bom = await demo.http().post('/v1/query?format=csv&bom=true').send(query).expect(200);
      expect(bom.text).toBe(`\uFEFF${csv.text}`);
      const viaGet = await demo.http().get(`/v1/query?metrics=${query.metrics.join(',')}&groupBy=${query.groupBy.join(',')}&orderBy=${query.orderBy.join(',')}`).set('accept', 'text/csv').expect(200);
      expect(viaGet.text).toBe(csv.text);
      expect(viaGet.headers['content-disposition']).toBe('inline; filename="query.csv"');
    });

    it('negotiates Accept: JSON by default and for */*, CSV when preferred, 406 otherwise', async () => {
      const q = { metrics: ['reports_received'], groupBy: ['metric_time__year'] };
      const type = async (accept: string) => (await post(q).set('accept', accept).expect(200)).headers['content-type'];
      expect(await type('*/*')).toMatch(/^application\/json/);
      expect(await type('application/json')).toMatch(/^application\/json/);
      expect(await type('text/*')).toMatch(/^text\/csv/);
      expect(await type('text/csv;q=0.5, application/json;q=0.9')).toMatch(/^application\/json/);
      expect(await type('application/json;q=0.2, text/csv')).toMatch(/^text\/csv/);
      expect(await type('application/xml, */*;q=0.1')).toMatch(/^application\/json/);
      const refused = await post(q).set('accept', 'application/xml').expect(406).expect('content-type', /^application\/problem\+json/);
      expect(refused.body).toMatchObject({ code: 'NOT_ACCEPTABLE', available: ['application/json', 'text/csv'] });
      await post(q).set('accept', 'text/csv;q=0').expect(406);
      const catalogue = await demo.http().get('/v1/metrics').set('accept', 'text/csv').expect(406);
      expect(catalogue.body).toMatchObject({ code: 'NOT_ACCEPTABLE', available: ['application/json'] });
    });
  });

  it('POST /v1/compile returns the SQL, parameters and columns that /v1/query runs', async () => {
    const q = { metrics: ['reports_received'], groupBy: ['report__category'], where: [FILTER] };
    const compiled = await demo.http().post('/v1/compile').send(q).expect(200);
    expect(compiled.body.sql).toMatch(/^WITH|^SELECT/);
    expect(compiled.body.params).toContain('afval');
    const direct = await wh.query(compiled.body.sql, compiled.body.params);
    const run = await post(q).expect(200);
    expect(run.body.rows).toEqual(direct.rows);
    expect(run.body.columns).toEqual(compiled.body.columns);
  });

  describe('saved query results', () => {
    const saved = { metrics: ['reports_received', 'reports_resolved'], groupBy: ['metric_time__month', 'report__category'], orderBy: ['metric_time__month', 'report__category'] };

    it('runs the saved query (GET and POST) exactly as the equivalent query', async () => {
      const expected = await post(saved).expect(200);
      const get = await demo.http().get('/v1/saved-queries/reports_by_month_and_category/results').expect(200);
      const viaPost = await demo.http().post('/v1/saved-queries/reports_by_month_and_category/results').send({}).expect(200);
      for (const res of [get, viaPost]) {
        expect(res.body.rows).toEqual(expected.body.rows);
        expect(res.body.meta.sqlHash).toBe(expected.body.meta.sqlHash);
      }
    });

    it('ANDs run-time filters and replaces order and limit', async () => {
      const params = { where: [FILTER], timeRange: { start: '2024-01-01', end: '2024-12-31' }, orderBy: ['-metric_time__month'], limit: 5 };
      const expected = await post({ ...saved, ...params }).expect(200);
      const viaPost = await demo.http().post('/v1/saved-queries/reports_by_month_and_category/results').send(params).expect(200);
      const get = await demo.http().get(`/v1/saved-queries/reports_by_month_and_category/results?where=${encodeURIComponent(FILTER)}&start=2024-01-01&end=2024-12-31&orderBy=-metric_time__month&limit=5`).expect(200);
      expect(viaPost.body.rows).toEqual(expected.body.rows);
      expect(get.body.rows).toEqual(expected.body.rows);
      expect(get.body.rows.map((r: Row) => r.metric_time__month)).toEqual(['2024-12-01', '2024-11-01', '2024-10-01', '2024-09-01', '2024-08-01']);
      expect(new Set(get.body.rows.map((r: Row) => r.report__category))).toEqual(new Set(['afval']));
    });

    it('answers in CSV with the saved query as file name', async () => {
      const res = await demo.http().get('/v1/saved-queries/satisfaction_by_month/results?format=csv').expect(200);
      expect(res.headers['content-disposition']).toBe('inline; filename="satisfaction_by_month.csv"');
      expect(parseCsv(res.text)[0]).toEqual(['metric_time__month', 'satisfaction_avg', 'share_scores_7_plus', 'survey_responses']);
    });

    it('rejects unknown run-time params', async () => {
      const res = await demo.http().post('/v1/saved-queries/satisfaction_by_month/results').send({ metrics: ['x'] }).expect(400);
      expect(res.body).toMatchObject({ code: 'INVALID_QUERY', name: 'metrics' });
    });
  });

  it('every example in the OpenAPI document runs against the demo data with a 2xx', async () => {
    const doc = (await demo.http().get('/openapi.json').expect(200)).body as { paths: Record<string, Record<string, Operation>> };
    let requests = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        let url = path;
        const query = new URLSearchParams();
        expect(op.summary && op.description, `${method} ${path} is documented`).toBeTruthy();
        for (const p of op.parameters ?? []) {
          const example = p.example ?? Object.values(p.examples ?? {})[0]?.value;
          // Only optional filters with no sensible demo value (the demo metrics carry no tags) may lack one.
          if (example === undefined && !p.required && p.name === 'tag') continue;
          expect(example, `${method} ${path} parameter ${p.name} has an example`).toBeDefined();
          if (p.in === 'path') url = url.replace(`{${p.name}}`, encodeURIComponent(String(example)));
          else for (const v of Array.isArray(example) ? example : [example]) query.append(p.name, String(v));
        }
        const target = query.size ? `${url}?${query}` : url;
        const bodies = op.requestBody ? Object.values(op.requestBody.content['application/json']!.examples ?? {}).map((e) => e.value) : [undefined];
        expect(bodies.length, `${method} ${path} has examples`).toBeGreaterThan(0);
        for (const body of bodies) {
          const req = method === 'post' ? demo.http().post(target).send(body as object) : demo.http().get(target);
          const res = await req;
          if (path === '/v1/audit') {
            // Needs the auditor role; anonymous callers get the documented 403 (the auditor's view: tests/api/audit.test.ts).
            expect(res.status).toBe(403);
            expect(res.body.code).toBe('FORBIDDEN');
            requests++;
            continue;
          }
          expect(res.status, `${method.toUpperCase()} ${target} ${JSON.stringify(body)} → ${res.text.slice(0, 300)}`).toBeGreaterThanOrEqual(200);
          expect(res.status).toBeLessThan(300);
          requests++;
        }
      }
    }
    expect(requests).toBeGreaterThanOrEqual(14);
  });
});

interface Operation {
  summary?: string;
  description?: string;
  parameters?: { name: string; in: string; required?: boolean; example?: unknown; examples?: Record<string, { value: unknown }> }[];
  requestBody?: { content: Record<string, { examples?: Record<string, { value: unknown }> }> };
}
