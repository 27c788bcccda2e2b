/**
 * Property (issue 17): random queries as a council member (all rows) or as a district team (the
 * row filter of its role appended, as the access layer does) over the personal fixture model —
 * with and without metrics, simple, ratio, cumulative, derived-with-offset, derived-of-cumulatives,
 * filtered — and for every answer:
 *  1. no shown cell covers 1 … k−1 persons (and no derived count shows 1 … k−1),
 *  2. no difference of two consecutive shown periods of a cumulative metric covers 1 … k−1 persons,
 *  3. no total minus its shown parts gives a withheld cell back (every line has 0 or ≥ 2 withheld
 *     cells, unless nothing else in it is shown),
 *  4. a query without metrics lists only combinations of at least k persons.
 * True counts come from the rows read back with plain SQL and counted here, independently of the engine.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine, QueryResult } from '../../src/engine/types.js';
import { privacyEngine, seedPrivacyFixture } from '../fixtures/privacy/fixture.js';
import { ENGINES, openTestWarehouse, type TestWarehouse } from '../helpers/warehouses.js';

const K = 5;
type Row = Record<string, unknown>;
interface Care {
  client: number;
  district: string;
  age: string;
  day: string;
  granted: boolean;
}

const KEYS: Record<string, (r: Care) => string> = { request__district: (r) => r.district, request__age_band: (r) => r.age };
const FILTERS: [string, (r: Care) => boolean][] = [
  ["{{ Dimension('request__district') }} = 'Noord'", (r) => r.district === 'Noord'],
  ["{{ Dimension('request__district') }} IN ('Oost', 'Zuid')", (r) => r.district === 'Oost' || r.district === 'Zuid'],
  ["{{ Dimension('request__age_band') }} = 'old'", (r) => r.age === 'old'],
  ["{{ Dimension('request__age_band') }} <> 'old'", (r) => r.age !== 'old'],
  ["{{ TimeDimension('request__requested_at', 'day') }} >= '2024-07-01'", (r) => r.day >= '2024-07-01'],
  ["{{ Entity('client') }} <= 20", (r) => r.client <= 20],
];
/** A district team: its role's row filter is appended to every query (src/access). */
const TEAM: [string, (r: Care) => boolean] = ["{{ Dimension('request__district') }} = 'West'", (r) => r.district === 'West'];
const METRICS = ['care_requests', 'care_clients', 'granted_requests', 'grant_rate', 'care_requests_to_date', 'open_requests', 'requests_change'] as const;
type Metric = (typeof METRICS)[number];
const GRAINS = ['month', 'quarter'] as const;

const trunc = (day: string, grain: string): string => {
  const [y, m] = [day.slice(0, 4), Number(day.slice(5, 7))];
  if (grain === 'month') return `${y}-${String(m).padStart(2, '0')}-01`;
  if (grain === 'quarter') return `${y}-${String(Math.floor((m - 1) / 3) * 3 + 1).padStart(2, '0')}-01`;
  return day;
};
/** The last day of the period starting at `start`. */
const periodEnd = (start: string, grain: string): string => {
  const d = new Date(`${start}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + (grain === 'month' ? 1 : 3));
  d.setUTCDate(0);
  return d.toISOString().slice(0, 10);
};
const prevMonth = (start: string): string => {
  const d = new Date(`${start}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - 1);
  return d.toISOString().slice(0, 10);
};
const persons = (rows: readonly Care[]) => new Set(rows.map((r) => r.client)).size;
const small = (n: number) => n > 0 && n < K;
const day = (v: unknown) => String(v).slice(0, 10);

describe.each(ENGINES)('privacy property on %s', (engineName) => {
  let wh: TestWarehouse;
  let engine: Engine;
  let all: Care[];
  beforeAll(async () => {
    wh = await openTestWarehouse(engineName);
    await seedPrivacyFixture(wh);
    engine = privacyEngine(wh);
    const rows = await wh.query<Row>(`SELECT client_id, district, age_band, to_char(requested_at, 'YYYY-MM-DD') AS day, granted FROM care_requests`);
    all = rows.rows.map((r) => ({ client: Number(r.client_id), district: String(r.district), age: String(r.age_band), day: String(r.day), granted: Boolean(r.granted) }));
  });
  afterAll(async () => {
    await wh.dispose();
  });

  it('no answer reveals a group of 1 … k−1 persons', async () => {
    const arb = fc.record({
      team: fc.boolean(),
      metrics: fc.uniqueArray(fc.constantFrom(...METRICS), { maxLength: 2 }),
      keys: fc.uniqueArray(fc.constantFrom(...Object.keys(KEYS)), { maxLength: 2 }),
      grain: fc.option(fc.constantFrom(...GRAINS), { nil: undefined }),
      filters: fc.uniqueArray(fc.constantFrom(...FILTERS), { maxLength: 2, selector: (f) => f[0] }),
    });
    await fc.assert(
      fc.asyncProperty(arb, async (q) => {
        const filters = [...q.filters, ...(q.team ? [TEAM] : [])];
        const rows = all.filter((r) => filters.every(([, f]) => f(r)));
        // requests_change (an offset of one month) only by month; queries without metrics group by the model's own month.
        const grain = q.metrics.includes('requests_change') ? 'month' : q.grain;
        const time = grain === undefined ? undefined : q.metrics.length ? `metric_time__${grain}` : `request__requested_at__${grain}`;
        const groupBy = [...(time ? [time] : []), ...q.keys];
        if (q.metrics.length === 0 && groupBy.length === 0) return; // not a query
        const r = await engine.run({ metrics: [...q.metrics], groupBy, where: filters.map(([w]) => w) });
        const inCell = (row: Row, pool: readonly Care[] = rows) => pool.filter((c) => q.keys.every((k) => KEYS[k]!(c) === row[k]));

        if (q.metrics.length === 0) {
          // 4. Only combinations of at least k persons.
          for (const row of r.rows) {
            const cell = inCell(row).filter((c) => !time || trunc(c.day, grain!) === day(row[time]));
            expect(persons(cell)).toBeGreaterThanOrEqual(K);
          }
          return;
        }
        for (const metric of q.metrics as Metric[]) {
          for (const row of r.rows) {
            if (row[metric] === null || row[metric] === undefined) continue;
            expect({ metric, row, small: shownCellIsSmall(metric, row, inCell(row), time, grain) }).toMatchObject({ small: false });
          }
          // 2. Consecutive shown periods of a cumulative (alone or inside a derived) metric.
          if (time && (metric === 'care_requests_to_date' || metric === 'open_requests')) {
            for (const line of linesOf(r.rows, q.keys)) {
              const shown = line.filter((row) => row[metric] !== null).sort((a, b) => day(a[time]).localeCompare(day(b[time])));
              for (let i = 1; i < shown.length; i++) {
                const from = periodEnd(day(shown[i - 1]![time]), grain!);
                const to = periodEnd(day(shown[i]![time]), grain!);
                const between = inCell(shown[i]!).filter((c) => c.day > from && c.day <= to);
                // open_requests also needs its granted_to_date input's increment (both inputs are cumulative).
                const granted = metric === 'open_requests' && small(persons(between.filter((c) => c.granted)));
                expect({ metric, from, to, small: small(persons(between)) || granted }).toMatchObject({ small: false });
              }
            }
          }
          // 3. Totals minus shown parts (a group with data missing from the answer was dropped: withheld).
          const groups = rows.map((c) => Object.fromEntries([...(time ? [[time, trunc(c.day, grain!)]] : []), ...q.keys.map((k) => [k, KEYS[k]!(c)])]) as Row);
          expect(withheldLinesOk(r, metric, groupBy, groups)).toBe(true);
        }
      }),
      { numRuns: engineName === 'pglite' ? 40 : 15 },
    );
  }, 300_000);

  /** Whether a shown cell covers 1 … k−1 persons (or shows a derived count of 1 … k−1). */
  function shownCellIsSmall(metric: Metric, row: Row, cell: readonly Care[], time: string | undefined, grain: string | undefined): boolean {
    const start = time ? day(row[time]) : undefined;
    const inPeriod = (c: Care, p = start) => p === undefined || trunc(c.day, grain!) === p;
    const upTo = (c: Care) => start === undefined || c.day <= periodEnd(start, grain!);
    const period = cell.filter((c) => inPeriod(c));
    switch (metric) {
      case 'care_requests':
      case 'care_clients':
        return small(persons(period));
      case 'granted_requests':
        return small(persons(period.filter((c) => c.granted)));
      case 'grant_rate':
        return small(persons(period)) || small(persons(period.filter((c) => c.granted)));
      case 'care_requests_to_date':
        return small(persons(cell.filter(upTo))) || small(persons(period));
      case 'open_requests': {
        const window = cell.filter(upTo);
        const open = window.length - window.filter((c) => c.granted).length;
        return small(Math.abs(open)) || small(persons(window)) || small(persons(period)) || small(persons(period.filter((c) => c.granted)));
      }
      case 'requests_change': {
        const before = cell.filter((c) => inPeriod(c, prevMonth(start!)));
        return small(Math.abs(period.length - before.length)) || small(persons(period)) || small(persons(before));
      }
    }
  }
});

function linesOf(rows: readonly Row[], keys: readonly string[]): Row[][] {
  const out = new Map<string, Row[]>();
  for (const r of rows) {
    const id = JSON.stringify(keys.map((k) => r[k] ?? null));
    out.set(id, [...(out.get(id) ?? []), r]);
  }
  return [...out.values()];
}

const lineKey = (row: Row, keys: readonly string[]) => JSON.stringify(keys.map((k) => (row[k] === null || row[k] === undefined ? null : String(row[k]).slice(0, 10))));

/**
 * Every line (rows equal on all group-bys but one) has 0 or ≥ 2 withheld cells of `metric` — a group
 * of `all` missing from the answer (dropped) counts as withheld — unless nothing else in it is shown.
 */
function withheldLinesOk(r: QueryResult, metric: string, keys: readonly string[], all: readonly Row[]): boolean {
  const withheld = new Set((r.meta.suppressed ?? []).filter((s) => s.columns.includes(metric)).map((s) => s.row));
  const present = new Set(r.rows.map((row) => lineKey(row, keys)));
  const dropped = [...new Map(all.map((row) => [lineKey(row, keys), row])).values()].filter((row) => !present.has(lineKey(row, keys)));
  for (const g of keys) {
    const lineOf = (row: Row) => lineKey(row, keys.filter((k) => k !== g));
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
