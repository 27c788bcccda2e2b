/**
 * Small-cell suppression end to end on both engines, on a fixture we control (34 clients; Oost has
 * 6 requests of only 2 clients). Every number is checked against hand-written SQL, and a property
 * test checks over random queries and filters that no shown cell of a protected metric covers
 * fewer than k distinct subjects (counted with our own SQL).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine, QueryResult } from '../../src/engine/types.js';
import { privacyEngine, seedPrivacyFixture } from '../fixtures/privacy/fixture.js';
import { ENGINES, openTestWarehouse, type TestWarehouse } from '../helpers/warehouses.js';

const K = 5;
type Row = Record<string, unknown>;

/** The group-by items the property test draws from, with the SQL of each. */
const GROUPS: Record<string, string> = {
  request__district: 'district',
  request__age_band: 'age_band',
  metric_time__month: `to_char(date_trunc('month', requested_at), 'YYYY-MM-DD')`,
  metric_time__quarter: `to_char(date_trunc('quarter', requested_at), 'YYYY-MM-DD')`,
  client: 'client_id',
};

/** Filters as a user writes them, with the same condition in SQL. */
const FILTERS: [string, string][] = [
  ["{{ Dimension('request__district') }} = 'Noord'", `district = 'Noord'`],
  ["{{ Dimension('request__district') }} IN ('Oost', 'Zuid')", `district IN ('Oost', 'Zuid')`],
  ["{{ Dimension('request__age_band') }} = 'old'", `age_band = 'old'`],
  ["{{ TimeDimension('request__requested_at', 'day') }} >= '2024-07-01'", `requested_at >= DATE '2024-07-01'`],
  ["{{ Entity('client') }} <= 20", 'client_id <= 20'],
];

/** Distinct subjects behind a cell of each protected metric, in our own SQL (ratio: the minimum over its inputs). */
const SUBJECTS: Record<string, string> = {
  care_requests: 'COUNT(DISTINCT client_id)',
  care_clients: 'COUNT(DISTINCT client_id)',
  granted_requests: 'COUNT(DISTINCT CASE WHEN granted THEN client_id END)',
  grant_rate: 'LEAST(COUNT(DISTINCT CASE WHEN granted THEN client_id END), COUNT(DISTINCT client_id))',
  requested_amount: 'COUNT(DISTINCT CASE WHEN amount <> 0 THEN client_id END)',
  median_amount: 'COUNT(DISTINCT CASE WHEN amount IS NOT NULL THEN client_id END)',
};
const METRICS = Object.keys(SUBJECTS);

const keyOf = (row: Row, groups: readonly string[]) => JSON.stringify(groups.map((g) => (row[g] === null || row[g] === undefined ? null : String(row[g]))));

describe.each(ENGINES)('small-cell suppression on %s', (engineName) => {
  let wh: TestWarehouse;
  let engine: Engine;
  beforeAll(async () => {
    wh = await openTestWarehouse(engineName);
    await seedPrivacyFixture(wh);
    engine = privacyEngine(wh);
  });
  afterAll(async () => {
    await wh.dispose();
  });

  const sql = async (text: string) => (await wh.query<Row>(text)).rows;

  it('withholds districts with fewer than k clients (not requests) and complements the single one', async () => {
    const r = await engine.run({ metrics: ['care_requests', 'care_clients'], groupBy: ['request__district'], orderBy: ['request__district'] });
    const hand = await sql(`SELECT district, COUNT(*)::int AS n, COUNT(DISTINCT client_id)::int AS s FROM care_requests GROUP BY district ORDER BY district`);
    expect(hand.map((h) => [h.district, h.n, h.s])).toEqual([['Noord', 23, 15], ['Oost', 6, 2], ['West', 15, 10], ['Zuid', 10, 7]]);
    // Oost: 6 requests but 2 clients → withheld, and as every value of its row is withheld for its
    // own size, the row is dropped (its existence would name a small group). It alone would follow
    // from the total, so the district with the fewest clients among the rest (Zuid, 7) is withheld too.
    expect(r.rows).toEqual([
      { request__district: 'Noord', care_requests: 23, care_clients: 15 },
      { request__district: 'West', care_requests: 15, care_clients: 10 },
      { request__district: 'Zuid', care_requests: null, care_clients: null },
    ]);
    expect(r.meta.suppressed).toEqual([{ row: 2, columns: ['care_requests', 'care_clients'], reason: 'complementary', k: K }]);
    expect(r.columns.map((c) => c.name)).toEqual(['request__district', 'care_requests', 'care_clients']);
    expect(Object.keys(r.rows[0]!).some((k) => k.startsWith('__subjects'))).toBe(false);
  });

  it('leaves unprotected metrics alone and reports an empty list when nothing is withheld', async () => {
    const r = await engine.run({ metrics: ['care_requests', 'visitors'], groupBy: ['metric_time__year'] });
    const [hand] = await sql(`SELECT (SELECT COUNT(*) FROM care_requests)::int AS n, (SELECT SUM(visitors) FROM open_counters)::int AS v`);
    expect(r.rows).toEqual([{ metric_time__year: '2024-01-01', care_requests: hand!.n, visitors: hand!.v }]);
    expect(r.meta.suppressed).toEqual([]);
    const open = await engine.run({ metrics: ['visitors'] });
    expect(open.rows).toEqual([{ visitors: 7 }]);
    expect(open.meta).not.toHaveProperty('suppressed');
  });

  it('ordering by a protected metric sorts withheld cells last, and limit cuts after suppression', async () => {
    const desc = await engine.run({ metrics: ['care_requests'], groupBy: ['request__district'], orderBy: ['-care_requests'] });
    // Oost (2 clients, dropped) would sort past every shown cell, not first by its true value 6.
    expect(desc.rows.map((r) => [r.request__district, r.care_requests])).toEqual([['Noord', 23], ['West', 15], ['Zuid', null]]);
    // With a limit the complementary cell (Zuid) is still withheld: the same cells as without limit.
    const top = await engine.run({ metrics: ['care_requests'], groupBy: ['request__district'], orderBy: ['care_requests'], limit: 2 });
    expect(top.rows).toEqual([{ request__district: 'Zuid', care_requests: null }, { request__district: 'West', care_requests: 15 }]);
    expect(top.meta.suppressed).toEqual([{ row: 0, columns: ['care_requests'], reason: 'complementary', k: K }]);
    expect(top.meta.rowCount).toBe(2);
  });

  it('a filter that narrows everything to fewer than k subjects is a suppressed cell', async () => {
    const r = await engine.run({ metrics: ['care_requests'], where: "{{ Dimension('request__district') }} = 'Oost'" });
    const [hand] = await sql(`SELECT COUNT(*)::int AS n, COUNT(DISTINCT client_id)::int AS s FROM care_requests WHERE district = 'Oost'`);
    expect(hand).toEqual({ n: 6, s: 2 });
    expect(r.rows).toEqual([{ care_requests: null }]);
    expect(r.meta.suppressed).toEqual([{ row: 0, columns: ['care_requests'], reason: 'min_group_size', k: K }]);
  });

  it('ratio without its own k is protected by its inputs (numerator subjects count)', async () => {
    const r = await engine.run({ metrics: ['grant_rate', 'granted_requests'], groupBy: ['request__age_band'], orderBy: ['request__age_band'] });
    const hand = await sql(`SELECT age_band, SUM(CASE WHEN granted THEN 1 ELSE 0 END)::float8 / COUNT(*) AS rate,
        COUNT(DISTINCT CASE WHEN granted THEN client_id END)::int AS s FROM care_requests GROUP BY age_band ORDER BY age_band`);
    expect(hand.every((h) => (h.s as number) >= K)).toBe(true);
    expect(r.rows.map((x) => x.grant_rate)).toEqual(hand.map((h) => h.rate));
    expect(r.meta.suppressed).toEqual([]);
  });

  it('rounds requested_amount to its base of 10 (shown cells only)', async () => {
    const r = await engine.run({ metrics: ['requested_amount'], groupBy: ['request__district'], orderBy: ['request__district'] });
    const hand = await sql(`SELECT district, SUM(amount)::float8 AS a FROM care_requests GROUP BY district ORDER BY district`);
    // Oost's row is dropped (withheld for its own size); Zuid is its complement.
    expect(r.rows.map((x) => x.requested_amount)).toEqual([Math.round((hand[0]!.a as number) / 10) * 10, Math.round((hand[2]!.a as number) / 10) * 10, null]);
  });

  it('complementary suppression in two dimensions keeps every line at zero or at least two withheld cells', async () => {
    const r = await engine.run({ metrics: ['care_requests'], groupBy: ['request__district', 'request__age_band'], orderBy: ['request__district', 'request__age_band'] });
    const hand = await sql(`SELECT district, age_band, COUNT(*)::int AS n, COUNT(DISTINCT client_id)::int AS s FROM care_requests GROUP BY 1, 2 ORDER BY 1, 2`);
    // Cells of fewer than k clients: their rows are dropped; the rest are shown or withheld as complements.
    const big = hand.filter((h) => (h.s as number) >= K);
    expect(big.length).toBeLessThan(hand.length);
    expect(r.rows.map((x) => [x.request__district, x.request__age_band])).toEqual(big.map((h) => [h.district, h.age_band]));
    expect(r.meta.suppressed!.every((s) => s.reason === 'complementary')).toBe(true);
    r.rows.forEach((row, i) => expect(row.care_requests).toBe(r.meta.suppressed!.some((s) => s.row === i) ? null : big[i]!.n));
    const all = hand.map((h) => ({ request__district: h.district, request__age_band: h.age_band }));
    expect(withheldLinesOk(r, 'care_requests', ['request__district', 'request__age_band'], all)).toBe(true);
  });

  it('cumulative metrics are suppressed by their window’s and their increment’s subjects', async () => {
    const r = await engine.run({ metrics: ['care_requests_to_date'], groupBy: ['metric_time__quarter'], orderBy: ['metric_time__quarter'] });
    // period_agg last: the running total on the last spine day of each quarter; its increment is the quarter's own requests.
    const hand = await sql(`SELECT to_char(q, 'YYYY-MM-DD') AS q,
          (SELECT COUNT(*) FROM care_requests WHERE requested_at <= l)::int AS n,
          (SELECT COUNT(DISTINCT client_id) FROM care_requests WHERE requested_at <= l)::int AS s,
          (SELECT COUNT(DISTINCT client_id) FROM care_requests WHERE date_trunc('quarter', requested_at) = q)::int AS inc
        FROM (SELECT date_trunc('quarter', d) AS q, MAX(d) AS l FROM generate_series(date '2023-12-01', date '2025-01-31', interval '1 day') AS g(d) GROUP BY 1) x
        WHERE EXISTS (SELECT 1 FROM care_requests WHERE requested_at <= l) ORDER BY 1`);
    expect(hand.map((h) => [h.n, h.s, h.inc])).toEqual([[15, 15, 15], [27, 23, 12], [41, 31, 14], [54, 34, 13], [54, 34, 0]]);
    // 2025-Q1 has no new requests (increment 0 < k): withheld; it alone would follow from its line, so the smallest other (Q2, 12) goes too.
    expect(r.rows.map((x) => [x.metric_time__quarter, x.care_requests_to_date])).toEqual(hand.map((h, i) => [h.q, i === 1 || i === 4 ? null : h.n]));
    expect(r.meta.suppressed!.map((x) => [x.row, x.reason])).toEqual([[1, 'complementary'], [4, 'min_group_size']]);
    const d = await engine.run({ metrics: ['requests_change'], groupBy: ['metric_time__month', 'request__district'], where: "{{ Dimension('request__district') }} = 'Oost'" });
    expect(d.rows.length).toBeGreaterThan(0);
    expect(d.rows.every((x) => x.requests_change === null)).toBe(true);
  });

  it('no shown cell of a protected metric covers fewer than k subjects (property, random queries and filters)', async () => {
    const queryArb = fc.record({
      metrics: fc.uniqueArray(fc.constantFrom(...METRICS), { minLength: 1, maxLength: 3 }),
      groupBy: fc.uniqueArray(fc.constantFrom(...Object.keys(GROUPS)), { maxLength: 2 }),
      filters: fc.uniqueArray(fc.constantFrom(...FILTERS), { maxLength: 2, selector: (f) => f[0] }),
      ranged: fc.boolean(),
      sortDescending: fc.option(fc.boolean(), { nil: undefined }),
      limit: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(queryArb, async (q) => {
        const groupBy = q.groupBy.filter((g) => !(g.startsWith('metric_time') && q.groupBy.some((o) => o !== g && o.startsWith('metric_time'))));
        const r = await engine.run({
          metrics: q.metrics,
          groupBy,
          where: q.filters.map((f) => f[0]),
          ...(q.ranged ? { timeRange: { start: '2024-03-01', end: '2024-10-31' } } : {}),
          ...(q.sortDescending !== undefined ? { orderBy: [`${q.sortDescending ? '-' : ''}${q.metrics[0]}`] } : {}),
          ...(q.limit !== undefined ? { limit: q.limit } : {}),
        });
        // The time range widens to whole periods of the metric_time grain grouped by (as MetricFlow).
        const range = groupBy.includes('metric_time__quarter') ? ['2024-01-01', '2024-12-31'] : ['2024-03-01', '2024-10-31'];
        const where = [...q.filters.map((f) => f[1]), ...(q.ranged ? [`requested_at BETWEEN DATE '${range[0]}' AND DATE '${range[1]}'`] : []), 'TRUE'].join(' AND ');
        if (q.sortDescending !== undefined) {
          // Cells withheld for their own size sort past every shown cell: their rank stays hidden.
          const primary = (r.meta.suppressed ?? []).filter((x) => x.reason === 'min_group_size' && x.columns.includes(q.metrics[0]!)).map((x) => x.row);
          const lastShown = r.rows.findLastIndex((row) => row[q.metrics[0]!] !== null);
          expect(primary.every((i) => i > lastShown)).toBe(true);
        }
        const keys = groupBy.map((g) => GROUPS[g]!);
        for (const metric of q.metrics) {
          const check = await sql(
            `SELECT ${[...keys.map((k, i) => `${k} AS g${i}`), `${SUBJECTS[metric]} AS s`].join(', ')} FROM care_requests WHERE ${where}${keys.length ? ` GROUP BY ${keys.map((_, i) => i + 1).join(', ')}` : ''}`,
          );
          const subjects = new Map(check.map((c) => [keyOf(c, groupBy.map((_, i) => `g${i}`)), Number(c.s)]));
          for (const row of r.rows) {
            if (row[metric] === null) continue;
            expect(subjects.get(keyOf(row, groupBy)) ?? 0).toBeGreaterThanOrEqual(K);
          }
          // Lines are only whole without a limit (the limit cuts after suppression).
          const all = check.map((c) => Object.fromEntries(groupBy.map((g, i) => [g, c[`g${i}`]])));
          if (q.limit === undefined) expect(withheldLinesOk(r, metric, groupBy, all)).toBe(true);
        }
      }),
      { numRuns: 40 },
    );
  });
});

/**
 * Every line (rows equal on all group-bys but one) has 0 or ≥ 2 withheld cells of `metric` — a row
 * of `all` (every group with data) missing from the answer counts as withheld (dropped) — unless
 * nothing else in the line is shown.
 */
function withheldLinesOk(r: QueryResult, metric: string, keys: readonly string[], all: readonly Row[] = []): boolean {
  const withheld = new Set((r.meta.suppressed ?? []).filter((s) => s.columns.includes(metric)).map((s) => s.row));
  const present = new Set(r.rows.map((row) => keyOf(row, keys)));
  const dropped = all.filter((row) => !present.has(keyOf(row, keys)));
  for (const g of keys) {
    const lineOf = (row: Row) => keyOf(row, keys.filter((k) => k !== g));
    const lines = new Map<string, number[]>();
    r.rows.forEach((row, i) => lines.set(lineOf(row), [...(lines.get(lineOf(row)) ?? []), i]));
    for (const [id, line] of lines) {
      const n = line.filter((i) => withheld.has(i)).length + dropped.filter((row) => lineOf(row) === id).length;
      const others = line.filter((i) => !withheld.has(i) && r.rows[i]![metric] !== null).length;
      if (n === 1 && others > 0) return false;
    }
  }
  return true;
}
