/**
 * Issue 17 item 1 — microdata through queries without metrics. On the seeded demo with the demo
 * access policy: the council's and the Molenwijk team's dimension-only queries and dimension-value
 * lists over the personal models return only combinations of at least k = 10 persons by the
 * perturbed count (distinct persons plus the noise of their cell key, computed here with our own SQL), on REST JSON, CSV and GraphQL alike; anonymous callers are
 * refused; shapes that cannot be counted per person are refused with PRIVACY_PROTECTED, and so are
 * applyGroupBy: false (one row per record) and minMaxOnly (extreme values) over personal data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../api/helpers/csv-parse.js';
import { openDemoWarehouse } from '../api/helpers/demo-app.js';
import { ENGINES, type TestWarehouse } from '../helpers/warehouses.js';
import { publishedCountSql } from '../helpers/cell-key-sql.js';
import { roleApp, type RoleApp } from './helpers/role-app.js';

const K = 10;
type Row = Record<string, unknown>;
/**
 * The number of persons a combination is decided on: the distinct count plus the published noise
 * of its cell key (the models are keyed: src/privacy/keyed-counts.ts), hand-written.
 */
const published = (subject: string) => `(${publishedCountSql(`COUNT(DISTINCT ${subject})`, subject)})::int`;

/** Issue 17's reproduction: one row per person before the fix. */
const CASES_QUERY = {
  groupBy: ['benefit_case__start_date__day', 'benefit_case__end_date__day', 'district__district_name', 'benefit_case__age_band', 'benefit_case__household_type', 'benefit_case__end_reason'],
};
const CASES_SQL = `SELECT to_char(b.start_date, 'YYYY-MM-DD') AS s, to_char(b.end_date, 'YYYY-MM-DD') AS e, d.district_name AS d, b.age_band AS a,
    b.household_type AS h, b.end_reason AS r, ${published('b.client_pseudonym')} AS n
  FROM benefit_cases b LEFT JOIN districts d ON d.district_id = b.district_id`;
const CASES_KEY = (r: Row) =>
  JSON.stringify([r.benefit_case__start_date__day, r.benefit_case__end_date__day, r.district__district_name, r.benefit_case__age_band, r.benefit_case__household_type, r.benefit_case__end_reason].map((v) => (v == null ? null : String(v).slice(0, 10))));
const HAND_KEY = (r: Row) => JSON.stringify([r.s, r.e, r.d, r.a, r.h, r.r].map((v) => (v == null ? null : String(v))));

const ABSENCE_QUERY = { groupBy: ['absence_report__report_date__day', 'absence_report__gender', 'absence_report__age', 'absence_report__absence_type', 'district__district_name'] };

describe.each(ENGINES)('no microdata through queries without metrics on %s', (engineName) => {
  let wh: TestWarehouse;
  let demo: RoleApp;
  beforeAll(async () => {
    wh = await openDemoWarehouse(engineName);
    demo = await roleApp(wh);
  }, 180_000);
  afterAll(async () => {
    await demo?.close();
    await wh?.dispose();
  });
  const sql = async (text: string) => (await wh.query<Row>(text)).rows;

  it('council: the fine grouping of benefit cases returns only combinations of at least k clients (JSON, CSV, GraphQL)', async () => {
    const hand = await sql(`${CASES_SQL} GROUP BY 1, 2, 3, 4, 5, 6`);
    // The reproduction: nearly one combination per client.
    expect(hand.length).toBeGreaterThan(100);
    const big = new Set(hand.filter((h) => (h.n as number) >= K).map(HAND_KEY));
    const res = await demo.as('council').post('/v1/query', CASES_QUERY).expect(200);
    const rows = res.body.rows as Row[];
    expect(rows.map(CASES_KEY).sort()).toEqual([...big].sort());
    expect(Object.keys(rows[0] ?? {}).some((c) => c.startsWith('__'))).toBe(false);
    // Dropped combinations are not counted anywhere in the answer.
    expect(res.body.meta.suppressed).toEqual([]);
    expect(res.body.meta.rowCount).toBe(rows.length);

    const csv = await demo.as('council').post('/v1/query?format=csv', CASES_QUERY).expect(200);
    expect(parseCsv(csv.text).length - 1).toBe(rows.length);
    const gql = await demo.gql('council', 'query($input: QueryInput!) { query(input: $input) { rows } }', { input: CASES_QUERY });
    expect(gql.errors).toBeUndefined();
    expect(((gql.data!.query as { rows: Row[] }).rows).map(CASES_KEY).sort()).toEqual([...big].sort());
  });

  it('council: a coarse grouping keeps its combinations of k or more and drops only the small ones', async () => {
    const query = { groupBy: ['district__district_name', 'benefit_case__age_band'], orderBy: ['district__district_name', 'benefit_case__age_band'] };
    const hand = await sql(`SELECT d.district_name, b.age_band, ${published('b.client_pseudonym')} AS n FROM benefit_cases b
      LEFT JOIN districts d ON d.district_id = b.district_id GROUP BY 1, 2 ORDER BY 1, 2`);
    const expected = hand.filter((h) => (h.n as number) >= K).map((h) => ({ district__district_name: h.district_name, benefit_case__age_band: h.age_band }));
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(hand.length);
    const res = await demo.as('council').post('/v1/query', query).expect(200);
    expect(res.body.rows).toEqual(expected);
    // The limit applies after dropping: a page is a prefix of the whole answer.
    const page = await demo.as('council').post('/v1/query', { ...query, limit: 3 }).expect(200);
    expect(page.body.rows).toEqual(expected.slice(0, 3));
  });

  it('council: school absence reports by day, gender, age, type and district (4,546 rows for 4,588 reports at full scale) — only groups of k pupils', async () => {
    const hand = await sql(`SELECT to_char(a.report_date, 'YYYY-MM-DD') AS s, a.gender AS g, a.age::text AS a, a.absence_type AS t, d.district_name AS d,
        ${published('a.pupil_pseudonym')} AS n FROM school_absence_reports a LEFT JOIN districts d ON d.district_id = a.district_id GROUP BY 1, 2, 3, 4, 5`);
    expect(hand.length).toBeGreaterThan(100);
    const big = hand.filter((h) => (h.n as number) >= K).map((h) => JSON.stringify([h.s, h.g, h.a, h.t, h.d]));
    const res = await demo.as('council').post('/v1/query', ABSENCE_QUERY).expect(200);
    const key = (r: Row) => JSON.stringify([String(r.absence_report__report_date__day).slice(0, 10), r.absence_report__gender, String(r.absence_report__age), r.absence_report__absence_type, r.district__district_name]);
    expect((res.body.rows as Row[]).map(key).sort()).toEqual(big.sort());
  });

  it('Molenwijk team ("never per person"): its district only, combinations of at least k clients only', async () => {
    const query = { groupBy: ['benefit_case__age_band', 'benefit_case__household_type'] };
    const hand = await sql(`SELECT b.age_band, b.household_type, ${published('b.client_pseudonym')} AS n FROM benefit_cases b
      JOIN districts d ON d.district_id = b.district_id WHERE d.district_name = 'Molenwijk' GROUP BY 1, 2`);
    const big = hand.filter((h) => (h.n as number) >= K).map((h) => JSON.stringify([h.age_band, h.household_type]));
    expect(big.length).toBeLessThan(hand.length);
    const res = await demo.as('wijkteam_molenwijk').post('/v1/query', query).expect(200);
    expect((res.body.rows as Row[]).map((r) => JSON.stringify([r.benefit_case__age_band, r.benefit_case__household_type])).sort()).toEqual(big.sort());
    const fine = await demo.as('wijkteam_molenwijk').post('/v1/query', CASES_QUERY).expect(200);
    const handFine = await sql(`${CASES_SQL} WHERE d.district_name = 'Molenwijk' GROUP BY 1, 2, 3, 4, 5, 6`);
    expect((fine.body.rows as Row[]).map(CASES_KEY).sort()).toEqual(handFine.filter((h) => (h.n as number) >= K).map(HAND_KEY).sort());
  });

  it('a filter on a personal item narrows the list by persons, not by existence', async () => {
    const query = { groupBy: ['district__district_name'], where: ["{{ Dimension('benefit_case__age_band') }} = '18-26'"] };
    const hand = await sql(`SELECT d.district_name, ${published('b.client_pseudonym')} AS n FROM benefit_cases b
      LEFT JOIN districts d ON d.district_id = b.district_id WHERE b.age_band = '18-26' GROUP BY 1`);
    const res = await demo.as('council').post('/v1/query', query).expect(200);
    expect((res.body.rows as Row[]).map((r) => r.district__district_name).sort()).toEqual(hand.filter((h) => (h.n as number) >= K).map((h) => h.district_name).sort());
  });

  it('dimension-value lists (REST and GraphQL) list only values of at least k persons', async () => {
    const hand = await sql(`SELECT to_char(start_date, 'YYYY-MM-DD') AS v, ${published('client_pseudonym')} AS n FROM benefit_cases GROUP BY 1`);
    const big = hand.filter((h) => (h.n as number) >= K).map((h) => h.v as string).sort();
    expect(big.length).toBeLessThan(hand.length);
    const res = await demo.as('council').get('/v1/dimensions/benefit_case__start_date__day/values?limit=10000').expect(200);
    expect((res.body.values as string[]).map((v) => v.slice(0, 10))).toEqual(big);
    const gql = await demo.gql('council', 'query { dimensionValues(name: "benefit_case__start_date__day", limit: 10000) { values } }', {});
    expect(((gql.data!.dimensionValues as { values: string[] }).values).map((v) => v.slice(0, 10))).toEqual(big);
    const ages = await demo.as('wijkteam_molenwijk').get('/v1/dimensions/benefit_case__age_band/values').expect(200);
    const handAges = await sql(`SELECT b.age_band, ${published('b.client_pseudonym')} AS n FROM benefit_cases b JOIN districts d ON d.district_id = b.district_id
      WHERE d.district_name = 'Molenwijk' GROUP BY 1 ORDER BY 1`);
    expect(ages.body.values).toEqual(handAges.filter((h) => (h.n as number) >= K).map((h) => h.age_band));
  });

  it('applyGroupBy: false and minMaxOnly over personal data are refused on every interface and spelling; over public tables they answer', async () => {
    const shapes = [
      { groupBy: ['benefit_case__age_band'], applyGroupBy: false },
      { groupBy: ['BENEFIT_CASE__Age_Band '], applyGroupBy: false },
      // The personal model only in the filter: still one row per case.
      { groupBy: ['district__district_name'], where: ["{{ Dimension('benefit_case__age_band') }} = '18-26'"], applyGroupBy: false },
      { groupBy: ['benefit_case__start_date__day'], minMaxOnly: true },
      { groupBy: ['district__district_name'], where: ["{{ Dimension('absence_report__gender') }} = 'F'"], minMaxOnly: true },
    ];
    for (const query of shapes) {
      for (const role of ['council', 'wijkteam_molenwijk'] as const) {
        const res = await demo.as(role).post('/v1/query', query).expect(403);
        expect(res.body.code).toBe('PRIVACY_PROTECTED');
        expect(res.body.rows).toBeUndefined();
        const csv = await demo.as(role).post('/v1/query?format=csv', query).expect(403);
        expect(csv.text).toContain('PRIVACY_PROTECTED');
        const gql = await demo.gql(role, 'query($input: QueryInput!) { query(input: $input) { rows } }', { input: query });
        expect(gql.errors?.[0]?.extensions.code).toBe('PRIVACY_PROTECTED');
      }
    }
    const url = await demo.as('council').get('/v1/query').query({ groupBy: 'benefit_case__age_band', applyGroupBy: 'false' }).expect(403);
    expect(url.body.code).toBe('PRIVACY_PROTECTED');
    const urlMinMax = await demo.as('council').get('/v1/query').query({ groupBy: 'benefit_case__start_date__day', minMaxOnly: 'true' }).expect(403);
    expect(urlMinMax.body.code).toBe('PRIVACY_PROTECTED');
    // Public dimension tables: every row, and the extremes, as hand-written SQL gives them.
    const rows = await demo.as('anonymous').post('/v1/query', { groupBy: ['district__district_name'], applyGroupBy: false }).expect(200);
    const all = await sql(`SELECT district_name FROM districts ORDER BY 1`);
    expect((rows.body.rows as Row[]).map((r) => r.district__district_name).sort()).toEqual(all.map((r) => r.district_name));
    const mm = await demo.as('anonymous').post('/v1/query', { groupBy: ['district__district_name'], minMaxOnly: true }).expect(200);
    const hand = await sql(`SELECT MIN(district_name) AS lo, MAX(district_name) AS hi FROM districts`);
    expect(mm.body.rows).toEqual([{ district__district_name__min: hand[0]!.lo, district__district_name__max: hand[0]!.hi }]);
  });

  it('anonymous callers are refused (no personal grants); metric_time in such a query is refused with PRIVACY_PROTECTED', async () => {
    const anon = await demo.as('anonymous').post('/v1/query', CASES_QUERY).expect(403);
    expect(anon.body.code).toBe('FORBIDDEN');
    // The value list does not even name the item to the public (as for any item it may not use).
    expect((await demo.as('anonymous').get('/v1/dimensions/benefit_case__age_band/values').expect(404)).body.code).toBe('UNKNOWN_DIMENSION');
    const spine = await demo.as('council').post('/v1/query', { groupBy: ['metric_time__month', 'benefit_case__age_band'] }).expect(403);
    expect(spine.body.code).toBe('PRIVACY_PROTECTED');
    expect(spine.body.detail).toContain("'benefit_case__start_date__month'");
    // A query of public dimension tables only is not affected.
    const open = await demo.as('anonymous').post('/v1/query', { groupBy: ['district__district_name'] }).expect(200);
    const districts = await sql(`SELECT COUNT(*)::int AS n FROM districts`);
    expect(open.body.rows).toHaveLength(districts[0]!.n as number);
  });
});
