/**
 * Audit coverage (issue 17, "Audit"): every route × interface × name spelling that returns personal
 * data writes exactly ONE audit entry (counted in the audit store), a second identical request —
 * answered by the result cache — writes exactly one more, and with the audit store down every one
 * of them is refused (503 AUDIT_UNAVAILABLE: fail closed). On the embedded demo with the
 * `demo-council` key, on both engines.
 */
import type { Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../helpers/warehouses.js';
import { openAuditedDemo, PERSONAL_SAVED_QUERY, type AuditedDemo } from './helpers/audited-demo.js';

const COUNCIL = { 'x-api-key': 'demo-council' };
const SPELLINGS: Record<string, (name: string) => string> = {
  exact: (n) => n,
  upper: (n) => n.toUpperCase(),
  padded: (n) => `  ${n} `,
};

interface Cell {
  readonly name: string;
  send(demo: AuditedDemo): Promise<Response>;
  /** Rows of personal data in a successful answer. */
  rows(res: Response): number;
  /** Whether the answer says it came from the result cache (JSON answers only). */
  cached?(res: Response): boolean;
  /** The error code of a refused answer. */
  code(res: Response): unknown;
}

const csvRows = (res: Response) => res.text.trim().split('\n').length - 1;
const problemCode = (res: Response) => (res.body as { code?: string }).code;
const gqlCode = (res: Response) => (res.body as { errors?: { extensions?: { code?: string } }[] }).errors?.[0]?.extensions?.code;
const gql = (demo: AuditedDemo, query: string) => demo.http().post('/graphql').set(COUNCIL).send({ query });
const jsonRows = (res: Response) => (res.body as { rows: unknown[] }).rows.length;
const jsonCached = (res: Response) => (res.body as { meta: { cache?: string } }).meta.cache === 'hit';
const odataRows = (res: Response) => ((res.body as { value?: unknown[] }).value ?? []).length;
const odataCode = (res: Response) => (res.body as { error?: { code?: string } }).error?.code;
// OData names are exact (entity sets and properties are case-sensitive), whatever the spelling row.
const ODATA_SET = `/odata/${PERSONAL_SAVED_QUERY}`;
const ODATA_FILTER = `$filter=${encodeURIComponent("district__district_name ne 'Centrum'")}`;

function cells(spell: (name: string) => string): Cell[] {
  const q = (s: string) => encodeURIComponent(spell(s));
  return [
    { name: 'OData entity set', send: (d) => d.http().get(ODATA_SET).set(COUNCIL), rows: odataRows, code: odataCode },
    { name: 'OData entity set with $filter, $orderby and a page size', send: (d) => d.http().get(`${ODATA_SET}?${ODATA_FILTER}&$orderby=benefit_cases_started%20desc`).set({ ...COUNCIL, prefer: 'odata.maxpagesize=2' }), rows: odataRows, code: odataCode },
    { name: 'OData entity set with $count=true', send: (d) => d.http().get(`${ODATA_SET}?$count=true&$top=3`).set(COUNCIL), rows: odataRows, code: odataCode },
    { name: 'OData /$count', send: (d) => d.http().get(`${ODATA_SET}/$count?${ODATA_FILTER}`).set(COUNCIL), rows: (res) => (res.status === 200 ? Number(res.text) : 0), code: odataCode },
    {
      name: 'REST POST /v1/query',
      send: (d) => d.http().post('/v1/query').set(COUNCIL).send({ metrics: [spell('benefit_cases_started')], groupBy: ['district__district_name'] }),
      rows: jsonRows,
      cached: jsonCached,
      code: problemCode,
    },
    {
      name: 'REST GET /v1/query',
      send: (d) => d.http().get(`/v1/query?metrics=${q('benefit_cases_ended')}&groupBy=district__district_name`).set(COUNCIL),
      rows: jsonRows,
      cached: jsonCached,
      code: problemCode,
    },
    {
      name: 'REST GET /v1/query?format=csv',
      send: (d) => d.http().get(`/v1/query?metrics=${q('absence_reports')}&groupBy=district__district_name&format=csv`).set(COUNCIL),
      rows: csvRows,
      code: problemCode,
    },
    {
      name: 'REST POST /v1/query as CSV',
      send: (d) => d.http().post('/v1/query').set({ ...COUNCIL, accept: 'text/csv' }).send({ metrics: [spell('absence_reports')], groupBy: ['district__district_name'] }),
      rows: csvRows,
      code: problemCode,
    },
    {
      name: 'REST POST /v1/query without metrics',
      send: (d) => d.http().post('/v1/query').set(COUNCIL).send({ groupBy: [spell('benefit_case__age_band')] }),
      rows: jsonRows,
      cached: jsonCached,
      code: problemCode,
    },
    {
      name: 'REST GET /v1/dimensions/{name}/values',
      send: (d) => d.http().get(`/v1/dimensions/${q('benefit_case__age_band')}/values`).set(COUNCIL),
      rows: (res) => (res.body as { values: unknown[] }).values.length,
      code: problemCode,
    },
    {
      name: 'REST saved query results',
      // Saved-query names are not query names: only the run-time params vary with the spelling.
      send: (d) => d.http().post(`/v1/saved-queries/${PERSONAL_SAVED_QUERY}/results`).set(COUNCIL).send({ orderBy: [spell('district__district_name')] }),
      rows: jsonRows,
      cached: jsonCached,
      code: problemCode,
    },
    {
      name: 'GraphQL query',
      send: (d) => gql(d, `{ query(input: {metrics: ["${spell('outflow_to_work')}"], groupBy: ["district__district_name"]}) { rows } }`),
      rows: (res) => ((res.body as { data?: { query?: { rows: unknown[] } } }).data?.query?.rows ?? []).length,
      code: gqlCode,
    },
    {
      name: 'GraphQL query without metrics',
      send: (d) => gql(d, `{ query(input: {groupBy: ["${spell('absence_report__absence_type')}"]}) { rows } }`),
      rows: (res) => ((res.body as { data?: { query?: { rows: unknown[] } } }).data?.query?.rows ?? []).length,
      code: gqlCode,
    },
    {
      name: 'GraphQL dimensionValues',
      send: (d) => gql(d, `{ dimensionValues(name: "${spell('benefit_case__household_type')}") { values } }`),
      rows: (res) => ((res.body as { data?: { dimensionValues?: { values: unknown[] } } }).data?.dimensionValues?.values ?? []).length,
      code: gqlCode,
    },
  ];
}

describe.each(ENGINES)('audit coverage on %s', (engineName) => {
  let demo: AuditedDemo;
  beforeAll(async () => {
    demo = await openAuditedDemo(engineName);
  }, 180_000);
  afterAll(async () => {
    await demo?.close();
  });

  const matrix = Object.entries(SPELLINGS).flatMap(([spelling, spell]) => cells(spell).map((cell) => [cell.name, spelling, cell] as const));

  it.each(matrix)('%s (%s): one entry per answer, cache hits included', async (_name, _spelling, cell) => {
    for (const attempt of ['first', 'repeat']) {
      const before = await demo.storedEntries();
      const res = await cell.send(demo);
      expect(res.status, `${attempt}: ${res.text.slice(0, 300)}`).toBe(200);
      expect(cell.code(res)).toBeUndefined();
      expect(cell.rows(res), attempt).toBeGreaterThan(0);
      // The repeat is answered from the result cache, and still recorded.
      if (attempt === 'repeat' && cell.cached) expect(cell.cached(res)).toBe(true);
      expect(await demo.storedEntries(), attempt).toBe(before + 1);
    }
  });

  it('OData reads are recorded as interface odata, with the caller and the filter the feed folded in', async () => {
    await demo.http().get(`${ODATA_SET}?${ODATA_FILTER}`).set(COUNCIL).expect(200);
    await demo.audit.flush();
    const res = await demo.http().get('/v1/audit?interface=odata&limit=5').set({ 'x-api-key': 'demo-auditor' }).expect(200);
    const entries = res.body.entries as { interface: string; callerId: string; metrics: string[]; query: { where: string[] } }[];
    expect(entries.length).toBeGreaterThan(0);
    expect(entries[0]).toMatchObject({ interface: 'odata', callerId: 'demo-council', metrics: ['benefit_cases_started'] });
    expect(entries[0]!.query.where.join(' ')).toContain("<> 'Centrum'");
  });

  describe('with the audit store down', () => {
    beforeAll(() => demo.setStoreDown(true));
    afterAll(() => demo.setStoreDown(false));

    it.each(matrix)('%s (%s): refused with AUDIT_UNAVAILABLE, no personal data sent', async (_name, _spelling, cell) => {
      const before = await demo.storedEntries();
      const res = await cell.send(demo);
      expect(cell.code(res)).toBe('AUDIT_UNAVAILABLE');
      if (!cell.name.startsWith('GraphQL')) expect(res.status).toBe(503);
      if (res.status === 200) expect(cell.rows(res)).toBe(0);
      expect(await demo.storedEntries()).toBe(before);
    });
  });
});
