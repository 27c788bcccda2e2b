/**
 * The OData feed over the demo saved queries, on both engines: the service document, `$metadata`
 * read by an independent CSDL parser (OASIS odata-csdl) with every property type checked against
 * the values sent, the feed read by an independent OData client (o.js), ≥ 20 recorded Power Query
 * URLs compared row by row with the same question through REST, a few against hand-written SQL,
 * and every unsupported option refused (never a 200 that ignored it).
 */
import type { AddressInfo } from 'node:net';
import { o } from 'odata';
import { xml2json } from 'odata-csdl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type TestWarehouse } from '../../helpers/warehouses.js';
import { parseCsv } from '../helpers/csv-parse.js';
import { demoApp, openDemoWarehouse, type TestApp } from '../helpers/demo-app.js';
import { odataUrl, projected, RECORDED_URLS, restUrl } from './power-query-urls.js';

type Csdl = Record<string, Record<string, { $Kind?: string; $Type?: string; $Nullable?: boolean; $Key?: string[] } & Record<string, unknown>>>;

const TZ = 'Europe/Amsterdam';

describe.each(ENGINES)('OData feed on %s', (engineName) => {
  let wh: TestWarehouse;
  let t: TestApp;
  beforeAll(async () => {
    wh = await openDemoWarehouse(engineName);
    t = await demoApp(wh);
  }, 240_000);
  afterAll(async () => {
    await t?.close();
    await wh?.dispose();
  });

  const get = (url: string) => t.http().get(url);

  it('the service document lists one entity set per saved query, named as it, with OData-Version 4.0', async () => {
    const res = await get('/odata').expect(200);
    expect(res.headers['odata-version']).toBe('4.0');
    expect(res.headers['content-type']).toMatch(/^application\/json;odata\.metadata=minimal/);
    const saved = (await get('/v1/saved-queries').expect(200)).body.savedQueries.map((q: { name: string }) => q.name);
    expect(res.body.value.map((s: { name: string }) => s.name)).toEqual(saved);
    expect(res.body.value[0]).toMatchObject({ kind: 'EntitySet', url: saved[0] });
    expect(res.body['@odata.context']).toMatch(/\/odata\/\$metadata$/);
  });

  it('$metadata parses as CSDL 4.0; keys are the group-by columns; every property type matches every value sent', async () => {
    const res = await get('/odata/$metadata').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/xml/);
    const csdl = xml2json(res.text, { strict: true, annotations: true }) as unknown as Csdl & { $Version: string };
    expect(csdl.$Version).toBe('4.0');
    const schema = csdl.Maatstaf!;
    const container = schema.Container!;
    const sets = Object.keys(container).filter((k) => !k.startsWith('$') && !k.startsWith('@'));
    expect(sets.length).toBe(7);
    const checked = new Set<string>();
    for (const name of sets) {
      const type = schema[name]!;
      const rest = (await get(`/v1/saved-queries/${name}/results`).expect(200)).body as { columns: { name: string; kind: string }[] };
      expect(type.$Key).toEqual(rest.columns.filter((c) => c.kind !== 'metric').map((c) => c.name));
      const props = Object.entries(type).filter(([k, v]) => !k.startsWith('$') && !k.startsWith('@') && typeof v === 'object') as [string, { $Type?: string; $Nullable?: boolean }][];
      expect(props.map(([k]) => k)).toEqual(rest.columns.map((c) => c.name));
      const feed = (await get(`/odata/${name}`).expect(200)).body.value as Record<string, unknown>[];
      expect(feed.length).toBeGreaterThan(0);
      for (const [prop, def] of props) {
        const edm = def.$Type ?? 'Edm.String';
        checked.add(edm);
        for (const row of feed) {
          const v = row[prop];
          if (v === null) {
            expect(def.$Nullable, `${name}.${prop} is null in a row but not nullable`).toBe(true);
            continue;
          }
          if (edm === 'Edm.Date') expect(v).toMatch(/^\d{4}-\d{2}-\d{2}$/);
          else if (edm === 'Edm.DateTimeOffset') expect(v).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2}$/);
          else if (edm === 'Edm.Int64' || edm === 'Edm.Int32') expect(Number.isInteger(v), `${name}.${prop} = ${String(v)}`).toBe(true);
          else if (edm === 'Edm.Double') expect(typeof v).toBe('number');
          else if (edm === 'Edm.String') expect(typeof v).toBe('string');
          else throw new Error(`unexpected ${edm}`);
        }
      }
    }
    expect([...checked].sort()).toEqual(['Edm.Date', 'Edm.Double', 'Edm.Int32', 'Edm.Int64', 'Edm.String']);
    // Labels, Dutch and English, as annotations.
    expect(res.text).toContain('<Property Name="reports_received" Type="Edm.Int64" Nullable="true"><Annotation Term="Core.Description" String="Meldingen ontvangen"/><Annotation Term="Core.Description" Qualifier="en" String="Reports received"/>');
  });

  it(`${RECORDED_URLS.length} recorded Power Query URLs give row for row the same answer as REST`, async () => {
    expect(RECORDED_URLS.length).toBeGreaterThanOrEqual(20);
    let rowsCompared = 0;
    for (const r of RECORDED_URLS) {
      const odata = await get(odataUrl(r));
      expect(odata.status, `${r.set}?${r.odata}: ${odata.text}`).toBe(200);
      const rest = await get(restUrl(r));
      expect(rest.status, `${restUrl(r)}: ${rest.text}`).toBe(200);
      expect(odata.body.value, `${r.set}?${r.odata}`).toEqual(projected(rest.body.rows, r.select));
      expect(odata.body['@odata.nextLink']).toBeUndefined();
      rowsCompared += odata.body.value.length;
    }
    expect(rowsCompared).toBeGreaterThan(500);
  });

  it('the filtered numbers equal hand-written SQL', async () => {
    const hand = async (sql: string) => (await wh.query<Record<string, unknown>>(sql, [TZ])).rows.map((r) => ({ ...r, n: Number(r.n) }));
    const asPairs = (rows: Record<string, unknown>[]) => rows.map((r) => ({ m: r.metric_time__month, c: r.report__category, n: r.reports_received }));
    const one = await get(odataUrl(RECORDED_URLS[3]!)).expect(200);
    expect(asPairs(one.body.value)).toEqual(
      await hand(`select to_char(date_trunc('month', received_at at time zone $1), 'YYYY-MM-DD') m, category c, count(*) n
                  from public_space_reports where category = 'afval' and (received_at at time zone $1) >= '2024-01-01' group by 1, 2 order by 1, 2`),
    );
    const inList = await get(odataUrl(RECORDED_URLS[7]!)).expect(200);
    // Rows of reports_resolved only (resolved in a month without a report received there, or unresolved: no month) have no count received.
    expect(asPairs(inList.body.value).filter((r) => r.n !== null)).toEqual(
      await hand(`select to_char(date_trunc('month', received_at at time zone $1), 'YYYY-MM-DD') m, category c, count(*) n
                  from public_space_reports where category in ('afval', 'groen') group by 1, 2 order by 1, 2`),
    );
    const instant = await get(odataUrl(RECORDED_URLS[14]!)).expect(200);
    expect(asPairs(instant.body.value).filter((r) => r.n !== null && r.n !== 0)).toEqual(
      await hand(`select to_char(date_trunc('month', received_at at time zone $1), 'YYYY-MM-DD') m, category c, count(*) n
                  from public_space_reports where (received_at at time zone $1) >= '2024-01-01' group by 1, 2 order by 1, 2`),
    );
    const counted = await get(`/odata/reports_by_month_and_category?$filter=${encodeURIComponent("report__category eq 'afval'")}&$count=true`).expect(200);
    // A row per month with a report received or resolved, plus one (no month) for reports not resolved.
    const [{ n }] = (await hand(`select count(*) n from (select date_trunc('month', received_at at time zone $1) from public_space_reports where category = 'afval'
                                 union select date_trunc('month', resolved_at at time zone $1) from public_space_reports where category = 'afval') months`)) as [{ n: number }];
    expect(counted.body['@odata.count']).toBe(n);
    expect(counted.body.value).toHaveLength(n as number);
    expect((await get(`/odata/reports_by_month_and_category/$count?$filter=${encodeURIComponent("report__category eq 'afval'")}`).expect(200)).text).toBe(String(n));
  });

  it('an independent OData client (o.js) reads the feed with folded options', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const root = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/odata/`;
      const rows = (await o(root).get('reports_by_month_and_category').query({ $filter: "report__category eq 'afval'", $select: 'metric_time__month,reports_received', $top: 5 })) as Record<string, unknown>[];
      const rest = (await get(restUrl({ set: 'reports_by_month_and_category', odata: '', rest: { where: ["{{ Dimension('report__category') }} = 'afval'"], limit: 5 } })).expect(200)).body.rows;
      expect(rows).toEqual(projected(rest, ['metric_time__month', 'reports_received']));
    } finally {
      await t.app.close();
      t = await demoApp(wh);
    }
  });

  it('REST CSV for Power BI users: technical names by default, the labels with header=labels, the same rows', async () => {
    const url = '/v1/saved-queries/reports_by_month_and_category/results?format=csv';
    const names = parseCsv((await get(url).expect(200)).text);
    const labels = parseCsv((await get(`${url}&header=labels`).expect(200)).text);
    expect(names[0]).toEqual(['metric_time__month', 'report__category', 'reports_received', 'reports_resolved']);
    // Time columns have no label in the definitions: their name stays.
    expect(labels[0]).toEqual(['metric_time__month', 'Categorie', 'Meldingen ontvangen', 'Meldingen afgehandeld']);
    expect(labels.slice(1)).toEqual(names.slice(1));
    expect((await get(`${url}&header=titles`).expect(400)).body.code).toBe('INVALID_QUERY');
  });

  it('REST columns come in the order asked for (group-by items, then metrics), in JSON and CSV, with the same rows', async () => {
    const asked = ['report__category', 'metric_time__year', 'reports_resolved', 'reports_received'];
    const url = '/v1/query?metrics=reports_resolved,reports_received&groupBy=report__category,metric_time__year&orderBy=report__category,metric_time__year';
    const json = (await get(url).expect(200)).body as { columns: { name: string }[]; rows: Record<string, unknown>[] };
    expect(json.columns.map((c) => c.name)).toEqual(asked);
    const csv = parseCsv((await get(`${url}&format=csv`).expect(200)).text);
    expect(csv[0]).toEqual(asked);
    expect(csv.slice(1)).toEqual(json.rows.map((r) => asked.map((c) => (r[c] === null ? '' : String(r[c])))));
    // The engine's own order (time first) for the same question: the same rows.
    const canonical = (await t.http().post('/v1/query').send({ metrics: ['reports_resolved', 'reports_received'], groupBy: ['metric_time__year', 'report__category'], orderBy: ['report__category', 'metric_time__year'] }).expect(200)).body;
    expect(canonical.columns.map((c: { name: string }) => c.name)).toEqual(['metric_time__year', 'report__category', 'reports_resolved', 'reports_received']);
    expect(canonical.rows).toEqual(json.rows);
    // `metric_time` (no grain) asks for the column it resolves to.
    const day = (await get('/v1/query?metrics=reports_received&groupBy=report__category,metric_time&limit=1').expect(200)).body;
    expect(day.columns.map((c: { name: string }) => c.name)).toEqual(['report__category', 'metric_time__day', 'reports_received']);
  });

  const refusals: [string, number, string][] = [
    ['$apply=groupby((report__category))', 501, 'NOT_IMPLEMENTED'],
    ['$expand=district', 501, 'NOT_IMPLEMENTED'],
    ['$search=afval', 501, 'NOT_IMPLEMENTED'],
    ['$compute=reports_received mul 2 as double', 501, 'NOT_IMPLEMENTED'],
    ['$format=xml', 501, 'NOT_IMPLEMENTED'],
    ["$filter=substringof('a',report__category)", 501, 'NOT_IMPLEMENTED'],
    ['$filter=reports_received gt 10', 501, 'NOT_IMPLEMENTED'],
    ['$filter=metric_time__month add 1 eq 2', 501, 'NOT_IMPLEMENTED'],
    ['$orderby=year(metric_time__month)', 501, 'NOT_IMPLEMENTED'],
    ["$filter=categorie eq 'afval'", 400, 'INVALID_FILTER'],
    ["$filter=report__category eq 'afval' and", 400, 'INVALID_FILTER'],
    ['$select=categorie', 400, 'INVALID_QUERY'],
    ['$orderby=categorie', 400, 'INVALID_QUERY'],
    ['$top=-1', 400, 'INVALID_QUERY'],
    ['$skip=abc', 400, 'INVALID_QUERY'],
    ['$count=yes', 400, 'INVALID_QUERY'],
    ['$foo=1', 400, 'INVALID_QUERY'],
    ['$FILTER=x eq 1', 400, 'INVALID_QUERY'],
    ['customer=1', 400, 'INVALID_QUERY'],
    ['$skiptoken=bm90LWEtdG9rZW4', 400, 'INVALID_QUERY'],
  ];
  it.each(refusals)('%s is refused with %i and an OData error body, never a 200', async (query, status, code) => {
    const [key, ...rest] = query.split('=');
    const res = await get(`/odata/reports_by_month_and_category?${key}=${encodeURIComponent(rest.join('='))}`);
    expect(res.status).toBe(status);
    expect(res.headers['odata-version']).toBe('4.0');
    expect(res.body.error).toMatchObject({ code, message: expect.any(String) });
    expect(res.text).not.toMatch(/select |SQL|stack/i);
  });

  it('an unknown entity set is 404 with a suggestion; $metadata takes no options', async () => {
    const res = await get('/odata/reports_by_month_and_categorie').expect(404);
    expect(res.body.error).toMatchObject({ code: 'UNKNOWN_SAVED_QUERY', target: 'reports_by_month_and_categorie' });
    expect(res.body.error.details[0].target).toBe('reports_by_month_and_category');
    expect((await get('/odata/$metadata?$filter=x').expect(400)).body.error.code).toBe('INVALID_QUERY');
  });
});
