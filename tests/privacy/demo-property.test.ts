/**
 * Property (issue 17) on the seeded demo, through the API with the council's and the Molenwijk
 * team's keys: random groupings, grains and filters of the personal benefit-case counts, with and
 * without a metric. For every answer:
 *  1. every group of cases whose published subject count (distinct clients plus the noise of their
 *     cell key, computed here from the seeded rows with node:crypto) is below k is withheld or
 *     absent, and every other group is shown (or withheld as a complementary cell) — the decision
 *     is the perturbed one, never the exact count;
 *  2. an answer without metrics lists exactly the combinations whose published count reaches k
 *     (none below k, none missing).
 * The models are keyed (src/privacy/keyed-counts.ts), so these are the thresholds the attacker meets.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDemoWarehouse } from '../api/helpers/demo-app.js';
import { publishedCount } from '../helpers/cell-key-sql.js';
import { ENGINES, type TestWarehouse } from '../helpers/warehouses.js';
import { roleApp, type RoleApp } from './helpers/role-app.js';

const K = 10;
type Row = Record<string, unknown>;
interface Case {
  client: string;
  district: string | null;
  age: string;
  household: string;
  start: string;
  end: string | null;
}

const KEYS: Record<string, (c: Case) => unknown> = {
  district__district_name: (c) => c.district,
  benefit_case__age_band: (c) => c.age,
  benefit_case__household_type: (c) => c.household,
};
const FILTERS: [string, (c: Case) => boolean][] = [
  ["{{ Dimension('benefit_case__age_band') }} = '18-26'", (c) => c.age === '18-26'],
  ["{{ Dimension('benefit_case__age_band') }} <> '55-66'", (c) => c.age !== '55-66'],
  ["{{ Dimension('benefit_case__household_type') }} = 'single'", (c) => c.household === 'single'],
  ["{{ TimeDimension('benefit_case__start_date', 'day') }} >= '2021-01-01'", (c) => c.start >= '2021-01-01'],
  ["{{ TimeDimension('benefit_case__start_date', 'day') }} < '2019-07-01'", (c) => c.start < '2019-07-01'],
  ["{{ Dimension('district__district_name') }} IN ('Molenwijk', 'Kerkeveld', 'Hoogkamp')", (c) => ['Molenwijk', 'Kerkeveld', 'Hoogkamp'].includes(c.district ?? '')],
];
/** The Molenwijk team's row filter (metrics/access.yml), applied by the access layer. */
const MOLENWIJK = (c: Case) => c.district === 'Molenwijk';
/** Per metric: the date its cells are counted on (aggregation time dimension), and whether a case contributes. */
const METRICS = {
  benefit_cases_started: { date: (c: Case) => c.start as string | null },
  benefit_cases_ended: { date: (c: Case) => c.end },
} as const;
type Metric = keyof typeof METRICS;

const year = (d: string | null) => (d === null ? null : d.slice(0, 4));

describe.each(ENGINES)('privacy property on the demo on %s', (engineName) => {
  let wh: TestWarehouse;
  let demo: RoleApp;
  let cases: Case[];
  beforeAll(async () => {
    wh = await openDemoWarehouse(engineName);
    demo = await roleApp(wh);
    const rows = await wh.query<Row>(`SELECT b.client_pseudonym AS client, d.district_name AS district, b.age_band AS age, b.household_type AS household,
        to_char(b.start_date, 'YYYY-MM-DD') AS start, to_char(b.end_date, 'YYYY-MM-DD') AS "end" FROM benefit_cases b LEFT JOIN districts d ON d.district_id = b.district_id`);
    cases = rows.rows.map((r) => ({ client: String(r.client), district: (r.district as string | null) ?? null, age: String(r.age), household: String(r.household), start: String(r.start), end: (r.end as string | null) ?? null }));
  }, 180_000);
  afterAll(async () => {
    await demo?.close();
    await wh?.dispose();
  });

  /** The published client count of a group of cases (its distinct clients, perturbed with their cell key). */
  const publishedClients = (group: readonly Case[]) => {
    const clients = group.map((c) => c.client);
    return publishedCount(new Set(clients).size, clients);
  };

  it('cells and combinations are shown exactly when their published count reaches k', async () => {
    const arb = fc.record({
      team: fc.boolean(),
      metric: fc.option(fc.constantFrom(...(Object.keys(METRICS) as Metric[])), { nil: undefined }),
      keys: fc.uniqueArray(fc.constantFrom(...Object.keys(KEYS)), { minLength: 1, maxLength: 2 }),
      byYear: fc.boolean(),
      filters: fc.uniqueArray(fc.constantFrom(...FILTERS), { maxLength: 2, selector: (f) => f[0] }),
    });
    let shown = 0;
    let withheld = 0;
    await fc.assert(
      fc.asyncProperty(arb, async (q) => {
        const pool = cases.filter((c) => q.filters.every(([, f]) => f(c)) && (!q.team || MOLENWIJK(c)));
        // Without a metric, district items and filters alone read the public districts table (listed in
        // full, not personal): such a query is made personal by the cases' own start year.
        const readsCases = q.keys.some((k) => k.startsWith('benefit_case__')) || q.filters.some(([w]) => w.includes('benefit_case__'));
        const byYear = q.byYear || (!q.metric && !readsCases);
        const time = byYear ? (q.metric ? 'metric_time__year' : 'benefit_case__start_date__year') : undefined;
        const groupBy = [...(time ? [time] : []), ...q.keys];
        const res = await demo.as(q.team ? 'wijkteam_molenwijk' : 'council').post('/v1/query', { metrics: q.metric ? [q.metric] : [], groupBy, where: q.filters.map(([w]) => w) }).expect(200);
        const rows = res.body.rows as Row[];
        const dateOf = q.metric ? METRICS[q.metric].date : (c: Case) => c.start;
        const contributing = pool.filter((c) => dateOf(c) !== null);
        const groupKey = (c: Case) => JSON.stringify([...(time ? [year(dateOf(c))] : []), ...q.keys.map((k) => KEYS[k]!(c) ?? null)]);
        const rowKey = (r: Row) => JSON.stringify([...(time ? [String(r[time]).slice(0, 4)] : []), ...q.keys.map((k) => r[k] ?? null)]);
        const groups = new Map<string, Case[]>();
        for (const c of contributing) groups.set(groupKey(c), [...(groups.get(groupKey(c)) ?? []), c]);
        if (!q.metric) {
          const expected = [...groups].filter(([, g]) => publishedClients(g) >= K).map(([k]) => k).sort();
          expect(rows.map(rowKey).sort()).toEqual(expected);
          shown += rows.length;
          return;
        }
        // Rows withheld for their own size are dropped (existence), so the check runs over the groups.
        const complementary = new Set((res.body.meta.suppressed as { row: number; reason: string }[]).filter((s) => s.reason === 'complementary').map((s) => s.row));
        const byKey = new Map(rows.map((r, i) => [rowKey(r), { r, i }]));
        for (const [key, group] of groups) {
          const p = publishedClients(group);
          const got = byKey.get(key);
          const value = got?.r[q.metric] ?? null;
          if (p < K) {
            withheld++;
            expect({ key, published: p, value }).toEqual({ key, published: p, value: null });
          } else {
            shown++;
            expect({ key, published: p, present: got !== undefined, shownOrComplementary: got !== undefined && (value !== null || complementary.has(got.i)) }).toEqual({ key, published: p, present: true, shownOrComplementary: true });
          }
        }
        for (const key of byKey.keys()) expect(groups.has(key)).toBe(true);
      }),
      { numRuns: engineName === 'pglite' ? 30 : 15 },
    );
    expect(shown).toBeGreaterThan(0);
    expect(withheld).toBeGreaterThan(0);
  }, 300_000);
});
